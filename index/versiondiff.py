"""A word-level diff of two versions of a document, field by field (index.history's content fields).

Text is cut into jieba's words (runs of Latin letters and digits whole), so a changed character shows as
its changed word, not a scatter of letters. Bodies are compared paragraph by paragraph first
(:class:`difflib.SequenceMatcher` over paragraphs), and only a replaced run of paragraphs is compared word
by word, so a long body costs time in proportion to what changed; a replaced run longer than
``MAX_WORDS`` words a side is shown as deleted and inserted whole.

The result is a list of :class:`FieldDiff`: each field that differs, as spans ``("=", text)`` (both),
``("-", text)`` (only the older) and ``("+", text)`` (only the newer), in order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from difflib import SequenceMatcher

from index.history import CONTENT_FIELDS
from index.record import FIELD_LABELS

MAX_WORDS = 20_000  # words a side of one replaced run compared word by word


@dataclass(frozen=True)
class Span:
    op: str  # "=" in both, "-" only in the older version, "+" only in the newer
    text: str


@dataclass
class FieldDiff:
    """One field that differs between the versions: its name, its Chinese label and the spans."""

    field: str
    label: str
    spans: list[Span] = dataclasses.field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(len(s.text) for s in self.spans if s.op == "+")

    @property
    def removed(self) -> int:
        return sum(len(s.text) for s in self.spans if s.op == "-")


def words(text: str) -> list[str]:
    """``text`` as jieba's words, every character kept (the words join back to ``text``)."""
    import jieba

    return [word for word in jieba.cut(text, HMM=False) if word]


def diff_fields(older: dict[str, str], newer: dict[str, str]) -> list[FieldDiff]:
    """The fields (in CONTENT_FIELDS order) whose text differs, each as word-level spans."""
    found = []
    for name in CONTENT_FIELDS:
        before, after = older.get(name, ""), newer.get(name, "")
        if before != after:
            found.append(FieldDiff(name, FIELD_LABELS.get(name, name), diff_text(before, after)))
    return found


def diff_text(before: str, after: str) -> list[Span]:
    """Spans turning ``before`` into ``after``: paragraphs first, then the words of replaced paragraphs."""
    old_paras, new_paras = _paragraphs(before), _paragraphs(after)
    spans: list[Span] = []
    matcher = SequenceMatcher(None, old_paras, new_paras, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(old_paras[i1:i2]), "".join(new_paras[j1:j2])
        if op == "equal":
            spans.append(Span("=", old))
        elif op == "delete":
            spans.append(Span("-", old))
        elif op == "insert":
            spans.append(Span("+", new))
        else:
            spans += _word_spans(old, new)
    return _merged(spans)


def _paragraphs(text: str) -> list[str]:
    """Lines with their line breaks kept, so the pieces join back to ``text``."""
    return text.splitlines(keepends=True)


def _word_spans(old: str, new: str) -> list[Span]:
    old_words, new_words = words(old), words(new)
    if len(old_words) > MAX_WORDS or len(new_words) > MAX_WORDS:
        return [Span("-", old), Span("+", new)]
    spans = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            spans.append(Span("=", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            spans.append(Span("-", "".join(old_words[i1:i2])))
        if j2 > j1:
            spans.append(Span("+", "".join(new_words[j1:j2])))
    return spans


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of one kind joined, empty ones dropped."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].op == span.op:
            out[-1] = Span(span.op, out[-1].text + span.text)
        else:
            out.append(span)
    return out
