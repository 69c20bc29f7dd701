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

from collections.abc import Iterator
from pathlib import Path

from index.labels import canonical_field, line_pairs, map_fields
from index.publishers import is_organisation_name
from index.readers import ReadError
from index.readers._common import decode, decode_head
from index.record import RawRecord

NAME = "text"

_ATTACHMENTS_HEADINGS = {"文件下载", "附件", "相关附件", "附件下载"}
_RELATED_HEADINGS = {"相关信息", "相关解读", "相关链接", "相关文件"}


def label_pairs(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs on a label line, or [] if the line does not start with a label."""
    return line_pairs(line)


def sniff(path: Path, head: bytes) -> bool:
    lines = decode_head(head).splitlines()[:60]
    labelled = [pairs for line in lines if (pairs := label_pairs(line))]
    names = {canonical_field(label) for pairs in labelled for label, _ in pairs}
    return len(labelled) >= 2 and bool(names & {"title", "index_no"})


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    lines = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if label_pairs(line)), None)
    if first is None:
        raise ReadError(path, "no label lines (名称, 索引号 …) found")
    pairs: list[tuple[str, str]] = []
    i = first
    while i < len(lines) and lines[i].strip() not in _ATTACHMENTS_HEADINGS and (found := label_pairs(lines[i])):
        pairs += found
        i += 1
    fields, _unknown = map_fields(pairs)
    header = [line.strip() for line in lines[:first] if line.strip() and line.strip() != "政府信息公开"]
    # A heading above the label lines is the title where no label names one; a name is the site's.
    if header and "title" not in fields and not is_organisation_name(header[-1]):
        fields["title"] = header.pop()
    if header:
        fields.setdefault("site", header[0])
    attachments, i = _listed_after(lines, i, _ATTACHMENTS_HEADINGS)
    body_lines, related = _body_and_related(lines[i:])
    if body_lines and fields.get("title") and body_lines[0].strip() == fields["title"]:
        body_lines = body_lines[1:]  # the page repeats its title above the body
    fields["body"] = "\n".join(body_lines).strip()
    if attachments:
        fields["attachments"] = [{"name": name} for name in attachments]
    if related:
        fields["related"] = [{"title": title} for title in related]
    yield RawRecord(source=str(path), fields=fields, attachment_root=path.parent)


def _listed_after(lines: list[str], i: int, headings: set[str]) -> tuple[list[str], int]:
    """Items listed under a heading line at ``i`` (up to the first blank line), and where reading goes on."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() not in headings:
        return [], i
    items = []
    i += 1
    while i < len(lines) and lines[i].strip():
        items.append(lines[i].strip())
        i += 1
    return items, i


def _body_and_related(lines: list[str]) -> tuple[list[str], list[str]]:
    """The body lines up to a 相关信息 heading, and the related titles after it."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    for j, line in enumerate(lines):
        stripped = line.strip()
        if stripped in _RELATED_HEADINGS:
            return lines[:j], [item.strip() for item in lines[j + 1 :] if item.strip()]
    return lines, []
