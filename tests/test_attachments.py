"""Attachment text: PDF, DOCX, plain text and HTML read; unreadable files reported, not raised raw."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from hostile import pdf_of

from index import limits
from index.attachments import AttachmentError, extract_text, kind_of, local_path, read_texts
from index.pdftext import PdfText, pdf_text
from index.record import Attachment


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica, with a correct cross-reference table."""
    stream = b"BT /F1 18 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def tiny_docx() -> bytes:
    """A DOCX with two paragraphs around a table whose first row is one merged cell."""
    document = docx.Document()
    document.add_paragraph("关于下达2024年度补助资金的通知")
    table = document.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "补助资金分配表"
    table.cell(1, 0).text = "东川县"
    table.cell(1, 1).text = "120万元"
    document.add_paragraph("请按规定用途使用。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("附件1.PDF", "pdf", id="upper-case"),
        pytest.param("http://x.gov.cn/a/P0202405.docx?v=3", "docx", id="url-query"),
        pytest.param("files/report.xls#sheet2", "xls", id="fragment"),
        pytest.param("http://x.gov.cn/download.jsp?file=a.pdf", "jsp", id="query-not-taken-for-extension"),
        pytest.param("http://x.gov.cn/files/%E8%AF%B4%E6%98%8E.txt", "txt", id="percent-encoded"),
        pytest.param("C:\\公文\\通知.wps", "wps", id="windows-path"),
        pytest.param("http://x.gov.cn/zwgk/", "", id="directory"),
        pytest.param("README", "", id="no-extension"),
        pytest.param("", "", id="empty"),
    ],
)
def test_kind_of(name: str, expected: str) -> None:
    assert kind_of(name) == expected


def test_pdf_text() -> None:
    assert extract_text(minimal_pdf("Shengtai huanjing baogao 2023"), "pdf", "a.pdf") == "Shengtai huanjing baogao 2023"


def test_the_pdf_time_limit_counts_the_file_not_the_readers_start(tmp_path: Path, monkeypatch) -> None:
    """On a busy machine the reading process took over a second to start (pypdf's import), and a 1-second
    PORTAL_MAX_ATTACHMENT_SECONDS then read no page of a small PDF. The limit starts when the reader is ready."""
    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(2)\n", "utf-8")  # a slow start
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    result = pdf_text(
        minimal_pdf("Shengtai huanjing baogao 2023"), limits.current({"PORTAL_MAX_ATTACHMENT_SECONDS": "1"})
    )
    assert result == PdfText("Shengtai huanjing baogao 2023", "")


def test_docx_paragraphs_and_table_cells_in_order() -> None:
    assert extract_text(tiny_docx(), "docx", "a.docx").split("\n") == [
        "关于下达2024年度补助资金的通知",
        "补助资金分配表",
        "东川县",
        "120万元",
        "请按规定用途使用。",
    ]


_GBK_HTML = "<html><head><meta charset='gbk'></head><body><p>城市排水防涝工作方案（征求意见稿）</p></body></html>"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param("城市排水防涝工作方案（征求意见稿）".encode("gbk"), "txt", id="gbk-text"),
        pytest.param("城市排水防涝工作方案（征求意见稿）".encode("utf-8-sig"), "txt", id="utf8-bom-text"),
        pytest.param("城市排水防涝工作方案（征求意见稿）".encode("utf-16"), "TXT", id="utf16-text"),
        pytest.param(_GBK_HTML.encode("gbk"), "html", id="gbk-html"),
    ],
)
def test_text_kinds_decoded(data: bytes, kind: str) -> None:
    assert extract_text(data, kind) == "城市排水防涝工作方案（征求意见稿）"


def test_kind_follows_the_bytes_when_the_name_is_wrong() -> None:
    # Servers hand out DOCX files named .doc; the bytes say what they are.
    assert extract_text(tiny_docx(), "doc").startswith("关于下达2024年度补助资金的通知")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1legacy word", "doc", id="legacy-doc"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1legacy excel", "xls", id="xls"),
        pytest.param(b"PK\x03\x04archive", "zip", id="zip"),
        pytest.param(b"whatever", "", id="unknown"),
    ],
)
def test_unsupported_kinds_give_no_text(data: bytes, kind: str) -> None:
    assert extract_text(data, kind) == ""


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(minimal_pdf("cut short")[:150], "pdf", id="truncated-pdf"),
        pytest.param(b"<html>404 Not Found</html>", "pdf", id="error-page-named-pdf"),
        pytest.param(b"PK\x03\x04not really a zip", "docx", id="corrupt-docx"),
        pytest.param(b"plain text", "docx", id="text-named-docx"),
    ],
)
def test_unreadable_file_raises_attachment_error_naming_it(data: bytes, kind: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        extract_text(data, kind, name="附件1")
    assert caught.value.name == "附件1"
    assert str(caught.value).startswith(f"附件1: cannot read {kind}:")


# Files beside the document -----------------------------------------------------------------------


@pytest.fixture
def document_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "files").mkdir(parents=True)
    (folder / "page.html").write_text("<html></html>", encoding="utf-8")
    (folder / "files" / "说明.txt").write_bytes("附件里才有的词：海绵城市".encode("gbk"))
    (folder / "files" / "broken.pdf").write_bytes(b"%PDF-1.4\nbroken")
    (tmp_path / "secret.txt").write_text("outside the document folder", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "attachment",
    [
        pytest.param({"name": "说明", "url": "files/%E8%AF%B4%E6%98%8E.txt"}, id="by-url"),
        pytest.param({"name": "说明", "path": "./files/说明.txt?v=1"}, id="by-path"),
        pytest.param({"name": "files/说明.txt", "url": ""}, id="by-name"),
    ],
)
def test_local_copy_is_found_inside_the_root(document_folder: Path, attachment: dict) -> None:
    assert local_path(document_folder, attachment) == (document_folder / "files" / "说明.txt").resolve()


def test_absolute_path_inside_the_root_is_taken(document_folder: Path) -> None:
    inside = str(document_folder / "files" / "说明.txt")
    assert local_path(document_folder, {"name": "说明", "path": inside}) == Path(inside).resolve()
    assert local_path(document_folder / "files", {"path": str(document_folder / "page.html")}) is None


@pytest.mark.parametrize(
    "attachment",
    [
        pytest.param({"name": "说明.txt", "url": "http://x.gov.cn/files/说明.txt"}, id="web-url-not-fetched"),
        pytest.param({"name": "secret", "url": "../secret.txt"}, id="outside-the-folder"),
        pytest.param({"name": "secret", "url": "/../../secret.txt"}, id="rooted-escape"),
        pytest.param({"name": "missing.pdf", "url": "files/missing.pdf"}, id="missing-file"),
    ],
)
def test_attachments_not_inside_the_root_have_no_local_copy(document_folder: Path, attachment: dict) -> None:
    assert local_path(document_folder, attachment) is None
    assert local_path(None, attachment) is None


def test_text_is_read_from_the_local_copy_and_an_unreadable_one_is_a_finding(document_folder: Path) -> None:
    readable = Attachment("说明", kind="txt", path=document_folder / "files" / "说明.txt")
    broken = Attachment("年度报告", url="files/broken.pdf", kind="pdf", path=document_folder / "files" / "broken.pdf")
    given = Attachment("已有文字", text="导出时已带的文字", path=document_folder / "files" / "broken.pdf")
    findings = read_texts([readable, broken, given, Attachment("网上的附件", url="http://x.gov.cn/a.pdf")])
    assert readable.text == "附件里才有的词：海绵城市"
    assert broken.text == "" and given.text == "导出时已带的文字"
    [finding] = findings
    assert (finding.code, finding.field) == ("attachment_unreadable", "attachments")
    assert "年度报告: cannot read pdf:" in finding.message
