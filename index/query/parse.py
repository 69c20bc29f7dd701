"""Query text → a Whoosh query over the chosen fields."""

from __future__ import annotations

import itertools
import unicodedata

from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser
from whoosh.qparser import plugins as qplugins
from whoosh.query import Every, Or, Phrase, Query, Term

from index.analysis import word_split
from index.identifiers import normalise_doc_no, normalise_index_no

_CHINESE_FIELDS = frozenset({"title", "body", "attachment_text"})
_MAX_PHRASE_VARIANTS = 16


def parse_query(schema: Schema, text: str, fields: tuple[str, ...]) -> Query:
    """The query ``text`` means over ``fields``; raises whoosh.qparser.QueryParserError on broken syntax."""
    if not text:
        return Every()
    if fields == ("doc_no",):
        return Term("doc_no", normalise_doc_no(text))
    if fields == ("index_no",):
        normalised = normalise_index_no(text)
        return Or([Term("index_no", normalised), Term("index_tail", normalised)])
    parser = MultifieldParser(list(fields), schema)
    # Brackets and colons are everyday characters in Chinese queries (文号, 标题：), not syntax.
    for plugin in (
        qplugins.FieldsPlugin,
        qplugins.WildcardPlugin,
        qplugins.RangePlugin,
        qplugins.BoostPlugin,
    ):
        parser.remove_plugin_class(plugin)
    return _with_word_splits(parser.parse(unicodedata.normalize("NFKC", text)))


def _with_word_splits(query: Query) -> Query:
    """The query with every splittable word also tried as the phrase of its parts (see analysis.word_split)."""
    if isinstance(query, Term) and query.fieldname in _CHINESE_FIELDS:
        split = word_split(query.text)
        return Or([query, Phrase(query.fieldname, split, boost=query.boost)]) if split else query
    if isinstance(query, Phrase) and query.fieldname in _CHINESE_FIELDS:
        choices = [[[word]] + ([split] if (split := word_split(word)) else []) for word in query.words]
        variants = list(itertools.islice(itertools.product(*choices), _MAX_PHRASE_VARIANTS))
        if len(variants) == 1:
            return query
        phrases = [
            Phrase(query.fieldname, [w for part in variant for w in part], slop=query.slop) for variant in variants
        ]
        return Or(phrases, boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(_with_word_splits)
