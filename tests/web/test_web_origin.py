"""The public URL comes from PORTAL_BASE_URL or the allow-list of hosts, never from the request's Host;
pages echo their own address only up to a bound."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import SEED_INDEX_NO, portal_settings
from portal_testing import TestClient

from portal.app import create_app
from portal.links import MAX_LINK_CHARS
from portal.settings import load_settings

EVIL = "evil.example"

# Every route that builds an absolute URL, and the redirects Starlette and the views build.
PATHS = [
    "/",
    "/search?q=低保",
    f"/doc/{SEED_INDEX_NO}",
    "/browse/year/2018",
    "/search.atom?q=低保",
    "/feed.atom",
    "/sitemap.xml",
    "/opensearch.xml",
    "/robots.txt",
    "/openapi.json",
    "/browse/",  # Starlette's trailing-slash redirect builds an absolute URL from the request
    f"/doc/{quote('０１４３１９７３３／２０１８－０００１９')}",  # 301 to the canonical path
    "/search?q=" + quote(SEED_INDEX_NO),  # 303 to the document
    "/favicon.ico",
    "/display?large=1&next=/search",
    "/no-such-page",
]


def every_url_in(response) -> str:
    return response.text + " ".join(f"{name}: {value}" for name, value in response.headers.items())


@pytest.mark.parametrize("path", PATHS)
def test_a_claimed_host_is_never_reflected(client, path: str) -> None:
    response = client.get(path, headers={"host": EVIL})
    assert response.status_code < 500
    assert EVIL not in every_url_in(response), path


def test_sitemap_under_a_claimed_host_names_the_allowed_host(client) -> None:
    text = client.get("/sitemap.xml", headers={"host": EVIL}).text
    assert f"<loc>http://testserver/doc/{SEED_INDEX_NO}</loc>" in text


def test_default_allow_list_is_the_bound_address(web_index: Path) -> None:
    settings = portal_settings(web_index, host="127.0.0.1", port=8123)
    with TestClient(create_app(settings)) as other:
        for host in ("testserver", EVIL, "127.0.0.1:8123"):
            robots = other.get("/robots.txt", headers={"host": host}).text
            assert "Sitemap: http://127.0.0.1:8123/sitemap.xml" in robots, host


def test_an_allowed_host_is_kept(web_index: Path) -> None:
    settings = portal_settings(web_index, allowed_hosts=("xxgk.example.gov.cn", "10.0.0.5:8000"))
    with TestClient(create_app(settings)) as other:
        for host in ("xxgk.example.gov.cn", "10.0.0.5:8000"):
            html = other.get(f"/doc/{SEED_INDEX_NO}", headers={"host": host}).text
            assert f'<link rel="canonical" href="http://{host}/doc/{SEED_INDEX_NO}">' in html
        html = other.get(f"/doc/{SEED_INDEX_NO}", headers={"host": EVIL}).text
        assert f'<link rel="canonical" href="http://xxgk.example.gov.cn/doc/{SEED_INDEX_NO}">' in html


def test_base_url_wins_over_every_host_and_sets_the_scheme(web_index: Path) -> None:
    settings = portal_settings(web_index, base_url="https://www.example.gov.cn/xxgk")
    with TestClient(create_app(settings), follow_redirects=False) as other:
        robots = other.get("/robots.txt", headers={"host": EVIL}).text
        assert "Sitemap: https://www.example.gov.cn/xxgk/sitemap.xml" in robots
        redirect = other.get("/browse/", headers={"host": EVIL})
        assert redirect.headers["location"].startswith("https://www.example.gov.cn/")


@pytest.mark.parametrize("value", ["www.example.gov.cn", "javascript:alert(1)", "https://", "https://a.cn/?x=1"])
def test_a_base_url_that_is_not_a_url_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValueError, match="PORTAL_BASE_URL"):
        load_settings({"PORTAL_BASE_URL": value})


def test_allowed_hosts_setting_is_read() -> None:
    settings = load_settings({"PORTAL_ALLOWED_HOSTS": "xxgk.example.gov.cn, 10.0.0.5:8000"})
    assert settings.allowed_hosts == ("xxgk.example.gov.cn", "10.0.0.5:8000")


def test_a_huge_query_is_not_echoed_whole(client) -> None:
    huge = "低保" * 3_500  # 63 KB percent-encoded (httpx refuses a longer query)
    response = client.get("/search", params={"q": huge})
    assert response.status_code == 200
    canonical = response.text.split('<link rel="canonical" href="')[1].split('"')[0]
    assert len(canonical) <= len("http://testserver") + MAX_LINK_CHARS
    toggle = response.text.split('class="large-toggle" href="')[1].split('"')[0]
    assert len(toggle) <= 3 * MAX_LINK_CHARS + 100  # the way back is percent-encoded
    # seven links carry the query (canonical, feeds, JSON, advanced, the change feed), each cut to its bound
    assert len(response.content) < 70_000


def test_a_long_but_ordinary_search_keeps_its_canonical_query(client) -> None:
    params = {"q": "低保", "publisher": ["宿迁市民政局", "市民政局"], "year": "2019"}
    html = client.get("/search", params=params).text
    assert '<link rel="canonical" href="http://testserver/search?q=%E4%BD%8E%E4%BF%9D&amp;publisher=' in html
