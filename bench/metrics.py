"""Retrieval metrics over ranked lists of document ids."""

from __future__ import annotations

import math


def reciprocal_rank(ranked: list[str], relevant: str, depth: int = 10) -> float:
    """1/rank of ``relevant`` within the first ``depth`` ids, 0 when absent (the mean over queries is MRR@depth)."""
    for rank, doc_id in enumerate(ranked[:depth], start=1):
        if doc_id == relevant:
            return 1.0 / rank
    return 0.0


def ndcg(ranked: list[str], grades: dict[str, int], depth: int = 10) -> float:
    """nDCG@depth with gains 2^grade − 1 (Järvelin & Kekäläinen 2002; the TREC form); 0 when nothing is relevant."""

    def dcg(gains: list[int]) -> float:
        return sum((2**gain - 1) / math.log2(rank + 1) for rank, gain in enumerate(gains[:depth], start=1))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(doc_id, 0) for doc_id in ranked]) / ideal if ideal else 0.0


def success(ranked: list[str], grades: dict[str, int], depth: int = 5, at_least: int = 2) -> float:
    """1.0 when a document graded ``at_least`` or more is among the first ``depth`` ids, else 0.0 (the mean
    over queries is success@depth: the share of queries that show a useful document on the first screen)."""
    return float(any(grades.get(doc_id, 0) >= at_least for doc_id in ranked[:depth]))
