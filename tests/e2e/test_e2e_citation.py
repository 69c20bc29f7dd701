"""引用本文 in headless Chromium against the real server: the block is on the page as the JSON says, and the BibTeX
link downloads the entry."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from helpers import SEED_INDEX_NO

pytestmark = pytest.mark.browser


def test_the_citation_block_shows_what_the_json_gives_and_downloads_bibtex(page, server: str, shot) -> None:
    citation = httpx.get(f"{server}/doc/{SEED_INDEX_NO}.json").json()["citation"]
    page.goto(f"/doc/{SEED_INDEX_NO}")
    block = page.get_by_role("region", name="引用本文")
    block.scroll_into_view_if_needed()
    assert block.is_visible()
    assert block.locator(".cite-gbt").inner_text() == citation["gbt7714"]
    cited = f"{server}/doc/{SEED_INDEX_NO}/v/1"  # the version's permanent address
    assert citation["gbt7714"].endswith(f"[EB/OL]. (2018-04-10)[{citation['accessed']}]. {cited}.")
    shot(page, "citation", full_page=False)
    with page.expect_download() as download:
        block.get_by_role("link", name="BibTeX（.bib）").click()
    assert download.value.suggested_filename == "xxgk-014319733-2018-00019-v1.bib"
    assert Path(download.value.path()).read_text(encoding="utf-8") == citation["bibtex"]
