"""Highlighting: matches marked with ``<mark>`` in escaped text, and the snippets they sit in."""

from __future__ import annotations

import html

from whoosh.highlight import ContextFragmenter, Formatter, PinpointFragmenter
from whoosh.searching import Hit as WhooshHit


class MarkFormatter(Formatter):
    """Escaped text with ``<mark>`` around matches; overlapping and touching matches become one mark.

    Sub-words overlap their parent word and a phrase's words touch each other, so marking
    tokens one by one would split a match into pieces.
    """

    between = " … "

    def format_fragment(self, fragment, replace: bool = False) -> str:
        spans: list[list[int]] = []
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            start, end = max(token.startchar, fragment.startchar), min(token.endchar, fragment.endchar)
            if start >= end:
                continue
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out, index, text = [], fragment.startchar, fragment.text
        for start, end in spans:
            out.append(html.escape(text[index:start]))
            out.append(f"<mark>{html.escape(text[start:end])}</mark>")
            index = end
        out.append(html.escape(text[index : fragment.endchar]))
        return "".join(out)


# Body snippets come from the character spans stored in the index; attachment text is not stored
# in the index, so its snippet re-segments the text (PinpointFragmenter needs stored spans).
SNIPPET_FRAGMENTER = PinpointFragmenter(maxchars=160, surround=50, autotrim=False)
RETOKENIZING_FRAGMENTER = ContextFragmenter(maxchars=160, surround=50)


def highlights(hit: WhooshHit, stored: dict, fieldname: str, **options) -> str:
    """The hit's highlighted ``fieldname``; "" where the document has no text there (Whoosh raises KeyError)."""
    return hit.highlights(fieldname, **options) if stored.get(fieldname) else ""


def plain_snippet(text: str, size: int = 120) -> str:
    """The start of a text, escaped, for a hit with nothing to highlight."""
    text = text.replace("\n\n", " ")
    return html.escape(text[:size] + ("…" if len(text) > size else ""))
