"""robots.txt as RFC 9309 reads it, through protego: the longest matching rule wins, ``*`` and ``$`` patterns,
Allow beside Disallow, and Crawl-delay (not in the RFC, but what Chinese government sites write).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from protego import Protego

from index.crawl.urls import origin_of

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 §2.5: parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a Crawl-delay is honoured up to this many seconds


class RobotsDisallowed(Exception):
    """robots.txt does not let this crawler fetch ``url``."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class RobotsRules:
    """One site's robots.txt rules, or a blanket allow or disallow where the file says nothing usable."""

    def __init__(self, parser: Protego | None = None, *, allow_all: bool = False) -> None:
        self._parser = parser
        self._allow_all = allow_all

    @classmethod
    def from_response(cls, status: int | None, body: bytes = b"") -> RobotsRules:
        """Rules from fetching robots.txt (``status`` None: it could not be fetched at all).

        RFC 9309 §2.3.1: a 2xx gives the file's rules; a 4xx means there are none; a 5xx or an
        unreachable server means the crawler must assume it may fetch nothing.
        """
        if status is not None and 200 <= status < 300:
            return cls(Protego.parse(body[:MAX_ROBOTS_BYTES].decode("utf-8-sig", errors="replace")))
        return cls(allow_all=status is not None and 400 <= status < 500)

    def allows(self, url: str, user_agent: str) -> bool:
        if self._parser is None:
            return self._allow_all
        return self._parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float:
        """The Crawl-delay for ``user_agent`` in seconds (0 if none), capped at :data:`MAX_CRAWL_DELAY`."""
        delay = self._parser.crawl_delay(user_agent) if self._parser is not None else None
        return min(float(delay or 0), MAX_CRAWL_DELAY)


RobotsLoader = Callable[[str], Awaitable[RobotsRules]]  # robots.txt URL → its rules


class RobotsCache:
    """Each origin's robots.txt, fetched once per run; concurrent requests to a new origin wait for the first.

    Origins are keyed by their canonical host, so ``127.0.0.1`` and ``2130706433`` share one file.
    """

    def __init__(self, user_agent: str, load: RobotsLoader) -> None:
        self.user_agent = user_agent
        self._load = load
        self._rules: dict[tuple[str, int], RobotsRules] = {}
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}

    async def allows(self, url: str) -> bool:
        origin = origin_of(url)
        if origin is None:
            return False
        async with self._locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._rules:
                self._rules[origin] = await self._load(robots_url(url))
        return self._rules[origin].allows(url, self.user_agent)

    def crawl_delay(self, url: str) -> float:
        """The origin's Crawl-delay, once its robots.txt is known (0 before)."""
        origin = origin_of(url)
        rules = self._rules.get(origin) if origin is not None else None
        return rules.crawl_delay(self.user_agent) if rules is not None else 0.0


def robots_url(url: str) -> str:
    """Where the robots.txt governing ``url`` is: ``/robots.txt`` on its scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/robots.txt"
