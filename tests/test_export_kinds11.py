"""Export kinds first seen in the fidelity collection's exports11.json (round 12), each held by real tune records."""

from __future__ import annotations

from helpers import real_inputs, tune_records

from bench.fidelity import same
from index.keyparts import field_by_parts

CHUNKS = "pages/jfx-knowledge-chunks.jsonl.gz"


@real_inputs
def test_a_chunks_piece_of_text_key_is_its_body():
    """A RAG project's knowledge chunks (JunFengXiang/electricity-policy-rag knowledge_chunks.jsonl) keep each
    chunk's slice of the page's text under 正文片段 beside 文件标题, 发布机构 …: the slice is the record's body (a
    chunk of a table, short lines of numbers and names, is no text of sentences the values' own test would take)."""
    records = tune_records(CHUNKS)
    assert len(records) >= 2
    for entry, outcome in records:
        assert not outcome.error, outcome.error
        for field in ("body_head", "body_tail"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field, outcome)


def test_a_piece_of_a_texts_label_names_the_text_and_nothing_else():
    assert field_by_parts("正文片段") == "body"
    assert field_by_parts("内容节选") == "body"
    for key in ("片段", "标题片段", "章节标题", "切片编号", "切片序号", "文件标题"):
        assert field_by_parts(key) is None, key


@real_inputs
def test_a_chunk_opening_with_its_pages_head_gives_the_heads_fields():
    """A RAG project's first chunk of a saved page (YushenSun/china-policy-intelligence-rag phase2_5_candidates.csv,
    chunk_text) opens with the page's head — browser title, navigation, the title, 发布时间 or the date alone, 来源,
    the 文号 — and is cut long before the footer a whole page's dump ends in. The head's date, 文号 and the text's
    signature fill the fields the record lacks, and the text starts after the head."""
    records = {
        entry["record"]: (entry, outcome) for entry, outcome in tune_records("pages/ys-phase25-candidates.csv.gz")
    }
    for number, fields in (
        (42, ("doc_no", "written_date", "pub_date")),
        (50, ("doc_no", "written_date")),
        (113, ("doc_no", "publisher", "written_date", "pub_date")),
    ):
        entry, outcome = records[number]
        assert not outcome.error, outcome.error
        for field in fields:
            assert same(field, entry["expected"][field], outcome.values[field]), (number, field, outcome.values[field])


def test_a_page_head_is_told_by_the_records_title_beside_a_date_or_a_source_line():
    from index.readers._common import opens_with_page_head

    head = (
        "某某办法_某某网\n首页\n>\n正文\n某某市关于印发某某办法的通知\n2023年07月13日 15:00\n来源：\n某某网\n"
        "各区人民政府：\n"
    )
    assert opens_with_page_head(head, "某某市关于印发某某办法的通知")
    assert not opens_with_page_head(head, "")  # no title to find: a news item's own headline is its text
    news = "2024-01-23\n来源：中国政府网\n[打印]\n李强主持召开国务院常务会议\n研究全面推进乡村振兴有关举措\n"
    assert not opens_with_page_head(news, "要闻动态李强主持召开国务院常务会议 研究全面推进乡村振兴有关举措等")
    text = "某某市关于印发某某办法的通知\n各区人民政府：现将《某某办法》印发给你们，请认真贯彻执行。\n2023年7月10日\n"
    assert not opens_with_page_head(text, "某某市关于印发某某办法的通知")
