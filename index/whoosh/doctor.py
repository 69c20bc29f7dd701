"""``portal doctor``: what is wrong with an index, said in Chinese, one finding a line.

Checks the pointer (``CURRENT``), generations left unfinished, every committed file against the checksum
saved at its commit (:mod:`index.whoosh.checksums`), that Whoosh can open the commit, the sources record, and that
the arrays and vocabulary saved beside the commit are whole and belong to it.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from index.diagnosis import DAMAGED, NOTE, OK, Finding
from index.whoosh import checksums, generations

__all__ = ["DAMAGED", "NOTE", "OK", "Finding", "diagnose"]


def diagnose(index_dir: Path) -> list[Finding]:
    """Every finding about the index at ``index_dir``; any DAMAGED one means it needs ``--rebuild`` or repair."""
    if not index_dir.is_dir():
        return [Finding(DAMAGED, f"{index_dir}: 没有索引目录（先运行 portal ingest）")]
    findings = []
    live = generations.live_generation(index_dir)
    pointer = index_dir / generations.CURRENT
    if live is None or generations.read_current(index_dir) is None or generations.current_pointed(index_dir) is None:
        state = "缺失" if not pointer.exists() else "损坏或指向不存在的版本"
        if live is not None:
            findings.append(
                Finding(
                    DAMAGED,
                    f"{pointer}: {state}；检索读取最新的完整版本 {live.name}，"
                    "下次 portal ingest 会让 CURRENT 重新指向它",
                )
            )
        else:
            findings.append(Finding(DAMAGED, f"{pointer}: {state}，也没有完整的索引版本（运行 portal ingest）"))
            return findings
    else:
        findings.append(Finding(OK, f"{pointer}: 指向 {live.name}"))
    for generation in sorted(index_dir.glob("gen-*")):
        if generation != live and (generation / generations.BUILDING).exists():
            findings.append(Finding(NOTE, f"{generation}: 未完成的建库，下次 portal ingest 时删除"))
    try:
        unchecked = checksums.verify(live)
    except checksums.Damaged as exc:
        findings.append(Finding(DAMAGED, str(exc)))
        return findings
    manifest = json.loads((live / checksums.MANIFEST).read_text("utf-8")) if not unchecked else {}
    if unchecked:
        findings.append(Finding(NOTE, unchecked))
    else:
        findings.append(Finding(OK, f"{live}: {len(manifest['files'])} 个文件与提交时保存的校验和一致"))
    try:
        ix = generations.open_current(index_dir)
    except (generations.DamagedIndex, generations.NoIndex) as exc:
        findings.append(Finding(DAMAGED, str(exc)))
        return findings
    findings += _sources(live)
    with ix.searcher() as searcher:
        findings += _saved(live, searcher.reader())
    return findings


def _sources(live: Path) -> list[Finding]:
    path = live / generations.SOURCES
    try:
        json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return [Finding(NOTE, f"{path}: 没有来源记录，下次收录会重读所有文件")]
    except (OSError, ValueError) as exc:
        return [Finding(DAMAGED, f"{path}: 来源记录损坏（{exc}），下次收录会重读所有文件")]
    return [Finding(OK, f"{path}: 来源记录可读")]


def _saved(live: Path, reader) -> list[Finding]:
    """The arrays, lexicon, words and vocabulary saved beside the commit: whole, and saved for this commit of this
    index."""
    from index.whoosh.arrays import commit_version, saved_problem
    from index.whoosh.catalog import SAVED

    version = commit_version(live.name, reader)
    findings = []
    for path in sorted(path for kind in SAVED for path in live.glob(f"{kind}-*.pickle")):
        problem = saved_problem(path)
        if problem:
            findings.append(Finding(DAMAGED, f"{path}: {problem}；检索时不使用它，重新推导"))
            continue
        if path.name.startswith("arrays-"):
            state = pickle.loads(checksums.unseal(path.read_bytes()))
            if not isinstance(state, dict) or state.get("version") != version:
                findings.append(
                    Finding(
                        DAMAGED, f"{path}: 不属于当前提交（另一个索引或另一次提交的数组）；检索时不使用它，重新推导"
                    )
                )
                continue
        findings.append(Finding(OK, f"{path}: 完好" + ("，属于当前提交" if path.name.startswith("arrays-") else "")))
    return findings
