"""Damage is detected and said (issue 18, item 3): a truncated or bit-flipped table of contents or segment is
refused when the index is opened, naming the file; ``portal doctor`` says what is wrong and exits 1; the web
portal answers 503 with a clear page, never a 500; ``portal ingest --rebuild`` builds the index again from the
sources whatever the live one holds; arrays saved for another index, or damaged, are never used."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from index.query import SearchRequest
from index.whoosh import checksums, generations
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from portal.app import create_app
from portal.settings import load_settings


def _docs(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        record = {
            "索引号": f"014319733/2024-{n:05d}",
            "标题": f"第{n}号低保通知",
            "正文": f"第{n}号通知：低保标准提高。",
        }
        (folder / f"{n}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return folder


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _toc(generation: Path) -> Path:
    return checksums.latest_toc(generation)


def _segment(generation: Path) -> Path:
    [segment] = generation.glob("MAIN_*.seg")
    return segment


DAMAGE = {
    "truncated TOC": (_toc, _cut),
    "bit-flipped TOC": (_toc, _flip),
    "bit-flipped segment": (_segment, _flip),
    "truncated segment": (_segment, _cut),
}


def _portal(index_dir: Path, *args: str):
    """``portal ARGS`` on the Whoosh index at ``index_dir``, in this process (click's runner)."""
    from click.testing import CliRunner

    from portal.cli import cli

    environment = {"PORTAL_INDEX_DIR": str(index_dir), "PORTAL_STORE": "whoosh"}
    return CliRunner().invoke(cli, list(args), env=environment)


def _total(index_dir: Path) -> int:
    catalog = Catalog(index_dir)
    try:
        return catalog.search(SearchRequest(q="")).total
    finally:
        catalog.close()


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_file_is_refused_naming_it_and_rebuild_works_from_the_sources(tmp_path, damage) -> None:
    docs, index_dir = _docs(tmp_path / "docs", 6), tmp_path / "index"
    ingest_paths([docs], index_dir)
    which, how = DAMAGE[damage]
    damaged = which(generations.current_generation(index_dir))
    how(damaged)

    with pytest.raises(generations.DamagedIndex, match=str(damaged)):
        _total(index_dir)
    doctor = _portal(index_dir, "doctor")
    assert doctor.exit_code == 1 and f"损坏：{damaged}: " in doctor.stdout, doctor.output
    search = _portal(index_dir, "search", "低保")  # checks the blocks it reads (all of this small index)
    assert search.exit_code == 1 and str(damaged) in search.output and search.exc_info[0] is SystemExit
    plain = _portal(index_dir, "ingest", str(docs))
    assert plain.exit_code == 1 and str(damaged) in plain.output and plain.exc_info[0] is SystemExit

    settings = replace(load_settings({"PORTAL_INDEX_DIR": str(index_dir)}), allowed_hosts=("testserver",))
    app = create_app(settings)  # the Whoosh store whatever PORTAL_STORE the suite runs with
    with TestClient(app) as client:
        for url in ("/search?q=低保", "/", "/doc/014319733/2024-00001"):
            response = client.get(url)
            assert response.status_code == 503, (url, response.status_code)
            assert "检索索引已损坏" in response.text and "Traceback" not in response.text

    rebuild = _portal(index_dir, "ingest", "--rebuild", str(docs))
    assert rebuild.exit_code == 0, rebuild.output
    assert _portal(index_dir, "doctor").exit_code == 0
    assert _total(index_dir) == 6


def _as_older_code_saved(generation: Path) -> None:
    """Rewrite the generation's checksums as code before XXH3 saved them: ``[size, crc32]`` per file."""
    path = generation / checksums.MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    manifest["files"] = {
        name: [entry[0], checksums.crc(generation / name)] for name, entry in manifest["files"].items()
    }
    path.write_text(json.dumps(manifest), "utf-8")


def test_checksums_saved_by_older_code_are_checked_with_their_own_algorithm(tmp_path) -> None:
    docs, index_dir = _docs(tmp_path / "docs", 4), tmp_path / "index"
    ingest_paths([docs], index_dir)
    generation = generations.current_generation(index_dir)
    saved = json.loads((generation / checksums.MANIFEST).read_text("utf-8"))["files"]
    assert {entry[2] for entry in saved.values()} == {checksums.XXH3}
    _as_older_code_saved(generation)

    assert checksums.verify(generation) == "" and _total(index_dir) == 4  # a sound old-style index opens
    _flip(_segment(generation))
    with pytest.raises(generations.DamagedIndex, match="校验和"):
        _total(index_dir)


def test_a_later_commit_keeps_an_older_entry_rather_than_blessing_the_file_again(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 4)], index_dir)
    generation = generations.current_generation(index_dir)
    _as_older_code_saved(generation)
    segment = _segment(generation)
    before = json.loads((generation / checksums.MANIFEST).read_text("utf-8"))["files"][segment.name]
    _flip(segment)

    checksums.record(generation, [segment])

    assert json.loads((generation / checksums.MANIFEST).read_text("utf-8"))["files"][segment.name] == before
    with pytest.raises(checksums.Damaged, match="校验和"):
        checksums.verify(generation)


def test_a_later_commit_gives_a_sound_older_entry_its_block_hashes(tmp_path) -> None:
    """An entry saved before block hashes gains them at the next commit where its file still matches it: an index
    committed by older code is then checked as it is read, like a new one."""
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 4)], index_dir)
    generation = generations.current_generation(index_dir)
    _as_older_code_saved(generation)
    segment = _segment(generation)

    checksums.record(generation, [segment])

    entry = json.loads((generation / checksums.MANIFEST).read_text("utf-8"))["files"][segment.name]
    assert entry[:3] == [segment.stat().st_size, checksums.digest(segment), checksums.XXH3] and len(entry) == 5
    assert set(checksums.checks_as_read(generation)[1]) == {segment.name, _toc(generation).name}


def test_arrays_of_another_index_under_the_same_name_are_not_used(tmp_path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    ingest_paths([_docs(tmp_path / "six", 6)], mine)
    ingest_paths([_docs(tmp_path / "two", 2)], other)
    [arrays] = generations.current_generation(mine).glob("arrays-*.pickle")
    shutil.copyfile(generations.current_generation(other) / arrays.name, arrays)  # the same generation and commit

    assert _total(mine) == 6
    doctor = _portal(mine, "doctor")
    assert doctor.exit_code == 1 and f"损坏：{arrays}: 不属于当前提交" in doctor.stdout, doctor.stdout


def test_damaged_saved_arrays_are_not_used(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 5)], index_dir)
    [arrays] = generations.current_generation(index_dir).glob("arrays-*.pickle")
    _flip(arrays)

    assert _total(index_dir) == 5
    doctor = _portal(index_dir, "doctor")
    assert doctor.exit_code == 1 and f"损坏：{arrays}: " in doctor.stdout, doctor.stdout


def test_a_sound_index_passes_the_doctor(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 3)], index_dir)
    doctor = _portal(index_dir, "doctor")
    assert doctor.exit_code == 0, doctor.stdout
    assert "损坏" not in doctor.stdout and "与提交时保存的校验和一致" in doctor.stdout


DAMAGE_PAGE = "检索索引已损坏"  # portal/errors.py's damaged_index
AFTER_DAMAGE = ("/search?q=通知", "/search?q=标准", "/search?q=低保", "/search?q=提高", "/doc/014319733/2024-00001")
_NAMED = re.compile(r"014319733/2024-[0-9]{5}|第[0-9]+号低保通.")  # a document's 索引号 and title, as _docs wrote them


def _garble(data: bytearray) -> None:
    """Half the file garbled: postings and stored fields that may no longer parse."""
    for at in range(len(data) // 4, 3 * len(data) // 4, 7):
        data[at] ^= 0x55


def _retitle(data: bytearray) -> None:
    """A stored title changed in place, in bytes that still parse: only a checksum can tell."""
    old, new = "第1号低保通知".encode(), "第1号低保通告".encode()
    at = data.find(old)
    assert at >= 0 and len(old) == len(new)
    data[at : at + len(old)] = new


def _client(index_dir: Path) -> TestClient:
    settings = replace(load_settings({"PORTAL_INDEX_DIR": str(index_dir)}), allowed_hosts=("testserver",))
    return TestClient(create_app(settings), raise_server_exceptions=False)


def _answer(response) -> tuple[int, list[str]]:
    """A response's status and the documents it names (索引号 and titles, marks taken out), in order."""
    return response.status_code, _NAMED.findall(re.sub(r"<[^>]*>", "", response.text))


@pytest.mark.parametrize("damage", [_garble, _retitle], ids=["garbled", "retitled"])
def test_a_segment_damaged_while_the_portal_runs_answers_503_not_500(tmp_path, damage) -> None:
    """A segment damaged while the portal runs (after the server hashed it whole at open): a request that reads a
    damaged block (checksums.BLOCK; this segment is one) answers 503 with the damage page, never a 500 and never a
    wrong answer (a search finding nothing or showing a changed title, a 404 for a document that is there); one
    that reads nothing of it (answered from what the server holds in memory) answers as a sound copy of the index
    does. A look-up by 索引号 reads the segment's term table: 503."""
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 6)], index_dir)
    shutil.copytree(index_dir, tmp_path / "sound")
    with _client(tmp_path / "sound") as client:
        sound = [_answer(client.get(url)) for url in AFTER_DAMAGE]
    assert all(code == 200 for code, _ in sound), sound
    with _client(index_dir) as client:
        assert client.get("/search?q=低保").status_code == 200
        drawn = client.get("/doc/014319733/2024-00002")  # kept by the page cache for this commit
        segment = _segment(generations.current_generation(index_dir))
        data = bytearray(segment.read_bytes())
        damage(data)
        segment.write_bytes(bytes(data))
        answers = [client.get(url) for url in AFTER_DAMAGE]
        again = client.get("/doc/014319733/2024-00002")
    for url, answer, before in zip(AFTER_DAMAGE, answers, sound, strict=True):
        assert (answer.status_code == 503 and DAMAGE_PAGE in answer.text) or _answer(answer) == before, (url, answer)
    assert answers[-1].status_code == 503, [a.status_code for a in answers]
    assert drawn.status_code == again.status_code == 200 and again.text == drawn.text
