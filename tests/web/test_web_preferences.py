"""The large-text mode (适老化): a link sets a cookie, every page then carries class="large-text"."""

from __future__ import annotations

import pytest
from portal_testing import TestClient


@pytest.fixture
def fresh(app):
    with TestClient(app, follow_redirects=False) as client:
        yield client


def test_toggle_sets_the_cookie_and_returns(fresh) -> None:
    html = fresh.get("/search", params={"q": "低保"}).text
    assert '<html lang="zh-CN">' in html
    assert 'href="/display?large=1&amp;next=/search%3Fq%3D%25E4%25BD%258E%25E4%25BF%259D">大字版</a>' in html
    response = fresh.get("/display", params={"large": "1", "next": "/search?q=低保"})
    assert response.status_code == 303
    assert response.headers["location"] == "/search?q=%E4%BD%8E%E4%BF%9D"
    assert "large_text=1" in response.headers["set-cookie"]
    html = fresh.get("/search", params={"q": "低保"}).text
    assert '<html lang="zh-CN" class="large-text">' in html
    assert ">标准字号</a>" in html


def test_toggle_off(fresh) -> None:
    fresh.get("/display", params={"large": "1"})
    fresh.get("/display", params={"large": "0"})
    assert 'class="large-text"' not in fresh.get("/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_no_open_redirect(fresh, target: str) -> None:
    assert fresh.get("/display", params={"large": "1", "next": target}).headers["location"] == "/"


def test_large_text_stylesheet_rule_exists() -> None:
    from portal.templating import STATIC_DIR

    assert "html.large-text { font-size: 125%; }" in (STATIC_DIR / "portal.css").read_text("utf-8")
