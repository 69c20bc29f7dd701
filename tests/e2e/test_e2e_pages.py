"""The new pages in headless Chromium: 高级检索, 统计, documents with 有效性 and 解读, the large-text mode at 1366 px
and a 390 px phone. Screenshots go to tests/screenshots/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from helpers import SEED_INDEX_NO

pytestmark = pytest.mark.browser

URBAN_RENEWAL = "014330561/2021-00102"
URBAN_RENEWAL_JD = "014322182/2021-00120"
WUBAO_2016 = "014327899-2016-00311"
WUBAO_2019 = "014327899/2019-00145"

PAGES = {
    "home": "/",
    "results": "/search?q=低保",
    "detail": f"/doc/{SEED_INDEX_NO}",
    "interpretation": f"/doc/{URBAN_RENEWAL_JD}",
    "replaced": f"/doc/{WUBAO_2016}",
    "advanced": "/advanced",
    "stats": "/stats",
}


def total(page) -> int:
    return int(page.locator("#results-heading strong").inner_text())


def test_advanced_search_builds_the_query_the_results_page_shows(page, shot) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="网站导航").get_by_role("link", name="高级检索").click()
    page.wait_for_url(re.compile(r"/advanced$"))
    page.get_by_label("全文").fill("养老")
    page.get_by_label("标题", exact=True).fill("通知")
    page.get_by_label("有效性").select_option("有效")
    page.get_by_label("公开日期从").fill("2017")
    shot(page, "advanced")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    query = "q=%E5%85%BB%E8%80%81&title=%E9%80%9A%E7%9F%A5&validity=%E6%9C%89%E6%95%88&date_from=2017"
    assert page.url.endswith(f"/search?{query}")  # the short address: no empty fields
    assert page.locator("#q").input_value() == "养老"
    chips = page.locator(".chips li").all_inner_texts()
    assert [chip.split("×")[0].strip() for chip in chips] == ["标题含：通知", "有效性：有效", "起始日期：2017"]
    found = total(page)
    assert found >= 1
    shown = page.locator("ol.results li.result").count()
    assert page.locator("ol.results .badge.validity").all_inner_texts() == ["有效"] * shown
    # refine there: drop the title condition
    page.get_by_role("link", name="去掉条件 标题含：通知").click()
    page.wait_for_url(lambda url: "title=" not in url)
    assert total(page) >= found
    shot(page, "advanced-results", full_page=False)


def test_statistics_draw_charts_beside_their_tables(page, shot) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/stats")
    for key in ("year", "publisher", "validity", "kind"):
        section = page.locator(f"#stat-{key}")
        chart, table = section.locator("svg.chart"), section.locator("table.data-table")
        chart_box, table_box = chart.bounding_box(), table.bounding_box()
        assert chart_box and chart_box["width"] > 300 and chart_box["height"] > 50, key
        assert table_box and table_box["x"] > chart_box["x"] + chart_box["width"] - 1, key  # beside, not below
        assert section.locator("svg rect").count() >= 1
    shot(page, "stats")
    page.emulate_media(media="print")
    assert page.locator("#stat-year svg.chart").is_visible()  # charts print
    assert not page.locator("header.site-header").is_visible()
    shot(page, "stats-print", full_page=False)


def test_an_interpretation_and_its_original_link_each_other(page, shot) -> None:
    page.goto(f"/doc/{URBAN_RENEWAL_JD}")
    assert page.locator(".doc-kind .badge").inner_text() == "政策解读"
    shot(page, "interpretation")
    page.locator("section.interprets").get_by_role("link", name="宿迁市城市更新管理办法").click()
    page.wait_for_url(re.compile(re.escape(URBAN_RENEWAL) + "$"))
    back = page.locator("section.interpretations").get_by_role("link", name="《宿迁市城市更新管理办法》政策解读")
    assert back.is_visible()
    back.click()
    page.wait_for_url(re.compile(re.escape(URBAN_RENEWAL_JD) + "$"))


def test_a_replaced_document_leads_to_what_replaced_it(page, shot) -> None:
    page.goto(f"/doc/{WUBAO_2016}")
    notice = page.locator("section.validity-notice")
    assert notice.get_by_role("heading").inner_text() == "本文件已失效"
    shot(page, "replaced", full_page=False)
    notice.get_by_role("link").first.click()
    page.wait_for_url(re.compile(re.escape(WUBAO_2019) + "$"))
    assert page.locator("section.replaces").get_by_role("link").count() == 1


def test_validity_and_kind_facets(page) -> None:
    page.goto("/search?q=养老")
    before = total(page)
    page.locator("aside.facets section", has_text="有效性").get_by_role("link", name=re.compile(r"^有效")).click()
    page.wait_for_url(re.compile(r"validity="))
    assert 0 < total(page) <= before
    page.goto("/search")
    page.locator("aside.facets section", has_text="文件类型").get_by_role("link", name=re.compile(r"^解读")).click()
    page.wait_for_url(re.compile(r"kind="))
    assert total(page) == 6  # five in documents/ and tests/web/fixtures, one in truthful.json
    assert page.locator("ol.results .badge.interpretation").count() == 6


@pytest.mark.parametrize("name", list(PAGES))
def test_large_text_at_1366_keeps_the_centred_layout(context_for, shot, name: str) -> None:
    page = context_for(1366, large_text=True)
    page.goto(PAGES[name])
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
    box = page.locator("main .wrap").bounding_box()
    left, right = box["x"], 1366 - (box["x"] + box["width"])
    assert left > 50 and abs(left - right) <= 2, (name, left, right)  # margins both sides, equal
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, f"{name}-large-1366", full_page=False)


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_390_has_no_horizontal_scroll(context_for, shot, name: str) -> None:
    page = context_for(390, height=844)
    page.goto(PAGES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (name, overflow)
    shot(page, f"{name}-phone", full_page=False)
