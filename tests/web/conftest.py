"""Web fixtures: an index of documents/ plus the hostile fixture documents, the app on it, a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import portal_settings
from portal_testing import TestClient
from starlette.applications import Starlette

from portal.app import create_app


@pytest.fixture(scope="session")
def app(web_index: Path) -> Starlette:
    """The portal on the web index, answering as ``testserver`` (the TestClient's host)."""
    return create_app(portal_settings(web_index, allowed_hosts=("testserver",)))


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    """A client that does not follow redirects, so tests see each 303 and 301."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
