"""The HTML detail-page reader: one 政府信息公开 page → its labelled metadata, main text,
attachments and related links, whatever the site's markup.

:func:`parse_html` is shared with the crawl-folder reader (which knows each page's URL). Decoding,
the element tree, text and file links come from :mod:`index.htmltext`.
Values are extracted as the page writes them; dates, 文号 and 索引号 are the normaliser's job.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml.html import HtmlElement

from index.dates import iso_date
from index.decoding import BOMS
from index.htmltext import (
    BLOCK_TAGS,
    HEADINGS,
    MARK,
    NestedTooDeep,
    absolute,
    attachment_links,
    base_url,
    clean_text,
    decode_html,
    drop_all,
    han_count,
    href_of,
    is_page_tools,
    leaf_blocks,
    link_text,
    marked_text,
    paragraphs,
    parse_tree,
)
from index.labels import WEAK_LABELS, canonical_field, known_labels, label_key, map_fields
from index.limits import Limits
from index.publishers import is_organisation_name
from index.readers import contained
from index.readers._common import read_whole
from index.readers.text import signed_date
from index.record import Finding, RawRecord, ReadError
from index.siteprofiles import SiteProfile, apply_profile, profile_for

NAME = "html"

_HAN = re.compile(r"[\u4e00-\u9fff]")

# Sniffing ----------------------------------------------------------------------------------------

_LEADING = re.compile(rb"^(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
_FIRST_TAG = re.compile(
    rb"<(?:!doctype\s+html|(?:html|head|meta|title|body|div|table|p|span|section|article|header|nav"
    rb"|link|script|style|center|font|form|ul|h[1-6])[\s>/])",
    re.IGNORECASE,
)


# A page saved with a few lines of text before it (a crawler's log lines, a Python dict): the page
# starts at a <!DOCTYPE html> or <html> at the start of a line, within the first lines of the file.
_PAGE_START = re.compile(rb"^[ \t]*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.MULTILINE)
_MAX_PREAMBLE_LINES = 20


def sniff(path: Path, head: bytes) -> bool:
    """True if the file's content is HTML (a page or a fragment), whatever its name, or a whole page
    after a few lines of other text (see :func:`page_start`)."""
    for bom, name in BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(name, errors="ignore").encode("utf-8")
            break
    leading = _LEADING.match(head)  # always a match (it may be empty)
    start = head[leading.end() if leading else 0 :]
    return _FIRST_TAG.match(start) is not None or page_start(head) > 0


def page_start(data: bytes) -> int:
    """Where a page that follows a few lines of non-HTML text starts (0 when it starts at once)."""
    match = _PAGE_START.search(data, 0, 65536)
    if match is None or match.start() == 0 or data.count(b"\n", 0, match.start()) > _MAX_PREAMBLE_LINES:
        return 0
    first_line = data[: match.start()].split(b"\n", 1)[0]
    if first_line.count(b",") + first_line.count(b"\t") >= 2:  # a CSV header: pages in its cells
        return 0
    return match.start()


# Reading -----------------------------------------------------------------------------------------


@contained
def read(path: Path, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The one record of an HTML detail page (at most PORTAL_MAX_PAGE_MB: a page is parsed whole)."""
    data = read_whole(path, bounds.max_page_bytes, "PORTAL_MAX_PAGE_MB")
    if not data.strip():
        raise ReadError(path, "empty file")
    if not sniff(path, data[:65536]):
        raise ReadError(path, "not an HTML page")
    record = parse_html(data, source=str(path), profiles=bounds.site_profiles)
    record.attachment_root = path.parent  # a saved page's files/a.pdf is beside it
    yield record


def parse_html(
    data: bytes,
    source: str,
    url: str = "",
    fetched_at: str | None = None,
    encoding: str | None = None,
    profiles: Sequence[SiteProfile] = (),
) -> RawRecord:
    """The raw record of one detail page; ``url`` (when known) resolves relative links; the first of ``profiles``
    (the site profiles handed down, :attr:`index.limits.Limits.site_profiles`) whose site the page is on
    overrides the heuristics' fields.

    Raises :class:`ReadError` for a page with no content at all. A page without a title
    still gives a record, which the normaliser rejects with its reason.
    """
    data = data[page_start(data) :]  # a crawler's log lines before the page are not the page
    text = decode_html(data, encoding)
    try:
        root = parse_tree(text, source)
    except NestedTooDeep:
        return _flat_record(text, source, url, fetched_at)
    # lxml makes a Python proxy for an element each time one is reached, through lxml.html's class lookup, and
    # drops it when unused: the many passes below would each pay that for every element. Held, each is made once.
    elements = list(root.iter())
    base = base_url(root, url)
    # A saved page without its URL is matched on its path by a profile's url pattern.
    profile = profile_for(url or canonical_url(root) or source, profiles)
    profiled = apply_profile(profile, root) if profile else {}
    meta = meta_fields(root)
    attachments = attachment_links(root, base)
    leaves = leaf_blocks(root)
    # Footers list other governments' sites under 相关链接: not links about this document.
    related, related_blocks = related_links(root, base, skip=furniture(root, leaves), leaves=leaves)
    found = label_pairs(root, leaves)
    fields, _unknown = map_fields((pair.label, pair.value) for pair in found if pair.field != _UNKNOWN)
    if isinstance(fields.get("publisher"), str):
        fields["publisher"] = publisher_name(fields["publisher"])
        if not is_publisher_name(fields["publisher"]):
            del fields["publisher"]
    # The visible page wins over <meta>: a meta title or source that is the column's or the site's
    # name (主动公开文件, 本网, SZfaguiku) names no document; the site's description is no abstract.
    names = {meta.get("column", ""), meta.get("site", "")} - {""}
    description = meta.pop("summary", "")
    if meta.get("title") in names:
        del meta["title"]
    keywords = meta.pop("keywords", "")
    meta["publisher"] = publisher_name(meta.get("publisher", ""))
    if not is_publisher_name(meta["publisher"]):
        del meta["publisher"]
    for name, value in meta.items():
        fields.setdefault(name, value)
    if "title" not in fields and (
        title := heading_above(root, found)
        or page_title(root, str(fields.get("site", "")), str(fields.get("column", "")))
        or first_heading(root)
    ):
        fields["title"] = title
    if page_url := url or canonical_url(root):
        fields["url"] = page_url
    drop_all([element for pair in found for element in pair.elements] + related_blocks)
    fields["body"] = body_text(root)
    if "written_date" not in fields and (written := signed_date(fields["body"], fields.get("pub_date"))):
        fields["written_date"] = written  # no 成文日期 label: the date the text signs with, as a 公文 prints it
    del elements
    if "summary" not in fields and description and _describes_document(description, fields, names):
        fields["summary"] = description
    if "keywords" not in fields and keywords and _keywords_of_document(keywords, fields, names):
        fields["keywords"] = keywords
    if attachments:
        fields["attachments"] = attachments
    if related:
        fields["related"] = related
    fields.update(profiled)  # the operator's profile for this site wins over every heuristic
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


# Metadata by label -------------------------------------------------------------------------------

_GAP = r"[^\S\n]*"
# Separators sites put between label/value pairs on one line (来源：… | 发布时间：…).
_PAIR_SEPARATORS = " |｜丨/"
# Weak labels (labels.WEAK_LABELS: 时间, 来源 …) count only beside a label that is never body text.
# Labels that head a block of links, not a value: attachments and related links are read from links.
_NOT_VALUES = frozenset({"body", "attachments", "related"})
_MAX_VALUE = 300
_MAX_LINE = 1000
# TRS editor output is always the document's own text, never the page's metadata block.
_EDITOR_CLASSES = frozenset({"trs_editor", "trs_ueditor", "custom_unionstyle"})


# The field of a pair whose label no field takes: dropped from the body in a field list, never stored.
_UNKNOWN = "?"
# Tables and lists: the groups whose rows are each one field (a block's lines may be text).
_FIELD_LISTS = ("table", "dl", "ul", "ol")
_ROW_TAGS = ("li", "td", "th", "dt", "dd")
_MAX_ROW = 120


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
        return label_key(self.label) not in WEAK_LABELS


@cache
def _label_pattern() -> re.Pattern[str]:
    known = "|".join(_GAP.join(re.escape(char) for char in label) for label in known_labels())
    return re.compile(
        # a known label and a colon
        rf"(?P<known>{known}){_GAP}[:：]"
        # a known label in brackets ([成文日期] 2021-01-20, 【发文字号】…)
        rf"|[\[【]{_GAP}(?P<bracket>{known}){_GAP}[\]】]{_GAP}[:：]?"
        # any short bracketed word ([实施日期]): ends the value before it
        rf"|[\[【]{_GAP}(?P<other_bracket>[\u4e00-\u9fff]{{2,8}}){_GAP}[\]】]"
        # a known label alone in its own tag (<span>索引号</span>), not the end of a word (作息<i>时间</i>)
        rf"|(?:(?<=[\s{MARK}])|^)(?P<alone>{known}){_GAP}(?={MARK}|\n|$)"
        # any short label-like word after a separator (浏览次数：, 字号：): ends the value before it
        rf"|(?:(?<=[\s{MARK}【\[|｜丨])|^)(?P<other>[\u4e00-\u9fff]{{2,8}}){_GAP}[:：]"
    )


def label_pairs(root: HtmlElement, leaves: list[HtmlElement] | None = None) -> list[LabelPair]:
    """The page's metadata as (label, value) pairs, in page order, from whatever markup holds them. ``leaves``:
    the page's :func:`leaf_blocks`, where the caller has them."""
    candidates: list[LabelPair] = []
    claimed: set[HtmlElement] = set()
    leaves = leaf_blocks(root) if leaves is None else leaves
    in_editor = _editor_contents(root)
    for leaf in leaves:
        if leaf in claimed or leaf in in_editor:
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
    inline = _inline_label_pairs(root, leaves, claimed, in_editor)
    if inline:
        order = {el: n for n, el in enumerate(root.iter())}
        candidates = sorted(candidates + inline, key=lambda pair: order[pair.elements[0]])
    return _trusted(candidates)


_INLINE_LABEL_TAGS = ("span", "strong", "b", "em", "i", "label", "font")
_LABEL_ONLY = re.compile(r"^[\[【]?\s*(?P<label>[^\[\]【】:：]{2,12}?)\s*[\]】]?\s*[:：]?$")


def _inline_label_pairs(
    root: HtmlElement, leaves: list[HtmlElement], claimed: set[HtmlElement], in_editor: set[HtmlElement]
) -> list[LabelPair]:
    """Pairs whose label is an inline element alone (``<strong>索引号：</strong>``) in a block that also holds
    other blocks, with the value in the element after it: ``<li><span>发文字号：</span><p>…</p></li>``,
    ``<div><strong>索引号：</strong><div>…</div></div>``. Labels inside a line are read with the line."""
    pairs = []
    leaf_set = set(leaves)
    for el in root.iter(*_INLINE_LABEL_TAGS):
        if (el.tail or "").strip(" \t\r\n\xa0\u3000:："):  # a label inside a line is read with the line
            continue
        match = _LABEL_ONLY.match(clean_text(el.text_content()))
        field = canonical_field(match.group("label")) if match else None
        if match is None or not field or field in _NOT_VALUES:
            continue
        block = next((a for a in el.iterancestors() if a.tag in BLOCK_TAGS), None)
        if block is None or block in leaf_set or el in claimed or el in in_editor:
            continue
        holder = el.getnext()
        if holder is None or _pairs_in(holder) or _is_label(clean_text(holder.text_content())):
            continue
        value = _cell_value(holder)
        if value:
            claimed.add(holder)
            group = _group_of(el, levels=2)
            pairs.append(LabelPair(clean_text(match.group("label")), value, field, [el, holder], False, group))
    return pairs


def _is_label(text: str) -> bool:
    match = _LABEL_ONLY.match(text)
    return bool(match and canonical_field(match.group("label")))


def _pairs_in(leaf: HtmlElement) -> list[LabelPair]:
    """Pairs written in one element: ``索引号：…  发布机构：…``, or a label alone awaiting its value cell."""
    text = marked_text(leaf)
    if len(text) > _MAX_LINE:
        return []
    matches = list(_label_pattern().finditer(text))
    start = len(text) - len(text.lstrip(f"{MARK}\n \t\r\xa0\u3000"))
    if not matches or matches[0].start() != start:
        return []
    group = _group_of(leaf)
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        label = match.group("known") or match.group("alone") or match.group("bracket")
        field = label and canonical_field(label)
        if not label:  # a label no field takes (施行日期：, 效力位阶：): metadata only in a field list (_trusted)
            label, field = match.group("other") or match.group("other_bracket"), _UNKNOWN
        if not field or field in _NOT_VALUES:
            continue
        end = following.start() if following else len(text)
        value = clean_text(text[match.end() : end].replace("\n", " ")).strip(_PAIR_SEPARATORS)
        if field == _UNKNOWN and not (value and _is_field_row(leaf)):
            continue
        pairs.append(LabelPair(clean_text(label), value, field, [leaf], True, group))
    return pairs


def _is_field_row(leaf: HtmlElement) -> bool:
    """Whether ``leaf`` is a whole short row of a list or table (``<li><strong>施行日期：</strong>…</li>``), not a
    line inside a cell that holds more (a salutation or a 联系人 line of a text laid out in a table)."""
    row = next((el for el in (leaf, *leaf.iterancestors()) if el.tag in _ROW_TAGS), None)
    if row is None:
        return False
    text = clean_text(row.text_content())
    return len(text) <= _MAX_ROW and text == clean_text(leaf.text_content())


# A cell of a label's colon alone, between the label cell and the value cell.
_SEPARATOR_CELL = re.compile(r"[:：]")


def _value_holder(label_el: HtmlElement) -> HtmlElement | None:
    """The cell after a label cell (td/th, dt/dd, div/div), climbing out of a wrapper such as ``<td><p>``.

    A next cell that starts with a label is the next field, not this one's value; a cell holding only the colon
    (``<td>索引号</td><td>：</td><td>…</td>``) stands between the label and its value.
    """
    el = label_el
    for _ in range(3):
        holder = el.getnext()
        while holder is not None and _SEPARATOR_CELL.fullmatch(clean_text(holder.text_content())):
            holder = holder.getnext()
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


def _editor_contents(root: HtmlElement) -> set[HtmlElement]:
    """The elements inside a TRS editor block (one pass over the page, not a climb from each element)."""
    inside: set[HtmlElement] = set()
    for editor in root.iter():
        if editor not in inside and _class_tokens(editor) & _EDITOR_CLASSES:
            inside.update(editor.iterdescendants())
    return inside


def _trusted(candidates: list[LabelPair]) -> list[LabelPair]:
    """The pairs that are metadata rather than body text or a data table's header.

    A strong label with its value on one line is trusted alone; any other pair needs its
    group (table, list, block) to hold a strong label and at least two fields. A row whose label no
    field takes (施行日期, 效力位阶) is metadata only in such a table or list: a row of its field list.
    """
    fields_by_group: dict[HtmlElement, set[str]] = defaultdict(set)
    strong_groups: set[HtmlElement] = set()
    for pair in candidates:
        if pair.field == _UNKNOWN:
            continue
        fields_by_group[pair.group].add(pair.field)
        # A date under a date label is metadata too (来源：… 时间：2025-03-20), as in the normaliser.
        if pair.strong or (pair.field in ("pub_date", "written_date") and iso_date(pair.value)):
            strong_groups.add(pair.group)
    trusted_groups = {group for group in strong_groups if len(fields_by_group[group]) >= 2}
    # A metadata table continued in a second table beside it (gov.cn prints 主 题 词 in a table of its own
    # right after the 索引号 table, both in one cell): a strong label there is trusted with its neighbour.
    beside_trusted = {group.getparent() for group in trusted_groups if group.tag == "table"} - {None}
    return [
        pair
        for pair in candidates
        if (len(pair.value) <= _MAX_VALUE or pair.field == "summary")
        and (pair.field != _UNKNOWN or (pair.group in trusted_groups and pair.group.tag in _FIELD_LISTS))
        and (
            (pair.strong and pair.same_line)
            or pair.group in trusted_groups
            or (pair.strong and pair.group.tag == "table" and pair.group.getparent() in beside_trusted)
            or _is_source_by_date(pair)
        )
    ]


# The header line of an article: its date and 来源 in one short block (2025-10-17 09:00:00 来源：广州市医疗保障局).
_DATE_IN_LINE = re.compile(r"(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}")
_MAX_HEADER_LINE = 120


def _is_source_by_date(pair: LabelPair) -> bool:
    """Whether a weak 来源 pair is the page's source line: written on one line, naming an office, in a short block
    that also carries the page's date (the date alone in a cell of its own, with no label to trust the block by)."""
    if pair.field != "publisher" or not pair.same_line or not is_organisation_name(pair.value):
        return False
    text = clean_text(pair.group.text_content())
    return len(text) <= _MAX_HEADER_LINE and _DATE_IN_LINE.search(text) is not None


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


_HEADING_CLASSES = frozenset({"title", "bt", "tit", "article-title", "article_title", "news_title", "xxgk_title"})
_MAX_HEADING = 100


def _reads_as_title(text: str) -> bool:
    """Whether a heading's text can be a document's title: not an office's or site's name (also as a logo's
    first half, 万载县人民政府- before 统计局 in a heading of its own), not a breadcrumb (您当前所在位置：首页>…,
    which some templates print in an <h2>) or a tool line."""
    return (
        4 <= len(text) <= _MAX_HEADING
        and not is_organisation_name(text.strip(_HEADING_SEPARATORS))
        and not (_CHROME_TEXT.match(text) or is_page_tools(text))
    )


_HEADING_SEPARATORS = " -_|｜—–·"


def heading_above(root: HtmlElement, pairs: list[LabelPair]) -> str:
    """The heading printed above the page's metadata (the last ``<h1>``–``<h3>`` or title-classed line
    before the first label), where it reads as a title rather than the site's or an office's name."""
    if not pairs:
        return ""
    first = pairs[0].elements[0]
    heading = ""
    for el in root.iter():
        if el is first:
            break
        if el.tag in ("h1", "h2", "h3") or (_class_tokens(el) & _HEADING_CLASSES and el.tag not in ("html", "body")):
            text = clean_text(el.text_content())
            if _reads_as_title(text):
                heading = text
    return heading


# Two or more underscores part a document's name from the trail a CMS appends to it: gov.cn's templates print
# ``标题__2013年第13号国务院公报_中国政府网`` (issue or column, then the site). No document's name holds ``__``.
_TRAIL = re.compile(r"\s*_{2,}.*$", re.DOTALL)
_MIN_TITLE = 4


def page_title(root: HtmlElement, site: str = "", column: str = "") -> str:
    """The ``<title>`` text without the site and column names the CMS appends (``标题_栏目_站点``, or
    ``标题__栏目_站点`` where the CMS marks where the name ends with a double underscore: :data:`_TRAIL`)."""
    element = root.find(".//title")
    title = clean_text(element.text_content()) if element is not None else ""
    if (match := _TRAIL.search(title)) and match.start() >= _MIN_TITLE:
        title = title[: match.start()]
    for _ in range(3):
        before = title
        while (match := _SITE_SUFFIX.search(title)) and match.start() > 0:
            title = title[: match.start()]
        for name in (site, column):
            if name and title.endswith(name) and len(title) > len(name):
                title = title[: -len(name)].rstrip(" _|｜-—–")
        if title == before:
            break
    return "" if title in (site, column) else title


def first_heading(root: HtmlElement) -> str:
    """The first ``<h1>``–``<h3>`` or title-classed line anywhere that reads as a document's title."""
    for el in root.iter():
        if el.tag in ("h1", "h2", "h3") or (_class_tokens(el) & _HEADING_CLASSES and el.tag not in ("html", "body")):
            text = clean_text(el.text_content())
            if _reads_as_title(text):
                return text
    return ""


# A source the page names as itself (本网, 本站), a site code (SZfaguiku) or a website is no issuer.
_SELF_SOURCES = frozenset({"本网", "本站", "本网站", "原创", "网站", "本平台", "本机关"})
_WEBSITE = re.compile(r"(?:网|网站|门户|门户网站|客户端|公众号|微信|微博)$")


_SELF_PREFIX = re.compile(r"^(?:本网|本站)(?=[\u4e00-\u9fff]{4})")
# A source naming an office's official website (广东省人力资源和社会保障厅官网): the office is the source.
_OFFICIAL_SITE = re.compile(r"(?:官网|官方网站)$")


def publisher_name(value: str) -> str:
    """A 来源 value without the ``本网`` some CMSs put before the office (本网广州市住房保障办公室), and the
    office a source naming its official website stands for (广东省人力资源和社会保障厅官网 → …厅)."""
    name = _SELF_PREFIX.sub("", clean_text(value))
    office = _OFFICIAL_SITE.sub("", name)
    return office if office != name and is_organisation_name(office) else name


def is_publisher_name(value: str) -> bool:
    """Whether a 来源 / ContentSource value can name an issuing organisation."""
    value = clean_text(value)
    return bool(value) and value not in _SELF_SOURCES and bool(_HAN.search(value)) and not _WEBSITE.search(value)


def _keywords_of_document(keywords: str, fields: dict, site_names: set[str]) -> bool:
    """Whether ``<meta name=keywords>`` is about this document rather than the site (广州 puts
    ``广州市人民政府门户网站`` on every page, 越秀 ``越秀区,政务公开,政民互动,…``): no keyword names a
    website, the site or the column, and most of them occur in the title or the body. A template that fills
    every ``<meta>`` with the title (武汉's TRS pages: Keywords = Description = ArticleTitle) gives no
    keyword list: the title itself is never one."""
    words = [word for word in re.split(r"[\s,，;；、|]+", clean_text(keywords)) if word]
    if not words or any(word in site_names or _WEBSITE.search(word) for word in words):
        return False
    if "".join(words) == re.sub(r"\s+", "", clean_text(str(fields.get("title", "")))):
        return False
    text = f"{fields.get('title', '')} {fields.get('body', '')}"
    return sum(word in text for word in words) * 2 >= len(words)


def _describes_document(description: str, fields: dict, site_names: set[str]) -> bool:
    """Whether ``<meta name=description>`` is this document's abstract rather than the site's blurb:
    it is not a site or column name and its opening words are the document's (title or body)."""
    text = clean_text(description)
    if text in site_names or any(len(name) >= 4 and name in text for name in site_names) or _SITE_BLURB.search(text):
        return False
    opening = text[:12]
    return bool(opening) and (opening in str(fields.get("body", "")) or opening in str(fields.get("title", "")))


# A site's description of itself: it names a website, its address or what the portal offers.
_SITE_BLURB = re.compile(r"门户网站|网站|网址|https?://|www\.|政务服务平台|欢迎(?:访问|光临)")


def canonical_url(root: HtmlElement) -> str:
    """The page's own URL as it states it: ``<link rel=canonical>``, else ``<meta name=url>``."""
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return meta_fields(root).get("url", "")


# Links -------------------------------------------------------------------------------------------
_INLINE_HEADING_TAGS = frozenset({"span", "b", "strong", "em", "i", "font", "label"})
_MORE = re.compile(r"^(?:更多|more)\W*$", re.IGNORECASE)


def related_links(
    root: HtmlElement,
    base: str = "",
    skip: Iterable[HtmlElement] = (),
    leaves: list[HtmlElement] | None = None,
) -> tuple[list[dict[str, str]], list[HtmlElement]]:
    """Links listed under 相关信息 / 相关解读 / 相关链接 headings outside the ``skip`` blocks,
    and the blocks that held them. ``leaves``: the page's :func:`leaf_blocks`, where the caller has them."""
    links: dict[str, dict[str, str]] = {}
    blocks: list[HtmlElement] = []
    skipped = set(skip)
    for heading in _related_headings(root, leaf_blocks(root) if leaves is None else leaves):
        if any(el in skipped for el in (heading, *heading.iterancestors())):
            continue
        inside = list(heading.iter("a"))  # 相关链接：<a>…</a> on the heading's own line
        anchors, held_by = (inside, [heading]) if inside else _links_after(heading)
        for anchor in anchors:
            href, title = href_of(anchor), link_text(anchor)
            if href and title and not _MORE.match(title):
                links.setdefault(absolute(href, base), {"title": title, "url": absolute(href, base)})
        blocks += held_by
    return list(links.values()), blocks


def _related_headings(root: HtmlElement, leaves: list[HtmlElement]) -> list[HtmlElement]:
    """Lines or inline tags reading 相关信息 / 相关解读 / 相关链接 (``<h3>``, ``<div><span>…</span><ul>``),
    outermost only, outside the document's own text."""
    leaf_set = set(leaves)
    in_editor = _editor_contents(root)
    found: dict[HtmlElement, None] = {}
    for el in root.iter():
        if (el in leaf_set or el.tag in _INLINE_HEADING_TAGS) and el not in in_editor and _is_related_heading(el):
            if not any(ancestor in found for ancestor in el.iterancestors()):
                found[el] = None
    return list(found)


def _is_related_heading(el: HtmlElement) -> bool:
    text = clean_text(_own_text(el))
    return len(text) <= 12 and canonical_field(text) == "related"


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
    return el.tag in HEADINGS or (0 < len(text) <= 12 and canonical_field(text) is not None)


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
# Page furniture around the text: navigation, breadcrumbs, share bars, headers and footers, the site's copyright
# and disclaimer notice under each page (版权与免责声明: class banquanmianze, pinyin of 版权 免责), its QR code box.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav\w*|menu\w*|breadcrumbs?|crumbs?|position|location|dqwz|share\w*|bdshare\w*"
    r"|bsharebox|fenxiang|footer|foot|header|sidebar|toolbar|print|gotop|copyright|disclaimer|banquan\w*|mianze\w*"
    r"|qr-?code\w*|erweima\w*)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_CHROME_TEXT = re.compile(
    r"^(?:[您你]?(?:(?:当前|现在)(?:所在|所处)?|所在|所处)的?位置\s*[:：]|分享到\s*[:：]?|字号\s*[:：]|字体\s*[:：]"
    r"|[【\[]\s*(?:打印|关闭|收藏|返回|字号|字体))"
)
_MAX_CHROME_TEXT = 200


def body_text(root: HtmlElement) -> str:
    """The document's own text as paragraphs separated by blank lines (furniture removed first)."""
    drop_all(furniture(root))
    container = known_container(root)
    if container is None:
        container = densest_block(root)
    return "\n\n".join(paragraphs(container)) if container is not None else ""


def furniture(root: HtmlElement, leaves: list[HtmlElement] | None = None) -> list[HtmlElement]:
    """Navigation, breadcrumbs, share bars, headers and footers: the blocks around the text. ``leaves``: the
    page's :func:`leaf_blocks`, where the caller has them."""
    page_total = _chinese_count(root)
    editors = [el for el in root.iter() if _class_tokens(el) & _EDITOR_CLASSES]
    protected = {holder for editor in editors for holder in (editor, *editor.iterancestors())}
    leaf_set = set(leaf_blocks(root) if leaves is None else leaves)
    return [
        el
        for el in root.iter()
        if el not in protected
        and el.tag not in ("html", "body")
        and (_is_named_chrome(el, page_total) or (el in leaf_set and _is_chrome_line(el)))
    ]


def _is_named_chrome(el: HtmlElement, page_total: int) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if el.tag in _CHROME_TAGS or (names != " " and _CHROME_NAMES.search(names)):
        # A furniture-named block holding most of the page's prose is the page frame misnamed
        # (class="header-fixed" on a wrapper); navigation holding most of it is still navigation.
        return not (_chinese_count(el) > page_total / 2 and link_density(el) < 0.5)
    return False


def _is_chrome_line(leaf: HtmlElement) -> bool:
    """A breadcrumb or tool line (当前位置：…, 【打印】【关闭】), judged only on a line of its own:
    the block around it may hold the document too."""
    text = clean_text(leaf.text_content())
    return len(text) <= _MAX_CHROME_TEXT and bool(_CHROME_TEXT.match(text) or is_page_tools(text))


def _class_tokens(el: HtmlElement) -> set[str] | frozenset[str]:
    classes, element_id = el.get("class"), el.get("id")
    if not classes and not element_id:  # most elements: no set built
        return _NO_TOKENS
    return {token.lower() for token in f"{classes or ''} {element_id or ''}".split()}


_NO_TOKENS: frozenset[str] = frozenset()


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

    Each block's own Chinese text scores for itself and its parent, half for its grandparent (the readability
    heuristic) and less further up, so a container of many paragraphs beats any single one, however deep they sit.
    """
    scores = densest_scores(root)
    if not scores:
        return root.find("body")
    # The best by score discounted by link density, the deeper on a tie, the earlier on a tie of both. The link
    # density (a pass over the block's text) is taken in falling order of score, and only while a block's score
    # can still reach the best so far: a page of many blocks measures a few, not each one.
    order = {el: n for n, el in enumerate(scores)}
    best: tuple[float, int, int] | None = None
    winner = None
    for el in sorted(scores, key=lambda el: (-scores[el], order[el])):
        if best is not None and scores[el] < best[0]:
            break
        key = (scores[el] * (1 - link_density(el)), sum(1 for _ in el.iterancestors()), -order[el])
        if best is None or key > best:
            best, winner = key, el
    assert winner is not None
    return _with_sibling_sections(winner)


def densest_scores(root: HtmlElement) -> dict[HtmlElement, float]:
    """Each block's score for :func:`densest_block` (Chinese characters of its own text and its children's, half
    its grandchildren's, a quarter and an eighth of the two levels below: _ANCESTOR_WEIGHTS), in page order; blocks
    that score nothing are absent."""
    scores: dict[HtmlElement, float] = defaultdict(float)
    for el in root.iter():
        if el.tag not in BLOCK_TAGS or el.tag in HEADINGS:
            continue
        own = han_count(_own_text(el))
        if not own:
            continue
        scores[el] += own
        for ancestor, weight in zip(el.iterancestors(), _ANCESTOR_WEIGHTS, strict=False):
            scores[ancestor] += own * weight
    return scores


_MIN_SECTION = 20
# What a block's own text adds to its parent, grandparent and further up: a law written as 条 > 款 > 项 wrappers
# (pkulaw's tiao-wrap / kuan-wrap / xiang-wrap) keeps its text three or four levels below the block holding it all.
_ANCESTOR_WEIGHTS = (1.0, 0.5, 0.25, 0.125)


def _with_sibling_sections(block: HtmlElement) -> HtmlElement:
    """The block's parent where the text goes on in the blocks after it, prose rather than links
    (Word-pasted documents split into WordSection1, WordSection2 … divs; the 附表 after the 办法),
    and little stands before it."""
    parent = block.getparent()
    if parent is None or parent.tag in ("html", "body"):
        return block
    own = _chinese_count(block)
    before = sum(_chinese_count(el) for el in block.itersiblings(preceding=True) if isinstance(el.tag, str))
    after = [el for el in block.itersiblings() if isinstance(el.tag, str)]
    total_after = sum(_chinese_count(el) for el in after)
    prose = sum(
        _chinese_count(el) for el in after if el.tag in BLOCK_TAGS - HEADINGS and not any(True for _ in el.iter("a"))
    )
    if prose >= _MIN_SECTION and prose >= 0.9 * total_after and before <= 0.1 * own:
        return parent
    return block


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
    count = han_count(el.text_content())
    if not links:
        count -= sum(han_count(anchor.text_content()) for anchor in el.iter("a"))
    return count


def link_density(el: HtmlElement) -> float:
    """The share of the element's text that is link text."""
    total = len(clean_text(el.text_content()))
    linked = sum(len(clean_text(anchor.text_content())) for anchor in el.iter("a"))
    return linked / total if total else 0.0
