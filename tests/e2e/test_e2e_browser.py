"""The portal in headless Chromium against a real uvicorn server: what a person does, step by step.

Screenshots land in tests/screenshots/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from helpers import SEED_INDEX_NO, SEED_TITLE

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"


def total(page) -> int:
    return int(page.locator("#results-heading strong").inner_text())


def test_search_from_the_home_page_finds_the_seed(page, shot) -> None:
    page.goto("/")
    shot(page, "home")
    page.get_by_role("combobox", name="检索词").fill("低保")
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert total(page) > 0
    assert page.locator("#results-heading").inner_text().find("毫秒") > 0
    link = page.get_by_role("link", name=SEED_TITLE)
    assert link.count() == 1 or page.get_by_role("link", name="下一页").count() == 1
    assert page.locator("ol.results mark").first.inner_text() in ("低保", "最低生活保障")  # its synonym is marked too
    shot(page, "results")


def test_add_and_remove_a_facet_filter(page) -> None:
    page.goto("/search?q=低保")
    before = total(page)
    page.locator("aside.facets").get_by_role("link", name=re.compile(r"^宿迁市民政局")).click()
    page.wait_for_url(re.compile(r"publisher="))
    filtered = total(page)
    assert 0 < filtered < before
    chip = page.get_by_role("link", name="去掉条件 发布机构：宿迁市民政局")
    assert chip.is_visible()
    # a second filter stacks on the first
    page.locator("aside.facets section", has_text="年份").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"year="))
    assert total(page) <= filtered
    assert page.locator(".chips li").count() == 2
    # and each comes off alone
    page.get_by_role("link", name="去掉条件 发布机构：宿迁市民政局").click()
    page.wait_for_url(lambda url: "publisher=" not in url)
    assert page.locator(".chips li").count() == 1
    page.get_by_role("link", name="清除全部条件").click()
    page.wait_for_url(lambda url: "year=" not in url)
    assert total(page) == before


def test_go_to_page_two(page) -> None:
    page.goto("/search?q=低保")
    first_titles = page.locator("ol.results .result-title").all_inner_texts()
    page.get_by_role("navigation", name="分页").get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator('.pagination a[aria-current="page"]').inner_text() == "2"
    assert page.locator("ol.results").get_attribute("start") == "11"
    second_titles = page.locator("ol.results .result-title").all_inner_texts()
    assert second_titles and set(second_titles).isdisjoint(first_titles)
    assert page.locator("#q").input_value() == "低保"


def test_pasting_an_index_number_opens_the_document(page, shot) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="检索词")
    box.focus()
    page.keyboard.insert_text(SEED_INDEX_NO)  # what a paste delivers
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(f"/doc/{SEED_INDEX_NO}") + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == SEED_TITLE
    table = page.locator("table.doc-meta")
    assert table.locator("td.index-no").inner_text() == SEED_INDEX_NO
    assert page.locator("section.warnings").is_visible()
    spam = page.locator(".doc-body mark.spam").first
    assert spam.is_visible() and "line-through" in spam.evaluate("el => getComputedStyle(el).textDecorationLine")
    shot(page, "detail-top", full_page=False)
    shot(page, "detail")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    shot(page, "detail-print", full_page=False)
    page.emulate_media(media="screen")
    # with script, 打印本页 opens the print dialog and stays on the page
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("link", name="打印本页").click()
    assert page.evaluate("window.printed === true")
    assert "print=1" not in page.url


def test_a_shared_tail_lists_both_documents(page) -> None:
    page.goto("/")
    page.get_by_role("combobox", name="检索词").fill("2018-00019")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lookup\?q="))
    assert page.locator("ul.results li").count() == 2
    page.get_by_role("link", name=SEED_TITLE).click()
    page.wait_for_url(re.compile(re.escape(SEED_INDEX_NO)))


def test_follow_the_atom_link(page) -> None:
    page.goto("/search?q=低保")
    link = page.get_by_role("link", name="订阅此检索（Atom）")
    href = link.get_attribute("href")
    head = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert href == head
    with page.expect_response(lambda response: "/search.atom" in response.url) as info:
        try:
            link.click()
        except Exception:  # noqa: BLE001 - a browser may hand a feed to the download manager
            pass
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 10


def test_works_without_javascript(browser, server: str) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="检索词").fill("低保")  # no script: a plain search box, no combobox
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator("aside.facets").get_by_role("link", name=re.compile(r"^宿迁市民政局")).click()
    page.wait_for_url(re.compile(r"publisher="))
    page.locator("summary", has_text="按公开日期筛选").click()
    page.locator("#date_from").fill("2019")
    page.locator("#date_to").fill("2019-12-31")
    page.locator(".date-row button").click()
    page.wait_for_url(re.compile(r"date_from=2019"))
    assert page.locator(".chips li").count() == 3
    # 打印本页 without script: the print layout, on screen
    page.goto(f"/doc/{SEED_INDEX_NO}")
    page.get_by_role("link", name="打印本页").click()
    page.wait_for_url(re.compile(r"print=1"))
    assert not page.locator("header.site-header").is_visible()
    assert page.get_by_role("note").inner_text().startswith("这是本页的打印版")
    context.close()


def test_keyboard_focus_is_visible(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused == "solid"


def test_large_text_mode(page, shot) -> None:
    page.goto("/search?q=低保")
    normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("link", name="大字版").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large >= normal * 1.2
    page.goto("/")
    assert "large-text" in (page.locator("html").get_attribute("class") or "")  # remembered
    shot(page, "home-large", full_page=False)
    page.get_by_role("link", name="标准字号").click()
    page.wait_for_url(re.compile(r"/$"))
    assert not page.locator("html").get_attribute("class")


def test_a_script_title_is_shown_as_text(page) -> None:
    page.goto("/search?q=测试转义")
    page.get_by_role("link", name="alert(1)</script>关于测试转义的通知").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "<script>alert(1)</script>关于测试转义的通知"
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    # the page fixture fails the test if any dialog opened or the CSP blocked anything


def test_404_page_has_a_search_box(page, console_errors: list[str]) -> None:
    response = page.goto("/doc/000000000/1999-00000")
    assert response and response.status == 404
    assert console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    console_errors.clear()
    page.get_by_role("combobox").fill("低保")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert total(page) > 0


def test_search_box_offers_suggestions_as_you_type(page, console_errors: list[str]) -> None:
    """The box is a combobox once portal.js has given it a datalist filled from /suggest.json."""
    page.goto("/")
    box = page.get_by_role("combobox", name="检索词")
    box.press_sequentially("低", delay=50)
    options = page.locator(f"datalist#{box.get_attribute('list')} option")
    options.first.wait_for(state="attached")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert "低保" in values and any("最低生活保障" in value for value in values)
    assert console_errors == []
