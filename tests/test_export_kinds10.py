"""Export kinds first seen in the fidelity collection's exports10.json (round 12), each held by real tune records."""

from __future__ import annotations

import json

from helpers import real_inputs, tune_records

from bench.fidelity import same, squeeze
from index.normalise import title_validity_step


@real_inputs
def test_a_repealed_flag_before_a_title_is_its_validity():
    """北京市生态环境局's 政策发布 lists (g18201123180/CrawlingZCWJ links.json) print 【已废止】 before the title of a
    repealed document: the flag is the 有效性 (废止), not the title's first words."""
    records = tune_records("pages/zcwj-sthjj-links.json.gz")
    flagged = [entry for entry, _ in records if entry["expected"].get("validity") == "废止"]
    assert len(flagged) >= 3
    for entry, outcome in records:
        for field in ("title", "validity"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field, outcome)


def test_a_status_flag_leaves_the_title_where_it_is_only_a_status():
    assert title_validity_step("关于印发某某办法的通知（已失效）")[0] == ("关于印发某某办法的通知", "失效")
    assert title_validity_step("[废止] 某某条例")[0] == ("某某条例", "废止")
    for title in ("某某办法（2021年修订）", "某某办法（试行）", "（一）关于某某的通知", "【已废止】"):
        assert title_validity_step(title)[0] == (title, ""), title


@real_inputs
def test_a_retrieval_tables_query_is_no_body():
    """A RAG project's retrieval candidates (YushenSun/china-policy-intelligence-rag phase2_5_candidates.csv): each
    row's query_text is the question put to the documents, its chunk_text the slice of the page it retrieved. The
    chunk is the record's body; the question was (query_text came first among the keys ending in ``text``)."""
    records = tune_records("pages/ys-phase25-candidates.csv.gz")
    assert len(records) >= 8
    for entry, outcome in records:
        assert not outcome.error, outcome.error
        body = squeeze(outcome.values["body_head"])
        assert squeeze(entry["expected"]["body_head"]) in body, (entry["record"], body[:80])
        assert squeeze(entry["expected"]["body_tail"]) in body, (entry["record"], body[-80:])
        assert "？" not in body[:80], (entry["record"], body[:80])


@real_inputs
def test_a_column_name_glued_before_a_title_leaves_it():
    """S-ummmer/gov-crawler-0605's result.csv took 生态环境部's list items whole: 政策文件 + the title under
    www.mee.gov.cn/zcwj/…, 要闻动态 + the title under /ywdt/. The address names the column by the name's pinyin
    initials: the name leaves the title and is the column."""
    records = [(entry, outcome) for entry, outcome in tune_records("pages/summer-result-csv-1.csv.gz")]
    glued = [entry for entry, _ in records if "mee.gov.cn" in entry["site"]]
    assert len(glued) == 3
    for entry, outcome in records:
        assert same("title", entry["expected"]["title"], outcome.values["title"]), (entry["record"], outcome.values)


def test_a_column_name_leaves_a_title_only_where_the_address_names_it():
    from index.normalise import title_column_step

    url = "http://www.mee.gov.cn/zcwj/gwywj/202507/t20250708_1123095.shtml"
    title = "政策文件国务院办公厅关于健全重点事项常态化推进机制的意见"
    assert title_column_step(title, url)[0] == ("国务院办公厅关于健全重点事项常态化推进机制的意见", "政策文件")
    assert title_column_step(title, "http://www.mee.gov.cn/ywdt/szyw/t1.shtml")[0] == (title, "")
    assert title_column_step("政策文件汇编的通知", url)[0] == ("政策文件汇编的通知", "")  # too short a rest
    assert title_column_step(title, "")[0] == (title, "")


@real_inputs
def test_an_issuer_summary_names_its_first_issuer():
    """The retrieval table's issuer column sums a joint document's issuers up (国家互联网信息办公室等七部门,
    工业和信息化部等八部门): it names bodies, and is the publisher as printed; it was dropped as no body's name."""
    records = tune_records("pages/ys-phase25-candidates.csv.gz")

    def printed_summed(entry: dict) -> bool:
        return "等" in json.dumps(entry["expected"].get("publisher"), ensure_ascii=False)

    summed = [(entry, outcome) for entry, outcome in records if printed_summed(entry)]
    assert len(summed) >= 3
    for entry, outcome in summed:
        got = outcome.values["publisher"]
        assert same("publisher", entry["expected"]["publisher"], got), (entry["record"], got)


def test_an_issuer_summary_is_an_organisation_only_after_a_body():
    from index.labels import is_organisation

    assert is_organisation("工业和信息化部等八部门")
    assert is_organisation("生态环境部等部门")
    assert not is_organisation("等七部门")
    assert not is_organisation("关于做好某某工作等事项的通知")
