"""Whether a query is an identifier (索引号, 后段码 or 文号) that names documents directly."""

from __future__ import annotations

from index.identifiers import INDEX_TAIL, doc_no_key, index_no_key, normalise_index_no, parse_doc_no, parse_index_no


def identifier_kind(text: str) -> str | None:
    """ "index_no", "index_tail" or "doc_no" when the text is such an identifier, else None."""
    text = text.strip()
    if not text or len(text) > 60:
        return None
    normalised = normalise_index_no(text)
    if INDEX_TAIL.match(normalised):
        return "index_tail"
    parsed = parse_index_no(text)
    if parsed and parsed.variant not in {"unrecognised", "grouped"}:
        return "index_no"
    if parse_doc_no(text):
        return "doc_no"
    return None


def may_name_documents(text: str) -> bool:
    """Whether the search box should also look ``text`` up as `portal lookup` does: an identifier
    (:func:`identifier_kind`), or a run of letters and digits that may be a 索引号 of a form no rule knows
    (``NB-A01-01-01-20240101-001``, ``Whgs-16-02-010``). Such a lookup matches only documents whose own
    索引号, 后段码 or 文号 has exactly that key, so it adds nothing to other queries.
    """
    if identifier_kind(text):
        return True
    text = text.strip()
    key = index_no_key(text)
    return 0 < len(text) <= 60 and len(key) >= 6 and key.isascii() and any(char.isdigit() for char in key)


def index_no_terms(text: str) -> list[tuple[str, str]]:
    """The exact (field, key) pairs a 索引号 or 后段码 is found by: one key whatever its separators and width."""
    key = index_no_key(text)
    return [("index_key", key), ("index_tail", key)]


def identifier_terms(text: str) -> list[tuple[str, str]]:
    """The exact (field, key) pairs `portal lookup` finds ``text`` by, as a 索引号, 后段码 or 文号; every store
    holds these keyword fields (index/schema.py)."""
    return [*index_no_terms(text), ("doc_no_keys", doc_no_key(text))]
