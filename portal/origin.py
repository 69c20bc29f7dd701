"""The portal's public origin: PORTAL_BASE_URL, or one of the allowed hosts; never whatever Host a request claims.

Canonical links, feeds, the sitemap, OpenSearch, robots.txt and every redirect Starlette builds are made from
the request's URL. A request can claim any ``Host`` (``Host: evil.example``), so the middleware here replaces
the claim before the application sees it: with PORTAL_BASE_URL set, by that URL's scheme and host; otherwise a
host on the allow-list (PORTAL_ALLOWED_HOSTS, default the address the server is bound to) is kept and any other
becomes the first allowed host. One rewrite at the edge covers every place that builds a URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from portal.settings import Settings


def bound_address(host: str, port: int) -> str:
    """``127.0.0.1:8000``; an IPv6 address in brackets (``[::1]:8000``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_hosts(settings: Settings) -> tuple[str, ...]:
    """PORTAL_ALLOWED_HOSTS, or the bound address when none are set (lower-case ``host[:port]``)."""
    return settings.allowed_hosts or (bound_address(settings.host, settings.port).lower(),)


class PublicOriginMiddleware:
    """Pure ASGI middleware: the ``Host`` header (and, with PORTAL_BASE_URL, the scheme) made trustworthy."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        base = urlsplit(settings.base_url) if settings.base_url else None
        self.scheme = base.scheme if base else None
        self.fixed_host = base.netloc if base else None
        self.allowed = allowed_hosts(settings)

    def host_for(self, claimed: str) -> str:
        if self.fixed_host:
            return self.fixed_host
        return claimed if claimed.lower() in self.allowed else self.allowed[0]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
        claimed = next((value for name, value in scope["headers"] if name == b"host"), b"").decode("latin-1")
        host = self.host_for(claimed.strip())
        scope = {**scope, "headers": [*headers, (b"host", host.encode("latin-1"))]}
        if self.scheme:
            scope["scheme"] = self.scheme
        await self.app(scope, receive, send)
