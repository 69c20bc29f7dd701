"""Atom feeds, sitemap.xml, the OpenSearch description and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from helpers import SEED_INDEX_NO, SEED_TITLE, portal_settings
from portal_testing import XSS_INDEX_NO

from portal.feeds import rfc3339

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def atom(client, path: str, **params: str) -> ET.Element:
    response = client.get(path, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    return root


def entries(root: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title") or "",
            "id": entry.findtext(f"{ATOM}id") or "",
            "updated": entry.findtext(f"{ATOM}updated") or "",
            "href": entry.find(f"{ATOM}link").get("href") or "",
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_search_feed_has_the_newest_hits_of_the_first_page(client) -> None:
    root = atom(client, "/search.atom", q="低保")
    data = client.get("/search.json", params={"q": "低保", "sort": "newest"}).json()
    found = entries(root)
    assert [e["href"] for e in found] == [f"http://testserver{hit['path']}" for hit in data["hits"]]
    assert all(e["id"] == e["href"] and e["updated"] for e in found)
    assert "<mark>" not in "".join(e["summary"] for e in found)  # highlights become plain text
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"][0]
    assert self_link.get("href").startswith("http://testserver/search.atom?q=")


def test_search_feed_follows_filters(client) -> None:
    found = entries(atom(client, "/search.atom", q="低保", publisher="市民政局"))
    assert SEED_TITLE in [e["title"] for e in found]


def test_latest_feed_is_newest_first(client) -> None:
    found = entries(atom(client, "/feed.atom"))
    assert len(found) == 20
    updated = [e["updated"] for e in found if not e["updated"].startswith("1970")]
    assert updated == sorted(updated, reverse=True)


def test_feed_titles_are_text_not_markup(client) -> None:
    found = entries(atom(client, "/search.atom", q="测试转义"))
    assert "<script>alert(1)</script>关于测试转义的通知" in [e["title"] for e in found]
    raw = client.get("/search.atom", params={"q": "测试转义"}).text
    assert "<script>" not in raw


def test_rfc3339_dates() -> None:
    assert rfc3339("2018-04-10") == "2018-04-10T00:00:00+08:00"
    assert rfc3339("2018-04") == "2018-04-01T00:00:00+08:00"
    assert rfc3339("2018") == "2018-01-01T00:00:00+08:00"
    assert rfc3339("") == "1970-01-01T00:00:00Z"


def test_sitemap_lists_every_document(client) -> None:
    response = client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    locs = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    assert locs[f"http://testserver/doc/{SEED_INDEX_NO}"] == "2018-04-10"
    assert f"http://testserver/doc/{XSS_INDEX_NO}" in locs
    assert "http://testserver/browse/year/2018" in locs
    documents = client.get("/stats.json").json()["documents"]  # copies of one document count once
    assert sum(1 for loc in locs if "/doc/" in loc) == documents


def test_a_sitemap_past_its_url_limit_is_split_under_a_sitemap_index(client, monkeypatch) -> None:
    """sitemaps.org: at most 50,000 URLs a sitemap (issue 18); here the limit is lowered to 7."""
    from portal import discovery

    whole = {url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(client.get("/sitemap.xml").content)}
    assert len(whole) > 7 * 2
    monkeypatch.setattr(discovery, "SITEMAP_URLS", 7)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [entry.findtext(f"{SITEMAP}loc") for entry in index]
    assert parts == [f"http://testserver/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(whole) // 7)
    listed: list[str] = []
    for part in parts:
        response = client.get(part.removeprefix("http://testserver"))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        urls = ET.fromstring(response.content)
        assert urls.tag == f"{SITEMAP}urlset" and 1 <= len(urls) <= 7
        listed += [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert sorted(listed) == sorted(whole)
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    monkeypatch.undo()
    assert client.get("/sitemap-1.xml").status_code == 404  # one sitemap again: no parts


def test_opensearch_description(client) -> None:
    response = client.get("/opensearch.xml")
    assert response.headers["content-type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert len(root.findtext(f"{OPENSEARCH}ShortName")) <= 16
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://testserver/search?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://testserver/search.atom?q={searchTerms}"
    home = client.get("/").text
    assert '<link rel="search" type="application/opensearchdescription+xml"' in home


def test_robots_txt_points_at_the_sitemap(client) -> None:
    text = client.get("/robots.txt").text
    assert "User-agent: *" in text
    assert "Disallow: /search" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_pages_link_their_feeds(client) -> None:
    assert (
        '<link rel="alternate" type="application/atom+xml" title="最新公开" href="/feed.atom">' in client.get("/").text
    )
    search = client.get("/search", params={"q": "低保"}).text
    assert 'type="application/atom+xml" title="订阅此检索" href="/search.atom?q=%E4%BD%8E%E4%BF%9D"' in search


def test_base_url_setting_makes_absolute_urls(web_index) -> None:

    from portal_testing import TestClient

    from portal.app import create_app

    settings = portal_settings(web_index, base_url="https://xxgk.example.gov.cn")
    with TestClient(create_app(settings)) as other:
        assert "Sitemap: https://xxgk.example.gov.cn/sitemap.xml" in other.get("/robots.txt").text
        html = other.get(f"/doc/{SEED_INDEX_NO}").text
        assert f'<link rel="canonical" href="https://xxgk.example.gov.cn/doc/{SEED_INDEX_NO}">' in html


def test_feed_entries_carry_an_abstract_and_the_publisher_as_author(client) -> None:
    root = atom(client, "/feed.atom")
    latest = {item["path"]: item for item in client.get("/index.json").json()["latest"]}
    for entry in root.findall(f"{ATOM}entry"):
        path = entry.find(f"{ATOM}link").get("href").replace("http://testserver", "")
        summary = entry.findtext(f"{ATOM}summary") or ""
        item = latest.get(path)
        if item is None:
            continue
        if item["publisher"]:
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == item["publisher"]
        if item["abstract"]:
            assert item["abstract"].rstrip("…")[:40] in summary
    seed = entries(atom(client, "/search.atom", q="市民政局2018年一季度工作情况", field="title"))[0]
    assert "今年以来" in seed["summary"] or "<mark>" not in seed["summary"]


def test_search_feed_is_newest_first_whatever_the_sort(client) -> None:
    """A subscription is for what is new: by relevance, 宿迁 低保 news of 2024 ranked below older notices."""
    for sort in ("relevance", "oldest", "newest"):
        root = atom(client, "/search.atom", q="医疗保险", sort=sort)
        updated = [e["updated"] for e in entries(root) if not e["updated"].startswith("1970")]
        assert updated == sorted(updated, reverse=True), sort
        assert root.findtext(f"{ATOM}updated") == updated[0]
    newest = client.get("/search.json", params={"q": "医疗保险", "sort": "newest"}).json()["hits"][0]["path"]
    assert entries(atom(client, "/search.atom", q="医疗保险"))[0]["href"] == f"http://testserver{newest}"


def test_sitemap_lists_a_document_once(client) -> None:
    """tests/web/fixtures/copies.json: one notice under two URLs is one sitemap entry."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    copies = client.get("/search.json", params={"q": "2023年度城乡居民基本医疗保险缴费标准"}).json()["hits"]
    listed = [hit for hit in copies if hit["copies"]]
    assert listed, "the fixture's copies collapse into one hit"
    for hit in listed:
        paths = [hit["path"], *(f"/doc/{copy['id']}" for copy in hit["copies"])]
        assert len([loc for loc in locations if any(loc.endswith(path) for path in paths)]) == 1
