"""Hostile files ingested beside good ones (tests/hostile.py): every good file is indexed, every hostile one
is reported with its file (and record and field where it has them), nothing stops the batch.

The limits are set small here, so each mechanism is met in a few megabytes; `python -m bench.hostile`
runs the full-size probes and measures memory.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hostile import GOOD, HOSTILE, READABLE, Hostile, write_folder

from index import limits
from index.ingest import IngestReport
from index.query import SearchRequest
from index.record import Attachment, Document
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

SMALL_LIMITS = {
    "PORTAL_MAX_DOC_CHARS": "20000",
    "PORTAL_MAX_FIELD_CHARS": "2000",
    "PORTAL_MAX_RECORDS_PER_FILE": "50",
    "PORTAL_MAX_NESTING": "16",
    "PORTAL_MAX_PARSE_MB": "1",
    "PORTAL_MAX_PAGE_MB": "1",
    "PORTAL_MAX_EXPANDED_MB": "1",
    "PORTAL_MAX_PDF_PAGES": "20",
    "PORTAL_MAX_ATTACHMENT_SECONDS": "1",
}


# The one file whose attachment only PORTAL_MAX_ATTACHMENT_SECONDS stops (tests/hostile.py, pdf-slow.pdf).
SLOW = "pdf-slow.json"
# The other files are read with this much time for a PDF: their limits are met by what they hold (pages,
# characters), never by the clock, however loaded the machine (at 1 s, pdf-many-pages's reader once read fewer
# than its 20 pages in time at load 15 and was cut by the time limit instead).
AMPLE_SECONDS = 60


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestReport, Catalog]:
    """The hostile folder ingested with SMALL_LIMITS: the slow PDF's record alone with the 1-second limit, after
    the rest with AMPLE_SECONDS; the two reports joined."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SMALL_LIMITS.items():
            patch.setenv(name, value)
        bounds = limits.current()
        folder = write_folder(tmp_path_factory.mktemp("hostile"), bounds)
        index_dir = tmp_path_factory.mktemp("index")
        rest = [path for path in sorted(folder.iterdir()) if path.name != SLOW]
        report = ingest_paths(rest, index_dir, bounds=replace(bounds, max_attachment_seconds=AMPLE_SECONDS))
        slow = ingest_paths([folder / SLOW], index_dir, bounds=bounds)
    report.rejected += slow.rejected
    report.warnings += slow.warnings
    catalog = Catalog(index_dir)
    yield folder, report, catalog
    catalog.close()


def test_there_are_at_least_forty_kinds_of_hostile_file() -> None:
    assert len(HOSTILE) >= 40
    assert len({item.name for item in HOSTILE}) == len(HOSTILE)


def test_every_good_file_is_indexed(ingested) -> None:
    _folder, _report, catalog = ingested
    for title in GOOD.values():
        assert [hit.title for hit in catalog.search(SearchRequest(q=f'"{title}"')).hits] == [title]


@pytest.mark.parametrize("item", READABLE, ids=lambda item: item.name)
def test_awkward_but_legitimate_encodings_are_read(ingested, item) -> None:
    _folder, report, catalog = ingested
    assert not [r for r in report.rejected if r.source.endswith(item.name)]
    hits = catalog.search(SearchRequest(q=f'"{item.word}"')).hits
    assert item.title in [hit.title for hit in hits]


@pytest.mark.parametrize("item", [h for h in HOSTILE if h.outcome == "rejected"], ids=lambda item: item.name)
def test_a_hostile_file_is_rejected_naming_file_record_and_field(ingested, item: Hostile) -> None:
    folder, report, _catalog = ingested
    source = str((folder / item.name).resolve())
    mine = [r for r in report.rejected if r.source in (source, str(folder / item.name))]
    assert mine, f"{item.name} was not reported: {[str(r) for r in report.rejected]}"
    if item.locator:
        assert item.locator in [r.locator for r in mine], [str(r) for r in mine]
    if item.field:
        assert item.field in [r.field for r in mine], [str(r) for r in mine]
    assert all("Traceback" not in r.reason for r in mine)


@pytest.mark.parametrize("item", [h for h in HOSTILE if h.outcome == "warning"], ids=lambda item: item.name)
def test_a_hostile_value_is_indexed_with_a_warning_naming_its_field(ingested, item: Hostile) -> None:
    folder, report, catalog = ingested
    mine = [w for w in report.warnings if w.where.startswith(str(folder / item.name))]
    assert item.code in [w.finding.code for w in mine], f"{item.name}: {[str(w) for w in mine]}"
    if item.field:
        assert item.field in [w.finding.field for w in mine if w.finding.code == item.code]
    if item.title:
        [doc_id] = {w.doc_id for w in mine if w.finding.code == item.code}
        assert catalog.get(doc_id).title == item.title


def test_records_beside_a_bad_one_in_the_same_file_are_indexed(ingested) -> None:
    _folder, report, catalog = ingested
    for title in ("深行之前的记录", "长行之前的记录", "乱码行之前的记录", "截断数组之前的记录"):
        assert catalog.search(SearchRequest(q=f'"{title}"')).total == 1, title
    # the records before the limit are indexed, the rest named in one rejection
    assert catalog.search(SearchRequest(q='"第49条记录的通知"')).total == 1
    assert catalog.search(SearchRequest(q='"第50条记录的通知"')).total == 0
    assert any("PORTAL_MAX_RECORDS_PER_FILE=50" in r.reason for r in report.rejected)


def test_no_control_character_reaches_the_index(ingested) -> None:
    folder, report, catalog = ingested
    ids = {w.doc_id for w in report.warnings if w.finding.code == "control_characters"}
    assert len(ids) == 2
    for doc_id in ids:
        doc = catalog.get(doc_id)
        text = "".join((doc.title, doc.publisher, *doc.publishers, doc.body))
        assert not [c for c in text if ord(c) < 0x20 and c not in "\t\n\r" or 0x7F <= ord(c) <= 0x9F], repr(text)
    assert "某市测试局" in {catalog.get(doc_id).publisher for doc_id in ids}


def test_a_page_too_deep_for_a_tree_keeps_its_text(ingested) -> None:
    _folder, _report, catalog = ingested
    hits = catalog.search(SearchRequest(q='"深层正文只在这里出现的字样"')).hits
    assert [hit.title for hit in hits] == ["深层嵌套页面的通知"]


def test_limits_name_their_setting(ingested) -> None:
    _folder, report, _catalog = ingested
    reasons = " ".join(r.reason for r in report.rejected) + " ".join(w.finding.message for w in report.warnings)
    settings = ("PORTAL_MAX_DOC_CHARS", "PORTAL_MAX_FIELD_CHARS", "PORTAL_MAX_PARSE_MB", "PORTAL_MAX_PAGE_MB")
    for setting in (*settings, "PORTAL_MAX_NESTING", "PORTAL_MAX_RECORDS_PER_FILE"):
        assert setting in reasons, setting
    warnings = " ".join(w.finding.message for w in report.warnings)
    for setting in ("PORTAL_MAX_EXPANDED_MB", "PORTAL_MAX_PDF_PAGES", "PORTAL_MAX_ATTACHMENT_SECONDS"):
        assert setting in warnings, setting


def test_a_pdf_is_read_only_up_to_its_limits(ingested) -> None:
    """Issue 18: pages sharing one compressed content stream gave millions of characters in a minute."""
    folder, report, catalog = ingested
    for name, limit in (("pdf-text-bomb", "PORTAL_MAX_DOC_CHARS"), ("pdf-many-pages", "PORTAL_MAX_PDF_PAGES")):
        [warning] = [w for w in report.warnings if w.finding.code == "attachment_truncated" and name in w.where]
        assert f"{name}.pdf" in warning.finding.message and limit in warning.finding.message
        [attachment] = catalog.get(warning.doc_id).attachments
        assert 0 < len(attachment.text) <= limits.current({**SMALL_LIMITS}).max_doc_chars
    [many] = [w for w in report.warnings if "pdf-many-pages" in w.where and w.finding.code == "attachment_truncated"]
    assert catalog.get(many.doc_id).attachments[0].text.count("page") == 20


def test_a_bad_limit_setting_is_named(monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_MAX_DOC_CHARS", "lots")
    with pytest.raises(ValueError, match="PORTAL_MAX_DOC_CHARS must be a whole number above 0, not 'lots'"):
        limits.current()


def test_readme_lists_every_limit_with_its_default() -> None:
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [s.name for s in limits.SETTINGS if f"| `{s.name}` | `{s.default}` |" not in readme]
    assert not missing, f"README.md does not document {missing}"


def test_limits_default_without_settings() -> None:
    assert limits.current({}) == limits.current({s.name: str(s.default) for s in limits.SETTINGS})
    assert limits.current({"PORTAL_MAX_PAGE_MB": "2"}).max_page_bytes == 2 * limits.MB


def test_attachment_text_is_mended_like_a_record() -> None:
    doc = Document(id="d1", title="附件文字", attachments=[Attachment("a.pdf", text="第一页\x0c第二页\x00\x1b[0m。")])
    limits.bound_attachment_text(doc, limits.current({}))
    assert doc.attachments[0].text == "第一页\n第二页[0m。"
    assert [(w.code, w.field) for w in doc.warnings] == [("control_characters", "attachments")]


def test_invisible_formatting_is_removed_and_a_direction_override_is_flagged() -> None:
    findings: list = []
    assert limits.clean_characters("最低\u200b生活\ufeff保障\u00ad", "body", findings) == "最低生活保障"
    assert findings == []
    assert limits.clean_characters("关于\u202e知通的\u202c", "title", findings) == "关于知通的"
    assert [(f.code, f.field) for f in findings] == [("control_characters", "title")]


def test_a_word_holding_invisible_formatting_is_found(tmp_path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    record = {
        "title": "关于提高最低\u2060生活保障标准的通知",
        "body": "城乡最低\u00ad生活\u200d保障标准每人每月提高五十元。",
    }
    (folder / "zw.json").write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    ingest_paths([folder], tmp_path / "index")
    catalog = Catalog(tmp_path / "index")
    try:
        [hit] = catalog.search(SearchRequest(q='"最低生活保障标准"')).hits
        assert hit.title == "关于提高最低生活保障标准的通知"
    finally:
        catalog.close()
