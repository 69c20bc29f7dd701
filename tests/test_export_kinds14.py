"""Scrapy feed exports first seen in the fidelity collection's read23.json (round 14), each held by real tune records:
SunlightData/General_News_Crawler's 1.json, whose items nest the page under ``download_data.parsed_data`` (title,
``text`` = the content area's text nodes joined, ``source`` = that area's HTML, ``attachment`` = every link of the
area as ``{url, filename}``, ``date``)."""

from __future__ import annotations

from helpers import real_inputs, tune_records

from bench.fidelity import same, squeeze
from index.labels import is_page_source, map_fields
from index.normalise import attachments_of, body_metadata_step, clean_body

BINZHOU = "pages/r23-binzhou-sy-gsp-items.json.gz"


def _records(*numbers: int) -> list[tuple[dict, object]]:
    records = [(entry, outcome) for entry, outcome in tune_records(BINZHOU) if entry["record"] in numbers]
    assert [entry["record"] for entry, _ in records] == list(numbers)
    for entry, outcome in records:
        assert not outcome.error, (entry["record"], outcome.error)
    return records


@real_inputs
def test_a_crawlers_source_markup_is_the_body_not_the_publisher():
    """The item's ``source`` is the content area's HTML, not a CMS's publisher: read as the body's markup, it keeps
    the signature on lines of its own (滨州市食品药品监督管理局 / 2018年8月27日), which the flattened ``text`` runs
    into the last sentence (…特此公告 滨州市食品药品监督管理局 2018年8月27日)."""
    for entry, outcome in _records(1, 2):
        for field in ("publisher", "written_date", "body_head"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field, outcome)


def test_only_markup_with_a_block_under_source_is_a_page_source():
    assert is_page_source("source", '<div id="nw_content"><p>各区县：</p></div>')
    assert is_page_source("page_source", "<!DOCTYPE html><html><body><p>text</p></body></html>")
    assert not is_page_source("source", '<a href="http://www.news.cn/">新华社</a>')  # a publisher written as a link
    assert not is_page_source("source", "北京市中医管理局")
    assert not is_page_source("content", "<div><p>正文</p></div>")  # a body's own label reads as it always did
    fields, _ = map_fields([("source", "<div><p>各单位：</p></div>"), ("text", "各单位：")])
    assert fields == {"body": "<div><p>各单位：</p></div>"}  # the markup wins over the flattened text
    assert map_fields([("source", "国家能源局")])[0] == {"publisher": "国家能源局"}


@real_inputs
def test_an_info_bar_split_into_lines_over_the_text_is_lifted_whole():
    """The page prints 来源：… 时间：… 浏览量：… on one line, which the markup's reading splits at its spaces: the
    来源 line alone (a weak label) is lifted with the dated line under it, so the text starts at its own first line
    and 来源 names the publisher."""
    for entry, outcome in _records(4):
        assert squeeze(outcome.values["body_head"]).startswith(squeeze(entry["expected"]["body_head"])), outcome
        assert same("publisher", entry["expected"]["publisher"], outcome.values["publisher"]), outcome
    lifted, heading, body = body_metadata_step("来源：某某局\n\n时间：2018-10-30 09:36\n\n撤销证书公告")[0]
    assert (lifted, heading, body) == ({"publisher": "某某局", "pub_date": "2018-10-30 09:36"}, "", "撤销证书公告")
    # a weak label's line alone over the text is the text's own (来源：… quoted in a news story's first line)
    assert body_metadata_step("来源：群众来信\n\n各区县：现将有关事项通知如下。")[0][0] == {}


@real_inputs
def test_a_share_bar_and_an_editors_credit_under_the_text_are_no_text():
    """Under the text and its attachment the page prints 编辑：… and its share bar (分享到：微信新浪微博…): page
    furniture, not the body's end."""
    for entry, outcome in _records(1, 2, 4):
        assert same("body_tail", entry["expected"]["body_tail"], outcome.values["body_tail"]), (entry, outcome)
    text = clean_body("通知如下。\n\n附件：\n\n名单.doc\n\n编辑：郭甜\n\n分享到：微信新浪微博腾讯微博人人网QQ空间")
    assert text == "通知如下。\n\n附件：\n\n名单.doc"
    assert clean_body("编辑：郭甜") == "编辑：郭甜"  # a text of nothing else keeps it


@real_inputs
def test_a_crawlers_hashed_file_names_and_links_to_nowhere_are_no_attachments():
    """The item lists every link of the content area, each named by an MD5: the page's own ``#`` (the share
    button), an e-mail address glued to the host (http://sy.binzhou.gov.cnmailto:…), and the files, which the page
    shows by the names their addresses end in."""
    for entry, outcome in _records(1, 2, 3, 6, 23):
        assert same("attachments", entry["expected"]["attachments"], outcome.values["attachments"]), outcome
    listed = [
        {"url": "http://example.gov.cn#", "filename": "b299c3d7b4b52c07065f4e1c1a6e8a22"},
        {"url": "http://example.gov.cnmailto:office@example.cn", "filename": "c38bac3918df9632eef934772199c8a9"},
        {"url": "http://example.gov.cn/uploads/a/附件1.doc", "filename": "f935e4f86fbd58079a2c2703d37941d9"},
        {"url": "http://example.gov.cn/", "name": "名单"},  # a named link stays, whatever its address
    ]
    assert [(item.name, item.url) for item in attachments_of(listed)] == [
        ("附件1.doc", "http://example.gov.cn/uploads/a/附件1.doc"),
        ("名单", "http://example.gov.cn/"),
    ]
