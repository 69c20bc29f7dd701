"""Structure a screen reader relies on: landmarks, labelled controls, unique ids, one h1, alt text, lang."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from helpers import SEED_INDEX_NO

PAGES = [
    "/",
    "/search?q=低保",
    "/search?q=低保&publisher=宿迁市民政局&year=2019",
    "/search?q=量子引力波",
    "/search?q=" + "低保" * 150,
    f"/doc/{SEED_INDEX_NO}",
    "/lookup?q=2018-00019",
    "/browse",
    "/browse/year/2018",
    "/no-such-page",
    "/advanced",
    "/advanced?q=低保&title=标准&publisher=宿迁市民政局",
    "/stats",
    "/doc/014322182/2021-00120",  # an interpretation
    "/doc/014327899/2016-00311",  # replaced (published as 014327899-2016-00311)
    f"/doc/{SEED_INDEX_NO}?print=1",
]


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.navs: list[dict[str, str | None]] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags[tag] += 1
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"] or "")
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append(attributes)
        if tag == "img":
            self.images.append(attributes)
        if tag == "nav":
            self.navs.append(attributes)


def structure(client, path: str) -> Structure:
    response = client.get(path)
    assert response.status_code in (200, 404)
    parser = Structure()
    parser.feed(response.text)
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_landmarks_and_headings(client, path: str) -> None:
    page = structure(client, path)
    assert page.html_lang == "zh-CN"
    assert page.tags["main"] == 1 and page.tags["header"] >= 1 and page.tags["footer"] >= 1
    assert page.tags["h1"] == 1
    assert all(nav.get("aria-label") for nav in page.navs)


@pytest.mark.parametrize("path", PAGES)
def test_every_control_has_a_label(client, path: str) -> None:
    page = structure(client, path)
    for control in page.controls:
        assert control.get("id") in page.label_for or control.get("aria-label"), control


@pytest.mark.parametrize("path", PAGES)
def test_ids_are_unique_and_images_have_alt(client, path: str) -> None:
    page = structure(client, path)
    assert [i for i, n in Counter(page.ids).items() if n > 1] == []
    assert all(image.get("alt") is not None for image in page.images)


def test_skip_link_and_visible_focus_style(client) -> None:
    html = client.get("/").text
    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in html
    css = client.get("/static/portal.css").text
    assert ":focus-visible" in css and "outline: 3px solid" in css
