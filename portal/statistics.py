"""Statistics of the whole index, as the annual 政府信息公开工作年度报告 tabulates them: documents per year, per
publisher, per classification dimension, per 有效性 and per 文件类型 (原文/解读/新闻发布), each with its share.
A document published under several ids (the same title and body) counts once; the copies are counted apart.

One function computes them for ``/stats``, ``/stats.json`` and ``portal stats`` alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.query import FacetValue
from index.query.protocols import SearchStore
from index.query.request import FACETS

# The breakdowns, in the order pages and the CLI show them, with their titles.
BREAKDOWNS: dict[str, str] = {
    "year": "按年份",
    "publisher": "按发布机构",
    "category_scheme": "按组配分类",
    "category_topic": "按主题分类",
    "category_genre": "按体裁分类",
    "validity": "按有效性",
    "kind": "文件类型（原文、解读、新闻发布）",
}
# How a document without a value is counted in each breakdown.
UNKNOWN_LABELS: dict[str, str] = {"year": "未注明日期", "validity": "未注明有效性"}
UNKNOWN_LABEL = "未注明"


@dataclass
class Count:
    label: str
    count: int
    share: float  # per cent of all documents, one decimal


@dataclass
class Breakdown:
    """Documents per value of one facet; ``unknown`` documents have no value for it."""

    key: str
    title: str
    label: str  # the facet's own name (发布机构, 有效性, …)
    counts: list[Count]
    unknown: int
    unknown_label: str


@dataclass
class Statistics:
    documents: int  # distinct documents: copies (the same title and body under several ids) count once
    copies: int  # index entries that are copies of another
    publishers: int
    years: int
    interpretations: int
    flagged: int  # documents with suspected spam or encoding loss
    last_commit: str
    breakdowns: list[Breakdown]


def share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def breakdown(key: str, values: list[FacetValue], documents: int) -> Breakdown:
    """One facet's counts over all ``documents``; years in calendar order, other values by count."""
    ordered = sorted(values, key=lambda v: v.value) if key == "year" else values
    counts = [Count(value.value, value.count, share(value.count, documents)) for value in ordered]
    unknown = max(0, documents - sum(count.count for count in counts))
    return Breakdown(key, BREAKDOWNS[key], FACETS[key], counts, unknown, UNKNOWN_LABELS.get(key, UNKNOWN_LABEL))


def statistics(catalog: SearchStore) -> Statistics:
    """Every figure of the statistics page. Raises NoIndex before the first ingest."""
    overview: dict[str, Any] = catalog.stats()  # figures as the store counted them (numbers, a date)
    facets = catalog.facet_counts()
    kinds = {value.value: value.count for value in facets.get("kind", [])}
    # Facets count each document once, its copies folded in; every document has exactly one kind.
    documents = sum(kinds.values()) if kinds else int(overview["documents"])
    return Statistics(
        documents=documents,
        copies=max(0, int(overview["documents"]) - documents),
        publishers=int(overview["publishers"]),
        years=int(overview["years"]),
        interpretations=kinds.get("解读", 0),
        flagged=int(overview["flagged"]),
        last_commit=str(overview["last_commit"]),
        breakdowns=[breakdown(key, facets.get(key, []), documents) for key in BREAKDOWNS],
    )
