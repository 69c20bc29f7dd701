"""Text of an HTML page read as a flat run of tags, for pages nested too deep for a tree.

libxml2 stops building a tree 256 elements deep and drops the rest of the page without an error
(lxml only logs it); a page nested deeper would lose its body. The standard library's HTMLParser
keeps no tree, so depth costs it nothing: it gives the title and the text, without the layout the
label and main-text rules need.
"""

from __future__ import annotations

from html.parser import HTMLParser

from index.readers.html import BLOCK_TAGS

_SKIPPED = frozenset({"script", "style", "noscript", "template", "xml", "svg", "select", "textarea", "button"})


class _FlatText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.lines: list[str] = [""]
        self._skipping = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in BLOCK_TAGS or tag == "br":
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._in_title:
            self.title.append(data)
        else:
            self.lines[-1] += data

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")


def flat_text(html: str) -> tuple[str, str]:
    """(title, text) of an HTML page, paragraphs one per line, whatever its depth."""
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    text = "\n".join(" ".join(line.split()) for line in parser.lines if line.strip())
    return " ".join("".join(parser.title).split()), text
