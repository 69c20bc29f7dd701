"""Reader preferences kept in a cookie: the large-text mode (适老化), switched by a plain link.

``/display?large=1&next=/search?q=低保`` sets the cookie and goes back; no JavaScript involved.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse

LARGE_TEXT_COOKIE = "large_text"
ONE_YEAR = 365 * 24 * 3600


def large_text(request: Request) -> bool:
    return request.cookies.get(LARGE_TEXT_COOKIE) == "1"


def local_path(target: str) -> str:
    """``target`` if it is a path on this site, else ``/`` (no open redirect through ``next``)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(ord(c) < 32 for c in target):
        return "/"
    return target


def display(request: Request) -> RedirectResponse:
    """Turn large text on (``large=1``) or off (``large=0``) and return to ``next``."""
    response = RedirectResponse(local_path(request.query_params.get("next", "/")), status_code=303)
    if request.query_params.get("large") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=ONE_YEAR, httponly=True, samesite="lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, httponly=True, samesite="lax")
    return response
