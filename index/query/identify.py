"""Whether a query is an identifier (索引号, 后段码 or 文号) that names documents directly."""

from __future__ import annotations

from index.identifiers import INDEX_TAIL, normalise_index_no, parse_doc_no, parse_index_no


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
