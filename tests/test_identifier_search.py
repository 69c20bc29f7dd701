"""Every real 索引号 form works in the search box as in `portal lookup` (issue 17, item 8).

The numbers are the ones real disclosure pages print (issue 17): 大连's 10-digit and 重庆's 8-digit site codes in
place of an org code, and 三明/明溪's and 福州's region codes with a class code between them and the year.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from starlette.testclient import TestClient

from index.identifiers import parse_index_no
from index.query import SearchRequest, identifier_kind
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

# The numbers as the pages print them; the titles only tell the documents apart.
PAGES = [
    ("2102000003/2021-13983", "大连市政府网站的一份公开文件"),
    ("50000007/2022-1663341", "重庆市政府网站的一份公开文件"),
    ("SM04100-0200-2022-00023", "明溪县政府网站的一份公开文件"),
    ("FZ00101-1300-2016-00062", "福州市政府网站的一份公开文件"),
]

# Forms no rule reads (grouped, or a site's own scheme: 武汉市工商局's Whgs-16-02-010): lookup finds them by
# their key, and so does the search box.
OTHER_FORMS = [
    ("NB-A01-01-01-20240101-001", "宁波市政府网站的一份公开文件"),
    ("Whgs-16-02-010", "武汉市工商局网站的一份公开文件"),
]

TYPED = [
    *(index_no for index_no, _ in PAGES),
    "2102000003-2021-13983",  # another separator
    "ＳＭ０４１００－０２００－２０２２－０００２３",  # full width
    "FZ00101 1300 2016 00062",  # spaces
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("identifiers")
    records = [
        {"索引号": number, "标题": title, "正文": f"{title}。各有关单位。"} for number, title in PAGES + OTHER_FORMS
    ]
    (root / "pages.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    ingest_paths([root / "pages.json"], root / "index")
    return root / "index"


def _title(typed: str) -> str:
    key = parse_index_no(typed).key
    return next(title for number, title in PAGES if parse_index_no(number).key == key)


@pytest.mark.parametrize("typed", TYPED)
def test_each_form_is_an_index_no_with_its_site_code(typed):
    parsed = parse_index_no(typed)
    assert (identifier_kind(typed), parsed.variant, parsed.check_ok) == ("index_no", "site_code", None)


@pytest.mark.parametrize("typed", TYPED)
def test_the_search_box_finds_what_lookup_finds(index_dir, typed):
    catalog = Catalog(index_dir)
    try:
        assert [doc.title for doc in catalog.lookup(typed)] == [_title(typed)]
        result = catalog.search(SearchRequest(q=typed))
        assert [hit.title for hit in result.hits][:1] == [_title(typed)]
    finally:
        catalog.close()


def test_portal_search_shows_the_document(index_dir):
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "portal", "search", "SM04100-0200-2022-00023"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "共1条" in done.stdout and PAGES[2][1] in done.stdout


@pytest.mark.parametrize("typed", [number for number, _ in PAGES])
def test_the_web_search_box_goes_to_the_document(index_dir, typed):
    from portal.app import create_app
    from portal.settings import load_settings

    app = create_app(load_settings({"PORTAL_INDEX_DIR": str(index_dir)}))
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/search", params={"q": typed})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/doc/")
    with TestClient(app) as client:
        assert _title(typed) in client.get(response.headers["location"]).text


@pytest.mark.parametrize("typed", ["NB-A01-01-01-20240101-001", "Whgs-16-02-010", "WHGS 16 02 010"])
def test_the_search_box_finds_forms_no_rule_reads_as_lookup_does(index_dir, typed):
    catalog = Catalog(index_dir)
    try:
        found = [doc.title for doc in catalog.lookup(typed)]
        assert len(found) == 1
        assert [hit.title for hit in catalog.search(SearchRequest(q=typed)).hits] == found
    finally:
        catalog.close()
