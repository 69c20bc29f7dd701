"""Export kinds first seen in the fidelity collection's read21.json (round 14), each held by real tune records of
shizelengleng/ai-zhengce-tong's data/documents.json (a RAG project's JSON array: title, source, doc_no,
publish_date, source_url, original_text = the page's text)."""

from __future__ import annotations

from helpers import real_inputs, tune_records

from bench.fidelity import same, squeeze
from index.normalise import doc_no_step
from index.publishers import is_organisation_name, split_publishers
from index.readers.text import page_text_fields

FILE = "pages/read21-szt-documents.json.gz"


def _records(*numbers: int) -> list[tuple[dict, object]]:
    """The tune entries of read21's file numbered ``numbers``, each with what ``portal ingest``'s path gives."""
    found = [(entry, outcome) for entry, outcome in tune_records(FILE) if entry["record"] in numbers]
    assert sorted(entry["record"] for entry, _outcome in found) == sorted(numbers)
    for entry, outcome in found:
        assert not outcome.error, (entry["record"], outcome.error)
    return found


@real_inputs
def test_a_doc_no_column_citing_what_the_document_rests_on_is_no_doc_no():
    """The export's doc_no names the document the page rests on (穗府办规〔2021〕14号为依据,
    （依据粤财社〔2026〕19号）): another document's 文号, so the page has none."""
    for entry, outcome in _records(3, 28):
        assert entry["expected"]["doc_no"] == ""
        assert same("doc_no", "", outcome.values["doc_no"]), (entry["record"], outcome.values["doc_no"])


def test_only_a_note_citing_a_basis_is_dropped_from_the_doc_no_column():
    assert doc_no_step("穗府办规〔2021〕14号为依据", "")[0][0] == ""
    assert doc_no_step("（依据粤财社〔2026〕19号）", "")[0][0] == ""
    assert doc_no_step("根据国发〔2018〕43号", "")[0][0] == ""
    assert doc_no_step("国发〔2018〕43号", "")[0][0] == "国发〔2018〕43号"
    assert doc_no_step("（国发〔2018〕43号）", "")[0][0] == "国发〔2018〕43号"


@real_inputs
def test_a_note_on_the_pages_publication_after_the_publisher_is_no_part_of_it():
    """The export's source names the publisher and where the page came out: 广州市人力资源和社会保障局（广州市人民政府
    门户发布）, 广东省人力资源社会保障厅（广州市人民政府门户发布）. The publisher is the name before the note."""
    for entry, outcome in _records(19, 20, 26):
        assert same("publisher", entry["expected"]["publisher"], outcome.values["publisher"]), (
            entry["record"],
            outcome.values["publisher"],
        )


def test_a_publication_note_is_dropped_but_a_second_name_is_kept():
    assert split_publishers("广州市人力资源和社会保障局（广州市人民政府门户发布）") == ["广州市人力资源和社会保障局"]
    assert split_publishers("广州市人民政府门户（市医保局供稿）") == ["广州市人民政府门户"]
    assert is_organisation_name("广东省人力资源社会保障厅（广州市人民政府门户发布）")  # read by its value too
    two_names = "鼓楼区发展和改革局（区经信办）"  # one office under two names
    assert split_publishers(two_names) == [two_names]


@real_inputs
def test_a_section_heading_sharing_the_titles_words_starts_the_text():
    """Under its title 广州市残疾人两项补贴2025年发放情况和2026年发放标准 the page's text opens with its first section,
    一、2025年发放情况: the text's own heading, not a piece of the page's title over it."""
    [(entry, outcome)] = _records(28)
    body = squeeze(outcome.values["body_head"])
    assert body.startswith(squeeze(entry["expected"]["body_head"])), body[:60]


def test_a_numbered_line_under_the_heading_is_the_texts_own():
    fields = {"title": "某市某某补贴2025年发放情况和2026年发放标准"}
    body = "当前位置： 首页 > 政务公开\n某市某某补贴2025年发放情况和2026年发放标准\n"
    body += "一、2025年发放情况\n2025年1月起，标准为每人每月209元。"
    assert page_text_fields(body, fields)["body"].startswith("一、2025年发放情况")
    body = body.replace("一、2025年发放情况", "（一）2025年发放情况")
    assert page_text_fields(body, fields)["body"].startswith("（一）2025年发放情况")


@real_inputs
def test_a_reposts_heading_printed_twice_is_no_text_where_the_record_has_its_own_title():
    """A 街道办事处's gkmlpt repost, under the project's own label for the title (广州市公共租赁住房保障办法): the
    repost's heading （转载）广州市人民政府办公厅关于印发…的通知 three times, the publisher, the unlabelled 索引号, the
    【字体】 bar and the record's 文号 over the notice. The text starts at the notice; the 索引号 is the page's."""
    [(entry, outcome)] = _records(1)
    for field in ("index_no", "body_head"):
        assert same(field, entry["expected"][field], outcome.values[field]), (field, outcome.values[field])


def test_a_line_printed_twice_is_heading_only_where_the_title_or_doc_no_shows_one():
    fields = {"title": "项目自己的标题", "doc_no": "穗府办规〔2024〕13号"}
    heading = "（转载）某某办公厅关于印发某某办法的通知"
    body = f"{heading}\n某某街道办事处\n{heading}\n【字体： 大 中 小 】\n"
    body += "穗府办规〔2024〕13号\n各区人民政府：\n现印发给你们。"
    assert page_text_fields(body, fields)["body"].startswith("各区人民政府：")
    other = {**fields, "doc_no": "穗府办规〔2023〕1号"}  # neither the title nor the 文号: the body stays as it is
    assert "body" not in page_text_fields(body, other)


@real_inputs
def test_a_source_line_under_the_date_line_opening_a_records_text_is_metadata():
    """S-ummmer/gov-crawler-0605's result.csv keeps a page's text from its head: 发布时间：2025-07-08, 来源：中国政府网,
    the 字号 bar, then the 文号 alone over the 意见. The 来源 line continues the head the date line opens (a weak
    label alone would be text), so the 文号 under it opens the text and is the record's."""
    [(entry, outcome)] = [item for item in tune_records("pages/summer-result-csv-1.csv.gz") if item[0]["record"] == 4]
    assert not outcome.error, outcome.error
    assert same("doc_no", entry["expected"]["doc_no"], outcome.values["doc_no"]), outcome.values["doc_no"]


def test_a_weak_label_is_metadata_only_under_metadata_and_only_with_a_short_value():
    from index.normalise import body_metadata_step

    head = "发布时间：2025-07-08\n\n来源：中国政府网\n\n国办发〔2025〕24号\n\n各省人民政府："
    fields, _heading, body = body_metadata_step(head)[0]
    assert fields["pub_date"] == "2025-07-08" and body.startswith("国办发〔2025〕24号")
    alone = "来源：中国政府网\n\n国办发〔2025〕24号"  # no metadata over it: a weak label may open the text
    assert body_metadata_step(alone)[0][2] == alone
    sentence = "发布时间：2025-07-08\n\n来源：本次调查覆盖全省。\n\n正文"
    assert body_metadata_step(sentence)[0][2].startswith("来源：本次调查覆盖全省。")
