"""Export and page-dump kinds first seen in the fidelity collection's read20.json (round 14), each held by real tune
inputs: a RAG project's chunk that ends in the page's footer, a RAG source table's title and 文号 columns, and the
附件 label before a download's name in a page's text dump."""

from __future__ import annotations

from helpers import real_inputs, tune_page_right, tune_records

from bench.fidelity import same
from index.identifiers import bracketed_doc_no, cites_basis
from index.keyparts import without_note
from index.publishers import office_of_website, split_publishers
from index.readers.text import without_dump_frame


@real_inputs
def test_a_chunk_cut_above_a_pages_footer_ends_where_the_document_does():
    """YushenSun/china-policy-intelligence-rag keeps the chunks it retrieved with their page's text as the chunk
    holds it: the last chunk of the 生成式人工智能服务管理暂行办法 page opens mid-sentence in 第十九条 and ends in the
    site's footer (关闭, the site's name, © 版权所有, ICP numbers, PC版, Produced By CMS …). Its text ends at 第二十四条
    本办法自2023年8月15日起施行。, in both the project's candidates table and its relevant-chunks table."""
    records = tune_records("pages/read20-ys-topic-relevant.csv.gz") + tune_records("pages/ys-phase25-candidates.csv.gz")
    end = "本办法自2023年8月15日起施行。"
    last = [(entry, outcome) for entry, outcome in records if entry["expected"].get("body_tail") == end]
    assert len(last) == 2
    for entry, outcome in last:
        assert not outcome.error, outcome.error
        assert same("body_tail", entry["expected"]["body_tail"], outcome.values["body_tail"]), entry["record"]


def test_only_a_footer_after_the_text_is_cut_from_a_slice():
    footer = ["关闭", "某某市人民政府 © 版权所有", "京ICP备14042428号", "京公网安备11040102700108号"]
    text = "\n".join(["机关、公司的合法权益。", "第二十四条", "本办法自2023年8月15日起施行。", *footer])
    assert without_dump_frame(text) == "机关、公司的合法权益。\n第二十四条\n本办法自2023年8月15日起施行。"
    # a slice with no footer, or whose last lines are text, is kept as it is
    plain = "第一条 为了规范管理，制定本办法。\n第二条"
    assert without_dump_frame(plain) == plain
    printed = "第一条 为了规范管理，制定本办法。\n打印\n第二条 本办法由市人民政府负责解释。"
    assert without_dump_frame(printed) == printed


@real_inputs
def test_a_source_tables_document_title_beats_its_topic_and_remark_columns():
    """shizelengleng/ai-zhengce-tong's 官方文件表.csv names each official source under 文档标题, beside 关联条目 (the
    topic the document answers: 户籍家庭公租房申请) and 备注 (the compiler's remark); the link is 出处链接. The
    title is 文档标题's, whatever the title reads like (无需个人垫付！广州异地就医备案，…), and the text 原文关键条款's
    from its first word (家庭医生签约服务包分为…, not cut where the topic 家庭医生签约服务 ends)."""
    records = tune_records("pages/read20-zct-official-docs.csv.gz")
    assert len(records) == 9
    for entry, outcome in records:
        assert not outcome.error, outcome.error
        for field in ("title", "body_head", "body_tail"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field)


@real_inputs
def test_a_doc_no_column_citing_the_basis_is_no_doc_no():
    """The same table's 文号 column names, for a notice or a list that has no number of its own, the document it
    rests on: 穗府办规〔2021〕14号为依据, （依据粤财社〔2026〕19号）. Neither is the record's 文号; a real 文号 in the
    column (穗府办规〔2024〕13号) is."""
    records = tune_records("pages/read20-zct-official-docs.csv.gz")
    for entry, outcome in records:
        assert same("doc_no", entry["expected"]["doc_no"], outcome.values["doc_no"]), (entry["record"], outcome)
    assert sum(1 for entry, _outcome in records if entry["expected"]["doc_no"]) == 5


def test_only_a_basis_cited_in_the_doc_no_column_is_a_note():
    notes = ["穗府办规〔2021〕14号为依据", "（依据粤财社〔2026〕19号）", "根据国发〔2018〕43号"]
    for note in [*notes, "以粤府〔2020〕1号为准"]:
        assert cites_basis(note), note
    assert bracketed_doc_no("（依据粤财社〔2026〕19号）") == ""
    for own in ("穗府办规〔2024〕13号", "（国发〔2018〕43号）", "国家发展改革委令第20号", "依法行政〔2020〕3号"):
        assert not cites_basis(own), own
    assert bracketed_doc_no("（国发〔2018〕43号）") == "国发〔2018〕43号"


@real_inputs
def test_the_attachment_label_before_a_downloads_name_is_no_part_of_it():
    """xjb.nea.gov.cn's page for the 解释说明 of its 辅助服务 rules holds no text but two downloads, the second printed
    after the page's 附件： label on its line (附件：《新疆电力辅助服务市场运营规则（试行）》的解释说明.pdf)."""
    assert tune_page_right("pages/read20-xjb-jssm.txt.gz", "attachments")


def test_a_note_closing_a_publishers_name_is_no_part_of_it_under_an_apis_key():
    """The source table's 发文机关 names the portal a page was published on with the bureau that wrote it in brackets
    (广州市人民政府门户（市医保局供稿）), or the bureau with the portal (广州市人力资源和社会保障局（广州市人民政府门户
    发布）). Under a key read by its words (docAgency, publishDepartment: the export robustness test's real APIs) the
    name before the note is the publisher; a portal (…门户) stands for its government, as a …网站 does."""
    portal = "广州市人民政府门户"
    # a note on the page's publication is dropped where the name is split into issuers (read21's
    # publishers._PUBLICATION_NOTE), whether or not the key's words kept it
    assert split_publishers(without_note("publisher", f"{portal}（市医保局供稿）")) == [portal]
    bureau = "广州市人力资源和社会保障局"
    assert split_publishers(without_note("publisher", f"{bureau}（{portal}发布）")) == [bureau]
    assert without_note("publisher", "商务部（国务院办公厅转发）") == "商务部"  # any other note: by the key's words
    named = "广州市医疗保障局（广州市医疗保险服务中心）"  # a body's name with its note: as it is
    assert without_note("publisher", named) == named
    assert without_note("publisher", "（政务指引）") == "（政务指引）"  # nothing before the note: as it is
    assert without_note("title", "某某通知（征求意见稿）") == "某某通知（征求意见稿）"
    assert office_of_website("广州市人民政府门户") == "广州市人民政府"
