"""Pages stay small whatever the index holds (issue 18, item 10): facet lists are bounded to their most frequent
values with a count of the rest, and a value left out can still be filtered on; pages drawn for the large-text
cookie tell caches so."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from helpers import TEST_STORE, build_index, portal_settings
from portal_testing import TestClient

from portal.app import create_app
from portal.facetlists import FACET_LIMIT

PUBLISHERS = FACET_LIMIT * 3  # one document each, and one publisher with three: it must come first


def _publisher(n: int) -> str:
    return f"测试第{n:03d}号管理委员会"


@pytest.fixture(scope="module")
def many_publishers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("many-publishers")
    records = [
        {"标题": f"关于第{n}号事项的通知", "正文": f"第{n}号事项的通知正文，关于机构名录。", "发布机构": _publisher(n)}
        for n in range(PUBLISHERS)
    ]
    records += [{"标题": f"重复机构第{n}份通知", "正文": "关于机构名录。", "发布机构": _publisher(7)} for n in range(3)]
    (folder / "many.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    index_dir = tmp_path_factory.mktemp("many-index")
    report = build_index([folder], index_dir)
    assert not report.rejected, report.rejected
    app = create_app(portal_settings(index_dir, allowed_hosts=("testserver",)))
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _publishers_of(group: dict) -> list[str]:
    return [value["value"] for value in group["values"]]


def test_search_facets_list_the_top_values_and_count_the_rest(many_publishers) -> None:
    data = many_publishers.get("/search.json?q=" + quote("机构名录")).json()
    group = data["facets"]["publisher"]
    assert data["total"] == PUBLISHERS + 3
    assert len(group["values"]) == FACET_LIMIT
    assert group["omitted"] == PUBLISHERS - FACET_LIMIT
    assert _publishers_of(group)[0] == _publisher(7)  # the most frequent first


def test_a_value_left_out_can_still_be_filtered_on_and_is_then_listed(many_publishers) -> None:
    listed = set(
        _publishers_of(many_publishers.get("/search.json?q=" + quote("机构名录")).json()["facets"]["publisher"])
    )
    left_out = next(_publisher(n) for n in range(PUBLISHERS) if _publisher(n) not in listed)
    data = many_publishers.get(f"/search.json?q={quote('机构名录')}&publisher={quote(left_out)}").json()
    assert data["total"] == 1
    assert left_out in _publishers_of(data["facets"]["publisher"])
    by_prefix = many_publishers.get("/search.json?q=" + quote(f'发布机构:"{left_out}"')).json()
    assert by_prefix["total"] == 1
    assert many_publishers.get("/browse/publisher/" + quote(left_out)).status_code == 200


# Where each page lists publishers (hits and the latest documents name theirs too, outside the list).
PUBLISHER_LIST = {
    "/": ('aria-labelledby="browse-publisher"', "</section>"),
    "/browse": ('aria-labelledby="browse-publisher"', "</section>"),
    "/advanced": ('id="adv-publisher"', "</div>"),
    "/search?q=" + quote("机构名录"): ('aria-labelledby="facet-publisher"', "</section>"),
    "/stats": ('id="stat-publisher"', "</section>"),
}


@pytest.mark.parametrize("path", PUBLISHER_LIST)
def test_pages_list_at_most_the_bound_of_publishers(many_publishers, path: str) -> None:
    page = many_publishers.get(path)
    assert page.status_code == 200
    start, end = PUBLISHER_LIST[path]
    listed = page.text.split(start, 1)[1].split(end, 1)[0]
    shown = {_publisher(n) for n in range(PUBLISHERS) if _publisher(n) in listed}
    assert 0 < len(shown) <= FACET_LIMIT, path
    assert str(PUBLISHERS - FACET_LIMIT) in listed  # how many were left out


@pytest.mark.parametrize("path", ["/browse.json", "/index.json", "/advanced.json"])
def test_json_lists_are_bounded_too(many_publishers, path: str) -> None:
    data = many_publishers.get(path).json()
    values = data["choices"]["publisher"] if "choices" in data else data["facets"]["publisher"]["values"]
    assert len(values) == FACET_LIMIT
    omitted = data["omitted"]["publisher"] if "choices" in data else data["facets"]["publisher"]["omitted"]
    assert omitted == PUBLISHERS - FACET_LIMIT


@pytest.mark.parametrize("path", ["/", "/search?q=" + quote("机构名录"), "/browse", "/stats", "/no-such-page"])
def test_pages_drawn_for_the_large_text_cookie_say_so_to_caches(many_publishers, path: str) -> None:
    plain = many_publishers.get(path)
    many_publishers.cookies.set("large_text", "1")
    try:
        large = many_publishers.get(path)
    finally:
        many_publishers.cookies.clear()
    assert plain.text != large.text  # the page does change with the cookie
    for response in (plain, large):
        assert "cookie" in [v.strip().lower() for v in response.headers.get("vary", "").split(",")], path
        assert "private" in response.headers.get("cache-control", ""), path


def test_a_cached_document_page_is_renewed_by_a_commit(tmp_path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    record = {"标题": "缓存之前的标题", "索引号": "014319733/2018-00555", "正文": "缓存测试的正文。"}
    (folder / "a.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    index_dir = tmp_path / "index"
    build_index([folder], index_dir)
    app = create_app(portal_settings(index_dir, allowed_hosts=("testserver",)))
    with TestClient(app) as client:
        assert "缓存之前的标题" in client.get("/doc/014319733/2018-00555").text
        assert "缓存之前的标题" in client.get("/doc/014319733/2018-00555.json").text
        if TEST_STORE == "manticore":  # the cluster store's version is its latest indexed_at, in whole seconds
            time.sleep(1.1)
        record["标题"] = "提交之后的标题"
        (folder / "a.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        build_index([folder], index_dir)
        assert "提交之后的标题" in client.get("/doc/014319733/2018-00555").text
        assert "提交之后的标题" in client.get("/doc/014319733/2018-00555.json").text
