"""Issue 22's done-when, the feed, bulk-data and citation half, against a real server: `portal ingest` takes a
document, then a changed version of it, then a run without it (--prune); `portal export` writes a snapshot after
the first and a delta after the last. The server then shows the change feed (HTML, JSON, Atom, the document's own
feed and a saved search's), the export delta on /data and as a download, and the citation of the latest version,
each in HTML and JSON. (The history, diff and withdrawal pages are tested by their own end-to-end test.)"""

from __future__ import annotations

import gzip
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from helpers import portal_settings

from index.localports import free_port
from portal.cli import cli
from portal.server import server_config, serving

ATOM = "{http://www.w3.org/2005/Atom}"
SUBJECT = "014319733/2024-00102"  # the document that changes, then goes
STAYS = "11320000014000000X/2024-00007"
SUBJECT_TITLE = "关于调整城乡低保标准的通知"
SUBJECT_PATH = "/doc/014319733/2024-00102"


def record(index_no: str, title: str, publisher: str, body: str) -> dict[str, str]:
    return {"索引号": index_no, "标题": title, "发布机构": publisher, "公开日期": "2024-06-03", "正文": body}


STAYING = record(
    STAYS, "关于开展安全生产检查的通知", "江苏省应急管理厅", "各设区市应急管理局：现就开展安全生产检查通知如下。"
)
FIRST = record(SUBJECT, SUBJECT_TITLE, "宿迁市民政局", "各县区民政局：城乡低保标准自七月起调整为每人每月八百元。")
CHANGED = record(SUBJECT, SUBJECT_TITLE, "宿迁市民政局", "各县区民政局：城乡低保标准自七月起调整为每人每月八百五十元。")


def portal(env: dict[str, str], *args: str) -> str:
    """The `portal` command with ``env``'s settings, run in this process (what a shell runs, without the start-up)."""
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """(base URL, the last export's manifest) of a server on the index those three ingests left."""
    root = tmp_path_factory.mktemp("e2e-changes")
    sources, index_dir, export_dir = root / "sources", root / "index", root / "export"
    sources.mkdir()
    env = {"PORTAL_STORE": "whoosh", "PORTAL_INDEX_DIR": str(index_dir), "PORTAL_EXPORT_DIR": str(export_dir)}
    documents = sources / "documents.jsonl"
    first = None
    for step in ([STAYING, FIRST], [STAYING, CHANGED], [STAYING]):
        documents.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in step), "utf-8")
        portal(env, "ingest", "-q", "--prune", str(sources))
        if first is None:
            first = json.loads(portal(env, "export", "--json"))
    last = json.loads(portal(env, "export", "--json", "--since-snapshot", str(export_dir / first["name"])))
    settings = portal_settings(index_dir, host="127.0.0.1", port=free_port(), export_dir=export_dir)
    with serving(server_config(settings, log_level="warning")) as base:
        yield base, last


def get(base: str, path: str) -> httpx.Response:
    response = httpx.get(base + path, timeout=30)
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_the_change_feed_lists_the_withdrawal_and_the_change_newest_first(site) -> None:
    base, _ = site
    changes = get(base, "/changes.json").json()["changes"]
    subject = [(c["kind"], c["n"]) for c in changes if c["doc_id"] == SUBJECT]
    assert subject == [("withdrawn", 2), ("changed", 2), ("new", 1)]
    assert changes[0]["doc_id"] == SUBJECT and changes[0]["how"] == "missing_from_export"
    changed = changes[1]
    assert changed["diff_path"] == f"{SUBJECT_PATH}/diff?a=1&b=2" and changed["version_path"] == f"{SUBJECT_PATH}/v/2"
    page = get(base, "/changes").text
    assert page.index("撤下") < page.index(f'href="{SUBJECT_PATH}/diff?a=1&amp;b=2"')
    assert f'<a href="{SUBJECT_PATH}">{SUBJECT_TITLE}</a>' in page


def test_the_change_feed_filters_by_publisher_and_kind(site) -> None:
    base, _ = site
    withdrawn = get(base, "/changes.json?kind=withdrawn").json()["changes"]
    assert [(c["doc_id"], c["kind"]) for c in withdrawn] == [(SUBJECT, "withdrawn")]
    other = get(base, "/changes.json?publisher=应急管理").json()["changes"]
    assert [(c["doc_id"], c["kind"]) for c in other] == [(STAYS, "new")]
    assert "江苏省应急管理厅" in get(base, "/changes?publisher=应急管理").text
    assert get(base, "/changes.json?kind=%3Cscript%3E&before=x").json()["request"] == {
        "publisher": "",
        "kind": "",
        "before": None,
    }


def entries(feed: str) -> list[ET.Element]:
    return ET.fromstring(feed.encode("utf-8")).findall(f"{ATOM}entry")


def test_atom_feeds_carry_the_changes(site) -> None:
    base, _ = site
    everything = entries(get(base, "/changes.atom").text)
    assert everything[0].findtext(f"{ATOM}title") == f"［撤下］{SUBJECT_TITLE}"
    ids = [entry.findtext(f"{ATOM}id") for entry in everything]
    assert len(ids) == len(set(ids)) == 4
    assert f'href="{SUBJECT_PATH}/changes.atom"' in get(base, SUBJECT_PATH).text  # the page offers its feed
    own = entries(get(base, f"{SUBJECT_PATH}/changes.atom").text)
    assert [e.findtext(f"{ATOM}title")[:4] for e in own] == ["［撤下］", "［更新］", "［新增］"]
    assert own[1].find(f"{ATOM}link").get("href") == f"{base}{SUBJECT_PATH}/v/2"
    assert httpx.get(f"{base}/doc/014319733/1999-99999/changes.atom", timeout=30).status_code == 404
    # a saved search's feed: its documents, and with changes=1 their changes too
    plain = entries(get(base, "/search.atom?q=低保标准").text)
    watched = entries(get(base, "/search.atom?q=低保标准&changes=1").text)
    assert [e.findtext(f"{ATOM}id") for e in plain] == [f"{base}{SUBJECT_PATH}"]
    assert len(watched) == 4 and {e.findtext(f"{ATOM}title")[:4] for e in watched[1:]} == {
        "［撤下］",
        "［更新］",
        "［新增］",
    }


def test_the_export_delta_is_offered_on_data_and_downloads_as_listed(site) -> None:
    base, last = site
    data = get(base, "/data.json").json()["latest"]
    assert data["name"] == last["name"]
    assert {k: data["delta"][k] for k in ("added", "changed", "withdrawn")} == {
        "added": 0,
        "changed": 0,
        "withdrawn": 1,
    }
    assert (data["documents"], data["online"], data["withdrawn"]) == (2, 1, 1)
    delta = next(f for f in data["files"] if f["name"] == "delta.jsonl.gz")
    body = get(base, delta["path"]).content
    assert hashlib.sha256(body).hexdigest() == delta["sha256"]
    [line] = [json.loads(text) for text in gzip.decompress(body).decode("utf-8").splitlines()]
    assert (line["change"], line["id"], line["record"]["state"]) == ("withdrawn", SUBJECT, "withdrawn")
    assert "八百五十元" in line["record"]["body"] and [v["n"] for v in line["record"]["versions"]] == [1, 2]
    page = get(base, "/data").text
    assert f"最新快照 {last['name']}" in page and delta["sha256"] in page


def test_the_citation_names_the_latest_version_in_html_and_json(site) -> None:
    base, _ = site
    citation = get(base, f"{SUBJECT_PATH}.json").json()["citation"]
    expected = f"宿迁市民政局. {SUBJECT_TITLE}[EB/OL]. (2024-06-03)[{citation['accessed']}]. {base}{SUBJECT_PATH}/v/2."
    assert citation["gbt7714"] == expected
    assert f'<p class="cite-gbt" lang="zh-CN">{expected}</p>' in get(base, SUBJECT_PATH).text
    assert get(base, f"{SUBJECT_PATH}/v/1.json").json()["citation"]["url"] == f"{base}{SUBJECT_PATH}/v/1"
    assert "  version = {2}," in get(base, f"{SUBJECT_PATH}.bib").text
