"""Error pages: 404 with a search box, friendly pages for other statuses, JSON errors for the API.

The catch-all (:class:`ErrorPageMiddleware`) is a last resort; tests prove typed input never reaches it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.responses import ErrorResponse, to_json
from portal.security import add_security_headers

log = logging.getLogger(__name__)

MESSAGES = {
    404: "没有找到您要访问的页面。",
    405: "本站只提供查询，不接受这种请求。",
    410: "这份文件已依法撤除，不再提供。",
    503: "检索服务暂时不可用，请稍后再试。",
    500: "服务器出了点问题，请稍后再试。",
}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.endswith(".json") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, status_code: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse(to_json(ErrorResponse(message, status_code)), status_code=status_code)
    templates = getattr(request.app.state, "templates", None)
    if templates is None:
        return PlainTextResponse(message, status_code=status_code)
    name = "404.html" if status_code == 404 else "error.html"
    query = request.query_params.get("q", "") or request.path_params.get("doc_id", "")
    context = {"status_code": status_code, "message": message, "q": query[:200], "canonical": ""}
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.detail and exc.detail != _reason(exc.status_code) else ""
    response = error_response(request, exc.status_code, message or MESSAGES.get(exc.status_code, "请求无法完成。"))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def no_index(request: Request, exc: Exception) -> Response:
    """The index has not been built yet (a fresh clone before ``portal ingest``)."""
    message = "检索索引尚未建立或版本已过期：请运行 portal ingest documents（升级后加 --rebuild），或 make run。"
    return error_response(request, 503, message)


def damaged_index(request: Request, exc: Exception) -> Response:
    """A file of the index is damaged (index.whoosh.checksums): 503, the file named in the log, not on the public
    page."""
    log.error("%s", exc)
    return error_response(request, 503, "检索索引已损坏，暂时无法检索：管理员运行 portal doctor 可查看原因。")


def server_error(request: Request, exc: Exception) -> Response:
    """Last resort. Runs outside the middleware stack, so it adds the security headers itself.

    An index damaged after the server opened it fails where a search reads the damaged part: the index's
    files are checked against their checksums again, and a damaged index answers 503 as at start."""
    damaged = _damage(request)
    if damaged is not None:
        response = damaged_index(request, damaged)
        add_security_headers(response.headers)
        return response
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    try:
        response = error_response(request, 500, MESSAGES[500])
    except Exception:  # the error page itself failed: fall back to text
        log.exception("error page failed")
        response = PlainTextResponse(MESSAGES[500], status_code=500)
    add_security_headers(response.headers)
    return response


def _damage(request: Request) -> Exception | None:
    """The damage the request's store finds in its files now (the Whoosh index: index/whoosh/checksums.py), if any."""
    try:
        check = getattr(getattr(request.state, "catalog", None), "damage", None)
        return check() if check is not None else None
    except Exception:  # the check itself failed: the 500 stands
        log.exception("checking the index after an error failed")
        return None


class ErrorPageMiddleware:
    """Pure ASGI middleware: an unexpected exception becomes the 500 page, is logged, and goes no further.

    Starlette's own last resort answers and then re-raises so that the server can log the error; uvicorn
    then closes the connection, and the next request a client sends on that keep-alive connection fails.
    Only an exception after the response has started (half a response is out) still reaches the server,
    which must close the connection to end it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            response = await run_in_threadpool(server_error, Request(scope), exc)
            await response(scope, receive, send)


def _reason(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""
