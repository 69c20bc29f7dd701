"""/data (portal/bulkdata.py): the latest snapshot `portal export` wrote, with each file's size and SHA-256, the
files served from PORTAL_EXPORT_DIR, and nothing else reachable however the path is typed."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import portal_settings
from portal_testing import TestClient

from index.snapshot import read_manifest, record_of, write_snapshot
from index.whoosh.catalog import Catalog
from portal.app import create_app


@pytest.fixture(scope="module")
def exported(web_index: Path, tmp_path_factory) -> Path:
    export_dir = tmp_path_factory.mktemp("data") / "export"
    catalog = Catalog(web_index)
    try:
        first = write_snapshot((record_of(doc) for doc in catalog.documents()), export_dir)
        write_snapshot((record_of(doc) for doc in catalog.documents()), export_dir)
    finally:
        catalog.close()
    (first / "stray.txt").write_text("not listed", "utf-8")
    (export_dir / "secret.txt").write_text("beside the snapshots", "utf-8")
    return export_dir


@pytest.fixture(scope="module")
def data_client(web_index: Path, exported: Path) -> Iterator[TestClient]:
    settings = portal_settings(web_index, allowed_hosts=("testserver",), export_dir=exported)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def latest(exported: Path) -> Path:
    return sorted(exported.glob("snapshot-*"))[-1]


def test_the_page_links_the_latest_snapshot_with_sizes_and_checksums(data_client, exported) -> None:
    manifest = read_manifest(latest(exported))
    page = data_client.get("/data").text
    assert f"最新快照 {manifest.name}" in page
    for entry in manifest.files:
        assert f'<a href="/data/{manifest.name}/{entry.name}">{entry.name}</a>' in page
        assert f'<code class="sha256">{entry.sha256}</code>' in page
    assert html.escape(f"共 {manifest.documents} 份文件") in page and "较早的快照" in page


def test_the_json_twin_and_the_files_match_the_manifest(data_client, exported) -> None:
    manifest = read_manifest(latest(exported))
    data = data_client.get("/data.json").json()
    assert data["latest"]["name"] == manifest.name and len(data["earlier"]) == 1
    for item in data["latest"]["files"]:
        response = data_client.get(item["path"])
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == item["sha256"] and len(response.content) == item["bytes"]
    assert data_client.get(data["latest"]["manifest_path"]).json()["name"] == manifest.name


@pytest.mark.parametrize(
    "path",
    [
        "/data/{name}/stray.txt",  # in the folder, not in the manifest
        "/data/{name}/..%2Fsecret.txt",
        "/data/{name}/%2E%2E%2Fsecret.txt",
        "/data/..%2F{name}/manifest.json",
        "/data/snapshot-x/manifest.json",
        "/data/{name}/nothing.gz",
        "/data/{name}/%2Fetc%2Fpasswd",
        "/data/{name}%00/manifest.json",
    ],
)
def test_nothing_outside_the_listed_files_is_served(data_client, exported, path: str) -> None:
    response = data_client.get(path.format(name=latest(exported).name))
    assert response.status_code == 404, path


def test_a_listed_name_linked_out_of_the_folder_is_not_followed(data_client, exported, tmp_path) -> None:
    outside = tmp_path / "outside.gz"
    outside.write_bytes(b"outside")
    snapshot = latest(exported)
    target = snapshot / "documents.csv.gz"
    kept = target.read_bytes()
    target.unlink()
    target.symlink_to(outside)
    try:
        assert data_client.get(f"/data/{snapshot.name}/documents.csv.gz").status_code == 404
    finally:
        target.unlink()
        target.write_bytes(kept)


def test_without_a_snapshot_the_page_says_so(web_index, tmp_path) -> None:
    settings = portal_settings(web_index, allowed_hosts=("testserver",), export_dir=tmp_path / "none")
    with TestClient(create_app(settings)) as client:
        assert "尚未生成数据快照" in client.get("/data").text
        assert client.get("/data.json").json()["latest"] is None
