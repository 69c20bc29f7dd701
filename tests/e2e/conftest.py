"""End-to-end fixtures: the real app under uvicorn on a free loopback port, and headless Chromium.

Chromium is Debian's (/usr/bin/chromium): Playwright's own browser downloads are not used.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, portal_settings

from index.localports import free_port
from portal.server import server_config, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="session")
def server(web_index: Path) -> Iterator[str]:
    """Base URL of the portal served by uvicorn in a thread, configured as `portal serve` configures it."""
    settings = portal_settings(web_index, host="127.0.0.1", port=free_port())
    with serving(server_config(settings, log_level="warning")) as base_url:
        yield base_url


@pytest.fixture(scope="module")  # Playwright holds an event loop: release it after this module
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors, script errors, CSP violations and dialogs seen by ``page``; a test may clear expected ones."""
    return []


@pytest.fixture
def page(browser, server: str, console_errors: list[str]) -> Iterator[object]:
    """A fresh page (own cookies) with the server as base URL; fails the test on any console error."""
    context = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.on("dialog", lambda dialog: console_errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield page
    context.close()
    assert not console_errors, console_errors


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shot(screenshots: Path):
    """``shot(page, name, full_page=True)`` saves tests/screenshots/<name>.png for a person to look at."""

    def take(page, name: str, full_page: bool = True) -> None:
        path = screenshots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(f"screenshot: {path}")

    return take


@pytest.fixture
def context_for(browser, server: str, console_errors: list[str]):
    """``context_for(width, large_text=False)``: a fresh browser context at that viewport width (phones at 2x),
    optionally in the large-text mode; console errors fail the test as with ``page``."""
    contexts = []

    def make(width: int, large_text: bool = False, height: int = 900):
        scale = 2 if width < 600 else 1
        context = browser.new_context(
            base_url=server, locale="zh-CN", viewport={"width": width, "height": height}, device_scale_factor=scale
        )
        if large_text:
            context.add_cookies([{"name": "large_text", "value": "1", "url": server}])
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: console_errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not console_errors, console_errors
