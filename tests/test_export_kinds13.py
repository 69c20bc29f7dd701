"""Export kinds first seen in the fidelity collection's read17.json (round 13), each held by real tune records."""

from __future__ import annotations

from helpers import real_inputs, tune_records

from bench.fidelity import same, squeeze
from index.readers.text import page_text_fields


@real_inputs
def test_a_signature_glued_into_an_exports_one_line_text_gives_the_issuer_and_date():
    """gerry0208/spider_project's 河北 CSVs keep a page's paragraphs in one line of 内容, each after the indent it
    opens with (…建设发展。　　河北省科学技术厅　　2024年8月21日　　河北省实验室建设工作指引　　…), a signature's date
    sometimes glued to the heading after it (2023年2月11日河北省企业上市行动方案). The signature is the publisher and
    the 成文日期, as the HTML and text readers read a page's."""
    records = tune_records("pages/r17-hebei-kjt-kjzc.csv.gz") + tune_records("pages/r17-hebei-gxt-hyjh.csv.gz")
    signed = [(entry, outcome) for entry, outcome in records if entry["expected"].get("written_date")]
    assert len(signed) == 5
    for entry, outcome in signed:
        assert not outcome.error, outcome.error
        for field in ("publisher", "written_date"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field, outcome)


@real_inputs
def test_a_platforms_head_over_an_exports_page_text_is_no_body():
    """shizelengleng/ai-zhengce-tong's documents_import.json keeps 广州's 规范性文件 platform pages as text: a
    rule, 关注 · 广州政府网, links to the 解读 (【音频解读】《…》的政策解读 2024-03-04), the breadcrumb, the
    platform's 统一编号, the 文号 and dates, the title (one page prints only its 文号 again), then the notice. The
    text starts at the notice, and its signature is the 成文日期."""
    records = tune_records("pages/r17-szt-documents-import.json.gz")
    platform = [(entry, outcome) for entry, outcome in records if entry["expected"].get("written_date")]
    assert len(platform) == 4
    for entry, outcome in platform:
        assert not outcome.error, outcome.error
        body = squeeze(outcome.values["body_head"])
        assert body.startswith(squeeze(entry["expected"]["body_head"])), (entry["record"], body[:80])
        assert same("written_date", entry["expected"]["written_date"], outcome.values["written_date"]), entry["record"]


def test_only_a_signature_is_read_from_a_text_that_opens_with_itself():
    title = {"title": "关于某事的通知", "pub_date": "2024-08-22"}
    body = "各有关单位：　　现将有关事项通知如下。　　河北省科学技术厅　　2024年8月21日"
    body += "　　附则　　本办法自印发之日起施行"
    fields = page_text_fields(body, title)
    assert (fields["publisher"], fields["written_date"]) == ("河北省科学技术厅", "2024-08-21")
    assert "body" not in fields  # the text is the record's body as it stands
    # a date opening a sentence under a sentence signs nothing
    assert "written_date" not in page_text_fields("通知如下。　　2021年1月1日起，某某办法施行。", title)
    # a news report quoting a document whole: the signature closing it is the document's, not the report's
    quoted = "《伦理规范》全文如下：\n第一条 本规范适用于有关活动。\n国家新一代人工智能治理专业委员会\n2021年9月25日"
    assert page_text_fields("有关情况如下。\n" + quoted, title)["written_date"] == "2021-09-25"
    report = "9月25日，国家新一代人工智能治理专业委员会发布规范。\n"
    assert "written_date" not in page_text_fields(report + quoted, title)
    # a record's own publisher and 成文日期 win
    given = {**title, "publisher": "某某局", "written_date": "2024-08-20"}
    assert page_text_fields(body, given) == given


def test_a_heading_that_prints_only_the_records_doc_no_is_the_pages_heading():
    fields = {"title": "广州市某某局关于某某的通知", "doc_no": "穗民规字〔2025〕2号"}
    body = "关注 · 广州政府网\n【音频解读】《广州市某某局关于某某的通知》政策解读 2025-05-30\n"
    body += "当前位置： 首页 > 规范性文件\n"
    body += "GZ0320250043\n穗民规字〔2025〕2号\n2025年06月01日\n"
    body += "各区人民政府：\n经市人民政府同意，现通知如下。\n2025年5月30日"
    read = page_text_fields(body, fields)
    assert read["body"].startswith("各区人民政府：") and read["written_date"] == "2025-05-30"
    other = {**fields, "doc_no": "穗民规字〔2024〕5号"}  # another document's 文号: no heading of this record
    assert "body" not in page_text_fields(body, other)  # the record's body stays as it is


def test_a_search_hits_excerpts_are_no_values():
    """Elasticsearch puts a hit's excerpts beside its record (``highlight``: pieces of the record's values, cut and
    marked): a field the record leaves empty is not filled from an excerpt."""
    from index.readers._common import mapping_fields

    hit = {
        "_id": "1",
        "_source": {
            "title": "2025年稳外资行动方案",
            "chunk_text": "商务部、国家发展改革委《2025年稳外资行动方案》已经国务院同意。",
        },
        "highlight": {"issuer": ["<em>商务部、国家</em>发展和改革委"], "publish_date": ["<em>2025-04</em>-03"]},
    }
    fields = mapping_fields(hit)
    assert fields["title"] == "2025年稳外资行动方案"
    assert "publisher" not in fields and "pub_date" not in fields
