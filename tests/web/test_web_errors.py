"""Error pages: 404 with a search box, JSON errors, 503 before the first ingest, the last-resort 500."""

from __future__ import annotations

from pathlib import Path

from helpers import TEST_STORE, portal_settings
from portal_testing import TestClient
from starlette.routing import Route

from portal.app import create_app


def test_404_page_offers_a_search_box(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert '<form class="search-form" role="search" action="/search"' in response.text
    assert '<a href="/browse">' in response.text


def test_404_keeps_the_reader_query_escaped(client) -> None:
    response = client.get("/nothing", params={"q": '"><script>alert(1)</script>'})
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.text
    assert "&#34;&gt;&lt;script&gt;" in response.text


def test_json_routes_answer_errors_in_json(client) -> None:
    response = client.get("/doc/nothing-here.json")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]


def test_405_is_friendly(client) -> None:
    response = client.post("/search")
    assert response.status_code == 405
    assert "只提供查询" in response.text


def test_before_the_first_ingest_pages_say_what_to_do(tmp_path: Path) -> None:
    settings = portal_settings(tmp_path / "no-index")
    with TestClient(create_app(settings)) as client:
        response = client.get("/search", params={"q": "低保"})
        assert response.status_code == 503
        # The Whoosh store says to ingest; a cluster store that does not answer says the cluster is down.
        assert ("检索集群" if TEST_STORE == "manticore" else "portal ingest") in response.text
        assert client.get("/search.json").json()["status"] == 503
        assert response.headers["x-content-type-options"] == "nosniff"


def test_an_unexpected_error_renders_the_error_page_with_security_headers(web_index: Path) -> None:
    app = create_app(portal_settings(web_index))

    def broken(request):
        raise RuntimeError("boom")

    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert "抱歉" in response.text
    assert "boom" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "DENY"
