"""A query tree (:mod:`index.query.syntax`) as a SphinxQL ``MATCH()`` expression, with the semantics of
:mod:`index.whoosh.engine`.

* A unit of unquoted words (:func:`index.query.plan.query_units`) is found in a field either as its word
  (the ``_w`` field) or as its run of grams (every gram of it in the ``_g`` field); its synonyms are more
  alternatives. As in the engine, a unit must be found within one field.
* Most units must match (:func:`index.query.plan.minimum_match`). Sphinx's quorum operator ``"a b c"/N`` takes
  single keywords, not the alternatives above, so "at least N of M" is written as a conjunction: every set of
  M − N + 1 units holds a match. Up to :data:`MAX_CLAUSES` clauses (queries of up to six units; typed queries
  rarely have more) this is exact; longer pasted text uses the quorum operator over the units' words as jieba
  cut them, which misses a word the document's cut split differently (docs/scale-out.md).
* Quoted text is a phrase of its grams, sent in the order :mod:`.rows` indexes them.
* NOT subtracts from every document (the ``all`` key), since Sphinx cannot evaluate a NOT alone.
"""

from __future__ import annotations

import itertools
import math

from index.bigrams import phrase_grams
from index.cluster.rows import ALL, grams
from index.cluster.sphinxql import match_token
from index.cluster.topology import term_key
from index.query.compounds import Compounds
from index.query.plan import FIELD_GROUPS, Unit, minimum_match, query_units
from index.query.synonyms import SynonymTable
from index.query.syntax import And, Node, Not, Phrase, Words

# Text field (plan.TEXT_FIELDS) → its words field and its grams field in the store (None where it has none).
FIELDS: dict[str, tuple[str | None, str | None]] = {
    "title": ("title_w", "title_g"),
    "body": ("body_w", "body_g"),
    "attachment": (None, "attachment_g"),
    "doc_no": (None, "doc_no_g"),
    "publisher": (None, "publisher_g"),
    "keywords": ("keywords", None),
}
MAX_CLAUSES = 64
NOTHING = "@keys " + term_key("none", "")  # a token no document holds


class MatchBuilder:
    """Builds expressions for one query; records what the engine would report (units, synonyms tried)."""

    def __init__(self, analyzer, synonyms: SynonymTable | None = None, compounds: Compounds | None = None) -> None:
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.compounds = compounds
        self.parts: dict[str, list[str]] = {}  # compound → the parts it may be found through
        self.alternatives: dict[str, list[str]] = {}  # unit word → synonyms it was expanded by
        self.approximate = False  # a quorum over words stood in for the exact minimum match

    def node(self, node: Node | None, fields: tuple[str, ...]) -> str:
        if node is None:
            return ""
        if isinstance(node, Words):
            return self.words(node.text, _fields_of(node.field, fields))
        if isinstance(node, Phrase):
            return self.phrase(node.text, _fields_of(node.field, fields))
        if isinstance(node, Not):
            return f"(@keys {ALL} -({self.node(node.child, fields)}))"
        parts = [f"({self.node(child, fields)})" for child in node.children]
        return " ".join(parts) if isinstance(node, And) else " | ".join(parts)

    def words(self, text: str, fields: tuple[str, ...]) -> str:
        units = query_units(text, self.analyzer, self.synonyms, self.compounds)
        if not units:
            return NOTHING
        for unit in units:
            for expanded in (unit, *unit.parts):
                if expanded.alternatives:
                    self.alternatives[expanded.word] = [alternative.word for alternative in expanded.alternatives]
            if unit.parts:
                self.parts[unit.word] = [part.word for part in unit.parts]
        # Optional words (plan.OPTIONAL_WORDS) only add to the engine's score; Sphinx ranks by its own.
        required = [unit for unit in units if not unit.optional]
        return self.at_least(required, minimum_match(len(required)), fields)

    def at_least(self, units: list[Unit], required: int, fields: tuple[str, ...]) -> str:
        """Documents holding ``required`` of ``units`` (see the module docstring)."""
        expressions = [self.unit(unit, fields) for unit in units]
        missing = len(units) - required  # how many may be absent
        if missing == 0:
            return " ".join(expressions)
        if math.comb(len(units), missing + 1) <= MAX_CLAUSES:
            clauses = itertools.combinations(expressions, missing + 1)
            return " ".join("(" + " | ".join(clause) + ")" for clause in clauses)
        self.approximate = True
        columns = [column for name in fields if (column := FIELDS[name][0])] or [
            column for name in fields if (column := FIELDS[name][1])
        ]
        words = " ".join(match_token(unit.word) for unit in units)
        return f'@({",".join(columns)}) "{words}"/{required}'

    def unit(self, unit: Unit, fields: tuple[str, ...]) -> str:
        """One unit found in one of ``fields``: as its word, as all its grams, as one of its synonyms, or (a
        compound) as all its parts."""
        options = []
        if unit.parts:  # the parts of two characters or more, as the engine requires them
            options.append("(" + " ".join(self.unit(part, fields) for part in unit.parts if len(part.word) > 1) + ")")
        for candidate in (unit, *unit.alternatives):
            for name in fields:
                words_column, grams_column = FIELDS[name]
                # A word of two or more Chinese characters is found wherever its grams are (they are its
                # substrings); only single characters and Latin/digit runs need the word field too.
                if words_column and (grams_column is None or len(candidate.word) == 1 or candidate.word.isascii()):
                    options.append(f"(@{words_column} {match_token(candidate.word)})")
                if grams_column:
                    options.append(f"(@{grams_column} {' '.join(match_token(g) for g in candidate.grams)})")
        return "(" + " | ".join(options) + ")" if options else NOTHING

    def phrase(self, text: str, fields: tuple[str, ...]) -> str:
        tokens = grams(text).split()
        columns = [column for name in fields if (column := FIELDS[name][1])]
        if not tokens or not columns:
            return NOTHING
        body = " ".join(match_token(token) for token in tokens)
        return f'@({",".join(columns)}) "{body}"' if len(tokens) > 1 else f"@({','.join(columns)}) {body}"


def unit_of(word: str) -> Unit:
    """A unit for one word, as the engine makes a synonym's (its bigrams; a single character is its own gram)."""
    return Unit(word, tuple(phrase_grams(word)) if len(word) > 1 else (word,))


def keys_any(field: str, terms: list[str]) -> str:
    """Documents holding any of the exact ``terms`` of keyword field ``field``."""
    tokens = [term_key(field, term) for term in dict.fromkeys(terms) if term]
    return "(@keys " + " | ".join(tokens) + ")" if tokens else NOTHING


def _fields_of(field: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    return FIELD_GROUPS.get(field, default) if field else default
