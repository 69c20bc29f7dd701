"""A document's past on the portal: 版本历史 on its page, each version at a permanent address
(``/doc/<id>/v/<n>``), a word-level diff of any two versions (``/doc/<id>/diff?a=&b=``), and the raw page as
received (``/doc/<id>/raw/<sha256>``), each with its JSON twin where it has one.

Everything here is read from the history (:mod:`index.history`), whatever store serves the documents. Any id,
version number or hash a user can type answers a page: 404 with a message for what does not exist, never 500.
Raw pages are served as ``text/plain`` with ``nosniff`` and a sandboxing Content-Security-Policy, so nothing
in them runs, whatever they hold.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from index.history import HOW_NOTICED, SIGHTED, DocHistory, History, Sighting
from index.versiondiff import diff_fields
from portal.links import doc_path
from portal.params import parse_natural
from portal.responses import (
    CitationItem,
    DiffResponse,
    DiffSpan,
    FieldDiffItem,
    HistoryItem,
    SightingItem,
    VersionItem,
    VersionResponse,
    citation_item,
    public_document,
)
from portal.security import safe_href

SIGHTINGS_SHOWN = 20
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def history_of(request: Request) -> History:
    return request.app.state.history


def version_path(doc_id: str, n: int) -> str:
    return doc_path(doc_id, f"/v/{n}")


def raw_path(doc_id: str, sha256: str) -> str:
    return doc_path(doc_id, f"/raw/{sha256}") if sha256 else ""


def version_items(doc_id: str, history: DocHistory) -> list[VersionItem]:
    return [
        VersionItem(v.n, v.first_seen, v.last_seen, v.sightings, version_path(doc_id, v.n)) for v in history.versions
    ]


def sighting_item(doc_id: str, sighting: Sighting) -> SightingItem:
    return SightingItem(
        n=sighting.n,
        at=sighting.at,
        url=safe_href(sighting.url),  # the original address only: never the server's file path
        status=sighting.status,
        etag=sighting.etag,
        last_modified=sighting.last_modified,
        sha256=sighting.raw_sha256,
        how=sighting.how,
        raw_path=raw_path(doc_id, sighting.raw_sha256),
    )


def history_item(history: History, doc_id: str) -> HistoryItem | None:
    """What the document page shows of ``doc_id``'s history, or None where the history does not know it."""
    found = history.document(doc_id)
    if found is None:
        return None
    latest = history.sightings(doc_id, limit=1)
    return HistoryItem(
        status=found.status,
        withdrawn_at=found.withdrawn_at,
        withdrawn_how=found.withdrawn_how,
        withdrawn_label=found.withdrawn_label,
        first_seen=found.first_seen,
        last_seen=found.last_seen,
        latest=found.latest,
        versions=version_items(doc_id, found),
        provenance=sighting_item(doc_id, latest[0]) if latest else None,
    )


def not_found(request: Request, doc_id: str, message: str) -> HTTPException:
    """The error for a document path that holds nothing: 410 for a document taken down (RFC 9110 §15.5.11: gone
    on purpose, for good; the reason stays in the operator's log), else 404 with ``message``."""
    gone = history_of(request).takedown_of(doc_id)
    if gone is not None:
        return HTTPException(410, f"这份文件已于{gone.at[:10]}依法撤除，不再提供。")
    return HTTPException(404, message)


def _known(request: Request) -> tuple[str, DocHistory]:
    doc_id = request.path_params["doc_id"]
    found = history_of(request).document(doc_id)
    if found is None:
        raise not_found(request, doc_id, "没有这份文件的版本记录：索引号或链接可能有误。")
    return doc_id, found


def _number(text: str | None, history: DocHistory, default: int) -> int:
    """A version number as typed (``3``, `` 3 ``, ``v3``); ``default`` when none is given; 404 when it names none."""
    if text is None or not str(text).strip():
        return default
    n = parse_natural(str(text).strip().lstrip("vV"), 9)
    if n is None:
        raise HTTPException(404, f"版本号应为数字，如 1 至 {history.latest}。")
    if not any(v.n == n for v in history.versions):
        raise HTTPException(404, f"这份文件没有第 {n} 版（共 {history.latest} 版）。")
    return n


# Version pages --------------------------------------------------------------------------------------


def version_data(request: Request) -> dict[str, Any]:
    doc_id, found = _known(request)
    n = _number(request.path_params.get("n"), found, found.latest)
    record = history_of(request).version(doc_id, n)
    if record is None:  # taken down between the two reads
        raise HTTPException(404, f"这份文件没有第 {n} 版。")
    sightings = [sighting_item(doc_id, s) for s in history_of(request).sightings(doc_id, n, limit=SIGHTINGS_SHOWN)]
    versions = version_items(doc_id, found)
    return {
        "doc_id": doc_id,
        "n": n,
        "history": found,
        "record": record,
        "doc": record.document,
        "versions": versions,
        "version": next(v for v in versions if v.n == n),
        "sightings": sightings,
        "how_sighted": SIGHTED,
    }


def version_citation(request: Request, data: dict[str, Any]) -> CitationItem:
    """引用本文 for the version ``data`` shows, citing its permanent address."""
    from portal.views import citation_of

    return citation_item(citation_of(request, data["doc"], data["n"]), data["version"].path)


def version_page(request: Request) -> Response:
    from portal.views import canonical, render

    data = version_data(request)
    context = {**data, "canonical": canonical(request, data["version"].path)}
    return render(request, "version.html", {**context, "citation": version_citation(request, data)})


def version_json(request: Request) -> Response:
    from portal.views import json_response

    data = version_data(request)
    return json_response(
        VersionResponse(
            id=data["doc_id"],
            n=data["n"],
            latest=data["history"].latest,
            version=data["version"],
            document=public_document(data["doc"], "", ""),
            versions=data["versions"],
            sightings=data["sightings"],
            citation=version_citation(request, data),
        )
    )


# Diffs --------------------------------------------------------------------------------------------------


def diff_data(request: Request) -> DiffResponse:
    doc_id, found = _known(request)
    b = _number(request.query_params.get("b"), found, found.latest)
    a = _number(request.query_params.get("a"), found, max(1, b - 1) if b > 1 else found.latest)
    history = history_of(request)
    older, newer = history.version(doc_id, a), history.version(doc_id, b)
    if older is None or newer is None:
        raise HTTPException(404, "没有所比较的版本。")
    fields = [
        FieldDiffItem(item.field, item.label, [DiffSpan(span.op, span.text) for span in item.spans])
        for item in diff_fields(older.fields, newer.fields)
    ]
    return DiffResponse(doc_id, a, b, version_path(doc_id, a), version_path(doc_id, b), fields)


def diff_page(request: Request) -> Response:
    from portal.views import canonical, render

    diff = diff_data(request)
    _, found = _known(request)
    context = {
        "diff": diff,
        "history": found,
        "doc_id": diff.id,
        "canonical": canonical(request, doc_path(diff.id, f"/diff?a={diff.a}&b={diff.b}")),
    }
    return render(request, "diff.html", context)


def diff_json(request: Request) -> Response:
    from portal.views import json_response

    return json_response(diff_data(request))


# Raw pages ----------------------------------------------------------------------------------------------


def raw_page(request: Request) -> Response:
    """The bytes a version was read from, as received: text/plain (never rendered or run), or a download."""
    doc_id = request.path_params["doc_id"]
    sha = request.path_params["sha256"]
    history = history_of(request)
    if not _SHA256.match(sha) or not any(s.raw_sha256 == sha.lower() for s in _all_raw(history, doc_id)):
        raise HTTPException(404, "没有这份原始网页：链接可能有误。")
    blob = history.raw(sha)
    if blob is None:
        raise HTTPException(404, "没有这份原始网页：链接可能有误。")
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "public, max-age=86400, immutable",  # addressed by its hash: it never changes
    }
    if request.query_params.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{sha.lower()}.txt"'
    return Response(blob.data, media_type=f"text/plain; charset={_charset(blob.data)}", headers=headers)


def _all_raw(history: History, doc_id: str) -> list[Sighting]:
    found = history.document(doc_id)
    if found is None:
        return []
    sightings = history.sightings(doc_id, limit=10_000)
    listed = {s.raw_sha256 for s in sightings}
    extra = [
        Sighting(v.n, v.last_seen, "", None, "", "", v.raw_sha256, "", "", "")
        for v in found.versions
        if v.raw_sha256 not in listed
    ]
    return sightings + extra


def _charset(data: bytes) -> str:
    """The charset to declare for raw bytes: UTF-8 where they decode so, else GB18030 (GBK pages), else latin-1."""
    for charset in ("utf-8", "gb18030"):
        try:
            data.decode(charset)
            return charset
        except UnicodeDecodeError:
            continue
    return "iso-8859-1"


def withdrawal_text(how: str) -> str:
    return HOW_NOTICED.get(how, how)
