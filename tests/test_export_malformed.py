"""Malformed exports (issue 17): no crash, the records before a break are kept, and each break is a clear error naming
the file, the record and, where one is to blame, the field. Built from real exports of the fidelity collection's
tune split, broken the ways downloads and dumps break: cut short, a record that is no object, a ragged CSV row, a
stray byte in a UTF-8 file, an empty list (jas0no7/local_spider_jason local_crawler/example.json is ``[\\n\\n]``)."""

from __future__ import annotations

import functools
import gzip
import json

import pytest
from helpers import real_inputs

from bench.fidelity import COLLECTION
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord, ReadError


@functools.cache
def real_records() -> list[dict]:
    """福建省生态环境厅 政策法规, a crawler's JSON list (jas0no7/local_spider_jason fujian_env_policies.json, excerpt),
    read from the real-input folder: a test using it carries the ``real_inputs`` marker."""
    return json.loads(gzip.decompress((COLLECTION / "pages/sthjt-fujian-flfg.json.gz").read_bytes()))


def _read(path):
    items = list(read_file(path))
    docs = [read_document(item, DEFAULTS, IngestReport()) for item in items if isinstance(item, RawRecord)]
    errors = [item for item in items if isinstance(item, ReadError)]
    return docs, errors


def _cut_inside(text: str, record: dict) -> str:
    """The text cut in the middle of ``record``'s title."""
    title = record["title"]
    return text[: text.index(title) + len(title) // 2]


@real_inputs
@pytest.mark.parametrize(
    "wrap",
    [
        lambda records: records,
        lambda records: {"code": 200, "data": {"total": len(records), "list": records}},
        lambda records: {"facets": [{"name": "政策法规", "count": 10}], "page": {"content": records}},
    ],
    ids=["an array", "a response's data.list", "a response's page.content after a list of facets"],
)
def test_an_export_cut_short_keeps_the_records_before_the_break(tmp_path, wrap):
    path = tmp_path / "policies.json"
    path.write_text(
        _cut_inside(json.dumps(wrap(real_records()), ensure_ascii=False, indent=1), real_records()[3]), "utf-8"
    )
    docs, errors = _read(path)
    assert [doc.title for doc in docs] == [record["title"] for record in real_records()[:3]]
    [error] = errors
    assert str(error).startswith(f"{path} record 4: not valid JSON")


@real_inputs
def test_a_record_cut_inside_its_own_list_is_dropped_whole(tmp_path):
    """The break falls inside the fourth record's attachments: that record is not read half."""
    records = [{**record, "attachments": [{"name": "附件1.pdf", "url": "a.pdf"}]} for record in real_records()[:4]]
    text = json.dumps({"data": {"list": records}}, ensure_ascii=False)
    path = tmp_path / "policies.json"
    path.write_text(text[: text.rindex("a.pdf")], "utf-8")
    docs, errors = _read(path)
    assert len(docs) == 3 and [str(error).split(":")[0] for error in errors] == [f"{path} record 4"]


def test_a_cut_response_that_holds_no_whole_record_is_one_clear_error(tmp_path):
    path = tmp_path / "policies.json"
    path.write_text('{"code": 200, "data": {"list": [{"title": "关于', "utf-8")
    assert [str(error) for error in _read(path)[1]] == [
        f"{path}: not valid JSON: Unterminated string starting at: line 1 column 43 (char 42)"
    ]


@real_inputs
@pytest.mark.parametrize(
    ("name", "text", "located"),
    [
        ("a.json", lambda r: json.dumps([r[0], "说明", 42, None, r[1]], ensure_ascii=False), "record"),
        ("b.json", lambda r: json.dumps({"data": {"list": [r[0], "说明", r[1]]}}, ensure_ascii=False), "record"),
        (
            "c.jsonl",
            lambda r: "\n".join(json.dumps(x, ensure_ascii=False) for x in [r[0], "一条说明", [1], r[1]]),
            "line",
        ),
    ],
)
def test_a_record_that_is_no_object_is_an_error_naming_it_and_the_rest_is_read(tmp_path, name, text, located):
    path = tmp_path / name
    path.write_text(text(real_records()), "utf-8")
    docs, errors = _read(path)
    assert [doc.title for doc in docs] == [real_records()[0]["title"], real_records()[1]["title"]]
    assert errors and all(f"{path} {located} " in str(error) for error in errors)
    assert "expected an object, found str" in str(errors[0]) and f"{located} 2:" in str(errors[0])


@real_inputs
def test_a_ragged_csv_row_names_the_columns_it_lacks_and_the_rows_go_on(tmp_path):
    lines = ["标题,时间,内容,来源网站"]
    lines.append(
        f"{real_records()[0]['title']},{real_records()[0]['publish_time']},各单位：现将有关事项通知如下。,福建省生态环境厅"
    )
    lines.append(f"{real_records()[1]['title']},{real_records()[1]['publish_time']}")  # two cells short
    lines.append(f"{real_records()[2]['title']},{real_records()[2]['publish_time']},正文,福建省生态环境厅,多余,又多")
    path = tmp_path / "policies.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    docs, errors = _read(path)
    assert not errors and [doc.title for doc in docs] == [record["title"] for record in real_records()[:3]]
    [missing] = [w for w in docs[1].warnings if w.code == "csv_missing_cells"]
    assert missing.field == "body" and "内容、来源网站" in missing.message
    assert [w.code for w in docs[2].warnings if w.code.startswith("csv_")] == ["csv_extra_cells"]


@real_inputs
def test_a_stray_byte_in_a_utf8_export_with_a_bom_is_flagged_not_a_misread_file(tmp_path):
    path = tmp_path / "policies.csv"
    path.write_bytes(
        "\ufeff标题,时间\n".encode()
        + real_records()[0]["title"].encode()[:-3]
        + b"\xff,2025-10-30\n"
        + f"{real_records()[1]['title']},2025-10-17\n".encode()
    )
    docs, errors = _read(path)
    assert not errors and docs[1].title == real_records()[1]["title"]
    assert "encoding_loss" in {w.code for w in docs[0].warnings}


@pytest.mark.parametrize("text", ["[\n\n]", "{}", '{"code": 0, "data": {"list": []}}', ""])
def test_an_export_with_no_record_ends_cleanly(tmp_path, text):
    path = tmp_path / "example.json"
    path.write_text(text, "utf-8")
    docs, errors = _read(path)
    assert not docs and all(str(error).startswith(str(path)) for error in errors)


@real_inputs
def test_values_no_field_can_hold_are_findings_naming_the_field(tmp_path):
    path = tmp_path / "policies.json"
    record = {**real_records()[0], "publish_time": float("nan"), "source": ["福建省生态环境厅", "生态环境部"]}
    path.write_text(json.dumps([record], ensure_ascii=False), "utf-8")  # NaN, as pandas writes it
    [doc], errors = _read(path)
    assert not errors and doc.title == real_records()[0]["title"]
    assert ("not_finite", "pub_date") in {(w.code, w.field) for w in doc.warnings}


@real_inputs
def test_a_record_with_nothing_to_index_is_rejected_naming_it_and_its_field(tmp_path):
    path = tmp_path / "policies.json"
    path.write_text(
        json.dumps([{}, real_records()[0], {"detail_url": real_records()[1]["detail_url"]}], ensure_ascii=False),
        "utf-8",
    )
    report = IngestReport()
    docs = [read_document(item, DEFAULTS, report) for item in read_file(path) if isinstance(item, RawRecord)]
    assert [doc.title for doc in docs if doc] == [real_records()[0]["title"]]
    assert [str(rejected).split(": no title")[0] for rejected in report.rejected] == [
        f"{path} record 1: field title",
        f"{path} record 3: field title",
    ]


def test_a_column_the_header_repeats_is_read_not_lost(tmp_path):
    """csv.DictReader keys a row by the header's names and kept the last column of a repeated name only: the first
    ``标题`` column's title was lost without a word, and of two ``附件`` columns one attachment. Now a repeated
    name holds its columns' values as a record's key holding several does: one title (the first) with
    ``several_values``, every attachment."""
    path = tmp_path / "export.csv"
    path.write_text(
        "标题,发布日期,正文,标题,附件,附件\n"
        "关于做好防汛工作的通知,2024-06-01,各单位做好防汛工作。,防汛通知,http://a.gov.cn/1.pdf,http://a.gov.cn/2.pdf\n"
        "关于秋季防火的通告,2024-09-01,秋季防火。,,http://a.gov.cn/3.pdf,\n",
        "utf-8",
    )
    docs, errors = _read(path)
    assert not errors and [doc.title for doc in docs] == ["关于做好防汛工作的通知", "关于秋季防火的通告"]
    assert [w.field for w in docs[0].warnings if w.code == "several_values"] == ["title"]
    assert "防汛通知" in next(w.message for w in docs[0].warnings if w.code == "several_values")
    assert [a.url for a in docs[0].attachments] == ["http://a.gov.cn/1.pdf", "http://a.gov.cn/2.pdf"]
    assert [a.url for a in docs[1].attachments] == ["http://a.gov.cn/3.pdf"]
    assert not [w for w in docs[1].warnings if w.code in ("several_values", "csv_missing_cells")]
