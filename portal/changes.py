"""Change feeds: ``/changes`` lists new, changed, withdrawn and restored documents newest first, read from the
history's events (:meth:`index.history.History.changes`), filtered by publisher (any part of its name) and by kind
of change; ``/changes.json`` and ``/changes.atom`` are its twins, ``/doc/<id>/changes.atom`` one document's feed.

Legal takedowns are never listed (their titles are blanked in the history and they have no page). A request's
``before`` is the paging cursor (an event id); anything a user can type is cleaned or ignored, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from index.history import HOW_NOTICED, Change, History
from portal import feeds
from portal.links import base_url, doc_path
from portal.params import clean_text, parse_natural

PAGE_SIZE = 50
FEED_SIZE = 20
# The kinds of change listed, and how pages name them (takedowns are not listed).
KINDS = {"new": "新增", "changed": "更新", "withdrawn": "撤下", "restored": "恢复"}
MAX_PUBLISHER_CHARS = 100


@dataclass
class ChangesRequest:
    publisher: str = ""  # any part of the publisher's name
    kind: str = ""  # one of KINDS, or "" for all
    before: int | None = None  # paging: events older than this id

    def query(self, **changes: object) -> str:
        """The request as a query string (``?…``, or "" for none), with ``changes``."""
        values = {"publisher": self.publisher, "kind": self.kind, "before": self.before, **changes}
        pairs = [(key, str(value)) for key, value in values.items() if value not in ("", None)]
        return "?" + urlencode(pairs) if pairs else ""


@dataclass
class ChangeItem:
    """One change: event id (the paging cursor), time (UTC ISO 8601), kind and its label, the document, the
    version it made (0 for a withdrawal of no new version), how a withdrawal was noticed, and the links."""

    id: int
    at: str
    kind: str
    label: str
    doc_id: str
    n: int
    title: str
    publisher: str
    how: str
    how_label: str
    path: str  # the document's page
    version_path: str  # the version's permanent address ("" where the event names none)
    diff_path: str  # for a change: the diff from the version before ("" otherwise)


@dataclass
class ChangesResponse:
    request: ChangesRequest
    changes: list[ChangeItem]
    next: str | None  # the next (older) page
    atom: str


def parse_changes(request: Request) -> ChangesRequest:
    params = request.query_params
    kind = clean_text(params.get("kind", ""), 20)
    before = clean_text(params.get("before", ""), 20)
    return ChangesRequest(
        publisher=clean_text(params.get("publisher", ""), MAX_PUBLISHER_CHARS),
        kind=kind if kind in KINDS else "",
        before=parse_natural(before, 15),
    )


def change_item(change: Change) -> ChangeItem:
    version = doc_path(change.doc_id, f"/v/{change.n}") if change.n else ""
    diff = doc_path(change.doc_id, f"/diff?a={change.n - 1}&b={change.n}") if change.kind == "changed" else ""
    return ChangeItem(
        id=change.id,
        at=change.at,
        kind=change.kind,
        label=KINDS.get(change.kind, change.kind),
        doc_id=change.doc_id,
        n=change.n,
        title=change.title,
        publisher=change.publisher,
        how=change.how if change.kind == "withdrawn" else "",
        how_label=HOW_NOTICED.get(change.how, "") if change.kind == "withdrawn" else "",
        path=doc_path(change.doc_id),
        version_path=version,
        diff_path=diff,
    )


def listed_changes(past: History, req: ChangesRequest, limit: int, doc_id: str = "") -> list[ChangeItem]:
    """The newest ``limit`` changes ``req`` asks for (of ``doc_id`` alone, when given), takedowns left out."""
    kinds = (req.kind,) if req.kind else tuple(KINDS)
    found = past.changes(kinds=kinds, publisher=req.publisher, doc_id=doc_id, before_id=req.before, limit=limit)
    return [change_item(change) for change in found]


def changes_of(past: History, doc_ids: list[str], per_document: int = 5) -> list[ChangeItem]:
    """The latest changes of each of ``doc_ids``, newest first (a saved search's feed)."""
    found = [item for doc_id in doc_ids for item in listed_changes(past, ChangesRequest(), per_document, doc_id)]
    return sorted(found, key=lambda item: item.id, reverse=True)


def changes_response(request: Request) -> ChangesResponse:
    from portal.versions import history_of

    req = parse_changes(request)
    items = listed_changes(history_of(request), req, PAGE_SIZE + 1)
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    next_page = "/changes" + req.query(before=items[-1].id) if more and items else None
    return ChangesResponse(req, items, next_page, "/changes.atom" + req.query(before=None))


def changes_page(request: Request) -> Response:
    from portal.views import canonical, render

    data = changes_response(request)
    context = {"data": data, "kinds": KINDS, "canonical": canonical(request, "/changes" + data.request.query())}
    return render(request, "changes.html", context)


def changes_json(request: Request) -> Response:
    from portal.views import json_response

    return json_response(changes_response(request))


def changes_atom(request: Request) -> Response:
    """``/changes.atom``: the newest changes, with the page's filters."""
    from portal.versions import history_of

    req = parse_changes(request)
    req.before = None
    base, site_name = _base(request), request.app.state.settings.site_name
    what = "、".join(part for part in (req.publisher, KINDS.get(req.kind, "")) if part)
    feed = feeds.Feed(
        f"{site_name}：变更记录" + (f"（{what}）" if what else ""),
        base + "/changes.atom" + req.query(),
        base + "/changes" + req.query(),
    )
    items = listed_changes(history_of(request), req, FEED_SIZE)
    return Response(feeds.atom_feed(feed, [], None, changes=feed_changes(items, base)), media_type=feeds.ATOM_TYPE)


def document_atom(request: Request) -> Response:
    """``/doc/<id>/changes.atom``: one document's changes (none yet where its history was not kept); 404 for an id
    neither the history nor the store knows."""
    from portal.versions import history_of
    from portal.views import catalog_of

    doc_id = request.path_params["doc_id"]
    past = history_of(request)
    found = past.document(doc_id)
    if found is None and catalog_of(request).get(doc_id) is None:
        raise HTTPException(404, "没有找到这份文件：索引号或链接可能有误。")
    base, site_name = _base(request), request.app.state.settings.site_name
    title = found.title if found and found.title else doc_id
    feed = feeds.Feed(f"{site_name}：{title} 的变更", base + doc_path(doc_id, "/changes.atom"), base + doc_path(doc_id))
    items = listed_changes(past, ChangesRequest(), FEED_SIZE, doc_id)
    return Response(feeds.atom_feed(feed, [], None, changes=feed_changes(items, base)), media_type=feeds.ATOM_TYPE)


def feed_changes(items: list[ChangeItem], base: str) -> list[feeds.ChangeEntry]:
    """Changes as Atom entries: each its own id (the event's), linked to the version it made (else the page)."""
    return [
        feeds.ChangeEntry(
            entry_id=base + item.path + f"#change-{item.id}",
            title=f"［{item.label}］{item.title or item.doc_id}",
            url=base + (item.version_path or item.path),
            updated=item.at,
            publisher=item.publisher,
            summary="；".join(
                part
                for part in (
                    f"{item.label}：第 {item.n} 版" if item.n else item.label,
                    item.how_label,
                    f"差异：{base}{item.diff_path}" if item.diff_path else "",
                )
                if part
            ),
        )
        for item in items
    ]


def _base(request: Request) -> str:
    return base_url(request, request.app.state.settings.base_url)
