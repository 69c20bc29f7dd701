"""The ingest report as an operator reads it, in Chinese: one summary line of counts, then for each section
(拒收, 重复, 冲突, 提示) a count per kind of finding, then a few examples of each kind.

``portal ingest --json`` prints the whole report for machines instead (:meth:`IngestReport.to_dict`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from portal.notes import field_label, finding_label

EXAMPLES = 3  # of each kind of finding
_ENGLISH_NOTE = re.compile(r"（[^（）]*[A-Za-z][^（）]*）\s*$")  # the ingester's English gloss: （empty body; …）


def report_lines(report: Any, index_dir: object) -> list[str]:
    """The lines ``portal ingest`` prints for ``report`` (an :class:`index.ingest.IngestReport`)."""
    lines = [f"索引：{index_dir}{'（已重建）' if report.rebuilt else ''}"]
    lines.append(
        f"新增 {len(report.added)} 份，更新 {len(report.updated)} 份，未变 {report.unchanged} 份，"
        f"撤下 {len(report.withdrawn)} 份，拒收 {len(report.rejected)} 条，重复 {len(report.duplicates)} 条，"
        f"冲突 {len(report.conflicts)} 条，提示 {len(report.warnings)} 条"
        f"（读取文件 {report.files_read} 个，未变文件 {report.files_unchanged} 个）"
    )
    sections: list[tuple[str, Iterable[Any], Callable[[Any], str], Callable[[Any], str]]] = [
        ("清理了上次中断的收录", report.cleaned, lambda _: "中断收录的残留", str),
        ("拒收", report.rejected, _rejection_kind, _rejection_line),
        ("重复（与另一条标题、正文相同，合并显示）", report.duplicates, lambda _: "重复", _duplicate_line),
        ("冲突（同一编号的两份不同文件，保留公开日期较晚者）", report.conflicts, lambda _: "冲突", _conflict_line),
        ("提示", report.warnings, _warning_kind, _warning_line),
    ]
    for title, items, kind_of, line_of in sections:
        lines += section_lines(title, list(items), kind_of, line_of)
    if report.warnings or report.rejected:
        lines.append("（全部条目请用 --json 查看）")
    return lines


def section_lines(
    title: str, items: list[Any], kind_of: Callable[[Any], str], line_of: Callable[[Any], str]
) -> list[str]:
    """``title（N 条）``, then each kind with its count, most frequent first, and EXAMPLES examples of it."""
    if not items:
        return []
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        by_kind[kind_of(item)].append(item)
    lines = ["", f"{title}（{len(items)} 条）："]
    ordered = sorted(by_kind.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    lines += [f"  {len(found):6d}  {kind}" for kind, found in ordered]
    for kind, found in ordered:
        lines.append(f"  {kind}，例：")
        lines += [f"    {line_of(item)}" for item in found[:EXAMPLES]]
        if len(found) > EXAMPLES:
            lines.append(f"    … 另有 {len(found) - EXAMPLES} 条")
    return lines


def chinese(message: str) -> str:
    """A finding's message without the ingester's English gloss in parentheses."""
    return _ENGLISH_NOTE.sub("", message).strip() or message


def _warning_kind(warning: Any) -> str:
    finding = warning.finding
    field = f"（{field_label(finding.field)}）" if finding.field else ""
    return f"{finding_label(finding.code)}{field}"


def _warning_line(warning: Any) -> str:
    return f"{warning.where} [{warning.doc_id}]：{chinese(warning.finding.message)}"


def _rejection_kind(rejection: Any) -> str:
    return f"{field_label(rejection.field)}无法使用" if rejection.field else "文件或记录无法读取"


def _rejection_line(rejection: Any) -> str:
    where = " ".join(part for part in (rejection.source, rejection.locator) if part)
    return f"{where}：{rejection.reason}"


def _duplicate_line(duplicate: Any) -> str:
    if duplicate.doc_id == duplicate.duplicate_of:
        return f"{duplicate.where}：{duplicate.doc_id} 再次出现，只收录一次"
    return f"{duplicate.where}：与 {duplicate.duplicate_of} 标题、正文相同，已收录，检索时合并为一条"


def _conflict_line(conflict: Any) -> str:
    return (
        f"{conflict.doc_id}：保留 {conflict.kept}（公开日期 {conflict.kept_date or '—'}），"
        f"未收录 {conflict.dropped}（公开日期 {conflict.dropped_date or '—'}）"
    )
