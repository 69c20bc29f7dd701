"""The home page, /browse and the per-publisher, per-classification and per-year pages, with their JSON twins."""

from __future__ import annotations

from html import escape as html_escape
from urllib.parse import quote

from helpers import SEED_TITLE


def test_home_has_a_search_box_latest_documents_and_browse_counts(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<form class="search-form hero-form" role="search" action="/search" method="get"' in html
    assert '<label for="q" class="visually-hidden">检索词</label>' in html
    assert "最新公开" in html
    for label in ("按发布机构", "按组配分类", "按主题分类", "按体裁分类", "按年份"):
        assert label in html
    assert f'href="/browse/publisher/{quote("宿迁市民政局", safe="")}"' in html
    assert 'href="/browse/year/2018"' in html


def test_home_json_twin(client) -> None:
    data = client.get("/index.json").json()
    assert len(data["latest"]) == 10
    dated = [item["pub_date"] for item in data["latest"] if item["pub_date"]]
    assert dated == sorted(dated, reverse=True)
    assert data["stats"]["documents"] >= 39
    years = {v["value"]: v["count"] for v in data["facets"]["year"]["values"]}
    assert years["2018"] >= 1
    html = client.get("/").text
    for item in data["latest"]:
        assert f'href="{item["path"]}"' in html


def test_browse_index_lists_every_dimension(client) -> None:
    html = client.get("/browse").text
    data = client.get("/browse.json").json()
    for key, group in data["facets"].items():
        for value in group["values"][:30]:
            assert html_escape(value["value"], quote=False) in html, (key, value)


def test_browse_publisher_page(client) -> None:
    path = f"/browse/publisher/{quote('市民政局', safe='')}"
    response = client.get(path)
    assert response.status_code == 200
    assert "<h1>发布机构：市民政局</h1>" in response.text
    assert SEED_TITLE in response.text
    assert f'<link rel="canonical" href="http://testserver{path}">' in response.text
    data = client.get(path + ".json").json()
    # 市民政局 is the seed page's short name for 宿迁市民政局: browsing by it still finds the documents.
    assert data["total"] >= 1 and all(hit["publisher"] == "宿迁市民政局" for hit in data["hits"])


def test_browse_category_page(client) -> None:
    data = client.get(f"/browse/category/scheme/{quote('规划计划', safe='')}.json").json()
    assert data["total"] >= 1
    assert data["request"]["filters"] == {"category_scheme": ["规划计划"]}
    html = client.get(f"/browse/category/scheme/{quote('规划计划', safe='')}").text
    assert "<h1>组配分类：规划计划</h1>" in html


def test_browse_year_page(client) -> None:
    data = client.get("/browse/year/2018.json").json()
    assert data["total"] >= 1
    assert all(hit["pub_date"].startswith("2018") for hit in data["hits"] if hit["pub_date"])
    assert "<h1>年份：2018</h1>" in client.get("/browse/year/2018").text


def test_browse_pages_link_onward_to_search_with_the_filter(client) -> None:
    html = client.get("/browse/year/2018").text
    assert "/search?year=2018&amp;publisher=" in html or "/search?publisher=" in html


def test_browse_an_unknown_value_is_404(client) -> None:
    assert client.get(f"/browse/publisher/{quote('不存在的机构', safe='')}").status_code == 404
    assert client.get("/browse/year/1901").status_code == 404
    # a year path with a slash in its value reaches the /browse/{facet}/{value} route: no year, a 404 (was a 500)
    assert client.get("/browse/year/014319733/2018-00019").status_code == 404
    assert client.get("/browse/year/2018/01.json").status_code == 404
    assert client.get(f"/browse/publisher/{quote('不存在的机构', safe='')}.json").status_code == 404


def test_browse_by_validity_and_kind(client) -> None:
    data = client.get(f"/browse/validity/{quote('废止', safe='')}.json").json()
    assert data["total"] >= 1 and all(hit["validity"] == "废止" for hit in data["hits"])
    assert "<h1>有效性：废止</h1>" in client.get(f"/browse/validity/{quote('废止', safe='')}").text
    assert client.get(f"/browse/kind/{quote('解读', safe='')}.json").json()["total"] == 6  # with truthful.json
    assert client.get(f"/browse/kind/{quote('新闻发布', safe='')}.json").json()["total"] == 1
    assert client.get(f"/browse/colour/{quote('红', safe='')}").status_code == 404
    html = client.get("/browse").text
    assert "按有效性" in html and "按文件类型" in html


def test_header_links_to_the_new_pages(client) -> None:
    html = client.get("/").text
    assert '<a href="/advanced">高级检索</a>' in html and '<a href="/stats">统计</a>' in html


def test_a_browse_path_with_a_facet_and_no_value_goes_to_that_facets_list(client) -> None:
    """``/browse/publisher`` was redirected to ``/browse/publisher/``, a 404: each such path (with or without the
    slash) goes to the facet's list on /browse, whose anchor is there; an unknown facet stays a 404."""
    html = client.get("/browse").text
    paths = {
        "/browse/publisher": "publisher",
        "/browse/publisher/": "publisher",
        "/browse/year": "year",
        "/browse/year/": "year",
        "/browse/validity": "validity",
        "/browse/category/topic": "category_topic",
        "/browse/category/genre/": "category_genre",
    }
    for path, key in paths.items():
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (302, f"/browse#browse-{key}"), path
        assert f'id="browse-{key}"' in html
        assert client.get(path, follow_redirects=True).status_code == 200, path
    assert client.get("/browse/category", follow_redirects=False).headers["location"] == "/browse"
    for path in ("/browse/colour", "/browse/colour/", "/browse/category/colour", "/browse/category/colour/"):
        assert client.get(path).status_code == 404, path
