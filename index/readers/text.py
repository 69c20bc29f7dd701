"""Page text as copied from a disclosure page (the seed's format).

::

    宿迁市民政局                                   ← site header
    政府信息公开
    名称 市民政局2018年一季度工作情况              ← label lines, one or more label/value pairs each
    索引号 014319733/2018-00019 分类 规划计划 ??其他 ?? 报告
    发布机构 市民政局 公开日期 2018-04-10
    文号 关键词
    文件下载                                       ← attachment names follow, up to a blank line
    <blank>
    市民政局2018年一季度工作情况                   ← the title again
    body paragraphs …
    相关信息                                       ← related titles follow

A crawler's dump of a whole page (one text node a line) holds the same, framed by the page: the browser
title (``标题_网站名``) first, the navigation, the title, its date printed alone on a line (the 发布日期,
``2018-10-29 10:04``) and a ``来源：`` line, the 字体 大|中|小 switch, the text, then the QR code's
扫一扫在手机打开当前页, 网站地图 and the footer (主办单位, ICP备, 网站标识码, 版权所有). The frame is no part of
the body.

A text without a label table (or whose labels give no title and no text) is read plainly, with the finding
``read_without_labels``: its title line near the top (…的通知, …办法; see :func:`plain_title`), the text under it.
A file is never refused as a page text while it holds such a title line with text under it.
"""

from __future__ import annotations

import datetime
import html
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from index import limits
from index.dates import parse_date
from index.htmltext import ATTACHMENT_KINDS, is_page_tools
from index.identifiers import bracketed_doc_no, parse_doc_no, parse_index_no
from index.labels import canonical_field, is_website, known_labels, line_pairs, map_fields
from index.normalise import clean_body, normalise_validity, split_wall_of_text
from index.pagefurniture import CREDIT, has_strong_mark, is_footer_line, is_tool_bar, opens_footer
from index.publishers import is_organisation_name
from index.readers import HEAD_BYTES, contained
from index.readers._common import decode_head, text_encoding
from index.record import Finding, RawRecord, ReadError

NAME = "text"

_ATTACHMENTS_HEADINGS = {"文件下载", "附件", "相关附件", "附件下载"}
_RELATED_HEADINGS = {
    "相关信息",
    "相关解读",
    "相关链接",
    "相关文件",
    "相关文章",
    "相关阅读",
    "相关推荐",
    "推荐阅读",
    "相关新闻",
    "相关稿件",
    "相关政策",
    "相关内容",
    "延伸阅读",
}


def label_pairs(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs on a label line, or [] if the line does not start with a known label.

    Any other short word before a colon on the line (``浏览次数：``, ``作者：``) ends the value before it, so
    page tools printed beside the metadata stay out of it. Markdown around a label (``- 发布时间：…``,
    ``**标题**：…``), as dumps written for reading keep it, is no part of it. A crawler's dump may name its
    fields by its own keys, one a line (``title: …``, ``content:``: index.labels.line_pairs)."""
    line = plain_line(line)
    if keys := line_pairs(line, keys=True):
        return _cells(keys if not line_pairs(line) else line_pairs(line, unknown=True))
    return []


def _cells(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs with each value as a reader sees it: without the table's cell walls a text rendering of the page
    draws round it (``索引号: | /2022-05170 | 分类: | |``: a value of walls alone is empty), and split where a known
    label with its colon follows the value glued to it, the page's spacing lost (``信息来源:市农业农村局发布日期:
    2019-05-23``: two pairs)."""
    split: list[tuple[str, str]] = []
    for label, value in pairs:
        value = value.strip(_CELL_WALLS).rstrip(_SEPARATORS_AFTER)
        if is_page_tools(value):
            value = ""  # the page's tools printed where the value is empty (信息来源:浏览次数:字体:[ ])
        starts = [glued.start() for glued in _glued_label().finditer(value)]
        if not starts:
            split.append((label, value))
            continue
        split.append((label, value[: starts[0]].strip(_CELL_WALLS)))
        # Each glued label's piece is read alone, so a line of many costs time in proportion to its length (read as
        # the rest of the line, one label at a time, it went 1,000 levels deep and quadratic).
        for start, end in zip(starts, [*starts[1:], None], strict=True):
            piece = value[start:end]
            split += _cells(line_pairs(piece, unknown=True)) or [(label, piece)]
    return split


_CELL_WALLS = " \t\u3000|｜"
# A separator a page prints after a value, before the next label on the line (发布机构:政府办, 发文日期:…).
_SEPARATORS_AFTER = ",，、;；" + _CELL_WALLS
# A visit counter's word, glued to the value before it where the page's spacing was lost
# (信息来源: 芜湖市教育局阅读次数:).
_COUNTER = "浏览次数|浏览量|访问量|访问次数|点击数|点击量|点击率|阅读次数|阅读量|阅读数"


@cache
def _glued_label() -> re.Pattern[str]:
    """A label and its colon glued to the value before it: a known label or a visit counter's word after a Chinese
    letter, a closing bracket or a digit, or any short word after a digit (a date's last one:
    ``颁布日期:2021-12-31生效日期:2021-12-31``)."""
    known = "|".join([*map(re.escape, known_labels()), _COUNTER])
    return re.compile(rf"(?:(?<=[\u4e00-\u9fff）)\d])(?:{known})|(?<=\d)[\u4e00-\u9fff]{{2,6}})[ \t]*[:：]")


# Markdown a dump puts round its lines: a heading's #, a list item's - or * (or a bullet: · • ● ■ ◆), an ordered
# list item's number (``1. [主题分类] …``, as a text rendering numbers an <ol>'s items), a quote's >, bold ** or __.
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+>]\s+|\d{1,2}\.\s+|[·•●■◆▪►]\s*)")
# Bold only in pairs: a browser title with an empty column (``标题__中国政府网``) keeps its ``__``.
_MARKDOWN_BOLD = re.compile(r"(\*\*|__)(.+?)\1")


def plain_line(line: str) -> str:
    """A line without the Markdown a dump wraps it in (``# 关于…的通知`` → ``关于…的通知``)."""
    return _MARKDOWN_BOLD.sub(r"\2", _MARKDOWN_LEAD.sub("", line))


# Fields that, two of them labelled, make a page text even without a title or 索引号 label (the title is
# then the heading above the labels).
_METADATA_FIELDS = frozenset({"pub_date", "written_date", "publisher", "doc_no"})
# Fields a text's own lines label (附件：…, 正文：): no label table where they are all the labels are.
_TEXT_FIELDS = frozenset({"attachments", "body", "related"})


# A date printed alone on a line (the time may follow), as a page prints its 发布日期 under the title without
# a label. Only the numeric forms: a 2018年10月26日 line is a signature's date, and a site's calendar widget
# prints its weekday (2019年12月3日星期二).
_DATE_LINE = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)(?!\d)")


def metadata_pairs(line: str) -> list[tuple[str, str]]:
    """:func:`label_pairs`, and a date alone on its line read as the ``发布日期`` it is (see _DATE_LINE), the
    page's tools and visit counter beside it allowed (``2020-01-01 10:00  浏览次数：123``), the line marked as a
    list item (``• 2024-04-18 11:44``) or the labels after it glued to it (``2015-11-10 01:51:51信息来源:浏览次数:``:
    the date, then those pairs)."""
    if pairs := label_pairs(line):
        return pairs
    line = plain_line(line)
    match = _DATE_LINE.match(line)
    if match is None:
        return []
    date = [("发布日期", match.group(1))]
    if not (rest := line[match.end() :].strip()) or is_page_tools(rest):
        return date
    return date + glued if (glued := label_pairs(rest)) else []


def sniff(path: Path, head: bytes) -> bool:
    text = decode_head(head).translate(_SPACES)
    lines = [line for line in text.splitlines() if line.strip()][:60]  # blank lines a dump doubles count not
    labelled = [pairs for line in lines if (pairs := metadata_pairs(line))]
    names = {canonical_field(label) for pairs in labelled for label, _ in pairs}
    if len(labelled) >= 2 and (bool(names & {"title", "index_no"}) or len(names & _METADATA_FIELDS) >= 2):
        return True
    # A whole page's dump may label one thing only (来源：…); its site's footer says it is a page.
    if bool(names & _METADATA_FIELDS) and len(set(_FOOTER_MARK.findall(text))) >= 2:
        return True
    # Without labels: a document's own title near the top (see plain_title) and its text under it: anything
    # under a title ending in a document kind (…的通知, its file's name alone), else prose.
    texts = [line for line in text.splitlines() if line.strip()][: _PLAIN_TOP * 2]
    if not _is_clean_text(text):
        return False
    if (found := plain_title(texts)) is None:
        return _is_unheaded_document(text.splitlines())
    place, title = found
    under = texts[place + 1 :]
    return bool(under) and (_names_a_document(title) or _has_prose(under))


@contained
def read(path: Path, bounds: limits.Limits) -> Iterator[RawRecord | ReadError]:
    """The page's one record. The file is streamed: only the body up to PORTAL_MAX_DOC_CHARS is kept."""
    with path.open("rb") as raw:
        encoding = text_encoding(raw.read(HEAD_BYTES))
        raw.seek(0)
        spaced = _is_double_spaced(raw.read(HEAD_BYTES).decode(encoding, errors="replace"))
        raw.seek(0)
        handle = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None)
        lines = _Lines(handle, double_spaced=spaced)
        try:
            record = _record(path, lines, bounds)
        except _NoLabels:
            record = None
        if record is not None and (record.fields.get("title") or record.fields.get("body")):
            yield record
            return
        raw.seek(0)  # no title and no body by the labels: read again, without them
        again = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None)
        yield _plain_record(path, _Lines(again, double_spaced=spaced), bounds)


class _Lines:
    """A file's lines, each at most _MAX_LINE characters (a longer one comes in pieces), with one step back.

    A label a page spaced out across two lines (``来`` / ``源：发展改革委网站``, a dump of a table cell whose
    letters were spread apart) comes back as one line. In a ``double_spaced`` dump (a blank line after every
    line, see :func:`_is_double_spaced`) a single blank line is none and a run of them is one."""

    def __init__(self, handle: io.TextIOBase, double_spaced: bool = False) -> None:
        self._handle = handle
        self._back: list[str] = []
        self._double_spaced = double_spaced

    def next(self) -> str | None:
        line = self._read()
        if line is None or not _LABEL_FRAGMENT.fullmatch(line.strip()):
            return line
        following = self._read()
        if following is not None and label_pairs(joined := line.strip() + following.strip()):
            return joined
        if following is not None:
            self._back.append(following)
        return line

    def _read(self) -> str | None:
        if self._back:
            return self._back.pop()
        line = self._readline()
        if not self._double_spaced or line is None or line.strip():
            return line
        following = self._readline()
        if following is not None and following.strip():
            return following  # one blank line between two lines: the dump's spacing, no break
        while following is not None and not following.strip():
            following = self._readline()
        if following is not None:
            self._back.append(following)
        return line

    def _readline(self) -> str | None:
        line = self._handle.readline(_MAX_LINE)
        return line.rstrip("\n").translate(_SPACES) if line else None

    def push_back(self, line: str) -> None:
        self._back.append(line)


_MAX_LINE = 65536
# A browser's copy keeps &nbsp; (U+00A0) and the typographic spaces as they are, and a zero-width space or BOM
# inside a line: a label spaced out with them (索&nbsp;引&nbsp;号：) is still the label.
_SPACES = str.maketrans(
    dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f", " ")
    | dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", None)
)
_SPACED_SHARE = 0.9  # of the head's text lines followed by a blank line, for a dump to be double-spaced
_SPACED_MIN_LINES = 8


def _is_double_spaced(head: str) -> bool:
    """Whether a dump puts a blank line after every line (nearly every text line of its head is followed by one):
    there a single blank line separates nothing, and only a run of them is a break."""
    lines = head.splitlines()[:-1]  # the head's last line may be cut
    followed = [not after.strip() for line, after in zip(lines, lines[1:], strict=False) if line.strip()]
    return len(followed) >= _SPACED_MIN_LINES and sum(followed) >= _SPACED_SHARE * len(followed)


# The first letters of a label broken over two lines: one or two Chinese characters alone on a line.
_LABEL_FRAGMENT = re.compile(r"[\u4e00-\u9fff]{1,2}")
_MAX_HEADER_LINES = 1000  # label lines start near the top (the sniffer saw them in the first 64 KiB)


def _record(path: Path, lines: _Lines, bounds: limits.Limits) -> RawRecord:
    header: list[str] = []
    items_last = 0  # the header's last lines that are list items (• …), blank lines aside
    list_items: set[str] = set()  # the header's lines that were list items, their marks taken off
    while (line := lines.next()) is not None and not metadata_pairs(line):
        if len(header) >= _MAX_HEADER_LINES:
            line = None
            break
        header.append(plain_line(line).strip())
        if line.strip():
            items_last = items_last + 1 if _MARKDOWN_LEAD.match(line) else 0
        if _LIST_ITEM.match(line):
            list_items.add(header[-1])
    if line is None:
        raise _NoLabels
    pairs: list[tuple[str, str]] = []
    while (
        line is not None
        and line.strip() not in _ATTACHMENTS_HEADINGS
        and (found := _table_pairs(line) or _other_label_row(line, lines))
    ):
        if (opening := _body_label(line)) is not None:
            line = opening or lines.next()  # 正文：… starts the body, its text the first line of it
            break
        if not found[-1][1]:
            found[-1] = (found[-1][0], _value_below(lines, found[-1][0]))
        pairs += found
        line = lines.next()
        if line is not None and not line.strip():
            blanks, after = _past_blanks(lines, line)
            if after is not None and _table_pairs(after) and after.strip() not in _ATTACHMENTS_HEADINGS:
                line = after  # a blank line or two inside the label table
            else:
                if after is not None:
                    lines.push_back(after)
                for blank in reversed(blanks[1:]):
                    lines.push_back(blank)
    if line is not None:
        lines.push_back(line)
    fields, _unknown = map_fields(pairs)
    if not fields.keys() - _TEXT_FIELDS:
        raise _NoLabels  # 附件：… or 正文： alone label no metadata: the text's own lines
    from_header = False
    # a breadcrumb over the labels (您当前的位置：首页>…) names the page's column, never the title
    header = [line for line in header if line and line != "政府信息公开" and not _TRAIL.search(line)]
    _values_over_labels(header, min(items_last, len(header)), fields)
    while header and not _HAN.search(header[0]):
        del header[0]  # a crawler's log lines or the page's address above the browser title
    above = _text_above(header, fields)
    # A heading above the label lines is the title where no label names one; a name is the site's.
    if above is not None:
        pass  # the text stands above the labels: its title is the plain reading's (see _text_above)
    elif header and "title" not in fields and not is_organisation_name(header[-1]):
        while len(header) > 1 and (
            _doc_no_of_line(header[-1])
            or parse_date(header[-1], whole=True)
            or _is_kind_alone(header[-1])
            or _other_pairs(header[-1])
        ):
            _opening_doc_no(header[-1:], fields)  # the 文号, date or 文种 (通  知) under the heading: no part of it
            for name, value in map_fields(_other_pairs(header[-1]))[0].items():
                fields.setdefault(name, value)  # a row of labels over the table (更新时间:… 来源:…)
            del header[-1]
        lines_of_title = _heading_lines(header, frozenset(list_items))
        heading = "".join(header[-lines_of_title:])
        named = [line for line in header[1:] if _names_a_document(line)]
        if named and not _names_a_document(heading):
            fields["title"] = named[-1]  # the site's tools and a disclaimer between the page's heading and its labels
        elif (not _is_heading(heading) or _names_a_column(heading, header[0])) and (
            titled := _browser_title(header[0])
        ):
            fields["title"] = titled  # the line above the labels is the site's address, a link or the column
        else:
            fields["title"] = _unwrapped(heading)
            del header[-lines_of_title:]
            from_header = True
    if header and (site := _site_of(header[0], str(fields.get("title", "")))):
        fields.setdefault("site", site)
    attachments = _listed_after(lines, _ATTACHMENTS_HEADINGS)
    body_lines, related, cut = _body_and_related(lines, bounds.max_doc_chars)
    body_lines, listed = _without_file_list(
        _unglued(_without_trailing_labels(_without_page_frame([*(above or []), *body_lines])))
    )
    attachments += listed
    if from_header and body_lines and _names_a_document(body_lines[0]) and not _names_a_document(fields["title"]):
        # the line above the labels was a column (政策文件), this the title
        fields["title"] = plain_line(body_lines[0]).strip()
    elif "title" not in fields and (heading := _heading_under_labels(body_lines)):
        fields["title"] = heading
    body_lines = _without_next_document(_without_opening_furniture(_past_opening_labels(body_lines, fields)))
    _opening_doc_no(body_lines, fields)
    _signers_over_website(body_lines, fields)
    _title_issuer(fields)
    fields["body"] = "\n".join(_joined_fragments(body_lines)).strip()
    if attachments:
        fields["attachments"] = [{"name": name} for name in attachments]
    if related:
        fields["related"] = [{"title": title} for title in related]
    record = RawRecord(source=str(path), fields=fields, attachment_root=path.parent)
    if cut:
        record.warnings.append(limits.truncated("body", bounds.max_doc_chars, "PORTAL_MAX_DOC_CHARS"))
    return record


# Its letters may be spaced out (备       注:) or two words joined by a slash (失效/废止日期:).
_OTHER_WORD = r"(?:[\u4e00-\u9fff][ \t\u3000]*){2,6}"
_OTHER_LABEL_ROW = re.compile(rf"^({_OTHER_WORD}(?:/{_OTHER_WORD})?)[:：]\s*(\S.{{0,39}})?$")
# The same in brackets, the value after them (``[实施日期] ----``, as 【标题】 and [成文日期] stand).
_OTHER_BRACKETED_ROW = re.compile(r"^[【\[［]\s*([\u4e00-\u9fff]{2,6})\s*[】\]］]\s*[:：]?\s*(\S.{0,39})?$")
_MAX_OTHER_ROWS = 3  # rows of labels of no field in a row inside a label table (生效日期: 信息时效期: …)


def _other_pairs(line: str) -> list[tuple[str, str]]:
    """The pairs of a row of labels of which the first is none the portal reads: one label and its value
    (``- 生效日期:``, ``[实施日期] ----``), or short words with their colons and values side by side
    (``公开责任部门:  区政府办  发文日期:``); [] for any other line (a sentence, a salutation's colon)."""
    text = plain_line(line).strip()
    if match := _OTHER_LABEL_ROW.match(text) or _OTHER_BRACKETED_ROW.match(text):
        return [(match.group(1).strip(), (match.group(2) or "").strip())]
    if _is_prose(text):
        return []
    pairs = line_pairs(text, unknown=True)
    return pairs if len(pairs) > 1 and all(len(value) <= _MAX_VALUE for _label, value in pairs) else []


def _other_label_row(line: str, lines: _Lines) -> list[tuple[str, str]]:
    """A row of the label table whose first label is none the portal reads (see :func:`_other_pairs`), as its
    pairs, where a known label's row follows it, maybe past _MAX_OTHER_ROWS - 1 more such rows (so the table goes
    on past them, and the rows after them are read); else []."""
    pairs = _other_pairs(line)
    if not pairs or _OTHER_BRACKETED_ROW.match(plain_line(line).strip()):
        return pairs  # a label in brackets (【文件来源】山西省) is never a line of text
    if len(pairs) == 1 and not pairs[0][1] and " " in pairs[0][0].strip():
        return pairs  # a label spaced out to the table's width (备       注:), empty: no salutation is spaced so
    ahead: list[str] = []
    known = False
    while len(ahead) < _MAX_OTHER_ROWS and (after := lines.next()) is not None:
        ahead.append(after)
        if _table_pairs(after):
            known = True
            break
        if not _other_pairs(after):
            break
    for after in reversed(ahead):
        lines.push_back(after)
    return pairs if known else []


def _is_kind_alone(line: str) -> bool:
    """Whether a line is a document kind alone (``通  知``, ``公 告``): a red head's 文种 under the title, no title."""
    return re.fullmatch(_DOC_KIND, _no_space(line)) is not None


# A 公文's title names its issuer before 关于 (GB/T 9704-2012 7.3.1: 发文机关名称、事由和文种).
_TITLE_ISSUER = re.compile(r"^(?P<issuer>.{2,60}?)关于")


def _title_issuer(fields: dict[str, object]) -> None:
    """The issuers a title names before its 关于 (``宁明县人民政府办公室关于印发…的通知``; side by side:
    ``国家发展改革委
    国家能源局关于…``) as the publisher where nothing else named one (no label, no signature, no issuer line): each
    an organisation's name (index.publishers.is_organisation_name), else none."""
    if "publisher" in fields or (match := _TITLE_ISSUER.match(str(fields.get("title") or "").strip())) is None:
        return
    if names := _names(match["issuer"]):
        fields["publisher"] = "、".join(names)


def _signers_over_website(lines: list[str], fields: dict[str, object]) -> None:
    """The publisher from the text where a label named a website (来源: 岳阳市政府门户网, 发文机构: 县政府网站, 来源:
    法律资料网: index.labels.is_website), which says where the page was posted, not who issued it: the issuers
    that sign the text (:func:`_signed`), else those named under its heading (:func:`_issuer_line`), else the
    office whose site it is (发展改革委网站: index.publishers resolves it to the office); a site of no office names
    no publisher."""
    website = fields.get("publisher")
    if not is_website(website):
        _signed(lines, fields)
        _issuer_line(lines, fields)
        return
    del fields["publisher"]
    _signed(lines, fields)
    _issuer_line(lines, fields)
    if "publisher" not in fields and is_organisation_name(_WEBSITE_SUFFIX.sub("", str(website).strip())):
        fields["publisher"] = website


_WEBSITE_SUFFIX = re.compile(r"(?:门户网站|网站|门户网|网)$")


# 有效性 as a page prints it alone where its label was lost (a table's values kept, its labels images: 现行有效).
_VALIDITY_ALONE = re.compile(r"(?:现行|全文|部分|已)?(?:有效|失效|废止)|尚未生效")


def _index_no_of_line(text: str) -> str:
    """The 索引号 a line is alone (``736916953/2024-000372``: a form :func:`index.identifiers.parse_index_no`
    recognises), a list item's marker aside; "" for any other line."""
    text = plain_line(text).strip()
    if not text or _HAN.search(text) or len(text) > _MAX_VALUE:
        return ""
    index_no = parse_index_no(text)
    return text if index_no is not None and index_no.variant != "unrecognised" else ""


def _values_over_labels(header: list[str], listed: int, fields: dict[str, object]) -> None:
    """The values of a label table printed without their labels over the labels a page kept (the labels were images
    or hidden cells; a text rendering keeps the values, one a line, as list items: ``• 005299478/2022-00137`` /
    ``• 新郑市卫生健康委员会`` / ``• 应急``): where the header's last lines (its ``listed`` trailing list items, else
    its last line) hold an 索引号 alone, those lines are values, not a heading: the 索引号, a 文号 alone, a 有效性
    word alone (现行有效) and an organisation's name alone (the 发布机构) fill their fields where no label gave them,
    and the lines leave the header."""
    block = header[len(header) - listed :] if listed else header[-1:]
    if not any(_index_no_of_line(text) for text in block):
        return
    for text in block:
        if unlabelled := _unlabelled_value(text):
            fields.setdefault(canonical_field(unlabelled[0]) or unlabelled[0], unlabelled[1])
        elif doc_no := _doc_no_of_line(text):
            fields.setdefault("doc_no", doc_no)
        elif names := _names(text):
            fields.setdefault("publisher", "、".join(names))
    del header[len(header) - len(block) :]


def _unlabelled_value(text: str) -> tuple[str, str] | None:
    """A label table's value printed without its label (the labels were images or hidden cells, the values kept,
    one a line or a list item each): an 索引号 alone, or a 有效性 word alone (现行有效), as the (label, value) pair
    it stands for; None for any other line."""
    if index_no := _index_no_of_line(text):
        return ("索引号", index_no)
    if _VALIDITY_ALONE.fullmatch(_no_space(plain_line(text))):
        return ("有效性", _no_space(plain_line(text)))
    return None


_MAX_HEADING_LINES = 4
_MAX_OPENING = 8  # lines over the text: the title again, a label line or two, the tools between them


# A box of related links a page prints over the text, its heading left alone where the box was empty.
_RELATED_BOX = re.compile(r"相关[\u4e00-\u9fff]{2,4}")


def _without_opening_furniture(lines: list[str]) -> list[str]:
    """The body lines from the first that is no page furniture: a page's tools and their messages (取消收藏成功!)
    and an empty box's 相关… heading (相关办事指南) stand over the text, never in it."""
    for i, line in enumerate(lines):
        text = line.strip()
        if text and not (_is_tools(text) or _RELATED_BOX.fullmatch(text)):
            return lines[i:]
    return lines


def _past_opening_labels(lines: list[str], fields: dict[str, object]) -> list[str]:
    """The body lines from where the text starts. Over it a page prints its heading again (the title, maybe over
    two or three lines, its 文号 under it), and some pages then a label line or two (``发布时间：… 来源：…
    浏览次数：…``, the label table again) and their tools: where such label lines stand among the first
    _MAX_OPENING lines, with nothing but the heading (its issuer's name or red head, the notice's own heading under
    it), dates,
    tools and rows of other labels (:func:`_other_row`) round them, the text starts after the last of them, and
    their labels are read (a field the label table gave keeps its value). Else only a whole repeat of the title on
    the first line is dropped. A label of the text's own (附件：, 正文：) is text."""
    title = _no_space(str(fields.get("title") or ""))
    last_label, pairs_seen, seen = -1, [], 0
    for i, line in enumerate(lines):
        text = plain_line(line).strip()
        if not text:
            continue
        if seen >= _MAX_OPENING:
            break
        seen += 1
        pairs = label_pairs(text)
        names = {canonical_field(label) for label, _value in pairs}
        if pairs and names - {None} and not names & _TEXT_FIELDS:
            last_label = i
            pairs_seen += pairs
        elif unlabelled := _unlabelled_value(text):
            pairs_seen.append(unlabelled)
        elif doc_no := _doc_no_of_line(text):
            pairs_seen.append(("文号", doc_no))  # the 文号 alone among the labels over the text
        elif not (
            _is_heading_piece(text, title)
            or _RED_HEAD.match(text)
            or _is_kind_alone(text)
            or _CODE_LINE.fullmatch(text)
            or _is_tools(text)
            or _is_alone_date_or_doc_no(text)
            or _other_row(text)
            or _names(text)
            or _names_a_document(text)
        ):
            break
    if last_label >= 0:
        found, _unknown = map_fields(pairs_seen)
        for name, value in found.items():
            fields.setdefault(name, value)
        return lines[last_label + 1 :]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and title and _no_space(lines[first]) == title:
        return lines[first + 1 :]  # the page repeats its title above the body
    return lines


# The signature a 公文 closes with (GB/T 9704-2012 7.3.5: 发文机关署名, then 成文日期): the issuers' names, one a
# line or side by side, over (or before) the date.
# A year in Chinese numerals may print its zeros as the letter O or a digit (二OO三年, 二00八年: law databases' copies).
# The names end where no space precedes and the spaces after them are taken whole (no date starts with one): with
# a bare ``.*?\s*`` a line of n spaces cost n² steps (a 20,000-space table row took 6.7 CPU seconds).
_SIGNED_DATE = re.compile(
    r"^(?P<names>.*?)(?<!\s)\s*+(?P<date>(?:\d{4}|[〇○零OＯ0０一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日)$"
)
_MAX_SIGNERS = 4  # name lines over the date
_SIGNER_LINE = 30  # at most this many characters a line of a signer's title and name (中华人民共和国主席 江泽民)
_SENTENCE_END = ("。", "！", "？", "!", "?")


def _opening_doc_no(lines: list[str], fields: dict[str, object]) -> None:
    """The 文号 printed alone under the heading (``国办发〔1986〕92号``, or in round brackets as a document's text
    prints it, ``（法发〔2024〕6 号）``) as the 文号 where no label gave one: the first line of the text that is no
    piece of the title and nothing a page prints between its heading and the 文号 (see :func:`_is_over_doc_no`),
    among its first _MAX_OPENING lines."""
    if "doc_no" in fields:
        return
    title = str(fields.get("title") or "")
    for seen, line in enumerate(line.strip() for line in lines if line.strip()):
        if seen >= _MAX_OPENING:
            return
        if doc_no := _doc_no_of_line(line):  # before the heading's pieces: a title may carry its 文号
            fields["doc_no"] = doc_no
            return
        if not (_is_heading_piece(line, title) or _is_over_doc_no(line)):
            return


def _doc_no_over_heading(above: list[str], title: str, fields: dict[str, object]) -> None:
    """The 文号 printed alone just over the heading (a red head's order: ``鹤政发〔2025〕4号`` / the title over one
    or more lines) as the 文号 where nothing gave one; ``above`` are the lines down to the title's last line."""
    if "doc_no" in fields:
        return
    texts = [line for line in above if line.strip()]
    while texts and _is_heading_piece(texts[-1], title):
        del texts[-1]  # the title's earlier lines
    if texts and (doc_no := _doc_no_of_line(texts[-1])):
        fields["doc_no"] = doc_no


def _is_over_doc_no(text: str) -> bool:
    """Whether a line is one a page prints over a 文号 under its heading, no text: its tools and counters or a
    label line (浏览量: … 时间: …, 下载地址: 点击此处下载), the issuer's name alone (江苏省宿迁市人民政府), a red
    head's line (国家能源局华北监管局文件: GB/T 9704-2012 7.2.3, 发文机关标志 over 发文字号), the notice's own heading
    under the page's (吉安市…细则 / 关于印发吉安市…细则的通知), or a date alone."""
    if _is_prose(text):
        return False
    return bool(
        _is_tools(text)
        or _RED_HEAD.match(text)
        or line_pairs(text, unknown=True)
        or _names(text)
        or _names_a_document(text)
        or parse_date(text, whole=True)
    )


# A 公文's imprint line (版记: 2007年3月20日印发), which ends it.
_IMPRINT = re.compile(r"^\S{0,30}?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$")
# A document a heading quotes (《医疗机构药事管理规定》), its name at least this long.
_QUOTED_NAME = re.compile(r"《([^《》]{4,})》")


def _without_next_document(lines: list[str]) -> list[str]:
    """The body lines up to where another document begins: a text extracted from a compilation (a ministry's
    PDF holding several documents one after another) runs on from the document's last article into the next
    document's heading (its title, maybe over a few lines, an issuer line over it), its 文号 alone on the next
    line and its addressee (``各省、自治区、直辖市卫生厅局：``), then its text. Such a heading ends the body, with
    an imprint line (``2007年3月20日印发``) just over it (the heading never reaches over a date that signs the text
    or over an imprint), where prose stands before it and the text before it
    names neither the document (a 《》 name its heading quotes, its title after 关于) nor its 文号: a notice that
    forwards or issues a document (现将《…》转发给你们) prints that document's heading too, and keeps it."""
    texts = [(i, plain_line(line).strip()) for i, line in enumerate(lines) if line.strip()]
    for k in range(1, len(texts) - 1):
        doc_no = _doc_no_of_line(texts[k][1])
        if not doc_no or not texts[k + 1][1].endswith(("：", ":")):
            continue
        start = None
        for span in range(1, min(_MAX_HEADING_LINES, k) + 1):
            top = texts[k - span][1]
            if _SIGNED_DATE.match(top) or _IMPRINT.match(top):
                break  # the date that signs (or the imprint that ends) the text over the heading: no part of it
            if not _names_a_document("".join(text for _i, text in texts[k - span : k])):
                break
            start = k - span
        if start is None:
            continue
        while start > 0 and _IMPRINT.match(texts[start - 1][1]):
            start -= 1
        before = [text for _i, text in texts[:start]]
        heading = "".join(text for _i, text in texts[start:k])
        if not _has_prose(before) or _names_before(heading, doc_no, _letters("".join(before))):
            continue
        return lines[: texts[start][0]]
    return lines


def _names_before(heading: str, doc_no: str, before: str) -> bool:
    """Whether text (its letters: ``before``) names the document a heading and a 文号 print: its 文号, a name the
    heading quotes, or the heading's words after 关于."""
    keys = [doc_no, *_QUOTED_NAME.findall(heading)]
    if "关于" in heading:
        keys.append(heading.split("关于", 1)[1])
    return any((key := _letters(text)) and key in before for text in keys)


_SHORT_HEADING = 30  # characters at most of a heading printed under the label table with no label naming it


# A document's red head, the issuer's name and 文件 (GB/T 9704-2012 7.2.3: 发文机关标志), printed over its 文号.
_RED_HEAD = re.compile(r"^\S{2,30}文件$")


def _heading_under_labels(lines: list[str]) -> str:
    """The heading a page prints under its label table where no label names the title (``说 明`` over the text):
    the title under a red head and its 文号 (``…街道办事处文件`` / ``闵古办〔2022〕10号`` / ``关于印发…的通知``), else
    the text's first line where it is short, says no sentence, labels nothing and addresses no one, and text
    follows it; "" otherwise."""
    texts = [plain_line(line).strip() for line in lines if line.strip()]
    if len(texts) < 2:
        return ""
    first = texts[0]
    if _RED_HEAD.match(first) and len(texts) > 3 and _is_alone_date_or_doc_no(texts[1]) and _names_a_document(texts[2]):
        return texts[2]  # the red head (…文件) and the 文号 over the document's title
    if _names_a_document(titled := _after_doc_no(first)):
        return titled  # the document's title, maybe after its 文号 glued before it
    if len(first) > _SHORT_HEADING or len(_HAN.findall(first)) < 2 or _SENTENCE_MARK.search(first):
        return ""
    if first.endswith(("：", ":")) or label_pairs(first) or _is_alone_date_or_doc_no(first) or _is_tools(first):
        return ""
    return "" if _names(first) else first


_DOC_NO_END = re.compile(r"号[)）]?")


def _after_doc_no(text: str) -> str:
    """The title a heading prints after its 文号 glued before it or set off by an underscore or a bar
    (``筑府办函〔2020〕78号市人民政府办公厅关于印发…的通知``, ``(五政办通〔2018〕38号)昆明市…的通知``,
    ``发改能源规〔2025〕411号_国家发展改革委 国家能源局关于…的通知``): the rest, where the part up to a 号 is a 文号
    alone and the rest names a document; the heading as it is otherwise."""
    for match in _DOC_NO_END.finditer(text[:_MAX_VALUE]):
        rest = text[match.end() :].strip().lstrip("_|｜").strip()
        if _doc_no_of_line(text[: match.end()]) and _names_a_document(rest):
            return rest
    return text


def _other_row(text: str) -> bool:
    """Whether a line is a row of the page's metadata under a label of no field of ours (法律效力:地方规范性文件,
    应用分类:事故与应急类, 视力保护色:): a short word, its colon and maybe a value; not a salutation (各有关单位：,
    国家能源局：), which names whom the text addresses."""
    pairs = line_pairs(text, unknown=True)
    if not pairs or _is_prose(text):
        return False
    word = pairs[0][0]
    return bool(pairs[0][1]) or not (word.startswith("各") or _names(word))


def _doc_no_of_line(line: str) -> str:
    """The 文号 a line holds alone (``国办发〔1986〕92号``, ``（法发〔2024〕6 号）``, a list item's
    ``• 五政办规〔2024〕1号``); "" where it holds more."""
    text = plain_line(line).strip()
    if len(text) > _MAX_VALUE:
        return ""
    if inside := bracketed_doc_no(text):
        return inside
    return text if parse_doc_no(text) is not None else ""


def _published_day(pub_date: object) -> str:
    """The day a page was published (ISO yyyy-mm-dd) where its 发布日期 names a whole day, else "": the day a
    signature's date cannot follow (see :func:`signature`)."""
    published = parse_date(str(pub_date or ""))
    return published.iso if published and len(published.iso) == len("yyyy-mm-dd") else ""


def signed_date(body: str, pub_date: object = "") -> str:
    """The 成文日期 a document's text signs with (GB/T 9704-2012 7.3.5; :func:`signature`), ISO yyyy-mm-dd, or ""
    where no date signs it. ``body``: the text, one paragraph a line (a date pieced over lines is read joined);
    ``pub_date``: the page's 发布日期 (any form :func:`index.dates.parse_date` reads, or ""), which the signature
    cannot follow."""
    signed = signature(_joined_fragments(body.split("\n")), _published_day(pub_date))
    return signed[1] if signed else ""


def _signed(lines: list[str], fields: dict[str, object]) -> None:
    """The issuers and the date of the text's signature (:func:`signature`) as its publisher and 成文日期 where no
    label gave them; a date pieced over lines (2019 / 年 / 11 / 月 / 15 / 日) is read joined."""
    before = _published_day(fields.get("pub_date"))
    if ("publisher" in fields and "written_date" in fields) or (
        signed := signature(_joined_fragments(_without_marked_foot(lines)), before)
    ) is None:
        return
    names, written = signed
    if names:
        fields.setdefault("publisher", "、".join(names))
    if written:
        fields.setdefault("written_date", written)


def _issuer_line(lines: list[str], fields: dict[str, object]) -> None:
    """The issuers a page names on a line of their own under the heading, over the text (a law database prints the
    title, then the issuing body, then the notice: ``民政部`` / ``民政部关于…的通知`` / ``××省民政局：``) as the
    publisher where nothing gave one: the first line among the text's first _MAX_OPENING that is organisations'
    names and nothing else, before its first sentence or salutation."""
    if "publisher" in fields:
        return
    seen = 0
    for text in (line.strip() for line in lines):
        if not text:
            continue
        seen += 1
        if seen > _MAX_OPENING or _is_prose(text) or text.endswith(("：", ":")):
            return
        if names := _names(text):
            fields["publisher"] = "、".join(names)
            return


def signature(lines: list[str], before: str = "") -> tuple[list[str], str] | None:
    """The issuers and the date that sign the text, as a 公文 is signed (GB/T 9704-2012 7.3.5): a date alone on a
    line (or after the issuers' names on it) with the organisations' names on the lines just over it (side by side
    or one a line, their letters maybe spread: 国 家 计 委), or, where a page left out the names (the seal stands
    for them), the date alone closing the text: on the line under a sentence's end, a short line or two of a
    signer's title and name between them at most (中华人民共和国主席 江泽民). The first such signature is the
    document's: a notice that forwards a report (转发, 批转, 印发) signs before the text it forwards, whose own
    signature ends the page. The names are [] where none stands over the date; None where no date signs. A 版记's
    date (…2007年3月20日印发) never signs: it does not end the line. Under the issuers' names (a 附注 such as
    （此件公开发布） maybe between) a date a page misprinted or a dump mangled (2018年10日11日, { 2017 6 23) still
    closes the signature: the names sign, with that date where its numbers make one (else ""). ``before`` (ISO
    yyyy-mm-dd, or ""): the day the page was published, which a signature's date cannot follow; it decides between
    the readings of a date whose numbers are glued (see _glued_date)."""
    texts = [line.strip() for line in lines if line.strip()]
    for at, text in enumerate(texts):
        match = _SIGNED_DATE.match(text)
        if match is None:
            if (misprinted := _misprinted_signature(texts, at)) is not None:
                return misprinted
            if (opening := _date_opening_line(texts, at)) is not None:
                return opening
            if (glued := _glued_signature(texts, at, before)) is not None:
                return glued
            continue
        names = _names(match.group("names")) if match.group("names") else []
        above = at - 1
        while not match.group("names") and above >= 0 and len(names) < _MAX_SIGNERS and (found := _names(texts[above])):
            names = found + names
            above -= 1
        parsed = parse_date(match.group("date"), whole=True)
        if not (parsed and parsed.iso):
            continue
        if names:
            return names, parsed.iso
        above_date = texts[max(0, at - _MAX_SIGNERS - 1) : at]  # all _closes_text reads: a whole slice was quadratic
        if not match.group("names") and _closes_text(above_date) and not _goes_on(texts[at + 1 : at + 2]):
            return [], parsed.iso
    return None


# A date's numbers a page misprinted (2018年10日11日) or a dump lost the letters of ({ 2017 6 23): a year, then a
# month and a day, with nothing else on the line.
_MISPRINTED_DATE = re.compile(r"[{(（\[【\s]*(\d{4})\s*[年\s]\s*(\d{1,2})\s*[月日\s]\s*(\d{1,2})\s*日?[}）)\]】]?")


def _issuers_over(texts: list[str], at: int) -> list[str]:
    """The organisations named on the lines just over line ``at`` (past a 附注 in brackets, （此件公开发布）), at
    most _MAX_SIGNERS of them, in order; [] where none is."""
    above = at - 1
    if above >= 0 and _PARENTHESISED.match(texts[above]):
        above -= 1
    names: list[str] = []
    while above >= 0 and len(names) < _MAX_SIGNERS and (found := _names(texts[above])):
        names = found + names
        above -= 1
    return names


# A whole date opening a line, what the line goes on with no part of a sentence that date begins (2023年1月1日起施行,
# 2023年1月1日至3月31日, 2023年1月1日前, 2023年1月1日，…).
_OPENING_DATE = re.compile(
    r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(?![\s\u3000]*[起前后至到以之的止，,、；;。—\-～~])"
)


def _date_opening_line(texts: list[str], at: int) -> tuple[list[str], str] | None:
    """The issuers on the line over line ``at`` and the date line ``at`` opens with, where a paragraph break a crawler
    lost glued the signature's 成文日期 to what follows it: the heading of the document a notice issues
    (河北省人民政府办公厅 / 2023年10月7日河北省支持钢铁行业创新发展的若干措施) or a page's related-links line
    (2023年9月5日政策解读：…). None where the line opens with no such date or the line over it names no
    organisation and nothing else (a date opening a sentence under a heading is no signature)."""
    if (match := _OPENING_DATE.match(texts[at])) is None or at == 0 or not (names := _names(texts[at - 1])):
        return None
    parsed = parse_date(match.group(1), whole=True)
    return (names, parsed.iso) if parsed and parsed.iso else None


# A date whose month and day a page printed glued between 年 and 日 (2016年1013日): read as glued numbers are.
_GLUED_MONTH_DAY = re.compile(r"(\d{4})\s*年\s*(\d{3,4})\s*日")


def _misprinted_signature(texts: list[str], at: int) -> tuple[list[str], str] | None:
    """The issuers over a misprinted date on line ``at`` (see _MISPRINTED_DATE; or its month and day glued, see
    _GLUED_MONTH_DAY, read where only one month and day read them: :func:`_glued_date`) and that date where it is
    one (else ""); None where the line is no such date or no organisation's name stands over it (past a 附注 in
    brackets, （此件公开发布）)."""
    if (glued := _GLUED_MONTH_DAY.fullmatch(texts[at])) is not None:
        written = _glued_date(glued[1] + glued[2])
    elif (match := _MISPRINTED_DATE.fullmatch(texts[at])) is not None:
        year, month, day = (int(number) for number in match.groups())
        written = f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""
    else:
        return None
    names = _issuers_over(texts, at)
    return (names, written) if names else None


# A date whose 年, 月 and 日 a page set as images (or a dump lost), its numbers glued: 2024327, 2023515, 20231108.
_GLUED_DATE = re.compile(r"(\d{4})(\d{3,4})")


def _glued_date(text: str, before: str = "") -> str:
    """The date a line of glued numbers is (see _GLUED_DATE), where only one month and day read it (2024327 is
    3月27日, 32月7日 being none; 2023111 is 1月11日 or 11月1日: ""); "" where the line is no such date. A reading
    after ``before`` (ISO, the page's publication date; "" for none) is none: a document is signed before it is
    published (2022128 on a page published 2022-01-29 is 1月28日, 12月8日 not having come yet)."""
    match = _GLUED_DATE.fullmatch(text)
    if match is None or not 1949 <= int(match.group(1)) <= 2099:
        return ""
    year, rest = int(match.group(1)), match.group(2)
    readings = set()
    for cut in (1, 2):
        if 1 <= len(rest) - cut <= 2:
            try:
                readings.add(datetime.date(year, int(rest[:cut]), int(rest[cut:])))
            except ValueError:
                continue  # no such month or day
    dates = {day.isoformat() for day in readings if not before or day.isoformat() <= before}
    return dates.pop() if len(dates) == 1 else ""


def _glued_signature(texts: list[str], at: int, before: str = "") -> tuple[list[str], str] | None:
    """The issuers over a date of glued numbers on line ``at`` (see _glued_date; a 附注 in brackets maybe between)
    and that date, or no issuers where the date alone closes the text (:func:`_closes_text`); None where the line
    is no such date or signs nothing; ``before`` as signature takes it."""
    if not (iso := _glued_date(texts[at], before)):
        return None
    names = _issuers_over(texts, at)
    if names:
        return names, iso
    closes = _closes_text(texts[max(0, at - _MAX_SIGNERS - 1) : at]) and not _goes_on(texts[at + 1 : at + 2])
    return ([], iso) if closes else None


def _goes_on(below: list[str]) -> bool:
    """Whether the line under a date alone is a sentence: then the date heads what follows (a 大事记's entry, a
    meeting's date in a report), and a seal's date closes no text there."""
    return bool(below) and _is_clause(below[0]) and len(_HAN.findall(below[0])) >= _HEADING_HAN


def _closes_text(above: list[str]) -> bool:
    """Whether a date alone on the line under these lines closes a text: the last of them ends a sentence, or up to
    _MAX_SIGNERS short lines (a signer's title and name, no sentence) stand between such a line and the date."""
    for back, text in enumerate(reversed(above)):
        if text.endswith(_SENTENCE_END):
            return _is_prose(text) or back > 0 or len(_HAN.findall(text)) >= _HEADING_HAN
        if (
            back >= _MAX_SIGNERS
            or len(text) > _SIGNER_LINE
            or _SENTENCE_MARK.search(text)
            or text.endswith(("：", ":"))
        ):
            return False
    return False


def _names(text: str) -> list[str]:
    """The organisations a line names: its parts between spaces, each an organisation's name, or the whole line
    with its spaces dropped (国 家 计 委); [] where it names none."""
    parts = text.split()
    if parts and all(is_organisation_name(part) for part in parts):
        return parts
    joined = _no_space(text)
    return [joined] if joined and is_organisation_name(joined) else []


def _is_heading_piece(text: str, title: str) -> bool:
    """Whether a line is the title or a piece of it (the heading printed over several lines), the page's heading
    and the label's title compared by their letters: width, spaces and punctuation aside (（摘要） and (摘要), a
    heading's 、 the label leaves out), and a letter or two the heading prints otherwise (○ for 〇) allowed. A line
    opening with its section's number (一、2025年发放情况 under 广州市残疾人两项补贴2025年发放情况和…) is the text's
    own heading, whatever words it shares with the title."""
    if _SECTION_NUMBER.match(text):
        return False
    whole = _letters(title)
    if _han_count(text[: 2 * len(whole) + 1]) > len(whole) or _han_count(text) > len(whole):
        return False  # more Chinese characters than the title has letters (NFKC keeps each one: no piece of it)
    piece = _letters(text)
    if not piece or not whole or len(_HAN.findall(piece)) < min(_HEADING_HAN, len(_HAN.findall(whole))):
        return False
    if piece in whole:
        return True
    if _is_prose(text) or len(piece) > len(whole):
        return False
    common = sum(min(piece.count(letter), whole.count(letter)) for letter in set(piece))
    return common >= _PIECE_SHARE * len(piece)


_PIECE_SHARE = 0.85
# A section's number opening its heading: 一、 （一） (一) 第一章 第二部分. No document's title opens so.
_SECTION_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十百]+(?:章|部分|节))"
)
_NOT_LETTERS = re.compile(r"[\s\W_]+")


def _han_count(text: str) -> int:
    """How many Chinese characters (_HAN) a text holds."""
    return len(text) - len(_HAN.sub("", text))


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", text))


# A code alone on a line, no Chinese letter in it: the label table's 索引号 or 统一登记号 printed again over the text
# (TXDR-2016-01007).
_CODE_LINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/_.]{5,40}")
# A 文号 printed alone under the heading, old forms too: (69)国发文40号, 国办发〔1986〕92号.
_DOC_NO_LINE = re.compile(r"^[\w〔〕\[\]［］()（）【】〈〉\-－ ]{2,30}?\d+\s*号[)）]?$")  # 主席令(九届第37号)
# A red head's 文号 whose brackets and 号 a page set as images or a dump lost (浦府〔20221 for 浦府〔2022〕1号,
# 牟政办发〔201746, 天政办发201652): the issuer's letters, maybe the opening bracket, then the year's and the
# number's digits only.
_DOC_NO_DIGITS_LEFT = re.compile(
    r"^[\u4e00-\u9fff]{1,10}(?:[〔\[［【(（]\d{4}[〕\]］】)）]?\d{0,5}|(?:19|20)\d{2}\d{1,4})号?$"
)


def _is_alone_date_or_doc_no(text: str) -> bool:
    """Whether a line is only a date (2024-01-05, 2024年1月5日) or only a 文号 (国办发〔1986〕92号, or what a page left
    of one: 浦府〔20221, 天政办发201652, see _DOC_NO_DIGITS_LEFT)."""
    text = text.strip()
    if parse_date(text, whole=True):
        return True
    if _DOC_NO_DIGITS_LEFT.match(text):
        return True
    return len(text) <= _MAX_VALUE and (parse_doc_no(text) is not None or bool(_DOC_NO_LINE.match(text)))


def _text_above(header: list[str], fields: dict[str, object]) -> list[str] | None:
    """The text's lines where it stands above the label lines (a page printing 发布日期, 来源 or 责任编辑 under
    its text): the header holds prose. The title is then :func:`plain_title`'s of the header where no label
    names one (set in ``fields``), and the text is the header's lines after the title's line (after its last
    repetition before the prose: the heading under the browser title), else from the first prose line on.
    None where the header holds no prose (the labels stand above the text, as usual)."""
    prose_at = next((i for i, line in enumerate(header) if _is_prose(line)), None)
    if prose_at is None:
        return None
    found = plain_title(header)
    if found is None:
        return header[prose_at:]
    place, title = found
    for i in range(prose_at - 1, place, -1):
        if _ends_title(header[i], title, partly=True):
            place = i
            break
    fields.setdefault("title", title)
    return header[place + 1 :]


def _heading_lines(header: list[str], listed: frozenset[str] = frozenset()) -> int:
    """How many of the header's last lines the heading above the labels is printed over: one, or more where
    the page broke it (at a ``<`` or a bracket) and the dump's first line, the browser title, holds those
    lines joined (``关于转发《…关于印发`` / ``<`` / ``电力中长期交易基本规则（暂行）>的通知》的通知``), or where a
    title's last line has lines over it that it continues (:func:`_heading_pieces`: ``鹤岗市人民政府 鹤岗市中级人民法院
    印发`` / ``关于完善…的意见的通知``; no list item of ``listed``, no office's name alone)."""
    first = _no_space(header[0])
    for count in range(min(_MAX_HEADING_LINES, len(header) - 1), 1, -1):
        joined = _no_space("".join(header[-count:]))
        if first.startswith(joined) or first.endswith(joined):
            return count
    if (opened := _opened_above(header)) > 1 or not _names_a_document(header[-1]):
        return opened
    pieces = _heading_pieces(header[1:-1], header[-1], listed, issuer=False)  # an issuer's line: the title's own
    if len(pieces) == len(header) - 1 and _opens_heading(header, listed):
        return len(header)
    return min(len(pieces), len(header) - 1)  # the header's first line is the browser's title


def _opens_heading(header: list[str], listed: frozenset[str]) -> bool:
    """Whether the header's first line is no browser title but the first line of the heading the lines under it
    continue: a document's text with no page round it (国务院办公厅关于进一步优化 / 地方政务服务便民热线的指导意见).
    A browser title names the page's document itself or carries the site after a separator (``标题_网站``)."""
    first = header[0]
    if len(browser_title_parts(first)) > 1 or _names_a_document(first):
        return False
    return len(_heading_pieces(header[:-1], header[-1], listed, issuer=False)) == len(header)


def _opened_above(lines: list[str]) -> int:
    """How many of the last lines a heading is printed over where its last line closes a bracket or quote
    (``》``, ``>``, ``）``) opened on a line above: up to the line that balances it (at most _MAX_HEADING_LINES);
    else 1."""
    for count in range(1, min(_MAX_HEADING_LINES, len(lines)) + 1):
        if not _unclosed("".join(lines[-count:]), opened=False):
            return count
    return 1


_BRACKET_PAIRS = tuple((pair[0], pair[1]) for pair in ("《》", "<>", "（）", "()", "「」", "“”", "〈〉"))


def _unclosed(text: str, opened: bool = True) -> bool:
    """Whether the text opens a bracket it does not close (``opened``), or closes one it did not open."""
    if opened:
        return any(text.count(left) > text.count(right) for left, right in _BRACKET_PAIRS)
    return any(text.count(right) > text.count(left) for left, right in _BRACKET_PAIRS)


# A heading says something: Chinese words, not the site's address or a navigation link (EN, 登录).
_HEADING_HAN = 4
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _is_heading(line: str) -> bool:
    return len(_HAN.findall(line)) >= _HEADING_HAN and not re.match(r"^\s*(?:https?://|www\.)", line)


# Between a browser title's parts: _ or ｜ anywhere, | and a dash with spaces round them (a dash inside a
# title, 2024-2027年, has none).
_TITLE_PARTS = re.compile(r"\s*[_｜]\s*|\s+[|\-–—]\s+")


def browser_title_parts(line: str) -> list[str]:
    """A browser title's parts (``标题_栏目_网站``, ``标题 - 网站``, ``标题 | 网站``); [line] where it has none."""
    return [part.strip() for part in _TITLE_PARTS.split(line.strip()) if part.strip()] or [line]


def _browser_title(first: str) -> str:
    """The page's title from the dump's first line where that is the browser title (``标题_栏目_网站``,
    ``网站 | 标题``): its first part that reads as a heading and names no organisation, where the line has
    parts; else ""."""
    parts = browser_title_parts(first)
    if len(parts) < 2:
        return ""
    return next((part for part in parts if _is_heading(part) and not is_organisation_name(part)), "")


def _names_a_column(line: str, first: str) -> bool:
    """Whether the line is one of the browser title's parts after the first (``标题_政策文件_网站``): the
    column or the site the breadcrumb ends with, not the page's title."""
    return _no_space(line) in {_no_space(part) for part in browser_title_parts(first)[1:]}


def _no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


# A browser title: the page's title and the site's name joined by _ - | or a dash (either way round).
_AFTER_TITLE = re.compile(r"\s*[_|｜\-–—]\s*(\S.*)$")
_BEFORE_TITLE = re.compile(r"^(.*\S)\s*[_|｜\-–—]\s*$")


def _site_of(first: str, title: str) -> str:
    """The site's name from the dump's first line: the line itself, or, where it is the browser title
    (``关于…的通知_国家能源局江苏监管办公室``, ``网站名 - 关于…的通知``), the part beside the title; "" where
    the line is the title alone."""
    if title and _no_space(first) == _no_space(title):
        return ""
    if title:
        if first.startswith(title) and (after := _AFTER_TITLE.match(first[len(title) :])):
            return after.group(1).strip()
        if first.endswith(title) and (before := _BEFORE_TITLE.match(first[: -len(title)])):
            return before.group(1).strip()
    return first


# The page's frame round a dumped text. The 字体 switch printed a size a line (字体： 小 | 中 | 大), its
# icon's letters (Aa, A+ A-) on the line above.
_SIZE_SWITCH = frozenset("大中小|｜】]］")
_SWITCH_ICON = re.compile(r"^(?:A[a+\-]?\s*)+$")
# Where the page's footer starts: the QR code's caption or another tool line, or a footer link.
_FOOTER_LINKS = frozenset({"网站地图", "联系我们", "关于我们", "友情链接", "相关网站", "回到顶部", "返回顶部"})
# What only a site's footer prints.
_FOOTER_MARK = re.compile(r"ICP备|公网安备|网站标识码|版权所有|主办单位|承办单位")


_LEAVING = re.compile(r"^您(?:访问|将要访问|即将访问)的链接即将离开.{0,60}是否继续[?？]?$")


def _without_page_frame(lines: list[str]) -> list[str]:
    """The body lines of a dumped page without its frame: a link's leave-the-site notice (您访问的链接即将离开…
    是否继续?), the 字体 size switch where it opens the text,
    and the footer from the first tool line or footer link after the text started, where everything from
    there on is short lines that hold a footer's marks (ICP备, 网站标识码, 版权所有 …); on a page with no text
    (the frame's 扫一扫在手机打开当前页 straight under the 字体 switch), from its first line, where no line of it names
    a file (a download list a tool line opens stays)."""
    kept: list[str] = []
    switch = False
    for line in lines:
        text = _cell_text(line)
        if _LEAVING.match(text):
            continue  # the confirmation a site's script shows for a link off the site, printed in the page's text
        if is_page_tools(text) and ("字体" in text or "字号" in text):
            switch = True
            if kept and _SWITCH_ICON.match(_cell_text(kept[-1])):
                kept.pop()
            continue
        if switch and (not text or text in _SIZE_SWITCH or is_page_tools(text)):
            continue  # the switch's sizes, its closing bracket (【字体：大 中 小】) and the tools beside it (打印)
        switch = False
        kept.append(line)
    kept = _without_second_copy(kept)
    started = False
    footer_from: list[bool] | None = None  # read once, at the first frame line: each tool line re-read the rest
    for i, line in enumerate(kept):
        text = _cell_text(line)
        frame = _is_tools(text) or text in _FOOTER_LINKS or opens_footer(text)
        if frame and footer_from is None:
            footer_from = _footer_starts(kept)
        if frame and footer_from and footer_from[i] and (started or not _names_a_file(kept[i:])):
            return kept[:i]  # before any text: a page with no text, its footer all there is (no file it lists)
        started = started or (bool(text) and not frame)
    return _without_trailing_tools(kept)


def _names_a_file(lines: list[str]) -> bool:
    """Whether a line of ``lines`` is a file's name alone (:data:`_FILE_NAME`): a download a page lists."""
    return any(_FILE_NAME.fullmatch(line.strip()) for line in lines)


def _cell_text(line: str) -> str:
    """A line as the page's frame is judged: without the table cell's walls a text rendering of the page draws
    round it (``| Aa |``, ``| 网站地图 |``), as :func:`_cells` reads a value without them."""
    return line.strip(_CELL_WALLS)


def _without_trailing_labels(lines: list[str]) -> list[str]:
    """The lines without the page's label lines and credits under the text (来源：… 作者：… 浏览次数：…,
    责任编辑：…, 关键词：…, a 手机扫码 prompt), where only such lines follow the text, and without the page's tools,
    credits and a date line with its visit counter over it. The label table the page prints over its text is
    read; a second one under it (its source, author, visits and editor again) is no text. A text of nothing but
    label lines keeps them."""

    def trailing(lines: list[str], labels: bool) -> list[str]:
        end = len(lines)
        while end and (not lines[end - 1].strip() or _is_credit(lines[end - 1], labels)):
            end -= 1
        return lines[:end]

    lines = trailing(lines, labels=False)
    kept = trailing(lines, labels=True)
    lines = kept if any(line.strip() for line in kept) else lines
    # Over the text: its date and the page's counter (2020-01-01 10:00  浏览次数：123), tools, credits.
    start = 0
    while start < len(lines) and (
        not lines[start].strip()
        or _is_credit(lines[start], labels=False)
        or (_DATE_LINE.match(lines[start]) and metadata_pairs(lines[start]))
    ):
        start += 1
    return lines[start:] if start < len(lines) else lines


def _is_credit(line: str, labels: bool) -> bool:
    """Whether a line is a credit or page tools (see index.pagefurniture.CREDIT), or with ``labels`` a metadata
    label line (the text's own labels, 附件：…, are text)."""
    text = plain_line(line).strip()
    if CREDIT.match(text) or (text and _is_tools(text)):
        return True
    return labels and any(canonical_field(label) not in _TEXT_FIELDS for label, _value in label_pairs(text))


# The links to the column's previous and next pages under a text: 上一篇：<title>, 下一篇：没有了.
_NEIGHBOUR = re.compile(r"(?:上一篇|下一篇|上一条|下一条|上一页|下一页)\s*[:：]")


def _is_tools(text: str) -> bool:
    """Whether a line is page tools only, its visit counter among them (index.htmltext.is_page_tools), with a
    footer bar's words among them (我要纠错, 手机版: index.pagefurniture.is_tool_bar), or a link to the previous or
    next page (see _NEIGHBOUR)."""
    text = text.strip()
    return is_page_tools(text) or bool(_NEIGHBOUR.match(text)) or is_tool_bar(text, is_page_tools)


# Where page tools glued to a line of the text begin: after a space or at a bracket.
_GLUE_AT = re.compile(r"\s+|(?=[【\[［])")
# A tool's word (a size letter alone, 大 中 小, may end a sentence: it cuts nothing).
_TOOL_WORD = re.compile(r"打印|关闭|收藏|分享|扫一扫|纠错|字体|字号|返回|浏览|点击|阅读|访问")


def _unglued(lines: list[str]) -> list[str]:
    """The lines without the page tools a dump glued to the text's last line (``…二〇〇四年九月七日 【打印本页】
    【关闭窗口】``, ``… 浏览次数：123``): from the first space or bracket after which the rest of the line is tools
    (index.htmltext.is_page_tools) holding a tool's word; a line left empty goes, and the line before it is
    looked at."""
    kept = list(lines)
    while kept:
        end = max((i for i, line in enumerate(kept) if line.strip()), default=None)
        if end is None:
            break
        text = kept[end].rstrip()
        cut = next(
            (
                match.start()
                for match in _GLUE_AT.finditer(text)
                if (rest := text[match.end() :].strip()) and _TOOL_WORD.search(rest) and _is_tools(rest)
            ),
            None,
        )
        if cut is None:
            break
        kept[end] = text[:cut].rstrip()
        if kept[end]:
            break
        del kept[end:]
    return kept


def _without_trailing_tools(lines: list[str]) -> list[str]:
    """The lines without the page tools that end them (``分享：`` and its icons' letters under it, a counter
    over 扫一扫), where nothing but such letters (no Chinese word, at most _ICON_LINE characters a line) follows
    each tool line."""
    end = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        text = _cell_text(lines[i])
        if _is_tools(text):
            end = i
        elif text and (_HAN.search(text) or len(text) > _ICON_LINE):
            break
    return lines[:end]


_ICON_LINE = 3


# A page printing its text twice (for the desktop, then for a phone) prints it whole twice: at least this
# many lines are repeated before the second copy is taken for one.
_MIN_COPY_LINES = 3


def _without_second_copy(lines: list[str]) -> list[str]:
    """The lines once where the text is printed twice in a row (the page's desktop and mobile copies): from
    the first line's next appearance on, the text repeats itself line for line as far as the first copy
    went; what follows the second copy (the footer) stays."""
    texts = [line.strip() for line in lines]
    first = next((i for i, text in enumerate(texts) if text), None)
    if first is None:
        return lines
    for start in (i for i in range(first + 1, len(texts)) if texts[i] == texts[first]):
        length = start - first
        if length >= _MIN_COPY_LINES and texts[start : start + length] == texts[first:start]:
            return lines[:start] + lines[start + length :]
    return lines


def _footer_starts(lines: list[str]) -> list[bool]:
    """For each line, whether the lines from it to the end are a site's footer: they hold a footer's mark (ICP备,
    网站标识码, 版权所有 …), and each is a tool line or a footer's line (:func:`index.pagefurniture.is_footer_line`:
    short and no sentence, or holding footer marks enough that its length or its full stop does not make it text).
    One pass from the end, stopping at the last line that is neither (no earlier line starts a footer): judging
    each tool line's rest of the text anew was quadratic in a text of many tool lines and no footer."""
    starts = [False] * len(lines)
    marked = False
    for i in range(len(lines) - 1, -1, -1):
        text = _cell_text(lines[i])
        if not (_is_tools(text) or is_footer_line(text)):
            break
        marked = marked or bool(_FOOTER_MARK.search(text) or has_strong_mark(text))
        starts[i] = marked
    return starts


def _body_label(line: str) -> str | None:
    """The text after a label that opens the body (``正文：``, ``内容:``), "" when the line holds only the
    label; None when the line does not start with one."""
    pairs = label_pairs(line)
    if not pairs or canonical_field(pairs[0][0]) != "body":
        return None
    rest = line.strip()
    for label, _value in pairs[:1]:
        rest = re.sub(rf"^[【\[［]?\s*{re.escape(label)}\s*[】\]］]?\s*[:：]?\s*", "", rest)
    return rest


def _table_pairs(line: str) -> list[tuple[str, str]]:
    """:func:`metadata_pairs`, and inside a label table a bracketed word alone on its line (``[实施日期]``)
    as a label of its own, though no field of ours: its value under it is then not taken for a label's."""
    if pairs := metadata_pairs(line):
        return pairs
    match = _BRACKETED_WORD.fullmatch(line.strip())
    return [(match.group(1), "")] if match else []


# A label in brackets alone on its line (【实施日期】, [主题分类]): a short Chinese word.
_BRACKETED_WORD = re.compile(r"[【\[［]\s*([\u4e00-\u9fff]{2,6})\s*[】\]］]")


def _is_label_line(line: str) -> bool:
    return bool(label_pairs(line) or _BRACKETED_WORD.fullmatch(line.strip()))


def _value_below(lines: _Lines, label: str = "") -> str:
    """The value of a label printed alone on its line, when the page puts it on the next line
    (``发布日期：`` then ``2021-01-20``): that line, if it is no label and a label line follows it, or it
    ends the header (a blank line or the end follows) and reads as a value, not a sentence (so the first
    line of the body is not taken for a value), or it reads as what the field holds, a date under a date's
    label or a 有效性 word under 有效性 (the last label of a dumped table, the title over the text below it),
    an organisation's name under a publisher's label, a 文号 or 索引号 under theirs (:func:`_reads_as`); such a
    value is taken also past a blank line or two between it and its label. A value the page broke over a few
    short lines (``京经信发`` / ``〔2024〕`` / ``65号``) is those lines joined, where the next label follows them.
    A value drawn as a table's cell (``| 兰政办发〔2021〕178号 |``) is read without its walls (:func:`_in_cell`).
    Else "" and nothing is consumed."""
    printed = lines.next()
    if printed is None:
        return ""
    if not printed.strip():
        return _value_past_blanks(lines, label, printed)
    below = _in_cell(printed) or printed
    if _is_label_line(below) or _is_heading_under(label, below):
        lines.push_back(printed)
        return ""
    pieces = [below]
    after = lines.next()
    while (
        after is not None
        and len(pieces) < _MAX_VALUE_LINES
        and after.strip()
        and not _is_label_line(after)
        and _looks_like_a_value(after)
    ):
        pieces.append(after)
        after = lines.next()
    if after is not None:
        lines.push_back(after)
    joined = "".join(piece.strip() for piece in pieces)
    if len(pieces) > 1 and after is not None and _is_label_line(after) and len(joined) <= _MAX_VALUE:
        if _fits(label, joined):
            return joined
    for piece in reversed(pieces[1:]):
        lines.push_back(piece)
    after = pieces[1] if len(pieces) > 1 else after
    closes_header = after is None or not after.strip()
    fits = _fits(label, below)
    if fits and ((after is not None and _is_label_line(after)) or (closes_header and _looks_like_a_value(below))):
        return below.strip()
    if _reads_as(label, below):
        return below.strip()  # 来源： then 江苏能源监管办 (the page tools under it)
    lines.push_back(printed)
    return ""


_MAX_BLANKS = 2


def _is_heading_under(label: str, line: str) -> bool:
    """Whether the line under an empty label is the page's heading (…的通知, …规划) over its text, not the label's
    value: any label's but the title's."""
    return canonical_field(label) != "title" and _names_a_document(line)


def _in_cell(line: str | None) -> str | None:
    """A line drawn as a table's cell (``| 福建能源监管办 |``, a value indented under its label in a text rendering)
    without its walls, or as a list item of its own (``• 镇政发〔2024〕7号``: a table whose labels and values a text
    rendering lists as separate items, ``• 发文字号:`` then ``• 镇政发〔2024〕7号``) without its mark; any other line
    as it is."""
    if line is None:
        return None
    text = line.strip()
    if len(text) > 2 and text[0] in "|｜" and text[-1] in "|｜":
        return text.strip(_CELL_WALLS)
    if _LIST_ITEM.match(text) and (item := plain_line(text).strip()):
        return item
    return line


def _value_past_blanks(lines: _Lines, label: str, blank: str) -> str:
    """The value under a label past the blank lines between them (``blank`` is the first), where it reads as
    what the label's field holds, or reads as a value and the next label follows it (past blank lines too);
    else "" and nothing is consumed. A heading (…的通知, …规划) is the page's title over its text, no other
    label's value."""
    blanks, printed = _past_blanks(lines, blank)
    candidate = _in_cell(printed)
    heading = candidate is not None and _is_heading_under(label, candidate)
    if candidate is not None and candidate.strip() and not _is_label_line(candidate) and not heading:
        if _reads_as(label, candidate):
            return candidate.strip()
        if _looks_like_a_value(candidate) and (following := lines.next()) is not None:
            lines.push_back(following)
            if not following.strip():
                more, after = _past_blanks(lines, following)
                if after is not None:
                    lines.push_back(after)
                for line in reversed(more):
                    lines.push_back(line)
            else:
                after = following
            if after is not None and _is_label_line(after):
                return candidate.strip()
    if printed is not None:
        lines.push_back(printed)
    for line in reversed(blanks):
        lines.push_back(line)
    return ""


def _past_blanks(lines: _Lines, blank: str) -> tuple[list[str], str | None]:
    """The blank lines from ``blank`` on (at most _MAX_BLANKS), and the line after them (None at the end)."""
    blanks = [blank]
    line = lines.next()
    while line is not None and not line.strip() and len(blanks) < _MAX_BLANKS:
        blanks.append(line)
        line = lines.next()
    return blanks, line


def _reads_as(label: str, value: str) -> bool:
    """Whether a line reads as what the label's field holds: a date under a date's label, an organisation's name
    under a publisher's, a 有效性 word under 有效性, a 公开方式 word under 公开方式 (主动公开: the ways of disclosure of
    the 政府信息公开条例, articles 19-20 and 27), a 文号 or a 索引号 under theirs."""
    field, text = canonical_field(label), value.strip()
    if field == "disclosure":
        return _no_space(text) in _DISCLOSURE_WORDS
    if field in _DATE_FIELDS:
        return bool(parse_date(text, whole=True))
    if field == "publisher":
        return is_organisation_name(text)
    if field == "validity":
        return len(text) <= _MAX_VALIDITY and normalise_validity(text) in _VALIDITY_WORDS
    if field == "doc_no":
        return len(text) <= _MAX_VALUE and parse_doc_no(text) is not None
    if field == "index_no":
        return len(text) <= _MAX_VALUE and parse_index_no(text) is not None
    return False


def _fits(label: str, value: str) -> bool:
    """Whether a line may be the value of a label printed empty over it: under a date's label a date, under a 文号's
    or 索引号's one of those (``文号 :`` then ``说 明``, ``成文日期:`` then a mangled 文号, are an empty label over the
    page's next line); under a 有效性 label a 有效性 word (``文件状态:`` then a red head is an empty label over the
    heading); under any other label anything."""
    field = canonical_field(label)
    if field in _DATE_FIELDS or field in ("doc_no", "index_no", "validity"):
        return _reads_as(label, value) or (field == "doc_no" and bool(_DOC_NO_LINE.match(value.strip())))
    return True


def _looks_like_a_value(line: str) -> bool:
    """A short line that is no sentence and no salutation (the last label's value, not the body's start)."""
    text = line.strip()
    return len(text) <= _MAX_VALUE and not text.endswith(("。", "；", "！", "？", "：", ":", ";"))


_MAX_VALUE = 80
_MAX_VALUE_LINES = 5  # 内能源公告〔 / 2026 / 〕 / 6 / 号
_MAX_VALIDITY = 6  # 现行有效, 全文失效, 部分失效: a word, not a sentence that holds one
_VALIDITY_WORDS = frozenset({"有效", "失效", "废止", "已修改", "尚未生效"})
_DISCLOSURE_WORDS = frozenset({"主动公开", "依申请公开", "不予公开", "部分公开"})
_DATE_FIELDS = frozenset({"pub_date", "written_date", "expiry_date"})


def _listed_after(lines: _Lines, headings: set[str]) -> list[str]:
    """Items listed under a heading line (up to the first blank line); without the heading, nothing is taken."""
    while (line := lines.next()) is not None and not line.strip():
        pass
    if line is None:
        return []
    if line.strip() not in headings:
        lines.push_back(line)
        return []
    items = []
    while (line := lines.next()) is not None and line.strip():
        items.append(line.strip())
    return items


def _body_and_related(lines: _Lines, max_chars: int) -> tuple[list[str], list[str], bool]:
    """The body lines up to a 相关信息 heading (at most ``max_chars``), the related titles after it, and
    whether the body was cut."""
    body: list[str] = []
    size, cut = 0, False
    while (line := lines.next()) is not None:
        if line.strip().rstrip("：:") in _RELATED_HEADINGS and not _after_footer_link(body):
            related = (item.strip() for item in iter(lines.next, None) if item.strip())
            return body, list(itertools.islice(related, _MAX_RELATED)), cut
        if not body and not line.strip():
            continue
        if not body and (opening := _body_label(line)) is not None:
            if not opening:
                continue  # a 正文： line above the body is no part of it
            line = opening
        if size + len(line) > max_chars:
            cut = True
            line = line[: max(0, max_chars - size)]
        if line or not cut:
            body.append(line)
            size += len(line) + 1
    return body, [], cut


_MAX_RELATED = 1000


def _after_footer_link(lines: list[str]) -> bool:
    """Whether the last line written is one of a footer's links (网站地图, 联系我们): a 相关链接 printed after
    it is the footer's next link, not a heading over related titles."""
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return last in _FOOTER_LINKS


# A line naming a file as a page lists it under its text: 附件1：….pdf, 关于…的通知.docx, and a name the site's editor
# stored with a space before its extension (…系列规则的通知 .pdf), as the HTML reader takes a link's text for one.
_FILE_NAME = re.compile(r".*\S[ \t\u3000]?\.(?:" + "|".join(sorted(ATTACHMENT_KINDS)) + r")", re.IGNORECASE)


def _without_file_list(lines: list[str]) -> tuple[list[str], list[str]]:
    """The body lines without the list of files a page prints at the foot of its text (a 相关附件 or 附件下载
    heading, then the files' names one a line, as a dump copies the download links), and those names. The
    list is taken only where it ends the text and every line under the heading names a file. Where there is no
    such list, the lines that are a file's name and nothing else (download links a page prints in or under
    its text with no heading) stay in the text and are the names."""
    texts = [line.strip() for line in lines]
    for i in range(len(texts) - 1, -1, -1):
        if texts[i] in _ATTACHMENTS_HEADINGS:
            names = [text for text in texts[i + 1 :] if text]
            if names and all(_FILE_NAME.fullmatch(name) for name in names):
                return lines[:i], names
            break
        if texts[i] and not _FILE_NAME.fullmatch(texts[i]):
            break
    names = []
    for i, text in enumerate(texts):
        if (marked := _OPEN_LINK.fullmatch(text)) is not None:
            lines = [*lines[:i], marked.group(1), *lines[i + 1 :]]  # the link's text, its 点击打开 no part of it
            names.append(marked.group(1))
        elif _FILE_NAME.fullmatch(text):
            names.append(_listed_name(text))
    return lines, list(dict.fromkeys(names))


# The 附件 label a page prints before a download's link on its line (附件：《…》的解释说明.pdf, 附件2：….doc).
_FILE_LABEL = re.compile(r"^(?:相关)?附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]\s*")


def _listed_name(line: str) -> str:
    """A download's name as its line gives it, without the 附件： label before the link (the page's, not the
    file's: xjb.nea.gov.cn's 附件：《新疆电力辅助服务市场运营规则（试行）》的解释说明.pdf)."""
    name = _FILE_LABEL.sub("", line, count=1)
    return name if name != line and _FILE_NAME.fullmatch(name) else line


# A download link a page marks as one in its text: 关于…的函（点击打开）, 附件1（点击下载）.
_OPEN_LINK = re.compile(r"(.*\S)\s*[（(【\[](?:请?点击)?(?:打开|下载|查看)[）)】\]]")


# A date a page set in pieces of inline markup (<span>2019</span>年<span>11</span>月…), which a dump of its text
# nodes writes one a line: 2019 / 年 / 11 / 月 / 15 / 日 under a signature.
_DATE_PIECES = re.compile(
    r"(?:\d{4}|[〇○零OＯ0０一二三四五六七八九]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?"
)
_PIECE = 4  # at most this many characters a piece
_GOES_ON = ("，", "、")  # a line ending with one breaks off inside a sentence
_MAX_PIECES = 6


def _joined_fragments(lines: list[str]) -> list[str]:
    """The body lines with a date broken into pieces one a line (see _DATE_PIECES) on one line again: a run of
    at least three short lines (at most _PIECE characters each) joined where together they read as a date.
    A line that breaks off after a comma (…促进电力资源优化配置，) goes on on the next line: one paragraph."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if out and out[-1].rstrip().endswith(_GOES_ON) and lines[i].strip():
            out[-1] = out[-1].rstrip() + lines[i].strip()
            i += 1
            continue
        end = i
        while end < len(lines) and end - i < _MAX_PIECES and 0 < len(lines[end].strip()) <= _PIECE:
            end += 1
        joined = next(
            (j for j in range(end, i + 2, -1) if _DATE_PIECES.fullmatch("".join(x.strip() for x in lines[i:j]))),
            None,
        )
        if joined is None:
            out.append(lines[i])
            i += 1
        else:
            out.append("".join(x.strip() for x in lines[i:joined]))
            i = joined
    return out


# Reading without labels ----------------------------------------------------------------------------
#
# A page copied without its label table (a site that prints none, a crawler that kept the text alone) is still a
# document: its own title near the top, the prose under it. The 公文 kinds a title ends with are the GB/T 9704
# and 《党政机关公文处理工作条例》 kinds, with the rules and plans a 规范性文件 is named as.


class _NoLabels(Exception):
    """The labelled reading found no label table: no label line in the file's head, or labels of the text's own
    lines only (附件：, 正文：)."""


_DOC_KIND = (
    "通知|通告|通报|公告|公报|办法|规定|意见|决定|决议|方案|批复|复函|函|条例|细则|规则|规程|规范|规划|纲要|"
    "报告|请示|纪要|命令|指引|指南|计划|要点|制度|标准|目录|清单|公示|答复|措施|预案|的令"
)
# A title-like line: ends in a document kind, a bracketed (试行) or (2024年修订) and a closing quote allowed.
_TITLE_END = re.compile(rf"(?:{_DOC_KIND})(?:[（(][^（）()]{{1,16}}[）)])?[》」”\"]?$")
_PLAIN_TOP = 80  # non-blank lines searched for the title (a dump's navigation may come first)
_PLAIN_HEADING_TOP = 20  # … and for the longest heading-like line where none ends in a document kind
_TITLE_MIN_HAN = 6
_SHORT_TITLE_MIN_HAN = 4  # a regulation's short name over its 题注: two letters and its kind (护士条例)
_TITLE_MAX = 120
_SENTENCE_MARK = re.compile(r"[。；！？]")
_COMMA = re.compile(r"[，,]")
_SHORT_LINE = 40  # a headline may hold a comma (完善积极的就业政策，确保就业形势稳定); a longer line with one is prose
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|\"[^\"]*\"")  # a slogan a title quotes may hold a comma


def plain_title(lines: list[str], strict: bool = False) -> tuple[int, str] | None:
    """The title of a text read without labels, and its line's place in ``lines``; the title stands above the
    text, so only lines before the first prose line (:func:`_is_prose`) count: the first that ends in a document
    kind (``…的通知``, ``…办法（试行）``; of a browser title ``标题_网站``, its first part), with the lines above
    it that it continues (:func:`_heading_over`); unless ``strict``, else the first line where it reads as a title
    (title-like, not an organisation's name: ``中华人民共和国矿产资源法``, ``外交部就…答问``), else the first printed
    twice (a law database's heading, then the same over the text), else the longest heading-like line (six
    Chinese characters or more, not a sentence, no label, no page furniture) of the first _PLAIN_HEADING_TOP. A
    trail of short links before it on its line is no part of it (:func:`_after_trail`). None where there is none."""
    seen = 0
    headings: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        text = plain_line(line).strip()
        if not text:
            continue
        seen += 1
        if seen > _PLAIN_TOP or _is_prose(text):
            break
        if _is_kind_alone(text) and (heading := _heading_over_kind(lines, i)):
            return heading
        parts = browser_title_parts(text)
        # a heading set after its 文号 and an underscore (发改能源规〔2025〕411号_…的通知) is no 标题_网站 pair
        candidate = _unspread(text if len(parts) > 1 and _doc_no_of_line(parts[0]) else parts[0])
        if _is_short_title(candidate) and _note_under(lines, i):
            return i, candidate  # 护士条例 over its 题注
        if not _is_title_like(candidate) or _in_list(lines, i):
            continue
        if _TITLE_END.search(_no_space(candidate)):
            candidate = _after_doc_no(candidate)
            if (titled := _after_trail(candidate)) != candidate:
                return _heading_under(lines, i, titled)  # a trail's end is no heading's last line
            return _heading_under(lines, i, _heading_over(lines[:i], candidate))
        if seen <= _PLAIN_HEADING_TOP:
            headings.append((i, candidate))
    if strict or not headings:
        return None
    first = next(i for i, line in enumerate(lines) if line.strip())
    if headings[0][0] == first and not is_organisation_name(headings[0][1]):
        return headings[0]
    printed = [_no_space(plain_line(line)) for line in lines]
    if repeated := [found for found in headings if printed.count(_no_space(found[1])) > 1]:
        return repeated[0]  # a page prints its title twice (its heading, then over the text)
    return max(headings, key=lambda found: len(_no_space(found[1])))


def _heading_over_kind(lines: list[str], at: int) -> tuple[int, str] | None:
    """The title a red head prints broken before its 文种, the 文种 alone on line ``at`` (``关于印发《…》的`` / ``通
    知``), with the lines above it that it continues (:func:`_heading_over`); None where the line above is no
    heading's piece (a title-like line that ends in no document kind)."""
    above = next((j for j in range(at - 1, -1, -1) if lines[j].strip()), None)
    if above is None:
        return None
    piece = plain_line(lines[above]).strip()
    if not _is_title_like(piece) or _TITLE_END.search(_no_space(piece)) or _in_list(lines, above):
        return None
    return at, _heading_over(lines[:above], piece + _no_space(plain_line(lines[at])))


# A list's item as a text rendering marks it (a bullet, a dash, an ordered list's number).
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s+|\d{1,2}\.\s+|[·•●■◆▪►]\s*)")


def _in_list(lines: list[str], at: int) -> bool:
    """Whether line ``at`` is an item of a list, another item next to it (above or under, blank lines aside): a
    menu's entries (``1. 国民经济和社会发展规划`` / ``2. 专项规划``) or a table's values, never the page's heading."""
    if not _LIST_ITEM.match(lines[at]):
        return False
    after = next((line for line in lines[at + 1 :] if line.strip()), "")
    before = next((line for line in reversed(lines[:at]) if line.strip()), "")
    return bool(_LIST_ITEM.match(after) or _LIST_ITEM.match(before))


def _after_trail(line: str) -> str:
    """The title at the end of a trail of short links separated by spaces (``EHS中国 法规首页 兰州市…的通知``, a
    breadcrumb without its ``>``): the last part, where it names a document and every part before it is a short
    word (fewer than _TITLE_MIN_HAN Chinese letters) naming no office; else the line as it is (``国家发展改革委
    国家能源局关于…的意见`` names its issuers before the title)."""
    parts = line.split()
    if len(parts) < 2 or not _names_a_document(parts[-1]):
        return line
    if all(len(_HAN.findall(part)) < _TITLE_MIN_HAN and not _names(part) for part in parts[:-1]):
        return parts[-1]
    return line


def _heading_under(lines: list[str], place: int, title: str) -> tuple[int, str]:
    """The title found on line ``place`` with the line under it where it goes on: a title whose document kind
    stood inside a quotation (``国务院关于落实《…规划纲要》`` / ``主要目标和任务工作分工的通知``) continues on
    the next line where that line completes a title (title-like, ending in a document kind, no prose) and does not
    merely print it again (``京政办发〔2016〕26号《…的通知》`` / ``《…的通知》``). A title wholly in 《》, maybe after
    its 文号 (a repost's heading), is what the brackets hold."""
    if not _QUOTE_CLOSED.search(_no_space(title)):
        return place, title
    after = next((j for j in range(place + 1, len(lines)) if lines[j].strip()), None)
    text = plain_line(lines[after]).strip() if after is not None else ""
    again = bool(_letters(text)) and _letters(text) in _letters(title)
    if after is not None and not again and _is_title_like(text) and not _is_prose(text) and "_" not in text:
        if _TITLE_END.search(_no_space(text)):
            return after, title + text
    return place, _unwrapped(title)


# A heading that is a title in 《》, maybe after its 文号: 鲁政发〔2014〕20号《山东省人民政府关于…的实施意见》.
_WRAPPED = re.compile(r"^(?P<doc_no>[^《》]{2,30}?\d+\s*号)?\s*《(?P<title>.+)》$")


def _unwrapped(title: str) -> str:
    """The title a heading holds in 《》 (after its 文号, where one comes first); the heading as it is otherwise, or
    where the brackets do not hold it whole (《…》关于…《…》)."""
    match = _WRAPPED.match(title.strip())
    if match is None or (match["doc_no"] and parse_doc_no(match["doc_no"]) is None):
        return title
    inner, depth = match["title"], 0
    for letter in inner:  # the brackets inside must pair up: 《A》关于《B》 is no title in brackets
        depth += (letter == "《") - (letter == "》")
        if depth < 0:
            return title
    return inner if depth == 0 else title


_QUOTE_CLOSED = re.compile(r"[》」”\"]$")
_BAR = re.compile(r"[_|｜]")  # a browser title's parts or a bar of links


def _heading_over(above: list[str], last: str) -> str:
    """A title whose last line is ``last``, with the lines above it that it continues: the heading's earlier
    lines where the page broke it (``国务院办公厅转发`` / ``…关于搞好…`` / ``…的通知``), each title-like
    itself (six Chinese characters, no sentence) and no title of its own, or any line the heading's brackets
    were opened on (``关于转发《…关于印发`` / ``<`` / ``…>的通知》的通知``); at most _MAX_HEADING_LINES in all. A
    link bar (``收藏本站| 设为首页| 首页``, a browser title's parts) is no part of it, nor an office's name alone
    unless the heading goes on with 关于 (``于都县人民政府办公室`` / ``关于印发…的通知``): over a heading of its own
    (``湛江市农业农村局`` / ``转发省农业厅关于…的通知``) it is the page's or the section's name. A red head (…文件)
    and a menu of short words (:func:`_is_link_row`) end it too."""
    return "".join(_heading_pieces(above, last))


def _heading_pieces(
    above: list[str], last: str, listed: frozenset[str] = frozenset(), issuer: bool = True
) -> list[str]:
    """The lines of :func:`_heading_over`'s title, its last line ``last`` among them; a list's item (marked, or
    among ``listed``: lines whose marks were taken off) is no piece of it, nor (without ``issuer``) an office's name
    alone over 关于."""
    pieces = [last]
    texts = [line for line in above if line.strip()]
    while texts and len(pieces) < _MAX_HEADING_LINES:
        raw = texts.pop()
        text = _unspread(spread := plain_line(raw).strip())
        closes = _unclosed("".join(pieces), opened=False)
        continues = (
            _is_title_like(text, _SHORT_TITLE_MIN_HAN if text != spread else _TITLE_MIN_HAN)  # 国 务 院 批 转
            and not _BAR.search(text)
            and not _TITLE_END.search(_no_space(text))
            and not (_names(text) and not (issuer and pieces[0].startswith("关于")))
            and not _RED_HEAD.match(text)
            and not _is_link_row(text)
            and not _OTHER_BRACKETED_ROW.match(text)
            and not (_LIST_ITEM.match(raw) or text in listed)
        )
        if not (closes or continues):
            break
        pieces.insert(0, text)
    return pieces if not _unclosed("".join(pieces), opened=False) else [last]


_LINK_ROW_PARTS = 3


# A line of letters spread apart, one between spaces each (国 务 院 印 发 关 于, 区 域 规 划 纲 要 的 通 知).
_SPREAD = re.compile(r"(?:[\u4e00-\u9fff][ \u3000]+){2,}[\u4e00-\u9fff]")
# How a heading's line over the rest of it ends: its 关于, or the verb of a notice that forwards or issues
# (国 务 院 批 转 / 国家计委关于… / …纲 要 的 通 知).
_HEADING_VERB_END = re.compile(r"(?:关于|批转|转发|印发)$")


def _unspread(text: str) -> str:
    """A heading's line whose letters a page spread apart (_SPREAD) with its spaces taken out, where it reads as a
    heading's: ending in its 关于 or a forwarding verb (_HEADING_VERB_END), or in a document kind (_TITLE_END); any
    other line as it is (a menu spread the same way, ``首 页 政 务 公 开``, stays a row of links)."""
    if not _SPREAD.fullmatch(text):
        return text
    joined = _no_space(text)
    return joined if _HEADING_VERB_END.search(joined) or _TITLE_END.search(joined) else text


def _is_link_row(text: str) -> bool:
    """Whether a line is a row of links or menu items (``首 页 政 务 公 开``, ``中国政府网 黑龙江省政府网 English``):
    _LINK_ROW_PARTS parts or more between spaces, not all of them organisations' names (a heading may name its
    issuers side by side: ``国家发展改革委 国家能源局 工业和信息化部`` / ``关于…的通知``)."""
    parts = text.split()
    return len(parts) >= _LINK_ROW_PARTS and not all(is_organisation_name(part) for part in parts)


# A breadcrumb, and a chapter's or an article's heading inside the text (第四章 财政税收制度).
# A breadcrumb (首页 > 信息公开, 您当前的位置: 首页>资源>大事记, its arrows maybe unspaced).
_TRAIL = re.compile(r"\s[>＞»]\s|首页\s*[>＞»]|^(?:首页|(?:您|你)(?:当前|现在)?的位置|(?:当前|现在)的?位置)")
# A breadcrumb or a chapter's heading: no title.
_BREADCRUMB = re.compile(rf"{_TRAIL.pattern}|^第[一二三四五六七八九十百零〇\d]+[章节条编]")


def _ends_title(line: str, title: str, partly: bool) -> bool:
    """Whether the line is the title, or (``partly``) the last line of it printed over several (six Chinese
    characters at least: under a browser title, the heading broken at its brackets)."""
    text, whole = _no_space(plain_line(line)), _no_space(title)
    return text == whole or (partly and len(_HAN.findall(text)) >= _TITLE_MIN_HAN and whole.endswith(text))


def _names_a_document(line: str) -> bool:
    """Whether a line reads as a document's title: title-like, ending in a document kind (…的通知, …办法)."""
    text = plain_line(line).strip()
    return _is_title_like(text) and bool(_TITLE_END.search(_no_space(text)))


# A line wholly in round brackets: a law's 题注 under its title (（1997年12月29日…通过　自1998年10月1日起施行）), a
# 文号 in brackets; no title.
_PARENTHESISED = re.compile(r"^[（(][^（）()]*[）)]$")


def _is_unheaded_document(lines: list[str]) -> bool:
    """Whether lines with no title line (:func:`plain_title` found none) are a 公文's text without its heading, as a
    crawler keeps a page's text box alone (its paragraphs from the addressees, ``各有关单位：``, or the first
    sentence, to the signature): prose, opened by its addressees (:func:`_is_addressees`, the text's first line with
    a sentence under it) or closed by a signature that dates it (:func:`signature`, GB/T 9704-2012 7.3.5: the issuers'
    names over the date, or the date alone under the last sentence; in a long text only the addressees are seen, as
    the sniffer reads the file's head). Such a text is a document without its title: the record then has none
    (normalise takes the body's first line, and says so)."""
    text = _without_marked_foot(lines)
    if not _has_prose(text):
        return False
    if len(text) > 1 and _is_addressees(text[0]) and _is_prose(text[1]):
        return True
    return signature(_without_page_frame(text)) is not None


def _without_marked_foot(lines: list[str]) -> list[str]:
    """The lines with text, without the last ones that hold a site footer's marks (ICP备, 网站标识码 …: a footer the
    dump ran onto one long line, under the signature it would otherwise seem to go on from)."""
    text = [line for line in lines if line.strip()]
    while text and (_FOOTER_MARK.search(text[-1]) or has_strong_mark(text[-1])):
        text.pop()
    return text


def _unheaded_start(lines: list[str]) -> int:
    """Where a 公文's text without its heading (:func:`_is_unheaded_document`) starts in ``lines``: at its first
    line that is its addressees (``各有关单位：``) or a sentence, the lines that open with a colon (…研究，决定：) under
    the addressees included; what stands above (a crawler's log lines, a page's navigation) is none of it."""
    return next((i for i, line in enumerate(lines) if _is_addressees(line) or _is_prose(line)), 0)


def _is_addressees(line: str) -> bool:
    """Whether a line is a 公文's addressees (主送机关, GB/T 9704-2012 7.3.2: ``各市、县（区）人民政府，省政府
    各部门：``): it ends with a colon, holds no sentence's end and is no label."""
    text = plain_line(line).strip()
    return (
        text.endswith(("：", ":"))
        and len(_HAN.findall(text)) >= 2
        and len(text) <= _MAX_ADDRESSEES
        and not _SENTENCE_MARK.search(text)
        and not label_pairs(text)
    )


_MAX_ADDRESSEES = 120  # characters of an addressees' line at most


def _is_short_title(text: str) -> bool:
    """Whether a line too short to read as a title by its length alone (fewer than _TITLE_MIN_HAN Chinese letters)
    may be one by its end: a regulation's own short name ending in its kind, at least _SHORT_TITLE_MIN_HAN letters
    (``护士条例``, ``信访条例``); it is one over its 题注 (:func:`_note_under`)."""
    return (
        _SHORT_TITLE_MIN_HAN <= len(_HAN.findall(text)) < _TITLE_MIN_HAN
        and _is_title_like(text, _SHORT_TITLE_MIN_HAN)
        and bool(_TITLE_END.search(_no_space(text)))
    )


# A law's or a regulation's 题注 under its title: a line wholly in round brackets that dates it
# (（2008年1月31日中华人民共和国国务院令第517号公布　自2008年5月12日起施行）).
_NOTE = re.compile(r"^[（(][^（）()]*\d{4}\s*年[^（）()]*[）)]$")


def _note_under(lines: list[str], at: int) -> bool:
    """Whether the first line with text under line ``at`` is a 题注 (_NOTE)."""
    under = next((line for line in lines[at + 1 :] if line.strip()), "")
    return bool(_NOTE.match(plain_line(under).strip()))


def _is_title_like(text: str, min_han: int = _TITLE_MIN_HAN) -> bool:
    return (
        len(_HAN.findall(text)) >= min_han
        and not _PARENTHESISED.match(text)
        and len(text) <= _TITLE_MAX
        and not _is_clause(text)
        and not text.endswith((":", "："))
        and not label_pairs(text)
        and not _FOOTER_MARK.search(text)
        and not is_page_tools(text)
        and not _DATE_LINE.match(text)
        and not _BREADCRUMB.search(text)
    )


_PROSE_HAN = 15


# What a binary file (a cut gzip stream, an image) decodes to and a text never holds: control characters, the
# replacement character, private-use code points.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_MAX_NOT_TEXT = 0.001  # share of the head's characters


def _is_clean_text(text: str) -> bool:
    """Whether a head decodes to text, not to a binary file's noise (see _NOT_TEXT)."""
    return len(_NOT_TEXT.findall(text)) <= _MAX_NOT_TEXT * len(text)


def _has_prose(lines: list[str]) -> bool:
    """Whether some line is prose (a body, not a menu)."""
    return any(_is_prose(line) for line in lines)


def _is_prose(line: str) -> bool:
    """Whether a line holds a sentence's worth of Chinese (_PROSE_HAN characters) and reads as a sentence."""
    return len(_HAN.findall(line)) >= _PROSE_HAN and _is_clause(line)


def _is_clause(line: str) -> bool:
    """Whether a line reads as a sentence: outside the quotes it holds a sentence's end, or a comma and is
    longer than a headline (_SHORT_LINE)."""
    text = _QUOTED.sub("", line.strip())
    return bool(_SENTENCE_MARK.search(text) or (_COMMA.search(text) and len(line.strip()) > _SHORT_LINE))


def _plain_record(path: Path, lines: _Lines, bounds: limits.Limits) -> RawRecord:
    """The record of a page text read without labels: :func:`plain_title` as the title, the text after it as the
    body (after the heading that repeats it near the top, where the title is the dump's first line, the browser
    title), without the page's frame; a finding says so. ReadError where the text has no title-like line or no prose."""
    top: list[str] = []
    texts = 0
    while texts < _PLAIN_TOP and len(top) < _MAX_HEADER_LINES and (line := lines.next()) is not None:
        top.append(line)
        texts += bool(line.strip())
    found = plain_title(top)
    if found is None and not _is_unheaded_document(top):
        raise ReadError(path, "no label lines (名称, 索引号 …) and no title line (…的通知, …办法) near the top")
    # a 公文's text without its heading: the body from its addressees or its first sentence
    place, title = found or (_unheaded_start(top) - 1, "")
    first = place
    browser = bool(title) and (
        len(browser_title_parts(top[place])) > 1 or not any(line.strip() for line in top[:place])
    )  # the dump's first line
    # The heading repeats over the text, never inside it: past the first sentence a line naming the title is the
    # heading of the document the text issues (…的通知, then 吉安市…细则 over the 细则 itself).
    prose_at = next((i for i in range(place + 1, len(top)) if _is_prose(top[i])), len(top)) if title else place
    for i in range(prose_at - 1, place, -1):
        if _ends_title(top[i], title, partly=browser):
            place = i  # the heading under the browser title (its last line), the navigation between them
            break
    for line in reversed(top[place + 1 :]):
        lines.push_back(line)
    body_lines, related, cut = _body_and_related(lines, bounds.max_doc_chars)
    body_lines, listed = _without_file_list(_unglued(_without_trailing_labels(_without_page_frame(body_lines))))
    fields: dict[str, object] = {"title": title} if title else {}
    body_lines = _without_next_document(_without_opening_furniture(_past_opening_labels(body_lines, fields)))
    body = "\n".join(_joined_fragments(body_lines)).strip()
    if not body and not listed:
        raise ReadError(path, "no label lines (名称, 索引号 …) and no text under the title line")
    fields["body"] = body
    _opening_doc_no([*top[first + 1 : place + 1], *body_lines], fields)  # maybe between the headings
    if title:
        _doc_no_over_heading(top[:first], title, fields)
    _signed(body_lines, fields)
    _issuer_line([*top[first + 1 : place + 1], *body_lines], fields)  # the issuer may stand between the headings
    _title_issuer(fields)
    if listed:
        fields["attachments"] = [{"name": name} for name in listed]
    if related:
        fields["related"] = [{"title": item} for item in related]
    record = RawRecord(source=str(path), fields=fields, attachment_root=path.parent)
    record.warnings.append(_READ_WITHOUT_LABELS)
    if cut:
        record.warnings.append(limits.truncated("body", bounds.max_doc_chars, "PORTAL_MAX_DOC_CHARS"))
    return record


_READ_WITHOUT_LABELS = Finding(
    "read_without_labels",
    "",
    "未见标签行，按纯文本读取：标题行为标题，其后为正文（no label lines: the title-like line is the title, the text "
    "after it the body）",
)


_MAX_ECHO = 10  # lines of the page's heading over a record's body: its names, 索引号, title and 文号, maybe twice
_MAX_HEAD_LINE = 300  # characters: a heading's line other than the title is shorter (a body printed as one line is not)
_HEAD_LINES = 4 * _MAX_ECHO  # lines looked at for them, blank ones among them


# What a page prints over a document's heading and is none of it: a link to the document's 解读
# (【音频解读】《…》的政策解读 2024-03-04, 【一图读懂】《…》), a bar to follow the site (关注 · 广州政府网).
_INTERPRETATION_LINK = re.compile(r"^[【\[［][\u4e00-\u9fff]{0,6}(?:解读|读懂|图解)[】\]］]")
_FOLLOW_BAR = re.compile(r"^(?:关注|订阅)\s*[·•:：|｜]")
# A 规范性文件 platform's 统一编号 (GZ0320240034: 广州, 03, 2024, 0034).
_PLATFORM_CODE = re.compile(r"[A-Z]{2,4}\d{8,12}")


# How a news report opens: the day and a comma (9月25日，…, 2021年12月10日，…), or its dateline (新华社北京1月22日电).
_NEWS_LEAD = re.compile(r"^(?:(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[，,]|\S{1,12}?\d{1,2}月\d{1,2}日电)")


def _is_over_heading(text: str) -> bool:
    """Whether a line is one a page prints over a document's heading that holds nothing of the document: its
    breadcrumb, a rule (``- - - - - -``, no letters), a code alone (a 规范性文件 platform's 统一编号 GZ0320240034, no
    索引号), a link to the document's 解读, a bar to follow the site."""
    return bool(
        not _letters(text)
        or _PLATFORM_CODE.fullmatch(text)
        or _INTERPRETATION_LINK.match(text)
        or _FOLLOW_BAR.match(text)
        or (_TRAIL.search(text) and not _is_prose(text))
    )


def page_text_fields(body: str, fields: dict[str, object], signed_text: str = "") -> dict[str, object]:
    """The fields a record's plain-text body gives where the body is the page's text under its heading: a crawler
    that keeps the text of the page's article block keeps the heading over the text too (the publisher's name,
    the 索引号 unlabelled, the title, the 文号, the 【字体：大 中 小】 bar; some pages print them twice). Where the
    body's first lines (at most _MAX_ECHO, the page's breadcrumb and links over its heading besides:
    :func:`_is_over_heading`) are such lines and the title or the record's 文号 is among them, the text starts after
    them, and the 索引号 and 文号 they print fill those fields where the record gives none. A line the head prints
    twice is the page's heading too, where the record's title is not the page's (a RAG project's own label over a
    repost's ``（转载）…的通知``, printed three times: shizelengleng/ai-zhengce-tong's documents.json), though it
    alone shows no heading. Whatever the body opens
    with, the signature in its text (:func:`signature`, read by the paragraphs the body will show:
    :func:`index.normalise.clean_body`, a body exported as one line split at its paragraphs' indents) gives its
    publisher and 成文日期 where the record gives none; never where the text opens as a news report (9月25日，… ;
    新华社北京1月22日电): the signature closing a report is the document's it quotes.
    ``signed_text``: the text the signature is read from where it is not ``body`` (the markup ``body`` was converted
    from, whose indents the conversion dropped), else ""."""
    title = str(fields.get("title") or "")
    if not title:
        return {**fields, **_signed_fields(signed_text or body, fields)}
    given = fields.get("doc_no") or ""
    record_doc_no = _no_space("".join(map(str, given)) if isinstance(given, list) else str(given))  # getall()'s list
    lines = body.split("\n", _HEAD_LINES)  # the head's lines (blank ones among them), the rest in the last
    head = lines if len(lines) <= _HEAD_LINES else lines[:-1]
    printed = [plain_line(line).strip() for line in head[:_MAX_ECHO]]
    found: dict[str, object] = {}
    echoed, start, seen = False, 0, 0
    for i, line in enumerate(head):
        text = plain_line(line).strip()
        if not text:
            continue
        if len(text) > _MAX_HEAD_LINE and not _is_heading_piece(text, title):
            break  # the text's own first line: no 索引号, 文号, date, names or tools line is that long
        seen += not _is_over_heading(text)  # the breadcrumb and links over the heading are none of it
        if seen > _MAX_ECHO:
            break
        if _is_heading_piece(text, title) and not _is_prose(text):
            echoed = True
        elif printed.count(text) > 1 and not _is_prose(text):
            pass  # the page's own heading printed twice over, where the record's title is the project's label
        elif (index_no := parse_index_no(text)) is not None and index_no.variant != "unrecognised":
            found.setdefault("index_no", text)
        elif doc_no := _doc_no_of_line(text):
            found.setdefault("doc_no", doc_no)
            echoed = echoed or _no_space(doc_no) == record_doc_no
        elif not (_is_tools(text) or parse_date(text, whole=True) or _names(text) or _is_over_heading(text)):
            break
        start = i + 1
    if not echoed:
        signed = signed_text or body
        if _NEWS_LEAD.match(next((text for text in clean_body(signed).split("\n\n") if text.strip()), "")):
            return fields  # a report on a document: the signature under it is the document's it quotes
        return {**fields, **_signed_fields(signed, fields)}
    text = "\n".join(lines[start:]).strip()
    found = {name: value for name, value in found.items() if not fields.get(name)}
    return {**fields, **found, **_signed_fields(text, fields), "body": text}


def _signed_fields(text: str, fields: dict[str, object]) -> dict[str, object]:
    """The publisher and 成文日期 a record's body text signs with (:func:`signature`), each where the record gives
    none: {} where no signature is found or the record gives both. The text is read by its paragraphs as the body
    will show them (:func:`index.normalise.clean_body`: entities decoded, a text exported as one line split at its
    paragraphs' indents, however short). A signature by another body than the record's publisher still signs: a site
    reposting a document (its 来源 the site) prints the issuer's signature (a text that opens as a news report is
    left out by the caller instead)."""
    if fields.get("publisher") and fields.get("written_date"):
        return {}
    plain = html.unescape(text) if text.lstrip()[:1] != "<" else text  # its indents as &#12288; too
    if plain.lstrip()[:1] != "<" and "\n" not in plain.strip():  # a short one-line export body too
        plain = split_wall_of_text(plain)
    lines = clean_body(plain).split("\n\n")
    if (signed := signature(_joined_fragments(lines), _published_day(fields.get("pub_date")))) is None:
        return {}
    names, written = signed
    found: dict[str, object] = {}
    if names and not fields.get("publisher"):
        found["publisher"] = "、".join(names)
    if written and not fields.get("written_date"):
        found["written_date"] = written
    return found


def without_dump_frame(text: str) -> str:
    """A slice of a page's text dump without the page's frame it carries, as :func:`page_dump_record` cuts it from
    a whole dump (the 字体 switch; the footer from its first tool line or footer link on, where only a footer's
    lines follow: see _without_page_frame); the text unchanged where it carries none. A RAG project's last chunk of
    a page opens mid-text, with no title line or head for :func:`page_dump_record` to read, and ends in the site's
    footer (YushenSun/china-policy-intelligence-rag's chunk_text: …本办法自2023年8月15日起施行。 关闭 中央网络安全和
    信息化委员会办公室 … 京ICP备14042428号 …): its text ends where the document's does."""
    lines = text.split("\n")
    kept = _without_page_frame(lines)
    return text if len(kept) == len(lines) else "\n".join(kept).rstrip()


def page_dump_record(text: str, source: str, bounds: limits.Limits, footer: bool = True) -> RawRecord | None:
    """The record of a whole page's text dump that another file holds as one field's value (a crawler's JSON or CSV
    export whose ``content`` is the page's text, one text node a line, navigation and footer kept), read as this
    reader reads such a dump from a file: its title, its date and 来源 lines, its body without the page's frame.
    None where the text is no page dump (no two different footer marks: ICP备, 网站标识码, 版权所有 …; or markup)
    or gives neither a title nor a body. With ``footer`` False the footer marks are not asked for: the caller knows
    the text opens with the page's head (a RAG chunk cut before the footer)."""
    if text.lstrip()[:1] == "<" or (footer and len(set(_FOOTER_MARK.findall(text))) < 2):
        return None
    spaced = _is_double_spaced(text[:HEAD_BYTES])
    try:
        record = _record(Path(source), _Lines(io.StringIO(text), double_spaced=spaced), bounds)
    except _NoLabels:
        record = None
    if record is None or not (record.fields.get("title") or record.fields.get("body")):
        try:
            record = _plain_record(Path(source), _Lines(io.StringIO(text), double_spaced=spaced), bounds)
        except ReadError:
            return None
    return record
