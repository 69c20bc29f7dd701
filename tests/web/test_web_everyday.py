"""The portal's side of issue 11: synonym notices with the literal search, did-you-mean links, /suggest.json and
the search box's script, 热搜词 from the query log, related documents with their reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import quote

from helpers import ROOT, SEED_INDEX_NO, portal_settings, store_environment
from portal_testing import TestClient

from portal.app import create_app
from portal.querylog import HOT_MIN_COUNT


def test_synonyms_are_said_and_the_literal_search_offered(client):
    page = client.get("/search?q=低保")
    assert page.status_code == 200
    assert "同时检索了同义词：“低保”也查了“最低生活保障”" in page.text
    assert 'href="/search?q=%E4%BD%8E%E4%BF%9D&amp;literal=1"' in page.text
    literal = client.get("/search?q=低保&literal=1")
    assert "只检索了所输入的词，未用同义词" in literal.text and "也查了" not in literal.text


def test_search_json_names_expansions_and_the_literal_link(client):
    data = client.get("/search.json?q=低保").json()
    assert data["expansions"] == [{"term": "低保", "synonyms": ["最低生活保障"]}]
    assert data["links"]["literal"] == "/search?q=%E4%BD%8E%E4%BF%9D&literal=1"
    literal = client.get("/search.json?q=低保&literal=1").json()
    assert literal["expansions"] == [] and literal["links"]["literal"] is None
    assert literal["request"]["literal"] is True


def test_traditional_query_is_searched_simplified_and_shown_as_typed(client):
    data = client.get("/search.json?q=殯葬").json()
    assert data["request"]["q"] == "殯葬" and data["total"] == client.get("/search.json?q=殡葬").json()["total"] > 0
    assert "<mark>殡葬</mark>" in data["hits"][0]["title_html"]


def test_a_searched_correction_is_said_with_a_link_to_the_query_as_typed(client):
    page = client.get("/search?q=地保")
    assert "已显示“低保”的结果，仍然搜索：" in page.text
    assert f'href="/search?q={quote("地保")}&amp;literal=1">地保</a>' in page.text
    data = client.get("/search.json?q=养老保显").json()
    assert data["rescue"]["correction"] == "养老保险" and data["rescue"]["typed"] == "养老保显"
    assert data["links"]["literal"] == f"/search?q={quote('养老保显')}&literal=1"
    as_typed = client.get("/search.json?q=养老保显&literal=1").json()
    assert as_typed["rescue"] is None and as_typed["total"] < data["total"]


def test_a_relaxed_query_names_the_words_left_out(client):
    page = client.get("/search?q=低保 火星")
    assert "没有同时包含这些词的文件，以下文件包含其中任一词（“火星”未找到）" in page.text
    assert client.get("/search.json?q=低保 火星").json()["rescue"]["left_out"] == ["火星"]


def test_two_words_finding_little_together_say_how_many_hold_both(client):
    data = client.get("/search.json?q=低保 丧葬").json()  # one document holds both, many either
    assert data["rescue"]["any_word"] and data["rescue"]["together"] == 1 and data["total"] > 1
    page = client.get("/search?q=低保 丧葬")
    assert "只有 1 个文件同时包含这些词，以下也列出包含其中任一词的文件，仍然搜索：" in page.text


def test_suggest_json_answers_terms_and_titles(client):
    data = client.get("/suggest.json?q=低").json()
    assert data["q"] == "低" and data["terms"][0] == "低保"
    assert all("低" in item["title"] and item["path"].startswith("/doc/") for item in data["titles"])
    assert client.get("/suggest.json").json() == {"q": "", "terms": [], "titles": []}


def test_suggest_json_takes_any_input(client):
    for q in ("\x00<script>", "低" * 5000, "%ff", " ", "a b c d e f"):
        response = client.get("/suggest.json", params={"q": q})
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"


def test_the_search_box_script_uses_suggest_and_the_box_works_without_it(client):
    script = client.get("/static/portal.js").text
    assert "/suggest.json?q=" in script and "datalist" in script
    home = client.get("/")
    assert '<form class="search-form hero-form" role="search" action="/search" method="get"' in home.text


def test_related_documents_show_their_reason(client):
    page = client.get(f"/doc/{SEED_INDEX_NO}")
    assert '<span class="related-reason">同主题</span>' in page.text
    assert "签署友好交流合作意向书" not in page.text.split('id="related-heading"')[1]
    data = client.get(f"/doc/{SEED_INDEX_NO}.json").json()
    assert data["related"] and {item["reason"] for item in data["related"]} == {"同主题"}


def test_hot_queries_come_from_searches_and_empty_ones_stay_private(web_index, tmp_path):
    """A query log of its own (the state under test) beside the shared web index."""
    blocklist = tmp_path / "blocklist.txt"
    blocklist.write_text("殡仪\n", "utf-8")
    query_log = tmp_path / "querylog"
    settings = portal_settings(web_index, allowed_hosts=("testserver",), hot_blocklist=blocklist, query_log=query_log)
    with TestClient(create_app(settings)) as client:
        for n in range(HOT_MIN_COUNT):
            client._transport.client = (f"192.0.2.{n}", 50000)  # a reader of its own: 热搜词 count readers
            for q in ("殡葬", "殡仪馆", "量子引力波"):
                assert client.get("/search", params={"q": q}).status_code == 200
        client.get("/search", params={"q": "殡葬", "page": "2", "per_page": "1"})  # not counted: page 2
        home = client.get("/")
        hot = client.get("/index.json").json()["hot"]
    # What was counted first (written when the client stops), then the hot list made of it: where the list is
    # wrong, the counts say whether a search went uncounted, found nothing or came from another client.
    stored = json.loads((query_log / "counts.json").read_text("utf-8"))
    [day] = stored["days"].values()
    assert day["searched"] == {"殡葬": HOT_MIN_COUNT, "殡仪馆": HOT_MIN_COUNT, "量子引力波": HOT_MIN_COUNT}, day
    assert day["empty"] == {"量子引力波": HOT_MIN_COUNT}, day
    assert day["clients"] == {"殡葬": HOT_MIN_COUNT, "殡仪馆": HOT_MIN_COUNT, "量子引力波": HOT_MIN_COUNT}, day
    assert home.status_code == 200 and hot == ["殡葬"], (hot, day)  # 殡仪馆 blocked, 量子引力波 found nothing
    assert '<h2 id="hot-heading" class="hot-heading">热搜词：</h2>' in home.text
    assert "量子引力波" not in home.text
    assert "192.0.2" not in json.dumps(stored) and "testclient" not in json.dumps(stored)
    env = {**os.environ, **store_environment(web_index), "PORTAL_HOT_BLOCKLIST": str(blocklist)}
    env["PORTAL_QUERY_LOG"] = str(query_log)
    stats = subprocess.run(
        [sys.executable, "-m", "portal", "stats"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    empty_section = stats.stdout.split("无结果的检索词")[1]
    assert "量子引力波" in empty_section and "殡葬" not in empty_section


def test_one_client_searching_again_and_again_is_not_on_the_home_page(web_index, tmp_path):
    """Issue 18: five searches from one client put 通知 工作 dubo-vip.com on the home page's 热搜词 (a query log of
    its own beside the shared web index)."""
    settings = portal_settings(web_index, allowed_hosts=("testserver",), query_log=tmp_path / "querylog")
    with TestClient(create_app(settings)) as client:
        for _ in range(5):
            for q in ("通知 工作 dubo-vip.com", "殡葬"):
                assert client.get("/search", params={"q": q}).status_code == 200
        assert client.get("/index.json").json()["hot"] == []
        assert "dubo-vip" not in client.get("/").text
        for n in range(5):
            client._transport.client = (f"192.0.2.{n}", 50000)
            client.get("/search", params={"q": "通知 工作 dubo-vip.com"})
        assert client.get("/index.json").json()["hot"] == []  # many clients: still a domain, never listed


def test_compounds_and_question_words_match_in_every_store(client):
    """Issue 19: a compound the index lacks is found through its parts (低保户 → 低保 + 户), question words need not
    match (怎么, 算); the cluster store builds the same conditions (index/cluster/match.py)."""
    compound = client.get("/search.json?q=低保户&literal=1").json()  # literal: no correction, the parts only
    assert compound["rescue"] is None and compound["total"] > 0
    assert compound["total"] == client.get("/search.json?q=低保&literal=1").json()["total"]  # 户 need not match
    question = client.get("/search.json?q=低保标准怎么算&literal=1").json()
    assert "014319733/2019-00042" in {hit["id"] for hit in question["hits"]}  # 城乡低保标准 提高 (no 算)
