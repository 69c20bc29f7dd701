"""Words that live only in an attachment are found, and the hit says which attachment holds them."""

from __future__ import annotations

import io
import json

import docx

from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def test_hit_inside_a_local_docx_attachment(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    attachment = docx.Document()
    attachment.add_paragraph("第一条 各县区应当建设光伏扶贫电站，收益用于村级公益岗位。")
    attachment.save(folder / "实施细则.docx")
    (folder / "notice.json").write_text(
        json.dumps(
            {
                "title": "关于印发实施细则的通知",
                "index_no": "014319733/2021-00007",
                "body": "现将实施细则印发给你们，请认真贯彻执行。",
                "attachments": [{"name": "实施细则.docx", "url": "实施细则.docx"}, {"name": "不存在的附件.pdf"}],
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    report = ingest_paths([folder], tmp_path / "index")
    assert report.added == ["014319733/2021-00007"]
    catalog = Catalog(tmp_path / "index")

    [hit] = catalog.search(SearchRequest(q="光伏扶贫电站")).hits
    assert hit.attachment_hits == ["实施细则.docx"]
    assert "<mark>光伏扶贫电站</mark>" in hit.snippet_html

    [body_hit] = catalog.search(SearchRequest(q="贯彻执行")).hits
    assert body_hit.attachment_hits == []
    stored = catalog.get("014319733/2021-00007")
    assert "光伏扶贫电站" in stored.attachments[0].text and stored.attachments[1].text == ""


def _json_document_with(folder, pdf: bytes) -> None:
    folder.mkdir()
    (folder / "report.pdf").write_bytes(pdf)
    document = {
        "title": "2023年度政府信息公开工作报告",
        "body": "详见附件。",
        "attachments": [{"name": "年度报告", "url": "report.pdf"}],
    }
    (folder / "report.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")


def _crawl_folder_with(folder, data: bytes, suffix: str = "pdf") -> None:
    """A crawl folder as index.crawl lays it out: <host>/CRAWL.json, pages with sidecars, attachments."""
    host = folder / "www.example.gov.cn"
    (host / "pages").mkdir(parents=True)
    (host / "attachments").mkdir()
    (host / "CRAWL.json").write_text(json.dumps({"kind": "crawl"}), "utf-8")
    (host / "attachments" / f"0a1b2c.{suffix}").write_bytes(data)
    page = "<html><head><title>2023年度政府信息公开工作报告</title></head><body><div class='content'><p>详见附件。</p>"
    page += f"<a href='/files/report.{suffix}'>年度报告</a></div></body></html>"
    (host / "pages" / "p1.html").write_text(page, "utf-8")
    sidecar = {
        "url": "https://www.example.gov.cn/xxgk/p1.html",
        "fetched_at": "2024-01-02T03:04:05Z",
        "attachments": [
            {"url": f"https://www.example.gov.cn/files/report.{suffix}", "path": f"attachments/0a1b2c.{suffix}"}
        ],
    }
    (host / "pages" / "p1.json").write_text(json.dumps(sidecar), "utf-8")


def _attachment_warnings(report) -> list[tuple[str, str, str]]:
    return [
        (w.finding.code, w.finding.field, w.finding.message)
        for w in report.warnings
        if w.finding.field == "attachments"
    ]


def test_a_corrupt_pdf_gives_the_same_warning_in_a_crawl_folder_as_beside_a_json_file(tmp_path):
    corrupt = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntruncated"
    _json_document_with(tmp_path / "docs", corrupt)
    _crawl_folder_with(tmp_path / "crawl", corrupt)
    beside_json = _attachment_warnings(ingest_paths([tmp_path / "docs"], tmp_path / "index-docs"))
    in_crawl = _attachment_warnings(ingest_paths([tmp_path / "crawl"], tmp_path / "index-crawl"))
    assert beside_json == in_crawl
    [(code, _field, message)] = in_crawl
    assert code == "attachment_unreadable" and "年度报告: cannot read pdf" in message


def test_a_downloaded_attachment_in_a_crawl_folder_is_searchable(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一条 各县区应当建设光伏扶贫电站。")
    buffer = io.BytesIO()
    document.save(buffer)
    _crawl_folder_with(tmp_path / "crawl", buffer.getvalue(), suffix="docx")
    report = ingest_paths([tmp_path / "crawl"], tmp_path / "index")
    assert _attachment_warnings(report) == []
    [hit] = Catalog(tmp_path / "index").search(SearchRequest(q="光伏扶贫电站")).hits
    assert hit.attachment_hits == ["年度报告"]
