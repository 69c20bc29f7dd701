"""The first ingest may add nothing (issue 17, item 11): an empty export (`[]`), a file whose every record is
rejected, or an empty documents/ folder. It ends with a report naming each rejection, and the portal serves
the empty index; it used to end in ``AttributeError: 'EmptyReader' object has no attribute '_perdoc'``."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import REAL_FIXTURES, ROOT, real_inputs

from index.localports import free_port
from portal.app import create_app
from portal.server import server_config, serving
from portal.settings import load_settings


def _ingest(index_dir: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "portal", "ingest", *map(str, paths)], env=env, cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("content", "rejected"),
    [
        pytest.param("[]", None, id="empty-array"),
        # A gkmlpt list whose one record has neither title nor body under any key.
        pytest.param(json.dumps([{"id": 963149, "create_time": 1781771108}]), "record 1", id="rejected"),
    ],
)
def test_a_first_ingest_that_adds_nothing_prints_its_report(tmp_path, content, rejected):
    export = tmp_path / "export.json"
    export.write_text(content, "utf-8")
    done = _ingest(tmp_path / "index", export)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "新增 0 份" in done.stdout  # the report's summary line
    if rejected:
        assert f"{export} {rejected}：no title" in done.stdout and "标题无法使用" in done.stdout


@real_inputs
def test_a_real_crawlers_export_of_nothing_is_a_first_ingest_that_adds_nothing(tmp_path):
    """A scrapy crawl of 江西省生态环境厅's site that yielded no item, exported with ``-O example.json``: scrapy's
    feed of zero items, ``[`` and ``]`` with two line breaks between (jas0no7/local_spider_jason,
    local_crawler/example.json; tests/fixtures/exports/README.md). The first ingest of it ended in the
    EmptyReader ``_perdoc`` crash; it prints its report and adds nothing."""
    export = REAL_FIXTURES / "exports" / "scrapy-feed-no-items.json"
    if not export.is_file():
        pytest.skip(f"{export} is absent (the real inputs live outside the repository)")
    done = _ingest(tmp_path / "index", export)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "新增 0 份" in done.stdout and "拒收 0 条" in done.stdout


def test_an_empty_documents_folder_is_served(tmp_path):
    """`make run` on an empty documents/: the ingest adds nothing and every page answers."""
    folder = tmp_path / "documents"
    folder.mkdir()
    index_dir = tmp_path / "index"
    done = _ingest(index_dir, folder)
    assert done.returncode == 0, done.stderr
    settings = replace(load_settings({"PORTAL_INDEX_DIR": str(index_dir)}), host="127.0.0.1", port=free_port())
    with serving(server_config(settings, create_app(settings), log_level="critical")):
        for path in ("/", "/search?q=" + quote("低保"), "/search.json?q=x", "/stats", "/feed.atom"):
            connection = http.client.HTTPConnection(settings.host, settings.port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status == 200, path
