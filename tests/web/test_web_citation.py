"""引用本文 on a document's page, in its JSON, and as BibTeX and CSL-JSON downloads, all citing the same version's
permanent address on the same day (portal/citation.py); a version's page cites that version."""

from __future__ import annotations

import html
import re

from helpers import SEED_INDEX_NO, SEED_TITLE

from portal.citation import today

SEED_CITED = f"http://testserver/doc/{SEED_INDEX_NO}/v/1"  # the web index's history holds one version


def expected_gbt() -> str:
    return f"宿迁市民政局. {SEED_TITLE}[EB/OL]. (2018-04-10)[{today().isoformat()}]. {SEED_CITED}."


def test_the_page_shows_the_gbt7714_citation_and_links_both_downloads(client) -> None:
    page = client.get(f"/doc/{SEED_INDEX_NO}").text
    block = page[page.index('<section class="cite"') :]
    block = block[: block.index("</section>")]
    assert ">引用本文</h2>" in block
    assert f'<p class="cite-gbt" lang="zh-CN">{html.escape(expected_gbt(), quote=False)}</p>' in block
    assert f'href="/doc/{SEED_INDEX_NO}.bib"' in block and f'href="/doc/{SEED_INDEX_NO}.csl.json"' in block
    assert "@online{xxgk-014319733-2018-00019-v1," in html.unescape(block)


def test_the_json_twin_carries_the_same_citation(client) -> None:
    citation = client.get(f"/doc/{SEED_INDEX_NO}.json").json()["citation"]
    assert citation["gbt7714"] == expected_gbt()
    assert citation["url"] == SEED_CITED and citation["accessed"] == today().isoformat()
    assert citation["csl"]["URL"] == SEED_CITED and citation["csl"]["type"] == "webpage"
    assert citation["bibtex_path"] == f"/doc/{SEED_INDEX_NO}.bib"


def test_the_downloads_are_files_of_their_formats(client) -> None:
    bib = client.get(f"/doc/{SEED_INDEX_NO}.bib")
    assert bib.status_code == 200 and bib.headers["content-type"].startswith("application/x-bibtex")
    assert "attachment; filename*=UTF-8''xxgk-014319733-2018-00019-v1.bib" == bib.headers["content-disposition"]
    assert "  version = {1}," in bib.text
    assert re.search(r"^  urldate = \{\d{4}-\d{2}-\d{2}\},$", bib.text, re.M)
    assert f"  url = {{{SEED_CITED}}}," in bib.text
    csl = client.get(f"/doc/{SEED_INDEX_NO}.csl.json")
    assert csl.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = csl.json()
    assert item["author"] == [{"literal": "宿迁市民政局"}] and item["issued"] == {"date-parts": [[2018, 4, 10]]}


def test_a_non_canonical_address_of_a_citation_redirects_and_an_unknown_one_is_404(client) -> None:
    moved = client.get("/doc/014319733-2018-00019.bib")
    assert moved.status_code == 301 and moved.headers["location"] == f"/doc/{SEED_INDEX_NO}.bib"
    assert client.get("/doc/014319733/1999-99999.csl.json").status_code == 404


def test_a_version_page_and_its_json_cite_that_version_with_downloads_beside_it(client) -> None:
    page = client.get(f"/doc/{SEED_INDEX_NO}/v/1").text
    assert html.escape(expected_gbt(), quote=False) in page
    assert f'href="/doc/{SEED_INDEX_NO}/v/1.bib"' in page and f'href="/doc/{SEED_INDEX_NO}/v/1.csl.json"' in page
    citation = client.get(f"/doc/{SEED_INDEX_NO}/v/1.json").json()["citation"]
    assert citation["gbt7714"] == expected_gbt() and citation["csl"]["version"] == "1"
    assert client.get(f"/doc/{SEED_INDEX_NO}/v/1.bib").text == citation["bibtex"]
    [item] = client.get(f"/doc/{SEED_INDEX_NO}/v/1.csl.json").json()
    assert item == citation["csl"]
    assert client.get(f"/doc/{SEED_INDEX_NO}/v/99.bib").status_code == 404
    assert client.get(f"/doc/{SEED_INDEX_NO}/v/x.csl.json").status_code == 404
