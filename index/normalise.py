"""RawRecord → Document: clean text, ISO dates, 索引号 and 文号, classification dimensions, ids.

Nothing here rejects a document for a malformed value: it keeps what it can and records a
Finding naming the field. Only a record with neither title nor body is rejected. Raw values that are not
text (lists, objects, numbers, booleans) are first given each field's shape by :mod:`index.fieldvalues`.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import html
import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from index.attachments import first_file, kind_of, lookups
from index.dates import iso_date, parse_date, spreadsheet_day, today_in_china
from index.fieldvalues import field_values
from index.htmltext import ATTACHMENT_KINDS, NOT_AFTER_A_LABEL, html_to_text, is_page_tools
from index.identifiers import (
    bracketed_doc_no,
    cites_basis,
    normalise_doc_no,
    parse_index_no,
    promulgation_doc_no,
    split_leading_doc_no,
    split_order_heading,
)
from index.integrity import integrity_findings
from index.keyparts import is_title
from index.labels import WEAK_LABELS, canonical_field, label_key, line_pairs, map_fields
from index.pagefurniture import is_credit_line, is_tool_bar
from index.placeholders import PLACEHOLDER_FIELDS, is_placeholder
from index.publishers import PublisherTable, default_table, is_organisation_name, resolve_publishers
from index.record import Attachment, Document, Finding, IndexNo, Link, RawRecord


class RejectedRecord(Exception):
    """A record that cannot become a document; the message names file, record and field."""

    def __init__(self, record: RawRecord, field: str, reason: str) -> None:
        self.source, self.locator, self.field, self.reason = record.source, record.locator, field, reason
        super().__init__(f"{record.where}: field {field}: {reason}")


# Text ------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
# A body that starts with markup is HTML: a block, a heading (河南税务's 地方文件 start with <H4>), a list, an
# old editor's <center>/<font>, perhaps after comments (<!--StartFragment-->: see _after_comments).
_HTML_BODY = re.compile(
    r"^\s*<(?:div|p|table|span|section|article|html|body|h[1-6]|ul|ol|center|font|blockquote|pre)\b", re.IGNORECASE
)
# Markup stored escaped, as a crawler that HTML-escaped the page's markup once more keeps it: &lt;p&gt;, &lt;div …
_ESCAPED_HTML = re.compile(r"^\s*&lt;/?[A-Za-z][\w:-]*(?:\s|&gt;|/)")
# A body that starts with any other tag (<style>, <meta>, <o:p>, <TR>) is HTML too where it holds a paragraph's,
# a cell's or a line break's markup further on.
_ANY_TAG = re.compile(r"^\s*<[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG = re.compile(r"</(?:p|div|td|li|h[1-6]|table|section|article|span|font)\s*>|<br\s*/?>", re.IGNORECASE)
# A closing tag whose slash a JSON encoder escaped and a crawler kept escaped (<\/P>): the tag it stands for.
_ESCAPED_CLOSE = re.compile(r"<\\/(?=[A-Za-z])")


# Inline marks search APIs put round the matched words (gov.cn: <em>…</em>, TRS IGS: <font color=red>…</font>).
_INLINE_MARKS = re.compile(r"</?(?:em|b|strong|font|span|mark|i)\b[^<>]*>", re.IGNORECASE)


# Any tag in a one-line value (a title a list API wrapped in its link: <a href=…>…</a>): never the value's text.
# A tag name is Latin letters right after ``<``, so a title's <办法> in angle quotes stays.
_ANY_MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")


def clean_line(text: Any) -> str:
    """A one-line value: search-highlight marks (``<em>``) and any other tag (``<a href=…>``) dropped, entities
    decoded, NBSP/U+3000 padding and inner runs of space collapsed."""
    if text is None:
        return ""
    text = html.unescape(_ANY_MARKUP.sub("", str(text)))
    return _SPACES.sub(" ", text).strip()


# A URL's scheme and host (what urllib checks: the netloc, up to the first / ? #), and the rest.
_URL_HOST = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", re.DOTALL)


def clean_url(text: Any) -> str:
    """A URL as :func:`clean_line` cleans it, whose host urllib can split: the host NFKC-normalised, as a browser
    maps it (UTS #46: a full-width colon or dot typed in a link, ``http://www.example.gov.cn：8080/``, is ``:`` and
    ``.``), and square brackets outside a valid IPv6 host percent-encoded. urllib's ``urlsplit`` raises ValueError
    for both (CPython bpo-36216; an unbalanced or invalid ``[…]``), and one such link used to stop a whole ingest.
    Never raises."""
    url = clean_line(text)
    match = _URL_HOST.match(url)
    if match is None:
        return url
    scheme, host, rest = match.groups()
    url = scheme + unicodedata.normalize("NFKC", host) + rest
    try:
        urlsplit(url)
    except ValueError:
        url = url.replace("[", "%5B").replace("]", "%5D")
    return url


def clean_body(text: Any) -> str:
    """Body text as paragraphs separated by one blank line, indentation and padding removed.

    A body that is an HTML fragment (CMS exports keep the editor's markup) is turned into text first.
    """
    if not text:
        return ""
    text = str(text)
    if _ESCAPED_HTML.match(text):
        text = html.unescape(text)  # markup a crawler stored escaped (&lt;p&gt;…&lt;/p&gt;): the markup it stands for
    lead = _after_comments(text)
    commented = len(lead) < len(text.lstrip())
    if _HTML_BODY.match(lead) or ((commented or _ANY_TAG.match(lead)) and _BLOCK_TAG.search(text)):
        text = html_to_text(_ESCAPED_CLOSE.sub("</", text))
    else:
        text = html.unescape(_INLINE_MARKS.sub("", text))  # a search API's marks round the matched words
        text = markdown_to_text(text) if is_markdown(text) else unwalled(text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    # A line of no words (a visit counter's "-", a stray "/") and a line of page tools are not text.
    paragraphs = [line for line in lines if _WORD.search(line) and not is_page_tools(line)]
    while paragraphs and _EMPTY_SECTION.match(paragraphs[-1]):  # 相关附件 over a list the page left empty
        paragraphs.pop()
    return "\n\n".join(_without_trailing_furniture(paragraphs))


def _after_comments(text: str) -> str:
    """A text after the comments it opens with. A comment alone does not make a body HTML (markup after it does): a
    Markdown body may open with one (the law database's ``<!-- INFO END -->`` once its ``# title`` line is gone),
    and is read as Markdown, its paragraphs kept."""
    rest = text.lstrip()
    while rest.startswith("<!--") and (end := rest.find("-->", 4)) >= 0:
        rest = rest[end + 3 :].lstrip()
    return rest


# What a page prints under its text that a crawler's flattened text keeps: the column's neighbours (上一篇：…,
# 下一篇：没有了), the share buttons (分享到 微信 微博, or their bar on one line: index.pagefurniture.is_tool_bar), a
# credit (编辑：…, index.pagefurniture.is_credit_line), and a 相关链接 / 相关信息 list of titles.
_NEIGHBOUR_LINE = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上一页|下一页)\s*[:：]")
_SHARE_WORDS = frozenset(
    {"微信", "微博", "新浪微博", "腾讯微博", "QQ", "QQ空间", "qq空间", "分享到", "分享到：", "分享"}
)
_RELATED_HEADING = re.compile(r"^(?:相关(?:链接|信息|文章|阅读|新闻|稿件|解读|文件|政策))\s*[:：]?$")
_RELATED_LINES = 12  # a 相关链接 list's titles, at most
_TITLE_LINE = 60


def _without_trailing_furniture(paragraphs: list[str]) -> list[str]:
    """A text's paragraphs without the page furniture that follows its last line (see _NEIGHBOUR_LINE); a 相关链接
    heading counts only over short lines (titles, no sentence) up to the end."""
    kept = list(paragraphs)
    while len(kept) > 1:
        last = kept[-1].strip()
        if (
            _NEIGHBOUR_LINE.match(last)
            or last in _SHARE_WORDS
            or is_tool_bar(last, is_page_tools)
            or is_credit_line(last)
        ):
            kept.pop()
            continue
        heading = next(
            (
                i
                for i in range(len(kept) - 1, max(0, len(kept) - _RELATED_LINES - 1), -1)
                if _RELATED_HEADING.match(kept[i].strip())
            ),
            None,
        )
        if heading and all(len(line) <= _TITLE_LINE and not _SENTENCE.search(line) for line in kept[heading + 1 :]):
            del kept[heading:]
            continue
        break
    return kept


_SENTENCE = re.compile(r"[。！？；]")


_WORD = re.compile(r"\w")
_EMPTY_SECTION = re.compile(r"^(?:相关)?(?:附件|文件|链接|信息|解读|文件下载|附件下载)(?:下载|列表)?[:：]?$")


# A body a source wrote as Markdown (the shared corpus's laws): "# 标题" headings, an HTML comment
# marking where the front matter ends, **bold**.
_MD_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def is_markdown(text: str) -> bool:
    """Whether a text body carries Markdown headings or HTML comments."""
    return text.startswith("#") or "\n#" in text or "<!--" in text


def markdown_to_text(text: str) -> str:
    """A Markdown body as the paragraphs a reader sees: heading markers, bold markers and HTML
    comments (``<!-- INFO END -->``) gone, each heading a paragraph of its own."""
    if "<!--" in text:
        text = _HTML_COMMENT.sub("", text)
    lines = []
    for line in text.split("\n"):
        marks = len(line) - len(line.lstrip("#"))
        if 1 <= marks <= 6 and line[marks : marks + 1] in (" ", "\t"):
            line = "\n" + line.strip(" \t#") + "\n"
        lines.append(line)
    text = "\n".join(lines)
    return _MD_BOLD.sub(r"\1", text) if "**" in text else text


# A body exported as one line (the 河北 CSVs): paragraph starts are still written in it, as an
# article or chapter number set off by U+3000 (第一条　…), an enumerator after a sentence's end
# (。一、… ；（二）…), or a paragraph's indent of two U+3000 (or NBSP): after a sentence's end, and after the
# lines no sentence ends (a signature's issuer, then its 成文日期, then the heading of the document it issues:
# …请遵照执行。　　河北省科学技术厅　　2024年8月21日　　河北省实验室建设工作指引　　为…); not after a list item's
# label (1.　　…: htmltext.NOT_AFTER_A_LABEL).
_WALL = 200
_NUMERAL = "零一二三四五六七八九十百"
_INDENT = r"(?:\u3000{2,}|\xa0{2,})"
_PARAGRAPH_START = re.compile(
    rf"第(?=[{_NUMERAL}]+[编章节条][\u3000 ])"
    rf"|[。；：！？”）)]\s*(?=第[{_NUMERAL}]+[编章节条]|[{_NUMERAL}]{{1,3}}、|[（(][{_NUMERAL}]{{1,3}}[）)]"
    rf"|\d{{1,2}}[.．、](?!\d)|附件\s*\d*[：:])"
    rf"|[。；：！？”][ \t]*{_INDENT}"
    rf"|(?=[ \t\u3000\xa0]){NOT_AFTER_A_LABEL}[ \t]*{_INDENT}[ \t]*"  # the lookahead first: a quick no elsewhere
)


def _paragraph_break(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "第":  # an article or chapter number starts a paragraph unless it already does
        before = match.string[match.start() - 1 : match.start()]
        return "第" if not before or before.isspace() else "\n第"
    return "\n" if text[0].isspace() else text[0] + "\n"


def unwalled(text: str) -> str:
    """A body text with its paragraphs on lines of their own where it is one line of over _WALL characters (a
    crawler's export that ran the page's paragraphs together: :func:`split_wall_of_text`); as it is otherwise."""
    return split_wall_of_text(text) if "\n" not in text.strip() and len(text) > _WALL else text


# A chapter heading glued to the text around it: …2020年5月10日第一章总则第一条为了…
_GLUED_CHAPTER = re.compile(rf"(第[{_NUMERAL}]+[编章节])([\u4e00-\u9fff、]{{1,15}}?)(?=第[{_NUMERAL}]+条)")
# A section heading glued to its first item: 一、扩大技能人才供给（一）加强技能人才培养。
_GLUED_HEADING = re.compile(
    rf"^([{_NUMERAL}]{{1,3}}、[^。；：\n]{{2,40}}?)(?=[（(][{_NUMERAL}]{{1,3}}[）)])", re.MULTILINE
)


def split_wall_of_text(text: str) -> str:
    """A one-line body with its paragraphs on lines of their own (see _PARAGRAPH_START)."""
    text = _GLUED_CHAPTER.sub("\n\\1\\2\n", text)
    return _GLUED_HEADING.sub("\\1\n", _PARAGRAPH_START.sub(_paragraph_break, text))


# Classification --------------------------------------------------------------------------------

# 主题分类 top-level branches (gov.cn) and 体裁 (公文文种 plus local additions).
TOPICS = frozenset(
    "国务院组织机构 综合政务 国民经济管理、国有资产监管 财政、金融、审计 国土资源、能源 "
    "农业、林业、水利 工业、交通 商贸、海关、旅游 市场监管、安全生产监管 城乡建设、环境保护 "
    "科技、教育 文化、广电、新闻出版 卫生、体育 人口与计划生育、妇女儿童工作 劳动、人事、监察 "
    "公安、安全、司法 民政、扶贫、救灾 民族、宗教 对外事务 港澳台侨工作 国防".split()
)
GENRES = frozenset(
    "决议 决定 命令 令 命令（令） 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要 "
    "规划 计划 总结 统计数据".split()
)
# Separators between dimensions; "\" is kept, it separates the two levels of one 主题分类.
_CATEGORY_SPLIT = re.compile(r"\s*(?:\?+|\ufffd+|[/／|｜;；>»›]+)\s*")


def split_category(text: str) -> list[str]:
    """The dimensions of a combined classification: '规划计划 ??其他 ?? 报告' → [规划计划, 其他, 报告]."""
    text = clean_line(text)
    parts = [part for part in _CATEGORY_SPLIT.split(text) if part]
    if len(parts) == 1 and " " in parts[0]:
        parts = parts[0].split()
    return parts


def assign_dimensions(parts: list[str]) -> dict[str, str]:
    """组配 / 主题 / 体裁 for the parts of a classification.

    Three parts are in the order disclosure pages print them (组配 / 主题 / 体裁). Otherwise
    each part goes by vocabulary: a 公文文种 is 体裁, a gov.cn branch is 主题, the rest is
    the site's own 组配分类.
    """
    if len(parts) == 3:
        return dict(zip(("category_scheme", "category_topic", "category_genre"), parts, strict=True))
    dims: dict[str, str] = {}
    for part in filter(None, parts):
        if part in GENRES:
            key = "category_genre"
        elif part.split("\\")[0] in TOPICS:
            key = "category_topic"
        else:
            key = "category_scheme"
        dims.setdefault(key, part)
    return dims


# Lists -----------------------------------------------------------------------------------------


# Marks a subject-word list sets after a word: △ / ▲ for a free word from outside the 主题词表 (gov.cn prints
# ``外贸 出口 机电△``), * likewise in some lists. They are not part of the word.
_THESAURUS_MARKS = "△▲*＊"


def split_keywords(value: Any) -> list[str]:
    """Keywords (主题词 / 关键词): a list, or one string split on whitespace and ``, ， ; ； 、 |``; each word without
    a trailing thesaurus mark (``机电△`` is ``机电``); duplicates dropped, order kept."""
    if isinstance(value, list):
        items = [clean_line(item) for item in value]
    else:
        items = re.split(r"[\s,，;；、|]+", clean_line(value))
    return list(dict.fromkeys(word for item in items if (word := item.rstrip(_THESAURUS_MARKS))))


def _as_list(value: Any) -> list[Any]:
    """Attachments or related links: a list, a JSON string of a list, or a newline/semicolon separated string."""
    if not value:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return list(json.loads(text))
            except ValueError:
                try:
                    return list(ast.literal_eval(text))  # Python-repr lists in some exports
                except (ValueError, SyntaxError):
                    pass
        return [part for item in re.split(r"[\n;；]+", text) if item.strip() for part in _file_names(item)]
    return list(value) if isinstance(value, list | tuple) else [value]


_NAME_SEPARATOR = re.compile(r"\s*[,，|、]\s*")


def _file_names(text: str) -> list[str]:
    """A string of several files' names run together (``附件1.doc,附件2.pdf``, ``a.doc|b.pdf``) as its names, where
    every part ends in an attachment's extension; else the string as one name (a name may hold a comma)."""
    parts = [part for part in _NAME_SEPARATOR.split(text.strip()) if part]
    if len(parts) > 1 and all(kind_of(part) in ATTACHMENT_KINDS for part in parts):
        return parts
    return [text]


# A file name that is a digest in hex (MD5, SHA-1, SHA-256), maybe with an extension: the name a crawler stored a
# file under (Scrapy's FilesPipeline names it by the SHA-1 of its address; SunlightData/General_News_Crawler's
# ``attachment`` by an MD5), where the page shows the file by its own name, which its address ends in.
_HASH_NAME = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})(?:\.[A-Za-z0-9]{2,5})?$", re.IGNORECASE)
# A link that leads to no file: the page itself (its address, or only a fragment, ``#``) or a script or an e-mail
# address, also where a crawler glued it to the site's address (``http://example.gov.cn#``,
# ``http://example.gov.cnmailto:office@example.cn``).
_SCRIPT_OR_MAIL = re.compile(r"(?:javascript|mailto):", re.IGNORECASE)


def _leads_nowhere(url: str) -> bool:
    """Whether an attachment's address leads to no file (see _SCRIPT_OR_MAIL): empty, a script's or an e-mail
    address, or a site's or page's root with at most a fragment (``http://example.gov.cn#``)."""
    if not url or _SCRIPT_OR_MAIL.search(url):
        return True
    parts = urlsplit(url)
    return url.startswith("#") or (bool(parts.netloc) and parts.path in ("", "/") and not parts.query)


def attachments_of(value: Any, root: Path | None = None) -> list[Attachment]:
    """The attachments a record lists, each with the local copy found under ``root`` (see
    :func:`index.attachments.local_path`) and the files looked for to find it."""
    found: list[Attachment] = []
    folder = root.resolve() if root is not None else None
    for item in _as_list(value):
        if isinstance(item, dict):
            name = clean_line(item.get("name") or item.get("title") or "")
            url = clean_url(item.get("url") or item.get("href") or item.get("path") or "")
            text = str(item.get("text") or "")
        else:
            url = clean_url(item) if re.match(r"^(https?://|/|\.{0,2}/)", str(item).strip()) else ""
            name, text = ("" if url else clean_line(item)), ""
        if _leads_nowhere(url) and (not name or _HASH_NAME.match(name)):
            continue  # the page's own '#' or an e-mail link a crawler listed with every other link of the page
        if _HASH_NAME.match(name):
            name = ""  # the name a crawler stored the file under (the digest of its address), not the file's
        name = name or url.rstrip("/").rsplit("/", 1)[-1]
        if name or url:
            kind = clean_line(item.get("kind")) if isinstance(item, dict) and item.get("kind") else kind_of(url or name)
            looked = lookups(folder, item if isinstance(item, dict) else {"url": url, "name": name}) if folder else []
            path = first_file(folder, looked) if folder else None
            found.append(Attachment(name=name, url=url, kind=kind, text=text, path=path, lookups=tuple(looked)))
    return found


def related_of(value: Any) -> list[Link]:
    links = []
    for item in _as_list(value):
        if isinstance(item, dict):
            title, url = (
                clean_line(item.get("title") or item.get("name") or ""),
                clean_url(item.get("url") or ""),
            )
        else:
            title, url = clean_line(item), ""
        if title or url:
            links.append(Link(title=title or url, url=url))
    return links


# The record ------------------------------------------------------------------------------------


def stable_id(record: RawRecord, title: str, publisher: str, pub_date: str, doc_no: str) -> str:
    """An id for a document without a 索引号 that stays the same when the document is ingested again.

    The source's own id where it has one, else the URL, else what identifies the document on paper.
    """
    explicit = clean_line(record.fields.get("id"))
    if explicit:
        return explicit
    basis = clean_line(record.fields.get("url")) or "|".join((publisher, title, pub_date, doc_no))
    return "d" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:15]


T = TypeVar("T")
# A step reads one field of the raw record and gives its value with what it found wrong.
Step = tuple[T, list[Finding]]


def normalise(record: RawRecord, today: date | None = None, publishers: PublisherTable | None = None) -> Document:
    """The document a raw record describes; raises RejectedRecord if it has neither title nor body.

    One step per field, each returning its value and its findings, in the order a page shows them.
    ``today`` (default: today in China) decides which dates are in the future; ``publishers`` is the
    table short publisher names resolve by (default: index/data/publishers.tsv).
    """
    today = today or today_in_china()
    values, shaped = field_values(record.fields)  # lists, objects, numbers → the text each field means
    # 文号：无, fileNum: 其它, 索引号：/ hold nothing (index.placeholders).
    values = {
        name: value
        for name, value in values.items()
        if not (name in PLACEHOLDER_FIELDS and is_placeholder(value, name))
    }
    record = dataclasses.replace(record, fields=values)
    findings = [*record.warnings, *shaped]

    def take(step: Step[T]) -> T:
        value, found = step
        findings.extend(found)
        return value

    lifted, heading, body = take(body_metadata_step(clean_body(record.fields.get("body"))))
    ordered, body = take(order_heading_step(body))
    # What the source labels itself wins over what its body repeats.
    fields = {
        **ordered,
        **lifted,
        **{name: value for name, value in record.fields.items() if value not in (None, "", [])},
    }
    try:
        title, body = take(title_step(record, fields.get("title"), heading, body))
    except RejectedRecord as exc:
        # Say why, where the title or the body was there but not text (``"title": true``).
        why = [f"{f.field}: {f.message}" for f in shaped if f.field in ("title", "body")]
        if not why:
            raise
        raise RejectedRecord(record, exc.field, f"{exc.reason}; {'; '.join(why)}") from exc
    title, flagged = take(title_validity_step(title))
    if flagged and not clean_line(fields.get("validity")):
        fields = {**fields, "validity": flagged}
    title, column = take(title_column_step(title, clean_url(fields.get("url"))))
    if column and not clean_line(fields.get("column")):
        fields = {**fields, "column": column}
    doc_no, body = take(doc_no_step(fields.get("doc_no"), body))
    if not doc_no:
        title, doc_no = take(title_doc_no_step(title))
    pub_date = take(date_step("pub_date", fields.get("pub_date"), today))
    written_date = take(date_step("written_date", fields.get("written_date"), today))
    index_no = take(index_no_step(fields.get("index_no")))
    categories = categories_step(fields)
    names, aliases = take(publisher_step(fields, index_no, publishers or default_table()))
    publisher = "、".join(names)
    body = take(body_step(body))
    findings += integrity_findings(
        {
            "title": title,
            "category": clean_line(fields.get("category")),
            "publisher": publisher,
            "doc_no": doc_no,
            "keywords": clean_line(fields.get("keywords")),
            "summary": clean_line(fields.get("summary")),
            "body": body,
        }
    )
    doc_id = index_no.normalised if index_no else stable_id(record, title, publisher, pub_date, doc_no)
    return Document(
        id=doc_id,
        title=title,
        index_no=index_no,
        category_scheme=categories.get("category_scheme", ""),
        category_topic=categories.get("category_topic", ""),
        category_genre=categories.get("category_genre", ""),
        publisher=publisher,
        publishers=names,
        publisher_aliases=aliases,
        pub_date=pub_date,
        written_date=written_date,
        doc_no=doc_no,
        keywords=split_keywords(fields.get("keywords")),
        validity=take(validity_step(fields, today)),
        disclosure=clean_line(fields.get("disclosure")),
        summary=clean_line(fields.get("summary")),
        body=body,
        attachments=attachments_of(fields.get("attachments"), record.attachment_root),
        related=related_of(fields.get("related")),
        url=clean_url(fields.get("url")),
        site=clean_line(fields.get("site")),
        column=clean_line(fields.get("column")),
        source=record.source,
        locator=record.locator,
        fetched_at=record.fetched_at or "",
        warnings=findings,
    )


def title_step(record: RawRecord, raw: Any, heading: str, body: str) -> Step[tuple[str, str]]:
    """(title, body): the labelled title; else the heading printed above the metadata in the body;
    else the body's first line. The heading leaves the body when it is the title.

    Raises RejectedRecord when there is neither title nor body.
    """
    title = printed_once(clean_line(raw))
    if title:
        # The title printed over the text (a page's <h1>, a Markdown "# 标题"), or under its 文号.
        first = body.split("\n\n", 1)[0]
        glued = first != title and len(title) >= _MIN_GLUED_TITLE and first.startswith(title)  # 通知各省、自治区…
        if glued and not _FILE_EXTENSION.match(first[len(title) :]):  # 关于…的通知.pdf is a file's name
            body = body[len(title) :].lstrip(" ，,：:")
        elif _is_doc_no_line(first) and "\n\n" in body:
            # The 文号 line stays for the 文号 step; the title printed under it leaves.
            rest = body.split("\n\n", 1)[1]
            body = f"{first}\n\n{_without_broken_title(title, rest)}"
        else:
            body = _without_broken_title(title, body)
        return (title, body if heading in ("", title) else f"{heading}\n\n{body}".strip()), []
    if heading:
        return (heading, body), []
    if not body:
        raise RejectedRecord(record, "title", "no title (名称/标题) and no body (正文)")
    return (body.split("\n", 1)[0][:80], body), [
        Finding("no_title", "title", "缺少标题，取正文首行（no title; the body's first line is used）")
    ]


# A title written twice: a crawler took a list item's full title (its link's title attribute) and then its shown
# text, the list's copy, whole or cut with an ellipsis (广州市…的通知广州市…的通知, 广州市…指引的通知广州市…肺炎...).
_ELLIPSIS_END = re.compile(r"\s*(?:\.{3,}|…+)$")
_MIN_COPY = 6  # the shortest second copy taken for one: a shorter repeat may be the title's own words
_MAX_TWICE = 600  # longer values are never a list item's title twice (and the search is quadratic)


def printed_once(title: str) -> str:
    """``title`` once where it is written twice in a row: ``A A`` (whitespace between them or none), or ``A`` followed
    by its own start cut with ``...`` / ``…``, as a list shows a long title. Anything else is returned as it is."""
    if len(title) > _MAX_TWICE:
        return title
    shown = _ELLIPSIS_END.sub("", title)
    cut = shown != title
    head = shown[:_MIN_COPY]
    at = shown.find(head, len(shown) // 2)  # the second copy starts with the first's head, in the second half
    while 0 < at <= len(shown) - _MIN_COPY:
        whole, copy = shown[:at].rstrip(), shown[at:]
        if whole.startswith(copy) if cut else whole == copy:
            return whole
        at = shown.find(head, at + 1)
    return title


# A title glued to the text after it (exports that lost the line break) is cut off only when it is
# long enough not to be the text's own first words.
_MIN_GLUED_TITLE = 8
# What follows a title in a file's name: the page lists a file named as the document (关于…的通知.pdf).
_FILE_EXTENSION = re.compile(r"\s*\.(?:" + "|".join(sorted(ATTACHMENT_KINDS)) + r")(?![a-z0-9])", re.IGNORECASE)


_MAX_TITLE_LINES = 4


# The Chinese zero is printed as 〇 (U+3007) or as a circle (○ U+25CB, ◯ U+25EF): 一九九○年 and 一九九〇年 are
# one title (the page's label and the heading over its text often differ in it, as in full- and half-width
# brackets: 意见(摘要) and 意见（摘要）).
_ZERO = str.maketrans({"○": "〇", "◯": "〇"})


def _title_key(text: str) -> str:
    """A printed title as compared with the labelled one: NFKC (one width), no whitespace, one Chinese zero."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).translate(_ZERO)


def _without_broken_title(title: str, body: str) -> str:
    """The body without a title printed at its start over one or more lines (发文机关 / 关于印发… / …的通知),
    compared by :func:`_title_key`."""
    wanted = _title_key(title)
    paragraphs = body.split("\n\n", _MAX_TITLE_LINES)
    joined = ""
    for count, paragraph in enumerate(paragraphs[:_MAX_TITLE_LINES], 1):
        joined += _title_key(paragraph)
        if joined == wanted:
            return "\n\n".join(paragraphs[count:])
        if not wanted.startswith(joined):
            break
    return body


def _is_doc_no_line(paragraph: str) -> bool:
    glued, rest = split_leading_doc_no(paragraph)
    return bool(glued) and not rest.strip()


def doc_no_step(raw: Any, body: str) -> Step[tuple[str, str]]:
    """(文号, body): the 文号 in GB/T 9704 form, taken from the body's start where it is glued there."""
    doc_no = normalise_doc_no(clean_line(raw))
    findings = []
    inside = bracketed_doc_no(doc_no)
    if inside is None and cites_basis(doc_no):
        inside = ""  # 穗府办规〔2021〕14号为依据, （依据粤财社〔2026〕19号）: the number of what the record rests on
    if inside == "":
        findings.append(Finding("doc_no_note", "doc_no", f"文号栏是说明而非文号（no 文号, a note: {doc_no}）"))
    doc_no = doc_no if inside is None else inside
    glued, rest = split_leading_doc_no(body)
    if not glued and not doc_no and (promulgated := _promulgation_doc_no(body)):
        return (promulgated, body), findings + [
            Finding("doc_no_in_note", "doc_no", f"文号取自规章的公布说明（文号 {promulgated} from its promulgation）")
        ]
    if not glued or (doc_no and glued != doc_no):
        return (doc_no, body), findings
    return (glued, rest), findings + [
        Finding("doc_no_in_body", "doc_no", f"文号从正文开头提取（文号 {glued} taken from the body's start）")
    ]


# A 令 signs its text off with the signer's office and name over its 成文日期 on a line of its own (GB/T 9704-2012
# 10.1), all before the 规章 it issues begins (第一章 / 第一条).
_ORDER_TEXT_PARAGRAPHS = 12
_ARTICLE_START = re.compile(r"^\s*第[一二三四五六七八九十百〇零]+\s*[章条]")
_DAY = len("2013-02-04")


def order_heading_step(body: str) -> Step[tuple[dict[str, str], str]]:
    """(fields, body): what a 令 prints about itself where its text opens with the 令's heading (see
    :func:`index.identifiers.split_order_heading`): its issuers as publisher, its number as 文号 where one organ
    issues it (``国家质量监督检验检疫总局令第156号``; a joint 令's number belongs to no single issuer's series), and
    the date it is signed on as 成文日期; the heading leaves the body. A heading whose names are not all an organ's
    is no 令's: ``({}, body)``. The caller lets what the source labels win over these."""
    issuers, number, rest = split_order_heading(body)
    if not issuers or not all(is_organisation_name(name) for name in issuers):
        return ({}, body), []
    fields = {"publisher": "、".join(issuers)}
    if len(issuers) == 1:
        fields["doc_no"] = f"{issuers[0]}令{number}"
    for paragraph in rest.split("\n\n", _ORDER_TEXT_PARAGRAPHS)[:_ORDER_TEXT_PARAGRAPHS]:
        if _ARTICLE_START.match(paragraph):
            break
        if (day := iso_date(paragraph.strip(), whole=True)) and len(day) == _DAY:
            fields["written_date"] = day
            break
    return (fields, rest), [
        Finding(
            "order_heading",
            "publisher",
            f"发布机构、令号取自令的版头（{fields['publisher']} {number}, the 令's heading）",
        )
    ]


# A promulgation note stands under the title, before the text's first article.
_NOTE_PARAGRAPHS = 4


def _promulgation_doc_no(body: str) -> str:
    """The 令 number of a 规章 whose promulgation note opens its body (see identifiers.promulgation_doc_no)."""
    for paragraph in body.split("\n\n", _NOTE_PARAGRAPHS)[:_NOTE_PARAGRAPHS]:
        if found := promulgation_doc_no(paragraph):
            return found
    return ""


# A list page's status flag printed with a title, in brackets before it (北京市生态环境局's 政策发布 lists, as
# g18201123180/CrawlingZCWJ's links.json keeps them: 【已废止】北京市人民政府办公厅关于印发…的通知) or after it
# (…的通知（已失效）). Only the words that say a document is out of force: （修订）, （试行） and （2021年修订） are
# part of titles.
_OPEN = "[" + re.escape("【[［(（〔") + "]"
_CLOSE = "[" + re.escape("】]］)）〕") + "]"
_INSIDE = "[^" + re.escape("【[［(（〔】]］)）〕") + "]"
_STATUS_FLAGS = frozenset(("已废止", "废止", "已失效", "失效", "已作废", "作废"))
_LEADING_FLAG = re.compile(rf"^\s*{_OPEN}\s*(?P<flag>{_INSIDE}{{1,6}}?)\s*{_CLOSE}\s*(?P<rest>.+)$", re.S)
_TRAILING_FLAG = re.compile(rf"^(?P<rest>.+?)\s*{_OPEN}\s*(?P<flag>{_INSIDE}{{1,6}}?)\s*{_CLOSE}\s*$", re.S)


def title_validity_step(title: str) -> Step[tuple[str, str]]:
    """(title, 有效性) where a title carries its document's status flag in brackets before or after it
    (``【已废止】北京市人民政府办公厅关于印发…的通知``, ``…的通知（已失效）``): the flag leaves the title and says the
    有效性 (废止 or 失效, :func:`normalise_validity`); the caller lets a 有效性 the source labels win. ``(title, "")``
    where no such flag is there, or where taking it off would leave no title."""
    for pattern in (_LEADING_FLAG, _TRAILING_FLAG):
        match = pattern.match(title)
        if match and match["flag"] in _STATUS_FLAGS and (rest := match["rest"].strip()):
            validity = normalise_validity(match["flag"])
            flagged = f"有效性取自标题旁的标注（{match['flag']}, flagged beside the title）"
            return (rest, validity), [Finding("validity_in_title", "validity", flagged)]
    return (title, ""), []


# A column's name a crawler glued before the title it took from a list (S-ummmer/gov-crawler-0605 results/result.csv:
# 政策文件国务院办公厅关于…的意见, 要闻动态李强主持召开…, from www.mee.gov.cn/zcwj/… and /ywdt/…): the site names the
# column in its addresses by the name's pinyin initials (zcwj, ywdt), which is the evidence the name is no title's.
_COLUMN_NAME = re.compile(r"^[\u4e00-\u9fff]{4}")
_MIN_TITLE_AFTER_COLUMN = 8  # what stays must be a title of its own, not the name's own words going on (政策文件汇编)


def title_column_step(title: str, url: str) -> Step[tuple[str, str]]:
    """(title, column) where a title opens with a four-character column name whose pinyin initials are a folder of
    the record's address (``政策文件…`` under ``…/zcwj/…``) and goes on with a title of its own
    (:func:`index.keyparts.is_title`, eight characters at least): the name leaves the title and is the column.
    ``(title, "")`` anywhere else. Every reading of a character counts (a heteronym's too)."""
    folders = {part for part in urlsplit(url).path.lower().split("/") if len(part) == 4 and part.isalpha()}
    name = _COLUMN_NAME.match(title)
    rest = title[4:].strip()
    if not folders or name is None or len(rest) < _MIN_TITLE_AFTER_COLUMN or not is_title(rest):
        return (title, ""), []
    from index.query.spelling import readings  # pypinyin, loaded only for such a title

    initials = [{reading[0] for reading in readings(ch) if reading} for ch in name.group()]
    if not any(all(letter in options for letter, options in zip(folder, initials, strict=True)) for folder in folders):
        return (title, ""), []
    found = f"标题前的栏目名已去除（{name.group()}, the column the address names {url}）"
    return (rest, name.group()), [Finding("column_in_title", "title", found)]


_TRAILING_BRACKETS = re.compile(r"^(?P<name>.+?)\s*(?P<bracketed>[(（][^()（）]*[)）])\s*$")


def title_doc_no_step(title: str) -> Step[tuple[str, str]]:
    """(title, 文号) where a title ends with its 文号 in brackets, as list pages print it
    (``国务院关于修改和废止部分行政法规的决定（中华人民共和国国务院令 第797号）``), or opens with it and maybe a
    separator, as a site reposting a document heads it (``发改能源规〔2025〕411号_国家发展改革委 国家能源局关于…``):
    the 文号 leaves the title. Only for a document that gives no 文号 of its own; a title ending in any other
    bracket, or opening with words that are no whole 文号, is left whole."""
    if leading := _leading_doc_no(title):
        opening, name = leading
        return (name, opening), [
            Finding("doc_no_in_title", "doc_no", f"文号从标题开头提取（文号 {opening} taken from the title's start）")
        ]
    match = _TRAILING_BRACKETS.match(title)
    doc_no = bracketed_doc_no(match["bracketed"]) if match else None
    if match is None or not doc_no:
        return (title, ""), []
    return (match["name"], doc_no), [
        Finding("doc_no_in_title", "doc_no", f"文号从标题末尾的括号中提取（文号 {doc_no} taken from the title's end）")
    ]


def _leading_doc_no(title: str) -> tuple[str, str] | None:
    """(文号, the rest) where a title opens with its 文号 (identifiers.split_leading_doc_no: a bracket form glued or
    set off by an underscore or a bar, or a 令 number and a space)."""
    doc_no, name = split_leading_doc_no(title)
    return (doc_no, name) if doc_no and name else None


def date_step(name: str, raw: Any, today: date) -> Step[str]:
    """公开日期 or 成文日期 (``name``) as ISO 8601 to the precision given ('' when unreadable).

    Findings: an unreadable date; a number read as a Unix timestamp (China time) or as a spreadsheet's day number
    (:func:`index.dates.spreadsheet_day`); a date after ``today``.
    """
    parsed = parse_date(raw)
    findings = []
    if parsed is None and (parsed := spreadsheet_day(raw)) is not None:
        findings.append(
            Finding(
                "date_spreadsheet_day",
                name,
                f"日期由电子表格的日序数换算（spreadsheet day number {raw!r} read as {parsed.iso}）",
            )
        )
    if parsed is None:
        return "", [Finding("bad_date", name, f"无法识别的日期（unreadable date: {raw!r}）")]
    if parsed.timestamp:
        findings.append(
            Finding(
                "date_timestamp",
                name,
                f"日期由时间戳按北京时间换算（Unix timestamp {parsed.timestamp} read as {parsed.iso}, China time）",
            )
        )
    if parsed.in_future(today):
        findings.append(
            Finding("future_date", name, f"日期晚于今天（{parsed.iso} is in the future; not listed as the latest）")
        )
    return parsed.iso, findings


def index_no_step(raw: Any) -> Step[IndexNo | None]:
    """The parsed 索引号 (None for none, or a placeholder such as 无), with findings on its form and check digit."""
    index_no = parse_index_no(clean_line(raw))
    if index_no is None or (index_no.variant == "unrecognised" and not re.search(r"\d", index_no.normalised)):
        return None, []
    findings = []
    if index_no.variant == "unrecognised":
        findings.append(
            Finding("index_no_format", "index_no", f"索引号格式无法识别（unrecognised 索引号 {index_no.raw!r}）")
        )
    if index_no.check_ok is False:
        findings.append(
            Finding("index_no_check", "index_no", f"索引号前段码校验位不符（check digit fails in {index_no.raw!r}）")
        )
    return index_no, findings


def publisher_step(
    fields: dict[str, Any], index_no: IndexNo | None, table: PublisherTable
) -> Step[tuple[list[str], list[str]]]:
    """(full names, aliases): joint issuers apart, each short name resolved (see index.publishers).

    The aliases are the names as printed where they differ, and the table's other names for each
    publisher, so a search for any of them still finds the document.
    """
    written = clean_line(fields.get("publisher")).replace(",", "，")  # facet values are comma-separated
    resolved = resolve_publishers(written, clean_line(fields.get("site")), index_no.org_code if index_no else "", table)
    names = list(dict.fromkeys(r.name for r in resolved))
    aliases = [r.written for r in resolved if r.written != r.name]
    aliases += [alias for name in names for alias in table.aliases_of(name)]
    findings = [
        Finding(
            "publisher_resolved",
            "publisher",
            f"发布机构简称已补全（{r.written} → {r.name}, from the {_RESOLVED_BY[r.how]}）",
        )
        for r in resolved
        if r.how
    ]
    return (names, list(dict.fromkeys(a for a in aliases if a not in names))), findings


_RESOLVED_BY = {
    "org_code": "索引号's org code",
    "site": "site's name",
    "table": "publishers table",
    "website": "website's name: the office that runs it",
}


def categories_step(fields: dict[str, Any]) -> dict[str, str]:
    """组配 / 主题 / 体裁 from a combined classification, overridden by any dimension a source names."""
    parts = split_category(fields.get("category") or "")
    # A placeholder part (规划计划 / 无 / 通知) holds its place among three but is no class.
    categories = assign_dimensions(["" if is_placeholder(part, "category") else part for part in parts])
    categories = {key: value for key, value in categories.items() if value}
    for key in ("category_scheme", "category_topic", "category_genre"):
        if fields.get(key):
            categories[key] = clean_line(fields[key])
    return categories


_LIFTED_FIELDS_SKIPPED = frozenset({"body", "attachments", "related"})
_MAX_HEADING = 100
_MAX_META_VALUE = 300


def body_metadata_step(body: str) -> Step[tuple[dict[str, Any], str, str]]:
    """(fields, heading, body): metadata a page printed above its text (``时间：… 来源：…``, or the label
    table repeated as text), lifted out of the body, and the heading printed above it.

    Only lines at the very start count, and only lines that are metadata beyond doubt (see
    :func:`_metadata_pairs`): a body that starts ``时间：上午九点`` keeps it.
    """
    paragraphs = [part for paragraph in body.split("\n\n") for part in _run_on(paragraph)] if body else []
    start = 1 if len(paragraphs) > 1 and _is_heading(paragraphs[0]) and _metadata_at(paragraphs, 1) else 0
    if start and _metadata_at(paragraphs, 0):
        start = 0
    pairs: list[tuple[str, str]] = []
    i = start
    while i < len(paragraphs) and (found := _metadata_at(paragraphs, i, continued=bool(pairs))):
        found_pairs, used = found
        pairs += found_pairs
        i += used
    if not pairs:
        return ({}, "", body), []
    fields, _unknown = map_fields(pair for pair in pairs if canonical_field(pair[0]) not in _LIFTED_FIELDS_SKIPPED)
    heading = paragraphs[0] if start else ""
    finding = Finding(
        "body_metadata",
        "body",
        f"正文开头的元数据已移出正文（{len(pairs)} labelled values printed above the text: {', '.join(fields)}）",
    )
    return (fields, heading, "\n\n".join(paragraphs[i:])), [finding]


def _run_on(paragraph: str) -> list[str]:
    """A paragraph of metadata that runs on into the text, as a crawler's flattened page gives it
    (``索引号: … 成文日期: 2024-02-28 某市关于…的通知 各区县：…``), cut after the date that ends the
    metadata: [metadata, text]. Any other paragraph as it is: [paragraph]."""
    if not line_pairs(paragraph):
        return [paragraph]
    last = None
    for last in _DATED.finditer(paragraph):  # noqa: B007 (the last match is wanted)
        pass
    if last is None:
        return [paragraph]
    rest = paragraph[last.end() :].strip()
    if len(rest) < _MIN_RUN_ON or line_pairs(rest):
        return [paragraph]  # a stray word after the date, or more metadata
    return [paragraph[: last.end()].strip(), rest]


def _date_labels() -> str:
    from index.labels import LABELS  # the one label table

    names = [label for field in ("pub_date", "written_date") for label in LABELS[field] if not label.isascii()]
    return "|".join(map(re.escape, sorted(names, key=len, reverse=True)))


_DATED = re.compile(
    rf"(?:{_date_labels()})\s*[:：]?\s*\d{{4}}\s*[-年/.]\s*\d{{1,2}}\s*[-月/.]\s*\d{{1,2}}\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_MIN_RUN_ON = 20  # the text after the date must be a text, not a stray word


def _is_heading(line: str) -> bool:
    """A line that can be a title: short, and not a salutation or a sentence (各县区：, …。)."""
    return len(line) <= _MAX_HEADING and not line.endswith(("：", ":", "。", "，", "；", ";"))


def _metadata_at(paragraphs: list[str], i: int, continued: bool = False) -> tuple[list[tuple[str, str]], int] | None:
    """The metadata pairs of paragraph ``i`` and how many paragraphs they take, or None if it is text;
    ``continued``: the paragraphs before it are metadata (see :func:`_metadata_pairs`)."""
    if i >= len(paragraphs):
        return None
    pairs = _metadata_pairs(paragraphs[i], continued)
    if pairs:
        return pairs, 1
    if (weak := _weak_metadata(paragraphs[i])) and (beside := _metadata_at(paragraphs, i + 1)):
        # An info bar a page prints on one line (来源：… 时间：… 浏览量：…) that the markup's reading split at its
        # spaces: the weak label's line counts beside the metadata line under it, as on one line it would.
        return weak + beside[0], 1 + beside[1]
    # A label table copied as text: a strong label alone on its line, its value on the next.
    alone = line_pairs(paragraphs[i])
    if (
        len(alone) == 1
        and not alone[0][1]
        and canonical_field(alone[0][0]) not in _LIFTED_FIELDS_SKIPPED
        and label_key(alone[0][0]) not in WEAK_LABELS
        and i + 1 < len(paragraphs)
        and not line_pairs(paragraphs[i + 1], unknown=True)
        and len(paragraphs[i + 1]) <= _MAX_META_VALUE
    ):
        return [(alone[0][0], paragraphs[i + 1])], 2
    return None


def _weak_metadata(line: str) -> list[tuple[str, str]]:
    """A line's label/value pairs where it is a weak label's value alone (来源：某某局, see WEAK_LABELS): metadata
    only beside a metadata line (see _metadata_at); [] for any other line."""
    pairs = line_pairs(line, unknown=True)
    if not pairs or any(len(value) > _MAX_META_VALUE or not value for _, value in pairs):
        return []
    known = [label for label, _ in pairs if canonical_field(label) not in (None, *_LIFTED_FIELDS_SKIPPED)]
    return pairs if known and all(label_key(label) in WEAK_LABELS for label in known) else []


def _metadata_pairs(line: str, continued: bool = False) -> list[tuple[str, str]]:
    """A line's label/value pairs if the line is metadata: it starts with a label, every value is short,
    and it holds a label that is never body text (索引号, 发布机构 …), two known labels, or a date under
    a date label (时间：2018-04-10); or, ``continued`` under metadata already lifted, a known label that may
    open body text too (来源：中国政府网 under 发布时间：2025-07-08: S-ummmer/gov-crawler-0605's page texts) with a
    short value that is no sentence. Otherwise []."""
    pairs = line_pairs(line, unknown=True)
    known = [(label, value) for label, value in pairs if canonical_field(label) not in (None, *_LIFTED_FIELDS_SKIPPED)]
    if not known or any(len(value) > _MAX_META_VALUE for _, value in pairs):
        return []
    strong = any(label_key(label) not in WEAK_LABELS for label, _ in known)
    dated = any(canonical_field(label) in ("pub_date", "written_date") and iso_date(value) for label, value in known)
    short = all(len(value) <= _MAX_HEADING_VALUE and not _SENTENCE_END.search(value) for _, value in pairs)
    return pairs if strong or len(known) >= 2 or dated or (continued and short) else []


_MAX_HEADING_VALUE = 40  # characters of a weak label's value under a page's metadata: a name or a date, no text
_SENTENCE_END = re.compile(r"[。！？；]")


# 有效性 values as sites write them, by what they mean; the first group a value names wins
# (部分失效 is a change, not an end; 现行有效 is 有效).
_VALIDITY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("已修改", ("部分失效", "部分废止", "修改", "修订", "修正")),
    ("废止", ("废止", "废除", "撤销", "作废")),
    ("尚未生效", ("尚未生效", "未生效")),
    ("失效", ("失效", "过期", "到期", "无效")),
    ("有效", ("有效", "现行", "生效")),
)
_VALIDITY_MEANINGS = frozenset(meaning for meaning, _ in _VALIDITY_WORDS)
_YES = frozenset({"1", "true", "yes", "y", "是"})
_NO = frozenset({"0", "false", "no", "n", "否"})


def normalise_validity(value: Any) -> str:
    """有效性 in one of 有效 / 失效 / 废止 / 已修改 (also 尚未生效); 是/否 and true/false as 有效/失效; a bare
    number (a site's own code) or a date or period without a 有效性 word as unknown (''); any other value as
    written."""
    text = clean_line(value)
    if text.isdigit():
        # A site's own code (yxx "0", Effectivestate "1"): whether 0 means 有效 or 失效 differs by site.
        return ""
    if text.lower() in _YES:
        return "有效"
    if text.lower() in _NO:
        return "失效"
    for meaning, words in _VALIDITY_WORDS:
        if any(word in text for word in words):
            return meaning
    # A date or a period under 有效期 (2021年1月1日至2025年12月31日) says when, not whether: no 有效性 word.
    return "" if re.search(r"\d", text) else text


def validity_step(fields: dict[str, Any], today: date) -> Step[str]:
    """有效性 from its label, else from platform flags (gkmlpt: is_abolished → 废止, is_expired → 失效),
    then checked against the date the document stops being in force (``expiry_date``: 失效日期, 信息时效期,
    废止日期).

    An expiry date before ``today`` makes a document 失效 that is printed 有效 or not at all, with a
    ``validity_from_date`` finding (废止 and 已修改 say more and stay). A word under a date label
    (``废止日期：有效``) is read as what it says.
    """
    validity = normalise_validity(fields.get("validity"))
    if not validity and ("expired" in fields or "abolished" in fields):
        if clean_line(fields.get("abolished")).lower() in _YES:
            validity = "废止"
        elif clean_line(fields.get("expired")).lower() in _YES:
            validity = "失效"
        else:
            validity = "有效"
    expiry = clean_line(fields.get("expiry_date"))
    if not expiry:
        return validity, []
    parsed = parse_date(expiry)
    if parsed is None or not parsed.iso:
        said = normalise_validity(expiry)
        return (validity or (said if said in _VALIDITY_MEANINGS else "")), []
    if validity in ("", "有效") and parsed.iso < today.isoformat()[: len(parsed.iso)]:
        message = f"失效日期 {parsed.iso} 已过，按失效处理（expiry date {parsed.iso} has passed: read as 失效）"
        return "失效", [Finding("validity_from_date", "validity", message)]
    return validity, []


def body_step(body: str) -> Step[str]:
    """The body; an empty one is indexed with a finding (the text lived in an attachment)."""
    if body:
        return body, []
    return body, [Finding("empty_body", "body", "正文为空，仅按标题检索（empty body; found by title only）")]
