"""Field fidelity on real disclosure pages: ``python -m bench.fidelity [--split tune|held_out|all] [--json]``.

The collection is real detail pages (and the JSON and CSV exports that feed such pages) saved by public repositories
(or public pages as a search tool's store keeps their text), each gz-compressed under ``pages/`` of the real-input
folder (:func:`real_inputs`: ``$PORTAL_REAL_INPUTS``, else ``../shared/fidelity`` beside the checkout; third-party
material is kept out of the repository, see the README), and ``tests/fidelity/manifest.json`` (with
``manifest.d/*.json`` appended) giving per page its source (repository, path, commit; or the page's url), its site,
its template family, its input ``kind`` (html, text, json, csv), its split and the right value of every field as
read by hand from the page itself. An export holding several records has one manifest entry per judged record, each
naming its ``record`` (1-based, in the order the reader yields the file's records); each such record counts as a
page.

Each page goes through the portal's own reading path, the one ``portal ingest`` takes for a file:
:func:`index.readers.read_file` (the reader chosen by content), then :func:`index.ingest.read_document`
(normalisation, limits, attachments). A page that yields no document, or a reader that raises, scores every
one of its fields wrong, and is listed.

The split is by site, decided from the site's name alone (:func:`split_of`: a SHA-1 of the name), so no
page of a held-out site is ever seen while tuning. Only shares are printed for the held-out split: its wrong
fields and the pages that gave no document are listed for the tune split alone (``--failures``).

Comparison (:func:`same`) is on meaning, not bytes; both sides go through the same rules:

* every value: Unicode NFKC, all whitespace (also U+3000 and NBSP) removed;
* ``doc_no``: every bracket pair around the year (``[] ［］ 【】 () （） 〔〕 〖〗 ﹝﹞``) is ``〔〕``;
* ``index_no``: upper case; ``－ — ‐ ~`` are ``-``;
* ``written_date``, ``pub_date``: ``2021年1月5日``, ``2021/1/5``, ``2021.01.05`` and ``2021-01-05 10:20`` are all
  ``2021-01-05`` (to the precision the page gives);
* ``publisher``: joint issuers are compared as a set, split on ``、 , ， ; ；`` and spaces;
* ``category``: right when the printed 分类 equals one of the document's classification dimensions or their
  join; ``\\ / ＼ ／ > -`` between levels are one separator;
* ``validity``: the printed word in one vocabulary (有效 / 失效 / 废止 / 已修改 / 尚未生效);
* ``keywords`` and ``attachments``: compared as sets (attachments by their shown names, a file extension
  at the end of a name ignored);
* ``body_head``: the expected text starts within the body's first 150 characters, and what comes before it
  (the document's own title and 文号 lines, say) holds neither page furniture nor metadata labels (a
  second copy of the 索引号 table, 打印 / 字体 links);
* ``body_tail``: the body ends with the expected text, or with it followed only by attachment names (a
  page's download list at the foot of its text, at most 200 characters, holding no page furniture such
  as 打印 / 关闭 / 收藏).

An expected value of ``""`` means the page shows none: the portal is right to give none. ``null`` (or a
missing key) means not judged. ``{"any": [a, b]}`` means either is right (a short name as printed, or the
full name the site itself gives for it).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
REAL_INPUTS_VARIABLE = "PORTAL_REAL_INPUTS"


def real_inputs() -> Path:
    """The folder of real third-party inputs: ``$PORTAL_REAL_INPUTS`` where set, else ``<checkout>/../shared/fidelity``
    (beside the checkout, as ``../shared/corpus`` is). It holds ``pages/`` (the fidelity collection's files, named
    ``pages/<name>`` by the manifest) and ``fixtures/`` (the real pages and responses the tests read, under the names
    they had in ``tests/fixtures/``). It is kept outside the repository because the search tool that found these
    files says to commit none of them (its README: data files only under the steering repository's ``shared/``).
    The folder may be absent; :func:`missing_inputs` says so."""
    configured = os.environ.get(REAL_INPUTS_VARIABLE)
    return Path(configured) if configured else ROOT.parent / "shared" / "fidelity"


COLLECTION = real_inputs()  # the root the manifest's ``file`` names (``pages/<name>``) are relative to
PAGES = COLLECTION / "pages"
FIXTURES = COLLECTION / "fixtures"
MANIFEST = ROOT / "tests" / "fidelity" / "manifest.json"


def missing_inputs(root: Path = COLLECTION) -> str | None:
    """Why the real inputs cannot be read (a sentence naming the folder), or ``None`` where ``root/pages`` is there."""
    if (root / "pages").is_dir():
        return None
    return (
        f"needs {root} (set {REAL_INPUTS_VARIABLE} or put the folder beside the checkout as ../shared/fidelity): "
        "real third-party pages are kept outside the repository"
    )


FIELDS = (
    "title",
    "index_no",
    "doc_no",
    "publisher",
    "category",
    "written_date",
    "pub_date",
    "validity",
    "keywords",
    "body_head",
    "body_tail",
    "attachments",
)
SPLITS = ("tune", "held_out")


def split_of(site: str) -> str:
    """``tune`` or ``held_out`` for a site, from the first byte of the SHA-1 of its name (even: tune)."""
    return SPLITS[hashlib.sha1(site.encode("utf-8")).digest()[0] % 2]


# Comparison rules --------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({c: "〔" for c in "[［【(（〖﹝"} | {c: "〕" for c in "]］】)）〗﹞"})
_DASHES = str.maketrans({c: "-" for c in "－—–‐‑~～_"})
_DATE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})(?:\s*[月./\-]\s*(\d{1,2}))?")
_YEAR = re.compile(r"^(\d{4})年?$")
_LEVELS = re.compile(r"[\\/＼／>＞\-－|]+")
_SEPARATORS = re.compile(r"[、,，;；\s]+")
_EXTENSION = re.compile(r"\.(pdf|docx?|xlsx?|wps|zip|rar|ofd|txt|jpe?g|png|et)$", re.IGNORECASE)
_FURNITURE = ("打印", "关闭", "收藏", "分享", "字体", "返回顶部", "扫一扫", "浏览次数", "访问量", "点击数", "阅读数")
_LABELS = (
    "索引号",
    "发布机构",
    "发文机关",
    "成文日期",
    "发布日期",
    "发文字号",
    "主题分类",
    "信息来源",
    "公布日期",
    "施行日期",
    "制定机关",
    "效力位阶",
    "时效性",
    "有效性",
)
_VALIDITY = (
    ("尚未生效", ("尚未生效", "未生效")),
    ("废止", ("废止", "作废", "撤销")),
    ("已修改", ("已修改", "已修订", "修改", "修订")),
    ("失效", ("失效", "过期", "否")),
    ("有效", ("有效", "现行", "是")),
)


def squeeze(value: object) -> str:
    """NFKC, and no whitespace at all."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value or "")))


def norm_doc_no(value: object) -> str:
    # NFKC first turns full-width （） into ASCII (); then every bracket is 〔〕.
    return squeeze(value).translate(_BRACKETS)


def norm_index_no(value: object) -> str:
    return squeeze(value).upper().translate(_DASHES)


def norm_date(value: object) -> str:
    text = squeeze(value)
    match = _DATE.search(text)
    if match:
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    year = _YEAR.match(text)
    return year.group(1) if year else text


def norm_validity(value: object) -> str:
    text = squeeze(value)
    for meaning, words in _VALIDITY:
        if any(word in text for word in words):
            return meaning
    return text


def norm_set(values: object) -> frozenset[str]:
    if isinstance(values, str):
        values = _SEPARATORS.split(values)
    return frozenset(v for v in (squeeze(x) for x in cast(Iterable[object], values or [])) if v)


def norm_level(value: object) -> str:
    return _LEVELS.sub("/", squeeze(value)).strip("/")


def same(name: str, expected: object, got: object) -> bool:
    """Whether ``got`` (what the portal stored) is the page's ``expected`` value for field ``name``.

    For ``category`` ``got`` is the list of the document's classification dimensions; for ``body_head`` and
    ``body_tail`` it is the whole body; for ``keywords``, ``attachments`` and ``publisher`` a list or a string.
    """
    if isinstance(expected, dict) and "any" in expected:
        return any(same(name, one, got) for one in expected["any"])
    if name in ("body_head", "body_tail"):
        body, part = squeeze(got), squeeze(expected)
        if not part:
            return not body
        if name == "body_head":
            at = body.find(part)
            return 0 <= at <= 150 and not any(word in body[:at] for word in _FURNITURE + _LABELS)
        at = body.rfind(part)
        rest = body[at + len(part) :] if at >= 0 else None
        return rest is not None and len(rest) <= 200 and not any(word in rest for word in _FURNITURE)
    if name == "category":
        wanted = norm_level(expected)
        dims = [norm_level(d) for d in cast(Iterable[object], got or []) if d]  # a stored list of levels
        if not wanted:
            return not dims
        return wanted in dims or wanted == "/".join(dims)
    if name == "attachments":
        return {_EXTENSION.sub("", n) for n in norm_set(expected)} == {_EXTENSION.sub("", n) for n in norm_set(got)}
    if name in ("keywords", "publisher"):
        return norm_set(expected) == norm_set(got)
    if name == "doc_no":
        return norm_doc_no(expected) == norm_doc_no(got)
    if name == "index_no":
        return norm_index_no(expected) == norm_index_no(got)
    if name in ("written_date", "pub_date"):
        return norm_date(expected) == norm_date(got)
    if name == "validity":
        return norm_validity(expected) == norm_validity(got)
    return squeeze(expected) == squeeze(got)


# Reading a page the way `portal ingest` does -------------------------------------------------------


@dataclass
class Outcome:
    """What the portal made of one page: the document's fields (empty when none), and why not where none."""

    values: dict[str, object] = field(default_factory=dict)
    error: str = ""


def stored_values(doc) -> dict[str, object]:
    """The compared fields of a :class:`index.record.Document`."""
    return {
        "title": doc.title,
        "index_no": doc.index_no.raw if doc.index_no else "",
        "doc_no": doc.doc_no,
        "publisher": doc.publishers or doc.publisher,
        "category": doc.categories,
        "written_date": doc.written_date,
        "pub_date": doc.pub_date,
        "validity": doc.validity,
        "keywords": doc.keywords,
        "body_head": doc.body,
        "body_tail": doc.body,
        "attachments": [a.name for a in doc.attachments],
    }


def ingest_one(page: Path, name: str, record: int | None = None) -> Outcome:
    """Read one collection page (gz) through the portal's reading path, as the file ``name`` would be.

    Without ``record``: the file's first document (a detail page holds one). With ``record`` (1-based): the
    document of the file's ``record``-th record, counted over everything the reader yields for the file
    (documents and read errors alike), so an export of several records is scored record by record; a record
    the reader breaks on or the ingest rejects gives that record's error, never another record's document.
    """
    from index import limits
    from index.ingest import IngestReport, read_document
    from index.readers import read_file
    from index.record import ReadError

    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(gzip.decompress(page.read_bytes()))
        report = IngestReport()
        errors: list[str] = []
        bounds = limits.current()
        try:
            for number, item in enumerate(read_file(path, bounds), start=1):
                if record is not None and number != record:
                    continue
                if isinstance(item, ReadError):
                    errors.append(str(item).replace(str(path), name))
                    if record is not None:
                        break
                    continue
                doc = read_document(item, bounds, report)
                if doc is not None:
                    return Outcome(stored_values(doc))
                if record is not None:
                    break
            else:
                if record is not None:
                    errors.append(f"the file holds fewer than {record} records")
        except Exception as exc:  # a crash is a finding of the benchmark, not the end of it
            return Outcome(error=f"crash: {type(exc).__name__}: {exc}")
        errors += [f"rejected: {r.field or '-'}: {r.reason}" for r in report.rejected]
        return Outcome(error="; ".join(errors) or "no document")


def page_id(entry: dict) -> str:
    """A collection entry's name in reports: its file, and ``#N`` for record N of a file of several."""
    return entry["file"] + (f"#{entry['record']}" if entry.get("record") else "")


# Scoring -------------------------------------------------------------------------------------------


@dataclass
class Check:
    page: str
    site: str
    family: str
    split: str
    field: str
    expected: object
    got: object
    right: bool
    kind: str = "html"


def load_manifest(path: Path = MANIFEST) -> dict:
    """The manifest: ``manifest.json`` with the pages of every ``manifest.d/*.json`` beside it appended (in name
    order), so collectors adding pages in parallel each keep a file of their own. Shape: ``{"about": str,
    "pages": [entry, ...]}``."""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for part in sorted((path.parent / "manifest.d").glob("*.json")):
        manifest["pages"] += json.loads(part.read_text(encoding="utf-8"))["pages"]
    return manifest


def present(entries: Iterable[dict], root: Path = COLLECTION) -> tuple[list[dict], list[dict]]:
    """The manifest entries whose file is in ``root`` and those whose file is not. The real inputs live outside the
    repository (:func:`real_inputs`), so a copy of the folder may lack some of the manifest's files; those are named,
    never scored as wrong nor silently dropped."""
    here: list[dict] = []
    gone: list[dict] = []
    for entry in entries:
        (here if (root / entry["file"]).is_file() else gone).append(entry)
    return here, gone


def check_pages(entries: Iterable[dict], root: Path = COLLECTION) -> tuple[list[Check], dict[str, str]]:
    """Every judged field of every page, and the pages that gave no document (page → why)."""
    checks: list[Check] = []
    failed: dict[str, str] = {}
    for entry in entries:
        file_name = entry.get("name") or Path(entry["file"]).name.removesuffix(".gz")
        outcome = ingest_one(root / entry["file"], file_name, entry.get("record"))
        if outcome.error:
            failed[page_id(entry)] = outcome.error
        for name in FIELDS:
            expected = entry["expected"].get(name)
            if expected is None:
                continue
            got = outcome.values.get(name, "")
            ok = not outcome.error and same(name, expected, got)
            where = (page_id(entry), entry["site"], entry["family"], entry["split"])
            checks.append(Check(*where, name, expected, got, ok, entry["kind"]))
    return checks, failed


def shares(checks: list[Check], key) -> dict[str, tuple[int, int]]:
    """Right and judged counts, grouped by ``key(check)``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in checks:
        counts[key(c)][0] += c.right
        counts[key(c)][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def _rows(title: str, counts: dict[str, tuple[int, int]]) -> list[str]:
    lines = [f"| {title} | right | judged | share |", "|---|---|---|---|"]
    for name, (right, total) in counts.items():
        lines.append(f"| {name} | {right} | {total} | {right / total:.1%} |")
    return lines


def report(checks: list[Check], failed: dict[str, str], split: str, detail: bool = True) -> str:
    """The markdown tables for one split: per field, per template family, per site, and the total; with
    ``detail``, also the pages that gave no document and why (never for the held-out split: whoever tunes
    the readers must not see which held-out pages fail, or how)."""
    pages = {c.page for c in checks}
    right, total = sum(c.right for c in checks), len(checks)
    head = (
        f"### {split}: {len(pages)} pages, {len({c.site for c in checks})} sites, "
        f"{len({c.family for c in checks})} template families: {right}/{total} fields right "
        f"({(right / total if total else 0):.1%})"
    )
    lines = [head, ""]
    lines += _rows("field", shares(checks, lambda c: c.field)) + [""]
    lines += _rows("input kind", shares(checks, lambda c: c.kind)) + [""]
    lines += _rows("template family", shares(checks, lambda c: c.family)) + [""]
    lines += _rows("site", shares(checks, lambda c: c.site)) + [""]
    gave_none = sorted(p for p in failed if p in pages)
    if gave_none and not detail:
        lines += [f"pages that gave no document: {len(gave_none)}", ""]
    elif gave_none:
        lines.append(f"pages that gave no document ({len(gave_none)}):")
        lines += [f"- {p}: {failed[p]}" for p in gave_none]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.fidelity", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all", help="which pages to read (default all)")
    parser.add_argument(
        "--failures", action="store_true", help="also list every wrong field of the tune split (never of held-out)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line of the figures at the end")
    args = parser.parse_args(argv)
    if why := missing_inputs():
        raise SystemExit(f"python -m bench.fidelity {why}")
    entries, absent = present(load_manifest()["pages"])
    if absent:
        names = ", ".join(sorted({Path(e["file"]).name.split("-")[0] for e in absent}))
        print(
            f"{len(absent)} of the manifest's {len(entries) + len(absent)} inputs are absent from {COLLECTION} "
            f"({names}…): not scored\n"
        )
    wanted = SPLITS if args.split == "all" else (args.split,)
    figures: dict[str, object] = {}
    all_checks: list[Check] = []
    for split in wanted:
        chosen = [e for e in entries if e["split"] == split]
        if not chosen:
            continue
        checks, failed = check_pages(chosen)
        all_checks += checks
        print(report(checks, failed, split, detail=split != "held_out"))
        if args.failures and split != "held_out":
            for c in checks:
                if not c.right:
                    got = f"…{str(c.got)[-120:]!r}" if c.field == "body_tail" else f"{c.got!r:.120}"
                    print(f"- {c.page} [{c.site}, {c.family}] {c.field}: got {got} want {c.expected!r:.120}")
            print()
        right, total = sum(c.right for c in checks), len(checks)
        figures[split] = {
            "absent": sum(e["split"] == split for e in absent),
            "pages": len({c.page for c in checks}),
            "sites": len({c.site for c in checks}),
            "right": right,
            "judged": total,
            "share": right / total if total else 0.0,
            "no_document": len(failed),
            "per_field": {k: v[0] / v[1] for k, v in shares(checks, lambda c: c.field).items()},
        }
    if len(wanted) > 1 and all_checks:
        right, total = sum(c.right for c in all_checks), len(all_checks)
        print(f"### total: {right}/{total} fields right ({right / total:.1%})")
        figures["total"] = {"right": right, "judged": total, "share": right / total}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
