"""``/data``: the latest bulk-data snapshot (``portal export``, index/snapshot.py) with each file's size and SHA-256,
the earlier ones, and the files themselves from ``PORTAL_EXPORT_DIR``.

A file is served only when its snapshot's name has the form ``portal export`` gives it and the file is listed in
that snapshot's manifest; the path is then checked to lie inside the export folder, so no typed name reaches any
other file (``..``, ``%2F``, absolute paths, links out of the folder all answer 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from index.snapshot import Delta, FileEntry, Manifest, SnapshotError, read_manifest, snapshots

SNAPSHOT_NAME = re.compile(r"^snapshot-\d{8}T\d{6}Z(-\d{2,})?$")
LISTED = 10  # earlier snapshots listed on the page
MEDIA_TYPES = {".gz": "application/gzip", ".json": "application/json"}


@dataclass
class DataFile:
    """One file of a snapshot: name, size in bytes, SHA-256 (hex), records it holds, and where to download it."""

    name: str
    bytes: int
    sha256: str
    records: int
    path: str


@dataclass
class SnapshotItem:
    name: str
    created: str  # ISO 8601 UTC
    documents: int
    online: int
    withdrawn: int
    files: list[DataFile]
    delta: Delta | None
    manifest_path: str


@dataclass
class DataResponse:
    """The bulk data on offer: the latest snapshot (null when none has been exported) and the earlier ones."""

    latest: SnapshotItem | None
    earlier: list[SnapshotItem]
    formats: str  # where the formats are described


FORMATS = "docs/bulk-data.md"


def _item(manifest: Manifest) -> SnapshotItem:
    files = [_file(manifest.name, entry) for entry in manifest.files]
    return SnapshotItem(
        manifest.name,
        manifest.created,
        manifest.documents,
        manifest.online,
        manifest.withdrawn,
        files,
        manifest.delta,
        f"/data/{manifest.name}/manifest.json",
    )


def _file(snapshot: str, entry: FileEntry) -> DataFile:
    return DataFile(entry.name, entry.bytes, entry.sha256, entry.records, f"/data/{snapshot}/{entry.name}")


def offered(export_dir: Path) -> DataResponse:
    """The snapshots under ``export_dir``, newest first; one whose manifest cannot be read is left out."""
    items = []
    for folder in reversed(snapshots(export_dir)):
        try:
            items.append(_item(read_manifest(folder)))
        except SnapshotError:
            continue
        if len(items) > LISTED:
            break
    return DataResponse(items[0] if items else None, items[1:], FORMATS)


def _export_dir(request: Request) -> Path:
    return request.app.state.settings.export_dir


def data_page(request: Request) -> Response:
    from portal.views import render

    return render(request, "data.html", {"data": offered(_export_dir(request))})


def data_json(request: Request) -> Response:
    from portal.views import json_response

    return json_response(offered(_export_dir(request)))


def data_file(request: Request) -> Response:
    """``/data/<snapshot>/<file>``: a file its manifest lists (or the manifest), else 404."""
    name, file_name = request.path_params["snapshot"], request.path_params["file"]
    export_dir = _export_dir(request).resolve()
    folder = export_dir / name
    if not SNAPSHOT_NAME.match(name) or not folder.is_dir():
        raise HTTPException(404, "没有这份数据快照。")
    try:
        listed = {entry.name for entry in read_manifest(folder).files} | {"manifest.json"}
    except SnapshotError:
        raise HTTPException(404, "没有这份数据快照。") from None
    path = (folder / file_name).resolve()
    if file_name not in listed or not path.is_relative_to(export_dir) or not path.is_file():
        raise HTTPException(404, "这份快照中没有这个文件。")
    media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media_type, filename=file_name if path.suffix == ".gz" else None)


def human_size(size: int) -> str:
    """``1536`` → ``1.5 KB`` (units of 1,024)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
