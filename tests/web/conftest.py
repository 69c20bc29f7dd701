"""Web fixtures: an index of documents/ plus the hostile fixture documents, the app on it, a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import DOCUMENTS
from portal_testing import FIXTURES, TestClient
from starlette.applications import Starlette

from index.ingest import ingest_paths
from portal.app import create_app
from portal.settings import load_settings


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """documents/ plus tests/web/fixtures (a document titled <script>…, hostile links)."""
    index_dir = tmp_path_factory.mktemp("web-index")
    report = ingest_paths([DOCUMENTS, FIXTURES], index_dir)
    assert not report.rejected, report.rejected
    return index_dir


@pytest.fixture(scope="session")
def app(web_index: Path) -> Starlette:
    return create_app(replace(load_settings({}), index_dir=web_index))


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    """A client that does not follow redirects, so tests see each 303 and 301."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
