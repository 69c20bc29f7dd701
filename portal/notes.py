"""Integrity findings as readers see them: in Chinese, one note per kind naming the fields it concerns, and
suspected spam or lost characters marked where they stand in the text.

Notes are built from each finding's code and field only; the ingester's message is written for operators
(and in two languages), so the portal does not show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.integrity import lost_characters, marked_spans, spam_matches
from index.record import FIELD_LABELS, Document

# Finding code → what it means for a reader. Codes come from index.integrity, index.normalise and the readers.
FINDING_LABELS: dict[str, str] = {
    "spam": "疑含被篡改插入的广告内容",
    "encoding_loss": "部分文字因编码错误丢失",
    "empty_body": "正文为空（内容可能在附件中）",
    "no_title": "原文缺少标题，以正文首行代替",
    "doc_no_in_body": "文号取自正文开头",
    "doc_no_in_title": "文号取自标题",
    "doc_no_in_note": "文号取自规章的公布说明",
    "order_heading": "发布机构、令号与成文日期取自令的版头和落款",
    "read_without_labels": "原文没有元数据标签，标题取自文首标题行",
    "doc_no_note": "文号栏是说明，不作文号",
    "index_no_format": "索引号格式不规范",
    "index_no_check": "索引号校验位不符",
    "bad_date": "日期无法识别，未予采用",
    "future_date": "日期晚于今天",
    "date_timestamp": "日期由时间戳换算",
    "date_spreadsheet_day": "日期由电子表格的日序数换算",
    "attachment_unreadable": "附件无法读取",
    "attachment_truncated": "附件只读了一部分",
    "csv_extra_cells": "导出表格中本行多出单元格，已忽略",
    "csv_missing_cells": "导出表格中本行缺少单元格，按空值处理",
    "body_metadata": "正文开头的元数据已移出",
    "publisher_resolved": "发布机构简称已补全",
    "control_characters": "原文含控制字符，已删除",
    "not_text": "原文此项的值不是文字，未予采用",
    "several_values": "原文此项有多个不同的值，取第一个",
    "structured_value": "原文此项的值是嵌套结构",
    "bad_characters": "原文含无效字符，已替换",
    "truncated": "内容过长，超出部分未编入索引",
    "too_deep": "原文此项嵌套过深，未予采用",
    "not_finite": "原文此项的数值无效，未予采用",
    "html_too_deep": "页面结构嵌套过深，仅按纯文本读取",
    "csv_truncated_row": "导出表格在本行中途结束",
    "validity_from_date": "失效日期已过，按失效处理",
    "validity_in_title": "有效性取自标题旁的标注",
    "column_in_title": "标题前的栏目名已去除",
}
UNKNOWN_FINDING = "其他收录问题"
# Findings that question the text itself: shown on result lists and at the top of the detail page.
# The rest say how the record was read and are listed more quietly.
ALERT_CODES = ("spam", "encoding_loss", "empty_body")


@dataclass(frozen=True)
class Note:
    """One kind of finding on one document, in Chinese."""

    code: str
    label: str
    fields: list[str]  # labels of the fields concerned, in the order found ([] for the whole document)
    detail: str = ""  # what was found: the spam phrases, how many characters were lost
    alert: bool = False

    @property
    def text(self) -> str:
        """``正文、标题：疑含被篡改插入的广告内容（188比分直播）``."""
        where = f"{'、'.join(self.fields)}：" if self.fields else ""
        return f"{where}{self.label}" + (f"（{self.detail}）" if self.detail else "")


@dataclass(frozen=True)
class Segment:
    """A piece of text, and whether it is suspected spam (``spam``), lost characters (``encoding_loss``) or neither."""

    text: str
    mark: str = ""


def finding_label(code: str) -> str:
    return FINDING_LABELS.get(code, UNKNOWN_FINDING)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def field_text(doc: Document, name: str) -> str:
    """The text of a document's field as integrity checks saw it ("" for fields they do not read)."""
    if name == "category":
        return " / ".join(doc.categories)
    if name == "keywords":
        return " ".join(doc.keywords)
    value = getattr(doc, name, "")
    return value if isinstance(value, str) else ""


def notes_of(doc: Document) -> list[Note]:
    """The document's findings, one note per code (in the order first found), each naming its fields."""
    fields_by_code: dict[str, list[str]] = {}
    for finding in doc.warnings:
        fields = fields_by_code.setdefault(finding.code, [])
        if finding.field and finding.field not in fields:
            fields.append(finding.field)
    return [
        Note(
            code,
            finding_label(code),
            [field_label(name) for name in fields],
            _detail(doc, code, fields),
            code in ALERT_CODES,
        )
        for code, fields in fields_by_code.items()
    ]


def _detail(doc: Document, code: str, fields: list[str]) -> str:
    texts = [field_text(doc, name) for name in fields]
    if code == "spam":
        phrases = list(dict.fromkeys(phrase for text in texts for phrase in spam_matches(text)))
        return "、".join(phrases[:8])
    if code == "encoding_loss":
        lost = sum(lost_characters(text) for text in texts)
        return f"约 {lost} 个字" if lost else ""
    return ""


def segments(text: str) -> list[Segment]:
    """``text`` cut so that each suspected spam phrase and each run of lost characters is a segment of its own."""
    found, index = [], 0
    for start, end, code in marked_spans(text):
        if start > index:
            found.append(Segment(text[index:start]))
        found.append(Segment(text[start:end], code))
        index = end
    if index < len(text) or not found:
        found.append(Segment(text[index:]))
    return found
