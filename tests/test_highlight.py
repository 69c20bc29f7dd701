"""Sentence cutting for snippets (index/query/highlight.py) against the regular expression it replaces."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from index.query.highlight import sentence_starts, snippet

# The cut as the snippet made it before: a match object per sentence.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+|\n+|$)")


def _by_regex(text: str) -> list[int]:
    return [m.start() for m in _SENTENCE.finditer(text) if m.end() > m.start()] or [0]


@given(st.text(alphabet="政府公开。！？；!?;\n a\U00020000", max_size=60))
def test_sentences_start_where_the_regular_expression_cuts(text: str) -> None:
    assert sentence_starts(text).tolist() == _by_regex(text)


def test_the_snippet_is_the_sentence_with_the_most_matches_and_what_follows_while_it_fits() -> None:
    text = "第一句说公开。\n第二句说公开，也说公开。第三句。" + "后文很长。" * 40
    marked = snippet(text, ["公开"], size=40)
    assert marked.startswith("…第二句说<mark>公开</mark>，也说<mark>公开</mark>。第三句。")
    assert marked.endswith("…") and "第一句" not in marked
