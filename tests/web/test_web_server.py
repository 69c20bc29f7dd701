"""The portal under uvicorn as `portal serve` runs it, on loopback: keep-alive survives a failing request,
and no response names the server software."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import portal_settings
from starlette.routing import Route

from portal.app import create_app
from portal.server import free_port, server_config, serving


@pytest.fixture(scope="module")
def live(web_index: Path) -> Iterator[tuple[str, int]]:
    """(host, port) of a real server whose app also has a route that fails unexpectedly."""
    settings = portal_settings(web_index, host="127.0.0.1", port=free_port())
    app = create_app(settings)

    def broken(request):
        raise RuntimeError("an unexpected fault")

    app.router.routes.insert(0, Route("/broken", broken))
    with serving(server_config(settings, app, log_level="critical")):
        yield settings.host, settings.port


def test_a_failing_request_never_poisons_the_keep_alive_connection(live) -> None:
    connection = http.client.HTTPConnection(*live, timeout=10)
    connection.connect()
    sock = connection.sock
    for attempt in range(20):
        connection.request("GET", "/broken")
        failed = connection.getresponse()
        failed.read()
        assert failed.status == 500
        assert failed.getheader("connection") != "close"
        connection.request("GET", "/search.json?q=" + quote("低保"))
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 200, attempt
        assert b'"total"' in body
        assert connection.sock is sock, f"the server closed the connection after attempt {attempt}"
    connection.close()


@pytest.mark.parametrize("path", ["/", "/search.json?q=x", "/static/portal.css", "/no-such-page", "/broken"])
def test_no_server_banner(live, path: str) -> None:
    connection = http.client.HTTPConnection(*live, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    assert response.getheader("server") is None
    assert "uvicorn" not in str(response.headers).lower()
    connection.close()
