"""The HTML detail-page reader: one 政府信息公开 page → its labelled metadata, main text,
attachments and related links, whatever the site's markup.

:func:`parse_html` is shared with the crawl-folder reader (which knows each page's URL);
:func:`html_to_text` turns an HTML body fragment (TRS editor output in CMS exports) into paragraphs.
Values are extracted as the page writes them; dates, 文号 and 索引号 are the normaliser's job.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from index import limits
from index.attachments import detected_encoding, kind_of
from index.labels import canonical_field, known_labels, label_key, map_fields
from index.readers import ReadError, contained
from index.readers._common import read_whole
from index.record import Finding, RawRecord

NAME = "html"

# Decoding ----------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.IGNORECASE)
_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-euc-cn": "gb2312", "csgb2312": "gb2312"}
# GB2312/GBK pages routinely use characters only GB18030 encodes (rare names of people and places),
# and GB18030 reads every GBK sequence the same way. A page that can declare UTF-16 in ASCII
# bytes is not UTF-16, and browsers read Latin-1 as windows-1252: both follow the WHATWG rules.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "iso8859-1": "cp1252",
}
# The encodings a Chinese site's mislabelled page is really in, tried when its declaration fails.
_USUAL_ENCODINGS = ("utf-8", "gb18030")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def encoding_name(label: str) -> str | None:
    """The Python codec to decode a declared charset with (GBK → gb18030), or None if unknown."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in an XML declaration or a ``<meta>`` tag, if Python knows it."""
    head = data[:16384]
    for pattern in (_XML_CHARSET, _META_CHARSET):
        match = pattern.search(head)
        if match and (name := encoding_name(match.group(1).decode("ascii"))):
            return name
    return None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """A page's text: by BOM, else the given (HTTP) encoding, else its own declaration, else detection.

    Bytes that do not decode become U+FFFD, which the normaliser reports as encoding loss.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    declared = (encoding and encoding_name(encoding)) or declared_encoding(data)
    if declared is None:
        detected = detected_encoding(data)
        return data.decode(encoding_name(detected) or detected, errors="replace")
    try:
        return data.decode(declared)
    except UnicodeDecodeError:
        return _mislabelled(data, declared) or data.decode(declared, errors="replace")


def _mislabelled(data: bytes, declared: str) -> str | None:
    """The text of a page whose declaration is wrong (UTF-8 declared, GBK saved), if a usual encoding fits.

    A few bad bytes in a correctly labelled page are kept as U+FFFD, not a reason to switch.
    """
    lossy = data.decode(declared, errors="replace")
    if lossy.count("\ufffd") <= max(2, len(lossy) // 200):
        return None
    for name in _USUAL_ENCODINGS:
        if name != declared:
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                continue
    return None


# Sniffing ----------------------------------------------------------------------------------------

_LEADING = re.compile(rb"^(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
_FIRST_TAG = re.compile(
    rb"<(?:!doctype\s+html|(?:html|head|meta|title|body|div|table|p|span|section|article|header|nav"
    rb"|link|script|style|center|font|form|ul|h[1-6])[\s>/])",
    re.IGNORECASE,
)


def sniff(path: Path, head: bytes) -> bool:
    """True if the file's content is HTML (a page or a fragment), whatever its name."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(name, errors="ignore").encode("utf-8")
            break
    start = head[_LEADING.match(head).end() :]
    return _FIRST_TAG.match(start) is not None


# Reading -----------------------------------------------------------------------------------------


@contained
def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """The one record of an HTML detail page (at most PORTAL_MAX_PAGE_MB: a page is parsed whole)."""
    data = read_whole(path, limits.current().max_page_bytes, "PORTAL_MAX_PAGE_MB")
    if not data.strip():
        raise ReadError(path, "empty file")
    if not sniff(path, data[:65536]):
        raise ReadError(path, "not an HTML page")
    yield parse_html(data, source=str(path))


def parse_html(
    data: bytes, source: str, url: str = "", fetched_at: str | None = None, encoding: str | None = None
) -> RawRecord:
    """The raw record of one detail page; ``url`` (when known) resolves relative links.

    Raises :class:`ReadError` for a page with no content at all. A page without a title
    still gives a record, which the normaliser rejects with its reason.
    """
    text = decode_html(data, encoding)
    try:
        root = parse_tree(text, source)
    except NestedTooDeep:
        return _flat_record(text, source, url, fetched_at)
    base = _base_url(root, url)
    meta = meta_fields(root)
    attachments = attachment_links(root, base)
    # Footers list other governments' sites under 相关链接: not links about this document.
    related, related_blocks = related_links(root, base, skip=furniture(root))
    found = label_pairs(root)
    fields, _unknown = map_fields((pair.label, pair.value) for pair in found)
    for name, value in meta.items():
        fields.setdefault(name, value)
    if "title" not in fields and (title := page_title(root, str(fields.get("site", "")))):
        fields["title"] = title
    if page_url := url or canonical_url(root):
        fields["url"] = page_url
    _drop_all([element for pair in found for element in pair.elements] + related_blocks)
    fields["body"] = body_text(root)
    if attachments:
        fields["attachments"] = attachments
    if related:
        fields["related"] = related
    return RawRecord(source=source, locator="", fields=fields, fetched_at=fetched_at)


def _flat_record(text: str, source: str, url: str, fetched_at: str | None) -> RawRecord:
    """A page too deep for a tree, read as flat text: its words are kept, its labelled metadata is not."""
    from index.readers.flat_html import flat_text

    title, body = flat_text(text)
    fields = {"title": title, "body": body} | ({"url": url} if url else {})
    finding = Finding(
        "html_too_deep",
        "body",
        "页面嵌套过深，仅按纯文本读取（nested deeper than 256 levels: read as plain text, without its labels）",
    )
    return RawRecord(source=source, locator="", fields=fields, fetched_at=fetched_at, warnings=[finding])


# Tree --------------------------------------------------------------------------------------------

# Never text: scripts, styles, Word's <xml> islands, form controls (a <select> of other
# departments' sites is navigation).
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "xml",
    "object",
    "embed",
    "iframe",
    "svg",
    "select",
    "button",
    "input",
    "textarea",
)
# Hacked pages hide gambling links in invisible blocks; a reader sees none of it, nor should the index.
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class NestedTooDeep(ReadError):
    """A page libxml2 could build no whole tree of (it silently drops what lies over 256 levels deep)."""


def parse_tree(text: str, source: str = "") -> HtmlElement:
    """The page's element tree with comments, scripts, styles and hidden blocks removed."""
    # lxml refuses a str that carries an encoding declaration, and control characters.
    text = _CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        raise ReadError(source, "empty page")
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(source, f"not parseable as HTML: {exc}") from exc
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise NestedTooDeep(source, "nested deeper than the HTML parser's 256 levels")
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_NOISE_TAGS, with_tail=False)
    _drop_all(el for el in root.iter() if _is_hidden(el))
    return root


def _is_hidden(el: HtmlElement) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _drop_all(elements: Iterable[HtmlElement]) -> None:
    """Remove elements (keeping the text that follows each); already-removed ones are skipped."""
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()


def leaf_blocks(root: HtmlElement) -> list[HtmlElement]:
    """Block elements holding no other block element: the cells, items and lines of a page."""
    has_block_inside: set[HtmlElement] = set()
    for el in root.iter():
        if el.tag in BLOCK_TAGS:
            for ancestor in el.iterancestors():
                if ancestor in has_block_inside:
                    break
                has_block_inside.add(ancestor)
    return [el for el in root.iter() if el.tag in BLOCK_TAGS and el not in has_block_inside]


def marked_text(el: HtmlElement) -> str:
    """The element's text with ``\\x1f`` at every tag boundary and ``\\n`` for ``<br>``.

    The marks let a label written alone in its own tag (``<span>索引号</span>…``) be told
    from the same characters inside a sentence.
    """
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            parts.append("\n" if node.tag == "br" else _MARK)
            parts.append(node.text or "")
        else:
            parts.append(_MARK)
            if node is not el:
                parts.append(node.tail or "")
    return "".join(parts)


_MARK = "\x1f"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACE_RUN = re.compile(r"\s+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CJK = r"\u3001-\u303f\u4e00-\u9fff\uff01-\uffef"
# Source files wrap long lines; a line break between two Chinese characters is not a space.
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")


def clean_text(text: str) -> str:
    """One line of text: tag marks and zero-width characters gone, NBSP/U+3000/space runs as one space."""
    text = _ZERO_WIDTH.sub("", text.replace(_MARK, ""))
    return _SPACE_RUN.sub(" ", _WRAPPED.sub("", text)).strip()


# Metadata by label -------------------------------------------------------------------------------

_GAP = r"[^\S\n]*"
# Separators sites put between label/value pairs on one line (来源：… | 发布时间：…).
_PAIR_SEPARATORS = " |｜丨/"
# Labels that also head ordinary sentences and data tables (时间：上午九点, 来源：新华社): they count
# only beside a label that is never body text.
_WEAK_LABELS = frozenset(
    label_key(label)
    for label in ("日期", "时间", "来源", "主题", "体裁", "文种", "类别", "链接", "网址", "站点", "栏目", "效力")
)
# Labels that head a block of links, not a value: attachments and related links are read from links.
_NOT_VALUES = frozenset({"body", "attachments", "related"})
_MAX_VALUE = 300
_MAX_LINE = 1000
# TRS editor output is always the document's own text, never the page's metadata block.
_EDITOR_CLASSES = frozenset({"trs_editor", "trs_ueditor", "custom_unionstyle"})


@dataclass
class LabelPair:
    """A label and its value as found on the page, with the elements that held them."""

    label: str
    value: str
    field: str
    elements: list[HtmlElement]
    same_line: bool  # label and value in one element, not a label cell and a value cell
    group: HtmlElement  # the table, list or block the pair belongs to

    @property
    def strong(self) -> bool:
        return label_key(self.label) not in _WEAK_LABELS


@cache
def _label_pattern() -> re.Pattern[str]:
    known = "|".join(_GAP.join(re.escape(char) for char in label) for label in known_labels())
    return re.compile(
        # a known label and a colon
        rf"(?P<known>{known}){_GAP}[:：]"
        # a known label alone in its own tag (<span>索引号</span>), not the end of a word (作息<i>时间</i>)
        rf"|(?:(?<=[\s{_MARK}])|^)(?P<alone>{known}){_GAP}(?={_MARK}|\n|$)"
        # any short label-like word after a separator (浏览次数：, 字号：): ends the value before it
        rf"|(?:(?<=[\s{_MARK}【\[|｜丨])|^)(?P<other>[\u4e00-\u9fff]{{2,8}}){_GAP}[:：]"
    )


def label_pairs(root: HtmlElement) -> list[LabelPair]:
    """The page's metadata as (label, value) pairs, in page order, from whatever markup holds them."""
    candidates: list[LabelPair] = []
    claimed: set[HtmlElement] = set()
    for leaf in leaf_blocks(root):
        if leaf in claimed or _inside_editor(leaf):
            continue
        pairs = _pairs_in(leaf)
        if len(pairs) == 1 and not pairs[0].value:  # a label cell: the value is in the next cell
            pair = pairs[0]
            holder = _value_holder(leaf)
            if holder is None:
                continue
            pair.value = _cell_value(holder)
            pair.elements.append(holder)
            pair.same_line = False
            pair.group = _group_of(leaf, levels=2)  # label/value cells sit in rows of one block
            claimed.add(holder)
        candidates += pairs
    return _trusted(candidates)


def _pairs_in(leaf: HtmlElement) -> list[LabelPair]:
    """Pairs written in one element: ``索引号：…  发布机构：…``, or a label alone awaiting its value cell."""
    text = marked_text(leaf)
    if len(text) > _MAX_LINE:
        return []
    matches = list(_label_pattern().finditer(text))
    start = len(text) - len(text.lstrip(f"{_MARK}\n \t\r\xa0\u3000"))
    if not matches or matches[0].start() != start:
        return []
    group = _group_of(leaf)
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        label = match.group("known") or match.group("alone")
        field = label and canonical_field(label)
        if not field or field in _NOT_VALUES:
            continue
        end = following.start() if following else len(text)
        value = clean_text(text[match.end() : end].replace("\n", " ")).strip(_PAIR_SEPARATORS)
        pairs.append(LabelPair(clean_text(label), value, field, [leaf], True, group))
    return pairs


def _value_holder(label_el: HtmlElement) -> HtmlElement | None:
    """The cell after a label cell (td/th, dt/dd, div/div), climbing out of a wrapper such as ``<td><p>``.

    A next cell that starts with a label is the next field, not this one's value.
    """
    el = label_el
    for _ in range(3):
        holder = el.getnext()
        if holder is not None:
            return None if _pairs_in(holder) else holder
        el = el.getparent()
        if el is None or el.tag in ("table", "dl", "ul", "ol", "body"):
            return None
    return None


def _cell_value(el: HtmlElement) -> str:
    text = marked_text(el)
    return "" if len(text) > _MAX_LINE else clean_text(text.replace("\n", " "))


def _group_of(leaf: HtmlElement, levels: int = 1) -> HtmlElement:
    """The table, list or block a pair belongs to: the nearest table/dl/ul/ol, else the block
    ``levels`` up (a line's parent; for a label cell, the block holding its row)."""
    ancestors = list(leaf.iterancestors())
    for ancestor in ancestors:
        if ancestor.tag in ("table", "dl", "ul", "ol"):
            return ancestor
    return ancestors[min(levels, len(ancestors)) - 1] if ancestors else leaf


def _inside_editor(el: HtmlElement) -> bool:
    return any(_class_tokens(ancestor) & _EDITOR_CLASSES for ancestor in el.iterancestors())


def _trusted(candidates: list[LabelPair]) -> list[LabelPair]:
    """The pairs that are metadata rather than body text or a data table's header.

    A strong label with its value on one line is trusted alone; any other pair needs its
    group (table, list, block) to hold a strong label and at least two fields.
    """
    fields_by_group: dict[HtmlElement, set[str]] = defaultdict(set)
    strong_groups: set[HtmlElement] = set()
    for pair in candidates:
        fields_by_group[pair.group].add(pair.field)
        if pair.strong:
            strong_groups.add(pair.group)
    return [
        pair
        for pair in candidates
        if (len(pair.value) <= _MAX_VALUE or pair.field == "summary")
        and (
            (pair.strong and pair.same_line) or (pair.group in strong_groups and len(fields_by_group[pair.group]) >= 2)
        )
    ]


# <meta>, <title>, canonical URL ------------------------------------------------------------------

_META_FIELDS = {
    "articletitle": "title",
    "pubdate": "pub_date",
    "contentsource": "publisher",
    "keywords": "keywords",
    "columnname": "column",
    "sitename": "site",
    "description": "summary",
    "url": "url",
}
# A trailing "_宿迁市人民政府" / "-xx政府网" / "|门户网站" in <title> names the site, not the document.
_SITE_SUFFIX = re.compile(
    r"\s*[_|｜\-—–]+\s*([^_|｜\-—–]{2,30}(?:政府|政府网|门户网站|门户|网站|网|局|厅|委|委员会|办|办公室|中心|院))\s*$"
)


def meta_fields(root: HtmlElement) -> dict[str, str]:
    """Canonical fields from the page's ``<meta name=… content=…>`` tags (ArticleTitle, PubDate, …)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        field = _META_FIELDS.get((meta.get("name") or "").strip().lower())
        value = clean_text(meta.get("content") or "")
        if field and value:
            found.setdefault(field, value)
    return found


def page_title(root: HtmlElement, site: str = "") -> str:
    """The ``<title>`` text without the site name the CMS appends."""
    element = root.find(".//title")
    title = clean_text(element.text_content()) if element is not None else ""
    while (match := _SITE_SUFFIX.search(title)) and match.start() > 0:
        title = title[: match.start()]
    if site and title.endswith(site) and len(title) > len(site):
        title = title[: -len(site)].rstrip(" _|｜-—–")
    return "" if title == site else title


def canonical_url(root: HtmlElement) -> str:
    """The page's own URL as it states it: ``<link rel=canonical>``, else ``<meta name=url>``."""
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return meta_fields(root).get("url", "")


def _base_url(root: HtmlElement, url: str) -> str:
    """What relative links resolve against: the page URL (and its ``<base href>``); '' when unknown,
    so that a saved page's ``files/a.pdf`` stays a path beside the file."""
    if not url:
        return ""
    base = root.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def _absolute(href: str, base: str) -> str:
    return urljoin(base, href) if base else href


# Links -------------------------------------------------------------------------------------------

ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "txt", "ofd"})
_KIND_IN_TEXT = re.compile(
    r"\.(" + "|".join(sorted(ATTACHMENT_KINDS)) + r")(?![a-z0-9])"
    r"|[（(\[【](" + "|".join(sorted(ATTACHMENT_KINDS)) + r")[)）\]】]",
    re.IGNORECASE,
)
# Link texts that say "download" rather than what the file is; the file name is a better name.
_GENERIC_LINK_TEXT = frozenset({"下载", "点击下载", "附件", "下载附件", "点击", "点击此处", "此处", "这里", "查看"})
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#")
_INLINE_HEADING_TAGS = frozenset({"span", "b", "strong", "em", "i", "font", "label"})
_MORE = re.compile(r"^(?:更多|more)\W*$", re.IGNORECASE)


def attachment_links(root: HtmlElement, base: str = "") -> list[dict[str, str]]:
    """Links to files (by the href's extension or a file name in the link text), one per URL."""
    found: dict[str, dict[str, str]] = {}
    for anchor in root.iter("a"):
        href = _href(anchor)
        kind = href and _attachment_kind(href, anchor)
        if not kind:
            continue
        url = _absolute(href, base)
        name = _link_text(anchor) or _file_name(url)
        if url not in found:
            found[url] = {"name": name, "url": url, "kind": kind}
    return list(found.values())


def _href(anchor: HtmlElement) -> str:
    href = (anchor.get("href") or "").strip()
    return "" if href.lower().startswith(_NOT_LINKS) else href


def _attachment_kind(href: str, anchor: HtmlElement) -> str:
    kind = kind_of(href)
    if kind in ATTACHMENT_KINDS:
        return kind
    named = _KIND_IN_TEXT.search(f"{anchor.text_content()} {anchor.get('title') or ''}")
    return (named.group(1) or named.group(2)).lower() if named else ""


def _link_text(anchor: HtmlElement) -> str:
    text = clean_text(anchor.text_content()) or clean_text(anchor.get("title") or "")
    return "" if text in _GENERIC_LINK_TEXT else text


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def related_links(
    root: HtmlElement, base: str = "", skip: Iterable[HtmlElement] = ()
) -> tuple[list[dict[str, str]], list[HtmlElement]]:
    """Links listed under 相关信息 / 相关解读 / 相关链接 headings outside the ``skip`` blocks,
    and the blocks that held them."""
    links: dict[str, dict[str, str]] = {}
    blocks: list[HtmlElement] = []
    skipped = set(skip)
    for heading in _related_headings(root):
        if any(el in skipped for el in (heading, *heading.iterancestors())):
            continue
        inside = list(heading.iter("a"))  # 相关链接：<a>…</a> on the heading's own line
        anchors, held_by = (inside, [heading]) if inside else _links_after(heading)
        for anchor in anchors:
            href, title = _href(anchor), _link_text(anchor)
            if href and title and not _MORE.match(title):
                links.setdefault(_absolute(href, base), {"title": title, "url": _absolute(href, base)})
        blocks += held_by
    return list(links.values()), blocks


def _related_headings(root: HtmlElement) -> list[HtmlElement]:
    """Lines or inline tags reading 相关信息 / 相关解读 / 相关链接 (``<h3>``, ``<div><span>…</span><ul>``),
    outermost only, outside the document's own text."""
    leaves = set(leaf_blocks(root))
    found: list[HtmlElement] = []
    for el in root.iter():
        if (el in leaves or el.tag in _INLINE_HEADING_TAGS) and _is_related_heading(el):
            if not any(ancestor in found for ancestor in el.iterancestors()):
                found.append(el)
    return found


def _is_related_heading(el: HtmlElement) -> bool:
    text = clean_text(_own_text(el))
    return len(text) <= 12 and canonical_field(text) == "related" and not _inside_editor(el)


def _links_after(heading: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """The anchors in the block that follows a heading, climbing out of a small heading wrapper."""
    el = heading
    heading_length = len(clean_text(heading.text_content()))
    for _ in range(4):
        anchors, siblings = _following_anchors(el)
        if anchors:
            return anchors, [el, *siblings]
        parent = el.getparent()
        # Climbing past a block with more text than the heading would swallow the document itself.
        if parent is None or len(clean_text(parent.text_content())) > heading_length + 20:
            break
        el = parent
    return [], [heading]


def _following_anchors(el: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """Anchors in the siblings after ``el``: the first one holding links and the run of
    same-tag siblings after it (``<p><a>…</p><p><a>…</p>``), stopping at the next heading."""
    anchors: list[HtmlElement] = []
    siblings: list[HtmlElement] = []
    run_tag = ""
    for sibling in el.itersiblings():
        found = list(sibling.iter("a"))
        if _is_heading_like(sibling) or (run_tag and sibling.tag != run_tag and clean_text(sibling.text_content())):
            break
        if found and not run_tag:
            run_tag = sibling.tag
        anchors += found
        siblings.append(sibling)
    return anchors, siblings


def _is_heading_like(el: HtmlElement) -> bool:
    text = clean_text(el.text_content())
    return el.tag in _HEADINGS or (0 < len(text) <= 12 and canonical_field(text) is not None)


# Main text ---------------------------------------------------------------------------------------

# Containers sites put the document text in, most trustworthy first (TRS editor output).
_KNOWN_CONTAINERS = (
    _EDITOR_CLASSES,
    frozenset(
        {
            "article",
            "article-content",
            "article_content",
            "content",
            "zoom",
            "detail",
            "main-text",
            "pages_content",
            "con",
            "view",
            "wzcon",
            "xxgk_content",
            "news_content",
            "zwnr",
            "ucap-content",  # gov.cn
            "zoomcon",
            "article-con",
            "detail-content",
        }
    ),
)
# Page furniture around the text: navigation, breadcrumbs, share bars, headers and footers.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav\w*|menu\w*|breadcrumbs?|crumbs?|position|location|dqwz|share\w*|bdshare\w*"
    r"|bsharebox|fenxiang|footer|foot|header|sidebar|toolbar|print|gotop|copyright)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_CHROME_TEXT = re.compile(
    r"^(?:[您你]?(?:当前|现在|所在)的?位置\s*[:：]|分享到\s*[:：]?|字号\s*[:：]"
    r"|[【\[]\s*(?:打印|关闭|收藏|返回|字号|字体))"
)
_MAX_CHROME_TEXT = 200


def body_text(root: HtmlElement) -> str:
    """The document's own text as paragraphs separated by blank lines (furniture removed first)."""
    _drop_all(furniture(root))
    container = known_container(root)
    if container is None:
        container = densest_block(root)
    return "\n\n".join(paragraphs(container)) if container is not None else ""


def furniture(root: HtmlElement) -> list[HtmlElement]:
    """Navigation, breadcrumbs, share bars, headers and footers: the blocks around the text."""
    page_total = _chinese_count(root)
    editors = [el for el in root.iter() if _class_tokens(el) & _EDITOR_CLASSES]
    protected = {holder for editor in editors for holder in (editor, *editor.iterancestors())}
    leaves = set(leaf_blocks(root))
    return [
        el
        for el in root.iter()
        if el not in protected
        and el.tag not in ("html", "body")
        and (_is_named_chrome(el, page_total) or (el in leaves and _is_chrome_line(el)))
    ]


def _is_named_chrome(el: HtmlElement, page_total: int) -> bool:
    if el.tag in _CHROME_TAGS or _CHROME_NAMES.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
        # A furniture-named block holding most of the page's prose is the page frame misnamed
        # (class="header-fixed" on a wrapper); navigation holding most of it is still navigation.
        return not (_chinese_count(el) > page_total / 2 and link_density(el) < 0.5)
    return False


def _is_chrome_line(leaf: HtmlElement) -> bool:
    """A breadcrumb or tool line (当前位置：…, 【打印】【关闭】), judged only on a line of its own:
    the block around it may hold the document too."""
    text = clean_text(leaf.text_content())
    return len(text) <= _MAX_CHROME_TEXT and bool(_CHROME_TEXT.match(text))


def _class_tokens(el: HtmlElement) -> set[str]:
    return {token.lower() for token in f"{el.get('class') or ''} {el.get('id') or ''}".split()}


def known_container(root: HtmlElement) -> HtmlElement | None:
    """The text container named by a known id or class (TRS_Editor, zoom, …), innermost of the full ones.

    An empty TRS editor block is still the answer: the document's text lived in an attachment.
    """
    page_prose = _chinese_count(root, links=False)
    for tier, names in enumerate(_KNOWN_CONTAINERS):
        matches = [el for el in root.iter() if _class_tokens(el) & names]
        if tier > 0:
            # A generic name (con, view, content) can sit on a small box or a list of links.
            matches = [el for el in matches if link_density(el) < 0.5 and _chinese_count(el) >= 0.3 * page_prose > 0]
        if matches:
            return _innermost_full(matches)
    return None


def _innermost_full(candidates: list[HtmlElement]) -> HtmlElement:
    """The deepest candidate holding most (60%) of the text of the fullest one."""
    most = max(_chinese_count(el) for el in candidates)
    full = [el for el in candidates if _chinese_count(el) >= 0.6 * most]
    return max(full, key=lambda el: sum(1 for _ in el.iterancestors()))


def densest_block(root: HtmlElement) -> HtmlElement | None:
    """The block that most text paragraphs sit in, discounted by its share of link text.

    Each block's own Chinese text scores for itself and its parent, half for its grandparent
    (the readability heuristic), so a container of many paragraphs beats any single one.
    """
    scores: dict[HtmlElement, float] = defaultdict(float)
    for el in root.iter():
        if el.tag not in BLOCK_TAGS or el.tag in _HEADINGS:
            continue
        own = len(_HAN.findall(_own_text(el)))
        if not own:
            continue
        scores[el] += own
        parent = el.getparent()
        if parent is not None:
            scores[parent] += own
            if parent.getparent() is not None:
                scores[parent.getparent()] += own / 2
    if not scores:
        return root.find("body")
    depth = {el: sum(1 for _ in el.iterancestors()) for el in scores}
    return max(scores, key=lambda el: (scores[el] * (1 - link_density(el)), depth[el]))


def _own_text(el: HtmlElement) -> str:
    """The element's text outside nested blocks and links."""
    parts = [el.text or ""]
    for child in el:
        if child.tag not in BLOCK_TAGS and child.tag != "a":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _chinese_count(el: HtmlElement, links: bool = True) -> int:
    """Chinese characters in the element's text (without link text when ``links`` is False)."""
    count = len(_HAN.findall(el.text_content()))
    if not links:
        count -= sum(len(_HAN.findall(anchor.text_content())) for anchor in el.iter("a"))
    return count


def link_density(el: HtmlElement) -> float:
    """The share of the element's text that is link text."""
    total = len(clean_text(el.text_content()))
    linked = sum(len(clean_text(anchor.text_content())) for anchor in el.iter("a"))
    return linked / total if total else 0.0


# Paragraphs --------------------------------------------------------------------------------------

_CELL_TAGS = frozenset({"td", "th"})


def paragraphs(el: HtmlElement) -> list[str]:
    """The element's text split into paragraphs: each block element and each ``<br>`` ends one."""
    found: list[str] = []
    line: list[str] = []

    def flush() -> None:
        if text := clean_text("".join(line)):
            found.append(text)
        line.clear()

    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            if (node.tag in BLOCK_TAGS and node.tag not in _CELL_TAGS) or node.tag == "br":
                flush()
            elif node.tag in _CELL_TAGS:
                line.append(" ")  # cells of a table row stay on one line
            line.append(node.text or "")
        else:
            if node.tag in BLOCK_TAGS and node.tag not in _CELL_TAGS:
                flush()
            if node is not el:
                line.append(node.tail or "")
    flush()
    return found


def html_to_text(fragment: str) -> str:
    """Text of an HTML body fragment (a CMS export's editor markup): paragraphs separated by blank lines.

    Word-pasted markup (``<o:p>``, ``mso-`` styles, conditional comments), scripts and styles
    are dropped, entities decoded, NBSP and U+3000 indentation removed.
    """
    if not fragment or not fragment.strip():
        return ""
    try:
        root = parse_tree(fragment)
    except ReadError:
        return ""
    body = root.find("body")
    return "\n\n".join(paragraphs(body if body is not None else root))
