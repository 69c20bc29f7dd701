"""A folder of hostile files, generated (no binaries committed), each with what the ingest must say about it.

Sizes are set relative to the limits in force (:mod:`index.limits`), so a test can set small limits and
meet every mechanism in a few megabytes, while ``python -m bench.hostile`` writes the full-size probes of
issue 9 (JSON 100,000 deep, a 256 MB DOCX bomb, a 200 MB page-text file …).

Each :class:`Hostile` says how the ingest must report it: a rejection naming the file (and the record
and field where there is one), or a warning with a code on the document that was indexed.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.limits import Limits

SEED_LINES = "索引号 014319733/2018-{serial}\n名称 {title}\n发布机构 市民政局 公开日期 2018-04-10\n\n{title}\n{body}\n"
FILLER = "为进一步做好城乡居民最低生活保障工作，现将有关事项通知如下。"


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Limits], bytes]
    outcome: str  # "rejected": a rejection of this file; "warning": the document is indexed with this warning
    code: str = ""  # the warning's code (for "warning")
    field: str = ""  # the field the rejection or warning must name ("" where none applies)
    locator: str = ""  # the record the rejection must name ("" for the whole file)
    title: str = ""  # for "warning": the title the indexed document has


@dataclass(frozen=True)
class Readable:
    """A file in an awkward but legitimate form: it must be indexed with this title and body word."""

    name: str
    make: Callable[[Limits], bytes]
    title: str
    word: str


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _doc(title: str, **more: object) -> dict[str, object]:
    return {"标题": title, "正文": f"{title}。{FILLER}", **more}


def _deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _nested(depth: int) -> object:
    value: object = "底"
    for _ in range(depth):
        value = [value]
    return value


def _page_text(title: str, body: str, serial: str = "00019") -> str:
    return SEED_LINES.format(serial=serial, title=title, body=body)


def _csv(rows: list[list[str]], end: str = "\n") -> bytes:
    return "\n".join(",".join(row) for row in rows).encode("utf-8") + end.encode()


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def docx_bomb(expanded: int) -> bytes:
    """A DOCX whose document.xml inflates to ``expanded`` bytes of one paragraph (compresses ~1000:1)."""
    head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            block = b"A" * (1 << 20)
            left = expanded - len(head) - len(tail)
            while left > 0:
                member.write(block[: min(left, len(block))])
                left -= len(block)
            member.write(tail)
    return buffer.getvalue()


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb(levels: int, fanout: int, content: bytes) -> bytes:
    """A PDF of ``fanout ** levels`` pages that all show one compressed content stream: a page tree whose nodes
    each list the next node ``fanout`` times (so the file stays a few KB), and one page holding ``content``."""
    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        number = 2 + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        kids = b" ".join([b"%d 0 R" % (number + 1)] * fanout)
        objects.append(b"<< /Type /Pages%s /Kids [%s] /Count %d >>" % (parent, kids, fanout ** (levels - level)))
    page = 2 + levels
    objects += [
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
        b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def pdf_text_bomb(pages_per_level: int, lines: int) -> bytes:
    """Issue 18's PDF: ``pages_per_level ** 2`` pages sharing one stream of ``lines`` lines of text (a 2 KB
    file with 100 pages of 2,000 lines gave 21.6 million characters in 72 s)."""
    line = b"BT /F1 9 Tf 20 700 Td (" + b"Bomb text fills every page " * 4 + b") Tj ET\n"
    return pdf_bomb(2, pages_per_level, line * lines)


def pdf_slow(operators: int) -> bytes:
    """A one-page PDF whose content stream is ``operators`` empty save/restore pairs and one word: no text to
    count, only time (200,000 pairs took pypdf 4.5 s)."""
    return pdf_bomb(1, 1, b"q Q\n" * operators + b"BT /F1 9 Tf 20 700 Td (end) Tj ET\n")


def _with_attachment(name: str, title: str) -> bytes:
    return _json({**_doc(title), "附件": [{"name": name, "path": name}]})


def _lines(records) -> bytes:
    return b"".join(_json(record) + b"\n" for record in records)


def _long_line(size: int) -> bytes:
    return b'{"x": "' + b"0" * size + b'"}\n'


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def _zeros_gzip(size: int) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        block = b"0" * (1 << 20)
        for _ in range(size // len(block) + 1):
            handle.write(block)
    return buffer.getvalue()


def _deep_html(depth: int) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>深层嵌套页面的通知</title></head><body>"
        + "<div>" * depth
        + "深层正文只在这里出现的字样"
        + "</div>" * depth
        + "</body></html>"
    ).encode("utf-8")


def _not_recognised() -> str:
    return "not a recognised document format"


HOSTILE: tuple[Hostile, ...] = (
    # JSON documents
    Hostile("deep-array.json", lambda lim: _deep_array(100_000), "rejected"),
    Hostile("deep-object.json", lambda lim: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "rejected"),
    Hostile("deep-field.json", lambda lim: _json(_doc("字段嵌套过深的通知", 关键词=_nested(lim.max_nesting + 5))),
            "warning", "too_deep", "keywords", title="字段嵌套过深的通知"),
    Hostile("lone-surrogate.json", lambda lim: '{"标题": "\\ud800关于通知"}'.encode(),
            "warning", "bad_characters", "title", title="\ufffd关于通知"),
    Hostile("control-characters.json",
            lambda lim: _json(_doc("控\x00制\x07字符\x1b[31m的通知", 发布机构="某市\x85测试局\x9b")),
            "warning", "control_characters", "title", title="控制字符[31m的通知"),
    Hostile("control-characters.csv", lambda lim: "标题,正文\n表格里\x1b的控制字符,正文\x07\x0c第二页\x80。\n".encode(),
            "warning", "control_characters", "title", title="表格里的控制字符"),
    Hostile("cut-array.json", lambda lim: _json([_doc("截断数组之前的记录"), _doc("截断的记录")])[:-30],
            "rejected", locator="record 2"),
    Hostile("infinity.json", lambda lim: _json(_doc("日期为无穷大的通知")).replace(b"}", b', "pub_date": 1e999}'),
            "warning", "not_finite", "pub_date", title="日期为无穷大的通知"),
    Hostile("nan.json", lambda lim: _json(_doc("日期为非数的通知")).replace(b"}", b', "written_date": NaN}'),
            "warning", "not_finite", "written_date", title="日期为非数的通知"),
    Hostile("huge-int.json", lambda lim: b'{"title": "x", "year": ' + b"9" * 5000 + b"}", "rejected"),
    Hostile("not-objects.json", lambda lim: b'[1, "two", null]', "rejected", locator="record 1"),
    Hostile("truncated.json", lambda lim: _json([_doc("被截断的数组")])[:-10], "rejected"),
    Hostile("empty.json", lambda lim: b"", "rejected"),
    Hostile("whitespace.json", lambda lim: b" \n\t " * 100, "rejected"),
    Hostile("gzip-bomb.json", lambda lim: _zeros_gzip(lim.max_parse_bytes + 1), "rejected"),
    Hostile("too-big.json", lambda lim: _json([_doc(f"大文件第{n}条") for n in range(lim.max_parse_bytes // 150 + 1)]),
            "rejected"),
    Hostile("many-records.jsonl", lambda lim: b"".join(_json(_doc(f"第{n}条记录的通知")) + b"\n"
                                                      for n in range(lim.max_records_per_file + 2)), "rejected"),
    Hostile("huge-title.json", lambda lim: _json(_doc("长" * (lim.max_field_chars * 3))),
            "warning", "truncated", "title"),
    Hostile("huge-body.json", lambda lim: _json({"标题": "正文超长的通知", "正文": FILLER * (lim.max_doc_chars // 10)}),
            "warning", "truncated", "body", title="正文超长的通知"),
    Hostile("no-title-no-body.json", lambda lim: _json({"索引号": "014319733/2018-00077"}), "rejected", field="title"),
    # Two lists of one record each, of different kinds (their titles under different keys): which holds the records
    # is unclear, so neither is guessed. Lists of one kind side by side are one response's records, read in order
    # (tests/test_export_kinds6.py).
    Hostile("wrapped-two-lists.json", lambda lim: _json({"a": [_doc("甲")], "b": [{"title": "乙", "content": FILLER}]}),
            "rejected"),
    Hostile("scalar.json", lambda lim: b"42", "rejected"),
    # JSON Lines
    Hostile("deep-line.jsonl", lambda lim: _json(_doc("深行之前的记录")) + b"\n" + _deep_array(100_000) + b"\n",
            "rejected", locator="line 2"),
    Hostile("long-line.jsonl", lambda lim: _json(_doc("长行之前的记录")) + b"\n" + _long_line(lim.max_parse_bytes),
            "rejected", locator="line 2"),
    Hostile("garbage-lines.jsonl", lambda lim: _json(_doc("乱码行之前的记录")) + b"\n{not json\n\x00\x01\x02\n",
            "rejected", locator="line 2"),
    Hostile("truncated.jsonl.gz", lambda lim: _gzip(_lines(_doc(f"压缩第{n}条") for n in range(200)))[:-40],
            "rejected"),
    Hostile("surrogate-line.jsonl", lambda lim: b'{"title": "\\udfff\\ud800"}\n{"title": "x2"}\n', "warning",
            "bad_characters", "title", title="\ufffd\ufffd"),
    # CSV
    Hostile("huge-field.csv", lambda lim: _csv([["标题", "正文"], ["超长字段的通知", "长" * (lim.max_doc_chars * 3)]]),
            "warning", "truncated", "body", title="超长字段的通知"),
    Hostile("field-over-limit.csv", lambda lim: _csv([["标题", "正文"], ["超限", "长" * (lim.max_doc_chars * 4 + 10)]]),
            "rejected", locator="row 2"),
    Hostile("truncated-row.csv", lambda lim: _csv([["标题", "正文", "发布日期"], ["完整的一行", "正文", "2020-01-01"],
                                                   ["被截断的一行", "正文"]], end=""),
            "warning", "csv_truncated_row", title="被截断的一行"),
    Hostile("open-quote.csv", lambda lim: "标题,正文\n完整,正文\n引号未闭合的一行,\"正文被截".encode(),
            "warning", "csv_truncated_row", title="引号未闭合的一行"),
    Hostile("no-title-column.csv", lambda lim: _csv([["索引号", "正文"], ["014319733/2018-00001", "正文"]]),
            "rejected", "", "title", "row 1"),
    Hostile("no-known-header.csv", lambda lim: _csv([["a", "b"], ["1", "2"]]), "rejected", locator="row 1"),
    Hostile("extra-cells.csv", lambda lim: _csv([["标题", "正文"], ["多出单元格的一行", "正文", "多余", "多余"]]),
            "warning", "csv_extra_cells", title="多出单元格的一行"),
    # page text and other text
    Hostile("huge-page.txt", lambda lim: _page_text("超长页面文本", FILLER * (lim.max_doc_chars // 10), "00041")
            .encode(),
            "warning", "truncated", "body", title="超长页面文本"),
    Hostile("huge-line-page.txt", lambda lim: _page_text("一行超长的页面", "长" * (lim.max_doc_chars * 2), "00042")
            .encode(),
            "warning", "truncated", "body", title="一行超长的页面"),
    Hostile("no-labels.txt", lambda lim: ("这只是一段没有任何标签的文字。\n" * 50).encode(), "rejected"),
    Hostile("binary.dat", lambda lim: bytes(range(256)) * 64, "rejected"),
    Hostile("empty.txt", lambda lim: b"", "rejected"),
    Hostile("nul-bytes.txt", lambda lim: b"\x00" * 10_000, "rejected"),
    # HTML
    Hostile("deep.html", lambda lim: _deep_html(min(1_000_000, lim.max_page_bytes // 12)), "warning",
            "html_too_deep", "body", title="深层嵌套页面的通知"),
    Hostile("too-big.html", lambda lim: b"<html><body><p>" + "大".encode() * (lim.max_page_bytes // 3 + 1)
            + b"</p></body></html>", "rejected"),
    Hostile("empty-page.html", lambda lim: b"<html></html>", "rejected"),
    Hostile("script-only.html", lambda lim: b"<html><head><script>" + b"x" * 5000 + b"</script></head></html>",
            "rejected"),
    # attachments
    Hostile("docx-bomb.json", lambda lim: _with_attachment("docx-bomb.docx", "附件为压缩炸弹的通知"),
            "warning", "attachment_unreadable", "attachments", title="附件为压缩炸弹的通知"),
    Hostile("corrupt-pdf.json", lambda lim: _with_attachment("corrupt.pdf", "附件损坏的通知"),
            "warning", "attachment_unreadable", "attachments", title="附件损坏的通知"),
    Hostile("pdf-text-bomb.json", lambda lim: _with_attachment("pdf-text-bomb.pdf", "附件页页共用内容流的通知"),
            "warning", "attachment_truncated", "attachments", title="附件页页共用内容流的通知"),
    Hostile("pdf-many-pages.json", lambda lim: _with_attachment("pdf-many-pages.pdf", "附件页数过多的通知"),
            "warning", "attachment_truncated", "attachments", title="附件页数过多的通知"),
    Hostile("pdf-slow.json", lambda lim: _with_attachment("pdf-slow.pdf", "附件读取耗时过长的通知"),
            "warning", "attachment_truncated", "attachments", title="附件读取耗时过长的通知"),
)  # fmt: skip

# Files the attachments above name; not documents themselves (they are read with their page).
ATTACHMENT_FILES: dict[str, Callable[[Limits], bytes]] = {
    "docx-bomb.docx": lambda lim: docx_bomb(lim.max_expanded_bytes * 8),
    "corrupt.pdf": lambda lim: b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer<<>>\n%%EOF",
    # each page gives 21,600 characters: PORTAL_MAX_DOC_CHARS stops it on its first pages (uncut: 2.2 million)
    "pdf-text-bomb.pdf": lambda lim: pdf_text_bomb(10, 200),
    "pdf-many-pages.pdf": lambda lim: pdf_bomb(3, 10, b"BT /F1 9 Tf 20 700 Td (page) Tj ET\n"),  # 1,000 pages
    # pypdf takes about 5 s (quiet machine) to read 900,000 operator pairs, just under its own token budget; the
    # tests allow PORTAL_MAX_ATTACHMENT_SECONDS=1, so the limit stops it with a wide margin whatever the load
    "pdf-slow.pdf": lambda lim: pdf_slow(900_000),
}

_UTF16_PAGE = _page_text("以UTF-16保存的页面", "小端序页面独有的正文。", "00031")
_BIG_ENDIAN_PAGE = _page_text("大端UTF-16页面", "大端字节序的正文。", "00032")
_UTF16_JSON = json.dumps({"标题": "UTF-16的JSON文档", "正文": "宽字节编码的文档正文。"}, ensure_ascii=False)
_UTF16_CSV = "标题,正文\nUTF-16表格的一行,表格里的正文\n"

READABLE: tuple[Readable, ...] = (
    Readable("utf16-le-bom.txt", lambda lim: codecs.BOM_UTF16_LE + _UTF16_PAGE.encode("utf-16-le"),
             "以UTF-16保存的页面", "小端序页面独有"),
    Readable("utf16-be-bom.txt", lambda lim: codecs.BOM_UTF16_BE + _BIG_ENDIAN_PAGE.encode("utf-16-be"),
             "大端UTF-16页面", "大端字节序"),
    Readable("utf16-le-nobom.txt", lambda lim: _page_text("无BOM的UTF-16页面", "没有字节序标记的正文。", "00033")
             .encode("utf-16-le"), "无BOM的UTF-16页面", "字节序标记"),
    Readable("utf16.csv", lambda lim: codecs.BOM_UTF16_LE + _UTF16_CSV.encode("utf-16-le"),
             "UTF-16表格的一行", "表格里的正文"),
    Readable("utf16.json", lambda lim: codecs.BOM_UTF16_LE + _UTF16_JSON
             .encode("utf-16-le"), "UTF-16的JSON文档", "宽字节编码"),
    Readable("json-named.html", lambda lim: _json(_doc("扩展名是网页的JSON文档")),
             "扩展名是网页的JSON文档", "扩展名是网页"),
    Readable("gbk-page.txt", lambda lim: _page_text("GBK编码的页面", "国标扩展编码的正文。", "00034").encode("gbk"),
             "GBK编码的页面", "国标扩展"),
    # a file name in GBK bytes (a zip made on Chinese Windows): Python gives it with lone surrogates (PEP 383)
    Readable(os.fsdecode("公开目录".encode("gbk")) + ".json", lambda lim: _json(_doc("文件名为GBK编码的通知")),
             "文件名为GBK编码的通知", "文件名为GBK编码"),
    # a raw U+2028 (valid inside a JSON string) must not split a JSON Lines record, nor make the file JSON
    Readable("line-separator.jsonl", lambda lim: _lines([_doc("行分隔符之前的记录"), {"标题": "正文含行分隔符的通知",
             "正文": "第一段\u2028第二段\u2029第三段。"}]), "正文含行分隔符的通知", "正文含行分隔符"),
)  # fmt: skip

GOOD: dict[str, str] = {
    f"good-{n}.json": f"第{n}份正常的通知" for n in range(5)
}  # name → title: ordinary documents beside the hostile ones


def write_folder(folder: Path, limits: Limits) -> Path:
    """Write every hostile, readable and good file into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in (*HOSTILE, *READABLE):
        (folder / item.name).write_bytes(item.make(limits))
    for name, make in ATTACHMENT_FILES.items():
        (folder / name).write_bytes(make(limits))
    for name, title in GOOD.items():
        (folder / name).write_bytes(_json(_doc(title)))
    return folder
