"""Field labels as sources write them (名称, 索 引 号, 发布日期, title, …) mapped to canonical names.

Every reader goes through :func:`canonical_field`, so a label variant learnt once is
understood in page text, JSON, CSV and HTML alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# canonical name → labels (Chinese labels from ../shared/docs/disclosure-metadata.md,
# CMS export keys, and the English keys of the shared corpus).
LABELS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "index_no": ("索引号", "信息索引号", "索引编号", "index_no", "indexno", "index_number"),
    "title": ("名称", "信息名称", "标题", "文件名称", "公文标题", "title", "name"),
    "category": ("分类", "信息分类", "所属分类", "类别", "一级类别", "所属一级类别", "所属类别", "category"),
    "category_scheme": ("组配分类",),
    "category_topic": ("主题分类", "主题导航", "主题"),
    "category_genre": ("体裁分类", "体裁", "文种"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文单位",
        "发文机构",
        "公开主体",
        "信息来源",
        "发布单位",
        "来源",
        "publisher",
        "source_org",
        "source",  # a CMS export's source is its publisher when written in Chinese, see _PLAUSIBLE
    ),
    "pub_date": (
        "公开日期",
        "发布日期",
        "发布时间",
        "公开时间",
        "日期",
        "时间",
        "pub_date",
        "date",
        "pubdate",
        "year",  # year-only sources; any fuller date label above wins
    ),
    "written_date": ("成文日期", "生成日期", "发文日期", "印发日期", "产生日期", "成文时间", "written_date"),
    "doc_no": (
        "文号",
        "发文字号",
        "发布文号",
        "文件编号",
        "发文号",
        "doc_no",
        "doc_number",
        "document_number",
    ),
    "keywords": ("关键词", "主题词", "关键字", "keywords"),
    "validity": ("有效性", "是否有效", "时效", "效力状态", "效力", "validity"),
    "disclosure": ("公开属性", "公开方式", "公开形式", "disclosure"),
    "summary": ("内容概述", "摘要", "内容摘要", "summary"),
    "body": ("正文", "内容", "全文", "文章内容", "body", "content", "text", "article"),
    "attachments": ("附件", "文件下载", "相关附件", "附件链接", "attachments", "attachment"),
    "related": ("相关信息", "相关解读", "相关链接", "related"),
    "url": ("访问地址", "链接", "网址", "原文链接", "url", "urlsource", "link", "href"),
    "site": ("来源网站", "站点", "site", "sitename"),
    "column": ("栏目", "所属栏目", "columnname", "column"),
}

# Keys a reader may meet that are not metadata; recognised so they are not reported as unknown.
IGNORED = frozenset({"序号", "编号", "no", "seq"})

# Labels whose value only counts when it looks like what the field holds: the shared corpus
# uses "source" for a dataset name ("law"), the Beijing export for the publisher (北京市中医管理局).
_PLAUSIBLE = {"source": lambda value: bool(re.search(r"[\u4e00-\u9fff]", str(value)))}


def label_key(label: str) -> str:
    """The comparable form of a label: NFKC, no whitespace (U+3000 included), no colon, lower-case."""
    text = unicodedata.normalize("NFKC", label)
    return re.sub(r"[\s:：]+", "", text).lower()


_BY_KEY: dict[str, str] = {label_key(label): name for name, labels in LABELS.items() for label in labels}


def canonical_field(label: str) -> str | None:
    """The canonical field a label stands for, or None if it is not a known label."""
    return _BY_KEY.get(label_key(label))


def known_labels() -> list[str]:
    """Every Chinese label, longest first (for scanning label-value text)."""
    chinese = {label for labels in LABELS.values() for label in labels if not label.isascii()}
    return sorted(chinese, key=len, reverse=True)


def map_fields(items: Iterable[tuple[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Canonical fields from a source's (label, value) pairs, and the labels not understood.

    Empty values are skipped; where several labels name one field, the label listed
    first in ``LABELS`` wins (公开日期 over 日期, publisher over source).
    """
    ranked: dict[str, tuple[int, Any]] = {}
    unknown: list[str] = []
    for label, value in items:
        name = canonical_field(label)
        if name is None:
            if label_key(label) not in _IGNORED_KEYS:
                unknown.append(label)
            continue
        if value is None or (isinstance(value, str | list | dict) and not value):
            continue
        key = label_key(label)
        if key in _PLAUSIBLE and not _PLAUSIBLE[key](value):
            continue
        rank = _RANK[key]
        if name not in ranked or rank < ranked[name][0]:
            ranked[name] = (rank, value)
    return {name: value for name, (_, value) in ranked.items()}, unknown


_RANK: dict[str, int] = {label_key(label): rank for labels in LABELS.values() for rank, label in enumerate(labels)}
_IGNORED_KEYS = frozenset(label_key(label) for label in IGNORED)
