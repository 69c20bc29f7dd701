"""HTTP for the crawler: GET with a deadline on the whole exchange, retries with backoff, redirects followed by
hand so every hop is checked, requests to one host spaced apart, and bodies capped in size.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import NamedTuple

import httpx

from index.crawl.urls import absolute_url, canonical_host

MB = 1024 * 1024
MAX_PAGE_BYTES = 10 * MB
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

HopCheck = Callable[[str], Awaitable[None]]  # raises to refuse a URL before it is requested


class FetchFailed(Exception):
    """A URL that could not be fetched; ``reason`` says why in a few words ("HTTP 500", "timeout after 15 s")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(FetchFailed):
    """A body over the size limit; the rest of it was never downloaded."""


@dataclass
class Fetched:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True)
class Politeness:
    """How hard the crawler may press a site."""

    timeout: float = 15.0  # seconds for one request, from connecting to the body's last byte
    retries: int = 2  # tries after the first failed one
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    max_retry_after: float = 120.0  # longest Retry-After honoured
    delay: float = 0.5  # seconds between two requests to one host (robots.txt may ask for more)
    concurrency: int = 4


class _Deadline(Exception):
    """A request that did not finish within the timeout, however steadily its bytes were arriving."""


_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, _Deadline)
_LOCATION = "crawler.location"  # where a response's Location header is kept, out of httpx's sight


class _Answer(NamedTuple):
    status: int
    headers: httpx.Headers
    body: bytes
    location: str | None


class Fetcher:
    """GETs through one client, at most ``concurrency`` at a time, each host paced by its delay.

    Use as ``async with Fetcher(...) as fetcher``; the client is closed on leaving.
    """

    def __init__(self, politeness: Politeness, user_agent: str, crawl_delay: Callable[[str], float]) -> None:
        self._politeness = politeness
        self._crawl_delay = crawl_delay  # a host's robots.txt Crawl-delay, once known
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
            },
            timeout=httpx.Timeout(politeness.timeout),
            follow_redirects=False,
            event_hooks={"response": [_take_location]},
        )
        self._slot = asyncio.Semaphore(max(1, politeness.concurrency))
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._next_request_at: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._client.__aexit__(kind, error, trace)

    async def fetch(
        self, url: str, *, check: HopCheck, headers: dict[str, str] | None = None, limit: int = MAX_PAGE_BYTES
    ) -> Fetched:
        """GET ``url``, following redirects by hand so ``check`` sees (and may refuse) every hop first.

        Raises :class:`FetchFailed` (or :class:`TooLarge`) when the URL cannot be fetched; whatever
        ``check`` raises passes through.
        """
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            await check(current)
            answer = await self._get(current, headers or {}, limit)
            if answer.status not in REDIRECT_STATUSES or not answer.location:
                return Fetched(url, current, answer.status, answer.headers, answer.body)
            target = absolute_url(current, answer.location)
            if target is None:
                raise FetchFailed(f"redirected to {answer.location.strip()[:200]!r}, not an http(s) URL")
            current = target
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    async def _get(self, url: str, headers: dict[str, str], limit: int) -> _Answer:
        """One GET with retries: connection errors, timeouts, 5xx and 429 are tried again."""
        tries = self._politeness.retries + 1
        for attempt in range(tries):
            last = attempt == tries - 1
            try:
                answer = await self._get_once(url, headers, limit)
            except _RETRYABLE as exc:
                if last:
                    raise FetchFailed(self._transport_reason(exc)) from exc
                await asyncio.sleep(self._backoff(attempt))
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchFailed(f"bad request ({type(exc).__name__}: {exc})") from exc
            if answer.status not in RETRY_STATUSES or last:
                return answer
            await asyncio.sleep(self._retry_wait(attempt, answer.headers))
        raise AssertionError("unreachable: the last try returns or raises")

    async def _get_once(self, url: str, headers: dict[str, str], limit: int) -> _Answer:
        async with self._slot:
            await self._wait_turn(url)
            # httpx's timeouts bound each read, not the exchange: a server sending a byte a second would
            # hold the crawler for as long as it liked. The deadline covers connect, headers and body.
            try:
                async with asyncio.timeout(self._politeness.timeout):
                    async with self._client.stream("GET", url, headers=headers) as response:
                        body = await read_capped(response, limit) if response.status_code == 200 else b""
                        location = response.extensions.get(_LOCATION)
                        return _Answer(response.status_code, response.headers, body, location)
            except TimeoutError as exc:
                raise _Deadline() from exc

    async def _wait_turn(self, url: str) -> None:
        """Keep requests to one host (however its address is spelt) at least the host's delay apart."""
        host = canonical_host(url) or url
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            wait = self._next_request_at.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_request_at[host] = time.monotonic() + max(self._politeness.delay, self._crawl_delay(url))

    def _backoff(self, attempt: int) -> float:
        return self._politeness.backoff * 2**attempt

    def _retry_wait(self, attempt: int, headers: httpx.Headers) -> float:
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None:
            return self._backoff(attempt)
        return min(retry_after, self._politeness.max_retry_after)

    def _transport_reason(self, exc: Exception) -> str:
        if isinstance(exc, httpx.TimeoutException | _Deadline):
            return f"timeout after {self._politeness.timeout:g} s"
        return f"connection error ({type(exc).__name__}: {exc})" if str(exc) else f"connection error ({exc!r})"


async def _take_location(response: httpx.Response) -> None:
    """Move Location out of the headers before httpx reads it: httpx would resolve it even when not following,
    and raise on addresses it dislikes (``0177.0.0.1``, ``javascript:``). :meth:`Fetcher.fetch` judges it.
    """
    if "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, or :class:`TooLarge` as soon as it passes ``limit`` bytes (the rest is never downloaded)."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise TooLarge(too_large(limit))
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> str:
    if limit >= MB:
        amount = f"{limit / MB:.3g} MB"
    else:
        amount = f"{limit / 1024:.0f} KB" if limit >= 1024 else f"{limit} bytes"
    return f"too large (over {amount})"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date, RFC 9110 §10.2.3), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # delay-seconds is ASCII digits; str.isdigit also passes ², ①
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
