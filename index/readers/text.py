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
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from index import limits
from index.labels import canonical_field, line_pairs, map_fields
from index.publishers import is_organisation_name
from index.readers import HEAD_BYTES, contained
from index.readers._common import decode_head, text_encoding
from index.record import RawRecord, ReadError

NAME = "text"

_ATTACHMENTS_HEADINGS = {"文件下载", "附件", "相关附件", "附件下载"}
_RELATED_HEADINGS = {"相关信息", "相关解读", "相关链接", "相关文件"}


def label_pairs(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs on a label line, or [] if the line does not start with a known label.

    Any other short word before a colon on the line (``浏览次数：``, ``作者：``) ends the value before it, so
    page tools printed beside the metadata stay out of it. Markdown around a label (``- 发布时间：…``,
    ``**标题**：…``), as dumps written for reading keep it, is no part of it. A crawler's dump may name its
    fields by its own keys, one a line (``title: …``, ``content:``: index.labels.line_pairs)."""
    line = plain_line(line)
    if keys := line_pairs(line, keys=True):
        return keys if not line_pairs(line) else line_pairs(line, unknown=True)
    return []


# Markdown a dump puts round its lines: a heading's #, a list item's - or *, a quote's >, bold ** or __.
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+>]\s+)")
_MARKDOWN_BOLD = re.compile(r"\*\*|__")


def plain_line(line: str) -> str:
    """A line without the Markdown a dump wraps it in (``# 关于…的通知`` → ``关于…的通知``)."""
    return _MARKDOWN_BOLD.sub("", _MARKDOWN_LEAD.sub("", line))


# Fields that, two of them labelled, make a page text even without a title or 索引号 label (the title is
# then the heading above the labels).
_METADATA_FIELDS = frozenset({"pub_date", "written_date", "publisher", "doc_no"})


def sniff(path: Path, head: bytes) -> bool:
    lines = decode_head(head).splitlines()[:60]
    labelled = [pairs for line in lines if (pairs := label_pairs(line))]
    names = {canonical_field(label) for pairs in labelled for label, _ in pairs}
    return len(labelled) >= 2 and (bool(names & {"title", "index_no"}) or len(names & _METADATA_FIELDS) >= 2)


@contained
def read(path: Path, bounds: limits.Limits) -> Iterator[RawRecord | ReadError]:
    """The page's one record. The file is streamed: only the body up to PORTAL_MAX_DOC_CHARS is kept."""
    with path.open("rb") as raw:
        encoding = text_encoding(raw.read(HEAD_BYTES))
        raw.seek(0)
        handle = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None)
        lines = _Lines(handle)
        yield _record(path, lines, bounds)


class _Lines:
    """A file's lines, each at most _MAX_LINE characters (a longer one comes in pieces), with one step back."""

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle
        self._back: list[str] = []

    def next(self) -> str | None:
        if self._back:
            return self._back.pop()
        line = self._handle.readline(_MAX_LINE)
        return line.rstrip("\n") if line else None

    def push_back(self, line: str) -> None:
        self._back.append(line)


_MAX_LINE = 65536
_MAX_HEADER_LINES = 1000  # label lines start near the top (the sniffer saw them in the first 64 KiB)


def _record(path: Path, lines: _Lines, bounds: limits.Limits) -> RawRecord:
    header: list[str] = []
    while (line := lines.next()) is not None and not label_pairs(line):
        if len(header) >= _MAX_HEADER_LINES:
            line = None
            break
        header.append(plain_line(line).strip())
    if line is None:
        raise ReadError(path, "no label lines (名称, 索引号 …) found")
    pairs: list[tuple[str, str]] = []
    while line is not None and line.strip() not in _ATTACHMENTS_HEADINGS and (found := label_pairs(line)):
        if (opening := _body_label(line)) is not None:
            line = opening or lines.next()  # 正文：… starts the body, its text the first line of it
            break
        if not found[-1][1]:
            found[-1] = (found[-1][0], _value_below(lines))
        pairs += found
        line = lines.next()
    if line is not None:
        lines.push_back(line)
    fields, _unknown = map_fields(pairs)
    header = [line for line in header if line and line != "政府信息公开"]
    # A heading above the label lines is the title where no label names one; a name is the site's.
    if header and "title" not in fields and not is_organisation_name(header[-1]):
        fields["title"] = header.pop()
    if header:
        fields.setdefault("site", header[0])
    attachments = _listed_after(lines, _ATTACHMENTS_HEADINGS)
    body_lines, related, cut = _body_and_related(lines, bounds.max_doc_chars)
    if body_lines and fields.get("title") and body_lines[0].strip() == fields["title"]:
        body_lines = body_lines[1:]  # the page repeats its title above the body
    fields["body"] = "\n".join(body_lines).strip()
    if attachments:
        fields["attachments"] = [{"name": name} for name in attachments]
    if related:
        fields["related"] = [{"title": title} for title in related]
    record = RawRecord(source=str(path), fields=fields, attachment_root=path.parent)
    if cut:
        record.warnings.append(limits.truncated("body", bounds.max_doc_chars, "PORTAL_MAX_DOC_CHARS"))
    return record


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


def _value_below(lines: _Lines) -> str:
    """The value of a label printed alone on its line, when the page puts it on the next line
    (``发布日期：`` then ``2021-01-20``): that line, if it is no label and a label line follows it, or it
    ends the header (a blank line or the end follows) and reads as a value, not a sentence (so the first
    line of the body is not taken for a value). Else "" and nothing is consumed."""
    below = lines.next()
    if below is None or not below.strip() or label_pairs(below):
        if below is not None:
            lines.push_back(below)
        return ""
    after = lines.next()
    if after is not None:
        lines.push_back(after)
    closes_header = after is None or not after.strip()
    if (after is not None and label_pairs(after)) or (closes_header and _looks_like_a_value(below)):
        return below.strip()
    lines.push_back(below)
    return ""


def _looks_like_a_value(line: str) -> bool:
    """A short line that is no sentence and no salutation (the last label's value, not the body's start)."""
    text = line.strip()
    return len(text) <= _MAX_VALUE and not text.endswith(("。", "；", "！", "？", "：", ":", ";"))


_MAX_VALUE = 80


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
        if line.strip() in _RELATED_HEADINGS:
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
