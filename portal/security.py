"""Security headers on every response, and the one check on URLs that documents supply.

Content-Security-Policy allows this origin only, with no inline script or style, so even a
document that slipped markup past escaping could not run it.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

_LINK_SCHEMES = {"http", "https", "ftp", "mailto"}


def add_security_headers(headers: MutableHeaders) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_href(url: str | None, base: str = "") -> str:
    """An absolute web link a reader may follow, or "" (javascript:, data:, unresolvable relative links).

    Links in a document are relative to the page it was published on (``base``), never to the portal.
    """
    url = (url or "").strip()
    if not url or any(ord(char) < 32 for char in url):
        return ""
    try:
        url = urljoin(base, url) if base else url
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() in _LINK_SCHEMES and (parts.netloc or parts.scheme.lower() == "mailto"):
        return url
    return ""
