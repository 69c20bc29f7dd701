"""The engine's shortcuts give what the plain way gives, on a real index (the bundled documents):

- a unit's frequencies and score added on arrays of every document where many documents hold it, or on its
  documents alone (index/whoosh/engine.py ``DENSE_SHARE``): the same hits, scores (bitwise), snippets, facets and
  totals;
- a page's hits drawn with the snippets of texts they share cut once (index/query/search.py ``hit_of``'s
  ``drawn``) are the hits drawn one by one;
- a text's marks merged, the snippet's marks outside it skipped and its best sentence found on arrays
  (index/query/highlight.py) give what a loop over every mark gives.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from index.convert import to_simplified
from index.query import SearchRequest
from index.query import highlight as highlight_module
from index.query import search as search_module
from index.query.search import hit_of
from index.whoosh import engine as engine_module

QUERIES = [
    "低保",  # synonyms
    "政府信息公开",
    "养老保险 缴费",
    "关于做好2021年政府信息公开工作的通知",  # a pasted title: common and rare words
    "低保户",  # a compound found through its parts
    "城市更新 办法 实施",
    '"信息公开"',
]


def _answers(catalog) -> list[tuple]:
    answers = []
    for q in QUERIES:
        for page in (1, 2):
            result = catalog.search(SearchRequest(q=q, page=page))
            hits = [(hit.id, hit.score, hit.title_html, hit.snippet_html, hit.attachment_hits) for hit in result.hits]
            facets = {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()}
            answers.append((q, page, result.total, hits, facets, [(e.term, e.synonyms) for e in result.expansions]))
    return answers


def test_scores_added_on_every_document_equal_scores_added_on_their_documents(catalog, monkeypatch) -> None:
    ways = {}
    dense_units = {}
    unit_scores = engine_module.Engine._unit_scores

    for way, share in {"their documents": 0, "every document": 10**9, "chosen": engine_module.DENSE_SHARE}.items():
        monkeypatch.setattr(engine_module, "DENSE_SHARE", share)
        dense_units[way] = 0

        def spy(self, unit, fields, way=way):
            docs, score, idf = unit_scores(self, unit, fields)
            dense_units[way] += docs is None
            return docs, score, idf

        monkeypatch.setattr(engine_module.Engine, "_unit_scores", spy)
        ways[way] = _answers(catalog)
    assert dense_units["their documents"] == 0 and dense_units["every document"] > 0  # both ways were taken
    assert any(hits for _, _, _, hits, _, _ in ways["chosen"])
    assert ways["every document"] == ways["their documents"]
    assert ways["chosen"] == ways["their documents"]


def test_a_page_cuts_a_shared_text_once_and_draws_what_each_hit_alone_draws(catalog, monkeypatch) -> None:
    with catalog.searcher() as searcher:
        result = catalog.search(SearchRequest(q="政府信息公开 工作"))
        needles = ["政府信息公开", "政府", "信息公开", "工作"]
        stored = [searcher.document(id=hit.id) for hit in result.hits]
    assert len(stored) >= 3
    # a second document with the first one's body, and one with the second one's body as its attachment
    attachment = json.dumps([{"name": "附件", "text": stored[1]["body"]}], ensure_ascii=False)
    stored += [{**stored[0], "id": "copy"}, {**stored[2], "id": "attached", "attachments_json": attachment}]
    alone = [hit_of(fields, 1.0, needles, []) for fields in stored]
    cut: list[str] = []
    snippet = search_module.snippet
    monkeypatch.setattr(search_module, "snippet", lambda text, needles: cut.append(text) or snippet(text, needles))
    drawn: dict[str, str] = {}
    page = [hit_of(fields, 1.0, needles, [], drawn) for fields in stored]
    assert page == alone
    assert page[-2].snippet_html == page[0].snippet_html and page[0].snippet_html
    assert page[-1].attachment_hits == ["附件"]
    assert cut.count(stored[0]["body"]) == 1 and cut.count(stored[1]["body"]) == 1  # each text cut once


def _marked_every_mark(text: str, marks, start: int = 0, end: int | None = None) -> str:
    """The loop over every mark (before): ``text[start:end]`` escaped, marks inside it in <mark>."""
    end = len(text) if end is None else end
    out, index = [], start
    for mark_start, mark_end in marks:
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        out.append(html.escape(text[index:mark_start]))
        out.append(f"<mark>{html.escape(text[mark_start:mark_end])}</mark>")
        index = mark_end
    out.append(html.escape(text[index:end]))
    return "".join(out)


def _spans_by_loop(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """The loop over every match (before): touching or overlapping matches merged."""
    pattern = highlight_module._pattern(needles)
    merged: list[list[int]] = []
    for match in pattern.finditer(to_simplified(text)) if pattern else ():
        start, end = match.span()
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _best_sentence_by_loop(starts: np.ndarray, marks) -> int:
    """The loop over every mark (before): the sentence with the most mark starts, then marked characters, then
    the first."""
    weights: dict[int, tuple[int, int]] = {}
    holding = np.searchsorted(starts, [a for a, _ in marks], side="right") - 1
    for sentence, (a, b) in zip(holding.tolist(), marks, strict=True):
        count, chars = weights.get(sentence, (0, 0))
        weights[sentence] = (count + 1, chars + b - a)
    return max(sorted(weights), key=lambda sentence: weights[sentence])


@pytest.mark.parametrize("needles", [["公开"], ["信息", "政府"], ["的"], ["年", "月", "日"], ["。"], ["保障", "障"]])
def test_marks_and_best_sentence_equal_the_loop_over_every_mark(catalog, needles) -> None:
    with catalog.searcher() as searcher:
        bodies = [str(fields.get("body") or "") for fields in searcher.all_stored_fields()]
    checked = 0
    for body in bodies:
        marks = highlight_module.spans(body, needles)
        assert marks == _spans_by_loop(body, needles)
        if not marks:
            continue
        checked += 1
        starts = highlight_module.sentence_starts(body)
        assert highlight_module._best_sentence(starts, marks) == _best_sentence_by_loop(starts, marks)
        for start, end in [(0, None), (0, len(body) // 2), (len(body) // 3, len(body) // 2), (marks[-1][0] + 1, None)]:
            assert highlight_module.marked(body, marks, start, end) == _marked_every_mark(body, marks, start, end)
        # a window starting inside a mark keeps that mark's inner part
        inside = next(((a, b) for a, b in marks if b - a > 1), None)
        if inside:
            got = highlight_module.marked(body, marks, inside[0] + 1, inside[1] + 5)
            assert got == _marked_every_mark(body, marks, inside[0] + 1, inside[1] + 5)
            assert re.match("<mark>", got)
    assert checked >= 3
