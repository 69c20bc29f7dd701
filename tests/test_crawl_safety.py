"""The crawler cannot be turned against anyone: redirects stay on the crawled hosts however an address is spelt,
every request has a deadline, robots.txt is read as RFC 9309 says, other schemes get a message, and what a
killed crawl left behind is cleaned up. All against the loopback site of tests/crawlsite.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from crawlsite import (
    BIG_ZIP_PATH,
    BY_SERIAL,
    LIST_PAGES,
    PDF_PATH,
    PRIVATE,
    REDIRECT,
    TRICKLE,
    TRICKLE_BYTES,
    CrawlSite,
    serve,
)

from index.crawl.crawler import CrawlOptions, run_crawl
from index.crawl.folder import url_key
from index.crawl.robots import RobotsRules
from index.crawl.urls import UnsupportedURL, canonical_host

DETAIL = BY_SERIAL[1001].url_path


def fast(**overrides: object) -> CrawlOptions:
    settings: dict[str, object] = {"delay": 0, "timeout": 0.5, "retries": 0, "backoff": 0.01}
    return CrawlOptions(**{**settings, **overrides})


@pytest.fixture
def site() -> Iterator[tuple[CrawlSite, str, int]]:
    site = CrawlSite(with_slow_page=False)
    with serve(site) as base:
        yield site, base, int(base.rsplit(":", 1)[1])


def _crawl_urls(tmp_path: Path, urls: list[str], **options: object):
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return run_crawl(listing, tmp_path / "crawl", options=fast(**options))


def _stored_urls(crawl_dir: Path) -> set[str]:
    return {json.loads(p.read_text(encoding="utf-8"))["url"] for p in crawl_dir.glob("*/pages/*.json")}


# --- redirects stay on the crawled hosts -----------------------------------------------------------

# The loopback address the site listens on, as a redirect may spell it (each reaches the same server).
LOOPBACK_SPELLINGS = [
    pytest.param("2130706433", id="decimal"),
    pytest.param("0x7f.1", id="hex-short"),
    pytest.param("0177.0.0.1", id="octal"),
    pytest.param("127.1", id="short"),
    pytest.param("127.0.0.1", id="dotted"),
    pytest.param("127.0.0.1.", id="trailing-dot"),
    pytest.param("[::ffff:127.0.0.1]", id="ipv4-mapped-ipv6"),
    pytest.param("[::ffff:7f00:1]", id="ipv4-mapped-hex"),
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_a_redirect_to_another_host_is_refused_however_the_address_is_spelt(site, tmp_path, spelling) -> None:
    server, _base, port = site
    target = f"http://{spelling}:{port}{DETAIL}"
    start = f"http://localhost:{port}{REDIRECT}?to={quote(target, safe='')}"

    report = _crawl_urls(tmp_path, [start])

    assert {seen.host for seen in server.requests} == {f"localhost:{port}"}  # never asked on another name
    assert DETAIL not in server.paths()
    [failure] = report.failed
    assert failure.url == start and failure.reason.startswith("redirected off the crawled hosts")
    assert _stored_urls(tmp_path / "crawl") == set()


@pytest.mark.parametrize("spelling", ["2130706433", "0x7f.1", "[::ffff:127.0.0.1]"])
def test_a_redirect_to_the_same_host_spelt_otherwise_is_followed(site, tmp_path, spelling) -> None:
    server, base, port = site
    start = f"{base}{REDIRECT}?to={quote(f'http://{spelling}:{port}{DETAIL}', safe='')}"
    report = _crawl_urls(tmp_path, [start])
    assert report.failed == [] and report.pages_stored == 1
    assert server.paths().count("/robots.txt") == 1  # one robots.txt for every spelling of the host
    assert _stored_urls(tmp_path / "crawl") == {start}


def test_a_redirect_to_another_port_of_the_same_host_is_refused(site, tmp_path) -> None:
    server, base, port = site
    start = f"{base}{REDIRECT}?to={quote(f'http://127.0.0.1:{port + 1}{DETAIL}', safe='')}"
    [failure] = _crawl_urls(tmp_path, [start]).failed
    assert failure.reason.startswith("redirected off the crawled hosts")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_reported(site, tmp_path, target) -> None:
    server, base, _port = site
    start = f"{base}{REDIRECT}?to={quote(target, safe='')}"
    [failure] = _crawl_urls(tmp_path, [start]).failed
    assert failure.reason == f"redirected to {target!r}, not an http(s) URL"
    assert server.paths().count(REDIRECT) == 1  # not asked again and again


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [
        pytest.param("http://2130706433/", "http://127.0.0.1/", id="decimal"),
        pytest.param("http://0x7F.0x0.0x0.0x1/", "http://127.0.0.1/", id="hex"),
        pytest.param("http://[0:0:0:0:0:ffff:7f00:1]/", "http://127.0.0.1/", id="ipv4-mapped"),
        pytest.param("http://[0:0:0:0:0:0:0:1]:8000/", "http://[::1]/", id="ipv6-long"),
        pytest.param("http://WWW.Example.GOV.cn./", "http://www.example.gov.cn/", id="case-and-dot"),
        pytest.param("http://例子.测试/", "http://xn--fsqu00a.xn--0zwm56d/", id="idna"),
        pytest.param("http://user:pw@example.gov.cn/", "http://example.gov.cn/", id="userinfo"),
    ],
)
def test_canonical_host_spells_an_address_one_way(spelling: str, same_as: str) -> None:
    assert canonical_host(spelling) == canonical_host(same_as) is not None


# --- every request has a deadline ------------------------------------------------------------------


def test_a_page_trickled_a_byte_at_a_time_is_cut_at_the_timeout(site, tmp_path) -> None:
    server, base, _port = site
    report = _crawl_urls(tmp_path, [base + TRICKLE], timeout=0.5)
    [failure] = report.failed
    assert failure.reason == "timeout after 0.5 s"
    assert server.trickled < TRICKLE_BYTES / 10  # each byte came in time; the page as a whole did not


# --- robots.txt as RFC 9309 reads it ---------------------------------------------------------------

XXGK_ONLY = "User-agent: *\nDisallow: /\nAllow: /xxgk/\nDisallow: /*.pdf$\n"


def test_robots_txt_longest_match_and_end_anchor_decide(tmp_path) -> None:
    site = CrawlSite(with_slow_page=False, robots_txt=XXGK_ONLY)
    with serve(site) as base:
        report = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(download_attachments=True, retries=1))
    assert report.list_pages == 3 and report.pages_stored > 0  # Allow: /xxgk/ beats Disallow: /
    assert PDF_PATH not in site.paths()  # Disallow: /*.pdf$
    assert BIG_ZIP_PATH in site.paths()  # a .zip under /xxgk/ is allowed
    assert set(report.skipped_by_robots) == {base + PRIVATE, base + PDF_PATH}
    [meta] = [m for m in _sidecars(tmp_path) if m["url"] == base + DETAIL]
    assert {a["url"]: a.get("skipped") for a in meta["attachments"]}[base + PDF_PATH] == "disallowed by robots.txt"


@pytest.mark.parametrize(
    ("rules", "path", "allowed"),
    [
        pytest.param(XXGK_ONLY, "/xxgk/2024/t1.html", True, id="allow-longer-than-disallow"),
        pytest.param(XXGK_ONLY, "/index.html", False, id="disallow-root"),
        pytest.param(XXGK_ONLY, "/xxgk/files/a.pdf", False, id="pdf-end-anchor"),
        pytest.param(XXGK_ONLY, "/xxgk/files/a.pdf?v=2", True, id="end-anchor-query"),
        pytest.param("User-agent: *\nDisallow: /*/private/\n", "/a/private/x.html", False, id="wildcard"),
        pytest.param("User-agent: *\nDisallow: /p\nAllow: /p$\n", "/p", True, id="equal-length-allow-wins"),
        pytest.param("User-agent: DisclosurePortalBot\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n", "/b", True,
                     id="own-group-over-star"),
    ],
)  # fmt: skip
def test_robots_rules(rules: str, path: str, allowed: bool) -> None:
    parsed = RobotsRules.from_response(200, rules.encode())
    assert parsed.allows("http://h" + path, "DisclosurePortalBot/0.1 (+http://portal)") is allowed


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (500, False), (503, False), (None, False)])
def test_robots_txt_that_cannot_be_had(status: int | None, allowed: bool) -> None:
    assert RobotsRules.from_response(status).allows("http://h/xxgk/a.html", "DisclosurePortalBot") is allowed


# --- other schemes get a message -------------------------------------------------------------------

UNSUPPORTED = ["file:///etc/passwd", "ftp://example.gov.cn/xxgk/", "javascript:alert(1)", "www.example.gov.cn/xxgk/"]


@pytest.mark.parametrize("start", UNSUPPORTED)
def test_portal_crawl_of_another_scheme_says_so(start: str, tmp_path: Path) -> None:
    from portal.crawl_command import crawl as crawl_command

    result = CliRunner().invoke(crawl_command, [start, "--out", str(tmp_path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "not crawled; give an http:// or https:// URL" in result.output
    assert not list(tmp_path.iterdir())


def test_portal_crawl_of_a_file_url_is_a_message_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "PORTAL_CRAWL_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "portal", "crawl", "file:///etc/passwd"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "'file:///etc/passwd': the file: scheme is not crawled" in done.stderr


def test_unsupported_lines_of_a_url_file_are_reported_and_the_rest_crawled(site, tmp_path) -> None:
    _server, base, _port = site
    report = _crawl_urls(tmp_path, ["file:///etc/passwd", base + DETAIL, "javascript:void(0)"])
    assert report.pages_stored == 1
    assert [f.url for f in report.failed] == ["file:///etc/passwd", "javascript:void(0)"]
    assert all("not crawled" in f.reason for f in report.failed)


def test_the_library_refuses_an_unsupported_start(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedURL, match="the file: scheme is not crawled"):
        run_crawl("file:///etc/passwd", tmp_path)


# --- leftovers of a killed crawl -------------------------------------------------------------------


def test_a_crawl_cleans_what_a_killed_crawl_left_and_says_so(site, tmp_path) -> None:
    _server, base, _port = site
    crawl_dir = tmp_path / "crawl"
    _crawl_urls(tmp_path, [base + DETAIL])
    pages = next(crawl_dir.glob("*/pages"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # a process that has exited: nobody will rename its temporaries
    half_page = pages / f".{url_key(base + '/x.html')}.html.{dead_pid}.tmp"
    half_page.write_bytes(b"<html><body>half")
    live_pid_file = pages / f".other.html.{os.getppid()}.tmp"  # a running process's write in progress
    live_pid_file.write_bytes(b"")
    orphan = pages / f"{url_key(base + '/y.html')}.html"  # killed between writing a page and its sidecar
    orphan.write_bytes(b"<html><body>no sidecar</body></html>")

    report = _crawl_urls(tmp_path, [base + DETAIL])

    assert not half_page.exists() and not orphan.exists() and live_pid_file.exists()
    assert sorted(report.cleaned) == sorted(
        [
            f"{half_page}: unfinished write of a stopped crawl",
            f"{orphan}: page stored without its sidecar by a stopped crawl",
        ]
    )
    assert len(_stored_urls(crawl_dir)) == 1


def test_portal_crawl_reports_what_it_cleaned(site, tmp_path) -> None:
    from portal.crawl_command import crawl as crawl_command

    _server, base, _port = site
    leftover = tmp_path / "h" / "pages" / ".a.html.999999999.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"")
    result = CliRunner().invoke(crawl_command, [base + DETAIL, "--out", str(tmp_path), "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert f"cleaned up after a stopped crawl:\n  {leftover}: unfinished write" in result.output


def _sidecars(crawl_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in crawl_dir.glob("*/pages/*.json")]
