"""What a query asks of any store, before a store answers it: the text fields a field choice searches and their
weights (:data:`TEXT_FIELDS`, :data:`FIELD_GROUPS`), the units of unquoted text (:func:`query_units`: jieba's words,
Latin/digit runs whole, synonyms and compound parts attached, stop words out) and how many must match
(:func:`minimum_match`). The Whoosh engine (:mod:`index.whoosh.engine`) scores these units by BM25F; the cluster
(:mod:`index.cluster.match`) turns them into ``MATCH()`` expressions.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, replace

from index.analysis import fold
from index.bigrams import phrase_grams
from index.query.compounds import Compounds
from index.query.synonyms import SynonymTable


@dataclass(frozen=True)
class TextField:
    """A text field as BM25F sees it: its word and bigram postings, weight and length normalisation ``b``."""

    words: str | None
    grams: str | None
    weight: float
    b: float

    @property
    def length_field(self) -> str:
        return self.grams or self.words or ""


TEXT_FIELDS: dict[str, TextField] = {
    "title": TextField("title", "title_grams", 4.0, 0.5),
    "body": TextField("body", "body_grams", 1.0, 0.75),
    "attachment": TextField(None, "attachment_grams", 0.6, 0.75),
    "doc_no": TextField(None, "doc_no_grams", 2.0, 0.0),
    "publisher": TextField(None, "publisher_grams", 0.5, 0.0),
    "keywords": TextField("keywords", None, 1.5, 0.0),
}

# The request's field choice (index/query/request.py FIELDS) → the text fields searched.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "all": ("title", "body", "attachment", "doc_no", "publisher", "keywords"),
    "title": ("title",),
    "body": ("body",),
    "doc_no": ("doc_no",),
    "publisher": ("publisher",),
}

# Consecutive query words a synonym term may span (环保 督察 → 环保督察).
_SYNONYM_SPAN = 6

# Function words that carry no topic: not units of their own (they still count inside a phrase). Tuned with
# the others on bench/data/topical.json after it was judged: python -m bench.quality (topical 0.82 → 0.84).
# The question words of a question typed as a query (工伤认定怎么申请, 退休金怎么算, 低保是什么) and the modal
# words it asks with (才能, 应该); a query holding one is a question.
ASKING_WORDS = frozenset(
    "怎么 怎样 如何 什么 哪些 哪里 多少 吗 呢 是否 可以 能否 需要 怎么办 怎么样 为什么 什么样 哪个 哪儿 "
    "啥 咋 咋办 能不能 可不可以 是不是 有没有 要不要 会不会 吧 啊 呀 请问 想 想问 一下 谁 几 多久 多长时间 "
    "什么时候 何时 在哪 在哪里 哪家 哪种 不能 能 会 要 几回 几次 几年 几天 几个 多少钱 多长 多久能 "
    "才能 才可以 能够 还能 还要 还可以 应该".split()
)
STOP_WORDS = ASKING_WORDS | frozenset(
    "的 了 和 与 及 或 在 是 对 为 把 被 将 于 以 之 其 等 并 而 也 就 都 又 个 这 那 有 我 你 他 它".split()
)
# Words a question asks with that may match but need not (怎样办理, 退休金怎么算): they add to a document's
# score where it holds them and are left out of the minimum match (:func:`minimum_match`).
OPTIONAL_WORDS = frozenset("办理 办 算 计算 查 查询 领 领取 交 缴 去 找 弄 拿 申请 规定 流程 手续 条件".split())
_DATE_UNITS = "年月日号"
_RUNS = re.compile(
    r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007]+)|(?P<alnum>[0-9a-z]+(?:[-:/.][0-9a-z]+)*)"
)


@dataclass(frozen=True)
class Unit:
    """One word of a query: the term in word fields, and the bigrams it is in bigram fields; with its
    synonyms (``alternatives``, each a unit of its own) where the word is in a synonym group, its ``parts``
    where it is a compound the index barely holds (:mod:`index.query.compounds`: found as typed or as all its
    parts), and ``optional`` for a word a question asks with (:data:`OPTIONAL_WORDS`: scored, never required)."""

    word: str
    grams: tuple[str, ...]
    alternatives: tuple[Unit, ...] = ()
    parts: tuple[Unit, ...] = ()
    optional: bool = False


def _unit(word: str) -> Unit:
    return Unit(word, tuple(phrase_grams(word)) if len(word) > 1 else (word,))


def minimum_match(units: int) -> int:
    """How many of a query's units a document must hold: all of one or two, all but one of three or four,
    70 % of more (rounded up) — Elasticsearch's ``minimum_should_match: "2<-1 4<70%"``."""
    if units <= 2:
        return units
    if units <= 4:
        return units - 1
    return math.ceil(units * 0.7)


# The units of the texts searched last, by (text, analyzer, synonyms, compounds): a search asks for a text's units
# several times (the engine scoring it, its phrase bonus, the highlights, a correction's plan). Each entry holds the
# objects its key names by id, so no id is reused while it is kept; units are immutable.
UNITS_KEPT = 256
_units_kept: dict[tuple[str, int, int, int], tuple[object, object, object, tuple[Unit, ...]]] = {}
_units_lock = threading.Lock()


def query_units(
    text: str, analyzer, synonyms: SynonymTable | None = None, compounds: Compounds | None = None
) -> list[Unit]:
    """The units of unquoted text: jieba's words of each Chinese run, each Latin/digit run whole; no stop words.
    Kept for the last :data:`UNITS_KEPT` (text, analyzer, synonyms, compounds) asked (cut once a search).

    With ``synonyms``, consecutive words forming an everyday term of a group (longest first, up to six words:
    jieba cuts 环保督察 as 环保 / 督察) become one unit carrying the group's official term as its alternative. Terms are
    matched on word boundaries only, so 非典 is not found inside 非典型肺炎. With ``compounds``, a word the index
    barely holds also carries its parts (each with its own synonyms). A word of :data:`OPTIONAL_WORDS` is optional
    where the text has another word, and so is a word of one character in a question (a text holding a word of
    :data:`ASKING_WORDS`: 后 of 辞职后社保怎么办, 开 of 开中医诊所需要什么条件).
    """
    key = (text, id(analyzer), id(synonyms), id(compounds))
    kept = _units_kept.get(key)
    if kept is not None:
        return list(kept[3])
    found = _query_units(text, analyzer, synonyms, compounds)
    with _units_lock:
        if len(_units_kept) >= UNITS_KEPT:
            _units_kept.pop(next(iter(_units_kept)))  # the oldest
        _units_kept[key] = (analyzer, synonyms, compounds, tuple(found))
    return found


def _query_units(text: str, analyzer, synonyms: SynonymTable | None, compounds: Compounds | None) -> list[Unit]:
    units: dict[str, Unit] = {}
    after_number = -1  # where the last run of digits ended
    runs = list(_RUNS.finditer(fold(text).lower()))
    cuts = {m.start(): [t.text for t in analyzer(m.group(), mode="query")] for m in runs if m.lastgroup == "cjk"}
    # in a question, a word of one character (后 of 辞职后, 年, 开 of 开诊所) carries no topic: it need not match
    asked = any(word in ASKING_WORDS for words in cuts.values() for word in words)
    for match in runs:
        run = match.group()
        if match.lastgroup == "cjk" and match.start() == after_number and run[0] in _DATE_UNITS:
            # 2017年萨德: the 年 of a year is no word of the topic, and cut with what follows it jieba's HMM glues
            # it to the next characters (年萨德, 年个); the year's digits are the unit
            run = run[1:]
            if not run:
                continue
        if match.lastgroup == "alnum" and run.isdigit():
            after_number = match.end()
        if match.lastgroup == "alnum":
            words = [run]
        elif run == match.group():
            words = cuts[match.start()]
        else:
            words = [token.text for token in analyzer(run, mode="query")]
        i = 0
        while i < len(words):
            span = _synonym_span(words, i, synonyms) if synonyms else 0
            if span:
                word = "".join(words[i : i + span])
                units.setdefault(word, _synonym_unit(word, synonyms))
                i += span
                continue
            word = words[i]
            i += 1
            if word in STOP_WORDS or word in units:
                continue
            if match.lastgroup == "alnum":
                units[word] = Unit(run, (run,))
                continue
            parts = compounds.parts(word) if compounds else ()
            units[word] = Unit(
                word,
                _unit(word).grams,
                parts=tuple(_synonym_unit(part, synonyms) for part in parts),
                optional=word in OPTIONAL_WORDS or (len(word) == 1 and asked),
            )
    found = list(units.values())
    if all(unit.optional for unit in found):
        found = [replace(unit, optional=False) for unit in found]
    return found


def _synonym_unit(word: str, synonyms: SynonymTable | None) -> Unit:
    """The unit of ``word`` with the official terms of its synonym groups as alternatives."""
    others = synonyms.alternatives(word) if synonyms else ()
    return Unit(word, _unit(word).grams, tuple(_unit(other) for other in others))


def _synonym_span(words: list[str], start: int, synonyms: SynonymTable) -> int:
    """How many words from ``start`` on form a synonym term (the longest such run), 0 for none."""
    for end in range(min(len(words), start + _SYNONYM_SPAN), start, -1):
        if "".join(words[start:end]) in synonyms:
            return end - start
    return 0
