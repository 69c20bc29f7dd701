"""Whether a query is an identifier (索引号, 后段码 or 文号) that names documents directly."""

from __future__ import annotations

import re

from index.identifiers import INDEX_TAIL, normalise_doc_no, normalise_index_no, parse_index_no

_DOC_NO_SHAPE = re.compile(r"^[\u4e00-\u9fff]{1,15}(?:〔(?:19|20)\d{2}〕第?\d{1,5}号|令?第\d{1,5}号)$")


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
    if _DOC_NO_SHAPE.match(normalise_doc_no(text)):
        return "doc_no"
    return None
