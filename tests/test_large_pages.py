"""Reading a large page costs in proportion to its size (leftover of issue 18's hardening).

Counted, never timed (``python -m bench.largepages`` gives the seconds): the pages are the benchmark's, real
structures of tune-split pages of tests/fidelity repeated (a data table's rows, a run of body paragraphs, inline
scripts and styles). Every Python call the HTML reader makes and every character it reads through
``text_content`` are counted on a page grown by one and by two measures of a structure: the growth of the second
must be about twice that of the first (a quadratic step would make it four times). lxml makes an element's
Python proxy through lxml.html's class lookup each time it is reached unless one is held: the reader holds them,
so that is done about once per element, not once per pass.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import lxml.html
import pytest
from helpers import present_pages, real_inputs
from lxml.html import HtmlElement

from bench.fidelity import COLLECTION
from bench.largepages import RECIPES, source_page
from index.htmltext import parse_tree
from index.readers.html import _with_sibling_sections, densest_block, densest_scores, link_density, parse_html

pytestmark = real_inputs  # every test here reads the real third-party inputs

GROWTH = 60_000  # bytes of repeated structure per measure: small pages, a second or two in all


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Counts while inside: Python and C calls (``calls``), characters returned by ``text_content`` (``chars``)
    and lxml.html class lookups, one per element proxy made (``proxies``)."""
    counts: dict[str, int] = defaultdict(int)
    lookup = lxml.html.HtmlElementClassLookup.lookup
    text_content = HtmlElement.text_content

    def counting_lookup(self, *args):
        counts["proxies"] += 1
        return lookup(self, *args)

    def counting_text(self):
        text = text_content(self)
        counts["chars"] += len(text)
        return text

    def profile(_frame, event, _arg):
        if event in ("call", "c_call"):
            counts["calls"] += 1

    lxml.html.HtmlElementClassLookup.lookup = counting_lookup  # type: ignore[method-assign]
    HtmlElement.text_content = counting_text  # type: ignore[method-assign]
    sys.setprofile(profile)
    try:
        yield counts
    finally:
        sys.setprofile(None)
        lxml.html.HtmlElementClassLookup.lookup = lookup  # type: ignore[method-assign]
        HtmlElement.text_content = text_content  # type: ignore[method-assign]


def read_counts(page: str) -> dict[str, int]:
    with counted() as counts:
        fields = parse_html(page.encode("utf-8"), source="large.html").fields
    assert fields.get("title") and fields.get("body")
    return dict(counts)


@pytest.mark.parametrize("recipe", ["table", "text", "scripts"])
def test_reading_cost_grows_in_proportion_to_the_page(recipe: str) -> None:
    make: Callable[[int], str] = RECIPES[recipe]
    base = len(make(0).encode("utf-8"))
    read_counts(make(0))  # first-use work (compiled patterns, lazy imports) counts for no page
    small, one, two = (read_counts(make(base + n * GROWTH)) for n in (0, 1, 2))
    for measure in ("calls", "chars"):
        first, second = one[measure] - small[measure], two[measure] - small[measure]
        assert second <= 2.3 * max(first, 1), (measure, small[measure], one[measure], two[measure])


def test_each_element_proxy_is_made_about_once() -> None:
    page = RECIPES["table"](400_000)
    elements = sum(1 for _ in lxml.html.fromstring(page).iter())
    proxies = read_counts(page)["proxies"]
    assert proxies <= 3 * elements, f"{proxies} proxies for {elements} elements"


def _tune_html_pages() -> list[str]:
    return [
        e["file"].removeprefix("pages/").removesuffix(".html.gz")
        for e in present_pages()
        if e["kind"] == "html" and e["split"] == "tune" and e["file"].endswith(".html.gz")
    ]


@real_inputs
@pytest.mark.parametrize("name", _tune_html_pages())
def test_the_densest_block_is_the_one_every_block_measured_would_give(name: str) -> None:
    """The densest block measures link density only where a block's score can still win: on every tune page it
    is the block the exhaustive rule (each block scored, then the best by density-discounted score, deepest on a
    tie, first on a tie of both) gives."""
    assert (COLLECTION / "pages" / f"{name}.html.gz").exists()
    root = parse_tree(source_page(name), name)
    expected = _exhaustive_densest(root)
    got = densest_block(root)
    assert got is expected


def _exhaustive_densest(root: HtmlElement) -> HtmlElement | None:
    scores = densest_scores(root)
    if not scores:
        return root.find("body")
    depth = {el: sum(1 for _ in el.iterancestors()) for el in scores}
    return _with_sibling_sections(max(scores, key=lambda el: (scores[el] * (1 - link_density(el)), depth[el])))
