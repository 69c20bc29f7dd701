"""A link urllib cannot split costs that link, not the page's other links (index.crawl.urls.absolute_url); a start
URL or a line of a URL file it cannot split is a clear error, not a traceback (check_crawlable).

``urljoin``/``urlsplit`` raise ValueError for a host holding a full-width colon (NFKC makes it a port separator:
CPython's bpo-36216 check) or a stray bracket. One such ``<a href>`` on a real page (a tune page of the fidelity
collection) made the crawler's link extraction raise, so the page's every link was lost (the crawl logged the page
as failed). Hypothesis puts hostile links anywhere in the page.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import HUNT, REAL_PAGES, examples, real_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.crawl.links import attachment_anchors, page_anchors
from index.crawl.urls import UnsupportedURL, absolute_url, check_crawlable, file_name
from index.localports import free_port

URL = "http://www.lishui.gov.cn/art/2023/10/23/art_1229218389_57348593.html"


@functools.cache
def real_page() -> tuple[bytes, list[int]]:
    """The tune page (read when a test needs it: the real inputs live outside the repository) and where links go:
    the start, and before each of its links."""
    page = gzip.decompress((REAL_PAGES / "lishui-hanweb-1.html.gz").read_bytes())
    return page, [0, *(match.start() for match in re.finditer(rb"<a ", page))]


HOSTILE = [
    "http://www.lishui.gov.cn：8080/a.html",
    "http://[www.lishui.gov.cn/b.html",
    "http://www.lishui.gov.cn]/c.pdf",
    "http://[::1/d.pdf",
    "//[x/e.html",
    "http://ｗｗｗ．lishui．gov．cn／f.pdf",
]


@settings(
    max_examples=examples(15),
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None and HUNT == 1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(links=st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4), where=st.integers(0, 10_000))
@real_inputs
def test_hostile_links_on_a_real_page_cost_only_themselves(links, where) -> None:
    original, anchors = real_page()
    cut = anchors[where % len(anchors)]
    added = b"".join(f'<a href="{link}">附件{n}.pdf</a>'.encode() for n, link in enumerate(links))
    page = original[:cut] + added + original[cut:]
    assert page_anchors(page, URL) == page_anchors(original, URL) != []
    assert {anchor.url for anchor in attachment_anchors(original, URL)} <= {
        anchor.url for anchor in attachment_anchors(page, URL)
    }


def test_a_link_urllib_cannot_split_is_no_web_page_and_its_file_is_named_by_its_path() -> None:
    for link in HOSTILE[:5]:
        assert absolute_url(URL, link) is None
    assert absolute_url(URL, "/x/附件.pdf") == "http://www.lishui.gov.cn/x/附件.pdf"
    assert file_name("http://www.lishui.gov.cn：8080/files/%E9%99%84%E4%BB%B6.pdf") == "附件.pdf"
    assert file_name("http://www.lishui.gov.cn/") == "http://www.lishui.gov.cn/"


def test_a_start_url_urllib_cannot_split_is_a_clear_error_and_a_bad_line_of_a_url_file_costs_that_line(
    tmp_path: Path,
) -> None:
    """``portal crawl 'http://[x/a.html'`` ended in urllib's traceback, and so did a URL file with one such line,
    whatever its other lines held: check_crawlable raised urllib's ValueError, not its own UnsupportedURL."""
    from portal.crawl_command import crawl as crawl_command

    for url in HOSTILE[:4]:
        with pytest.raises(UnsupportedURL, match="not a URL"):
            check_crawlable(url)
    result = CliRunner().invoke(crawl_command, [HOSTILE[1], "--out", str(tmp_path / "one")])
    assert result.exit_code == 2 and "not a URL" in result.output, result.output
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{HOSTILE[0]}\n{HOSTILE[1]}\nhttp://127.0.0.1:{free_port()}/a.html\n", encoding="utf-8")
    args = ["--urls-file", str(urls), "--out", str(tmp_path / "file"), "--delay", "0", "--timeout", "0.5", "--json"]
    result = CliRunner().invoke(crawl_command, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    failed = {failure["url"]: failure["reason"] for failure in report["failed"]}
    assert "not a URL" in failed[HOSTILE[0]] and "not a URL" in failed[HOSTILE[1]]
    assert report["finished"] is True and len(failed) == 3  # the good line was tried: its host is down
