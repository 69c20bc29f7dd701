"""A crawled page whose sidecar was edited or cut by hand is still read: a bad entry costs that entry, not the page.

The crawl-folder reader (index/readers/crawled.py) reads a stored page with what its JSON sidecar says: the URL, the
fetch time, the encoding, and the attachments the crawler downloaded (url, path, name). A sidecar is a file anyone
can edit; a download whose URL urllib cannot split (``urlsplit`` raises ValueError for a full-width colon or a stray
bracket in the host) or an entry of another shape used to make the whole page unreadable ("crawled reader failed
after record 0: ValueError"). The page here is a real one of the fidelity collection (a tune page), its sidecar
mutated by Hypothesis.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from helpers import HUNT, examples, real_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_readers import ODD_VALUES

from bench.fidelity import COLLECTION
from index.crawl.folder import as_written, attachment_path, sidecar_of, url_key, write_json
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.readers.crawled import with_downloads
from index.record import RawRecord, ReadError

PAGE = "pages/lishui-hanweb-1.html.gz"  # tune
URL = "http://www.lishui.gov.cn/art/2023/10/23/art_1229218389_57348593.html"
BAD_URLS = [
    "http://www.lishui.gov.cn：8080/a.pdf",  # a full-width colon: NFKC makes it a port separator (bpo-36216)
    "http://[www.lishui.gov.cn/a.pdf",  # an unbalanced bracket
    "http://[::1/a.pdf",
    "http://[vX.bad]/a.pdf",
    "http://www.lishui.gov.cn:99999999/附件.pdf",
    "",
    "附件.pdf",
]


def _crawl_page(root: Path, sidecar: dict[str, Any]) -> Path:
    """A page stored as the crawler stores it (<host>/pages/<key>.html beside its sidecar), and one attachment."""
    host_dir = root / "www.lishui.gov.cn"
    page = host_dir / "pages" / f"{url_key(URL)}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes(gzip.decompress((COLLECTION / PAGE).read_bytes()))
    stored = host_dir / attachment_path("http://www.lishui.gov.cn/a.pdf", "txt")
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text("附件的正文：退役士兵安置任务表", "utf-8")
    write_json(sidecar_of(page), sidecar)
    return page


def _entry(url: str = "http://www.lishui.gov.cn/a.pdf") -> dict[str, Any]:
    return {"url": url, "name": "", "path": attachment_path("http://www.lishui.gov.cn/a.pdf", "txt"), "size": 30}


odd = st.sampled_from(ODD_VALUES)
entries = st.one_of(
    st.builds(_entry, st.sampled_from(BAD_URLS)),
    st.builds(lambda key, value: {**_entry(), key: value}, st.sampled_from(["url", "path", "name"]), odd),
    odd,
)
OTHER_KEYS = ["final_url", "fetched_at", "encoding", "status", "etag", "gone", "attachments"]
sidecars = st.builds(
    lambda downloads, others: {"url": URL, "fetched_at": "2023-10-24T01:02:03Z", "attachments": downloads, **others},
    st.lists(entries, max_size=4),
    st.dictionaries(st.sampled_from(OTHER_KEYS), odd, max_size=3),
)


@settings(
    max_examples=examples(20),
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None and HUNT == 1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sidecar=sidecars)
@real_inputs
def test_a_page_beside_a_damaged_sidecar_is_still_read(tmp_path_factory, sidecar) -> None:
    page = _crawl_page(tmp_path_factory.mktemp("crawl"), json.loads(json.dumps(sidecar)))
    items = list(read_file(page, DEFAULTS))
    assert [type(item) for item in items] == [RawRecord], [str(item) for item in items if isinstance(item, ReadError)]
    report = IngestReport()
    doc = read_document(items[0], DEFAULTS, report)
    assert doc is not None, [str(rejection) for rejection in report.rejected]
    assert doc.title.startswith("丽水市人民政府关于下达2023年")


@real_inputs
def test_a_download_whose_url_cannot_be_split_keeps_its_copy_named_by_its_path(tmp_path) -> None:
    page = _crawl_page(tmp_path, {"url": URL, "fetched_at": "2023-10-24T01:02:03Z", "attachments": []})
    host_dir = page.parent.parent
    for url in BAD_URLS[:2]:
        (merged,) = with_downloads([], [_entry(url)], host_dir)
        assert merged["name"] == "a.pdf" and merged["kind"] == "txt" and merged["url"] == url
        assert Path(merged["path"]).read_text("utf-8").startswith("附件的正文")
    odd_entries = [None, 3, "x", {"url": 5, "path": "a"}, {"url": "u", "path": ["a"], "over_bytes": "9"}]
    assert as_written({"url": URL, "attachments": odd_entries})["attachments"] == [{"url": "u", "path": None}]
    assert as_written({"url": URL, "attachments": {"url": URL}, "etag": 5})["attachments"] == []  # not a list
    assert "etag" not in as_written({"url": URL, "etag": 5, "last_modified": ["x"]})


def test_a_recrawl_of_a_page_beside_a_damaged_sidecar_revalidates_it(tmp_path) -> None:
    """The crawler reads a stored page's sidecar back (StoredPage.meta) for its conditional request and its
    attachments' bookkeeping: an ETag that is a number made the request's headers raise (TypeError), an
    "attachments" that is no list or holds no objects made its bookkeeping raise, and the page was never re-crawled
    ("error: TypeError: …" in the report)."""
    from index.crawl.crawler import conditional_headers
    from index.crawl.folder import StoredPage

    page = StoredPage.of(tmp_path, URL)
    page.save(
        b"<html><title>t</title><body>x</body></html>", {"url": URL, "etag": 5, "last_modified": "Mon, 01 Jan 2024"}
    )
    assert conditional_headers(page.meta()) == {"If-Modified-Since": "Mon, 01 Jan 2024"}
