"""The real-page collection behind ``python -m bench.fidelity`` is well formed, and its comparison rules hold.

No threshold on the score here: the benchmark measures, these tests only keep the collection and the rules honest.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict

import pytest
from helpers import real_inputs

from bench.fidelity import COLLECTION, FIELDS, SPLITS, check_pages, ingest_one, load_manifest, present, same, split_of

HELD_BACK = {"ljz060707-lang/China-Real-Estate-Policy-Database", "zhiluo1/LawQuery", "JinhuaSu/Policy_crawler"}


@pytest.fixture(scope="module")
def pages() -> list[dict]:
    return load_manifest()["pages"]


@real_inputs
def test_no_input_is_absent(pages):
    absent = present(pages)[1]
    if absent:
        pytest.skip(f"{len(absent)} of {len(pages)} inputs absent from {COLLECTION}, e.g. {absent[0]['file']}")


@real_inputs
def test_every_page_exists_is_gzip_and_small(pages):
    for entry in present(pages)[0]:
        path = COLLECTION / entry["file"]
        assert path.name.endswith(".gz"), entry["file"]
        # 600 KB: a gkmlpt page saved whole carries a 300 KB inline script (window._CONFIG).
        assert 0 < len(gzip.decompress(path.read_bytes())) <= 600 * 1024, entry["file"]
    assert len({(e["file"], e.get("record")) for e in pages}) == len(pages), "a page is listed twice"
    for entry in pages:
        assert entry["kind"] in ("html", "text", "json", "csv"), entry["file"]
        assert entry.get("record") is None or (isinstance(entry["record"], int) and entry["record"] >= 1)


def test_every_page_names_its_source_and_none_is_held_back(pages):
    for entry in pages:
        source = entry["source"]
        if "url" in source:  # a public web page as the search tool's stored-pages corpus keeps it
            assert source["url"].startswith(("http://", "https://")) and source["corpus"] == "pages", entry["file"]
        else:  # a file of a public repository, at a commit
            assert source["repo"].count("/") == 1 and source["path"], entry["file"]
            assert len(source["commit"]) == 40 and int(source["commit"], 16) >= 0, entry["file"]
            assert source["repo"] not in HELD_BACK, entry["file"]
        assert entry["site"] and entry["family"], entry["file"]
        assert entry["read_by"] in ("hand", "hand, from the portal's draft"), entry["file"]


def test_splits_are_by_site(pages):
    split_of_site: dict[str, set[str]] = defaultdict(set)
    for entry in pages:
        assert entry["split"] in SPLITS, entry["file"]
        assert entry["split"] == split_of(entry["site"]), f"{entry['file']}: split is not the site's hash"
        split_of_site[entry["site"]].add(entry["split"])
    assert all(len(splits) == 1 for splits in split_of_site.values())


def test_expected_values_name_known_fields(pages):
    for entry in pages:
        assert set(entry["expected"]) <= set(FIELDS), entry["file"]
        # every page has a title, except a text its crawler kept without one (its family says "no title"): its
        # title is then not judged (read22's #zoom texts: the other fields are read from the text)
        untitled = "no title" in entry["family"] and entry["expected"].get("title") is None
        assert entry["expected"].get("title") or untitled, f"{entry['file']}: every page has a title"


def test_split_of_is_deterministic_and_uses_both_splits():
    assert split_of("www.gov.cn") == split_of("www.gov.cn")
    assert {split_of(f"site{i}.gov.cn") for i in range(20)} == set(SPLITS)


def test_doc_no_brackets_and_spaces_compare_equal():
    assert same("doc_no", "国发〔2018〕43号", "国发[2018]43号")
    assert same("doc_no", "国发〔2018〕43号", "国发 （2018） 43 号")
    assert same("doc_no", "国发〔2018〕43号", "国发【2018】43号")
    assert not same("doc_no", "国发〔2018〕43号", "国发〔2018〕34号")
    assert same("doc_no", "", "")
    assert not same("doc_no", "", "其它")


def test_dates_compare_in_any_common_form():
    assert same("pub_date", "2018-12-29", "2018年12月29日")
    assert same("pub_date", "2018-12-29", "2018/12/29 10:20")
    assert same("written_date", "2023-01-05", "2023.1.5")
    assert not same("pub_date", "2018-12-29", "2018-12-28")
    assert same("pub_date", "2018", "2018年")


def test_index_no_category_publisher_validity_rules():
    assert same("index_no", "SM04100-0200-2022-00023", "sm04100－0200－2022－00023")
    assert same("category", "卫生、体育\\医药管理", ["卫生、体育/医药管理"])
    assert same("category", "市政府文件", ["市政府文件", "其他"])
    assert not same("category", "市政府文件", ["规划计划"])
    assert same("publisher", ["国务院办公厅", "中央军委办公厅"], "国务院办公厅、中央军委办公厅")
    assert same("publisher", {"any": ["市政府", "丽水市人民政府"]}, ["丽水市人民政府"])
    assert not same("publisher", {"any": ["市政府", "丽水市人民政府"]}, ["丽水市政府"])
    assert same("validity", "现行有效", "有效")
    assert not same("validity", "已废止", "有效")


def test_body_checks_and_sets():
    body = "各省、自治区：\n\u3000\u3000现将有关事项通知如下。\n国务院\n2018年12月21日"
    assert same("body_head", "各省、自治区：现将", body)
    assert same("body_tail", "国务院 2018年12月21日", body)
    assert same("body_tail", "国务院2018年12月21日", body + "\n附件1.关于印发的通知.pdf")
    assert not same("body_tail", "国务院2018年12月21日", body + "\n打印本页 关闭窗口")
    assert same("body_head", "各省、自治区", "国务院关于某事的通知\n国发〔2018〕1号\n" + body)
    assert not same("body_head", "各省、自治区", "【字体：大 中 小】打印本页\n" + body)
    assert not same("body_head", "各省、自治区", "索引号：000014349/2018-00222 发布机构：国务院\n" + body)
    # a law database's field rows (施行日期, 效力位阶) before the text are metadata, not its first words
    assert not same("body_head", "各省、自治区", "施行日期：2021-12-01\n效力位阶：地方政府规章\n" + body)
    assert not same("body_head", "各省、自治区", "很长的前言" * 40 + body)
    assert same("keywords", ["体育", "运动会", "函"], "体育\u3000运动会\u3000函")
    assert same("attachments", ["附件1.pdf"], ["附件1"])


@real_inputs
def test_a_page_is_read_through_the_ingest_path(pages, tmp_path):
    """One real page goes through read_file and read_document; a field the page shows comes out compared."""
    entry = next(e for e in pages if e["file"].endswith(".html.gz") and e["expected"].get("index_no"))
    checks, failed = check_pages([entry])
    assert {c.field for c in checks} == {f for f in FIELDS if entry["expected"].get(f) is not None}
    assert entry["file"] not in failed
    assert any(c.right for c in checks if c.field == "title")


def test_each_record_of_an_export_is_scored_on_its_own(tmp_path):
    """Record N of a JSON export is the Nth record the reader yields: its values, never a neighbour's."""
    records = [
        {"标题": "第一份文件", "发布日期": "2024-01-02", "正文": "第一份的正文。"},
        {"标题": "", "正文": ""},
        {"标题": "第三份文件", "文号": "某发〔2024〕3号", "发布日期": "2024-03-04", "正文": "第三份的正文。"},
    ]
    page = tmp_path / "export.json.gz"
    page.write_bytes(gzip.compress(json.dumps(records, ensure_ascii=False).encode("utf-8")))
    first, second, third = (ingest_one(page, "export.json", n) for n in (1, 2, 3))
    assert first.values["title"] == "第一份文件" and not first.error
    assert third.values["title"] == "第三份文件" and third.values["doc_no"] == "某发〔2024〕3号"
    assert second.error and not second.values, "an empty record gives its own error, not the next document"
    assert "fewer than 4" in ingest_one(page, "export.json", 4).error
    entries = [
        {
            "file": "export.json.gz",
            "record": 3,
            "site": "s",
            "family": "f",
            "split": "tune",
            "kind": "json",
            "expected": {"title": "第三份文件", "doc_no": "某发〔2024〕3号"},
        },
    ]
    checks, failed = check_pages(entries, root=tmp_path)
    assert [c.page for c in checks] == ["export.json.gz#3"] * 2 and all(c.right for c in checks) and not failed
