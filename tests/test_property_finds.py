"""Faults the Hypothesis robustness properties found with more examples than a CI run draws, as plain tests.

- A field given as a row of the page's label table whose value keeps the page's label in front
  (``"发文机关": {"name": "发布机构", "value": "来源：国务院办公厅"}``) kept ``来源：`` in the publisher: a plain
  value loses its own label (index.labels.without_own_label), a row's value did not
  (tests/test_reader_export_robustness.py, seed 101 at 600 examples).
- A publisher's code and its name beside it, both as rows of the label table (``"FWJG": {"name": "发布机构",
  "value": "11330000002482155Q"}``, ``"FWJG_NAME": {…, "value": "国务院办公厅"}``), gave the code: the rules that
  weigh a plain value (a code is no name; a name beside its code wins) did not see inside a row (seed 202).
"""

from __future__ import annotations

import json

from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord


def _document(tmp_path, record):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None
    return doc


def test_a_label_table_rows_value_with_its_own_label_in_front_reads_without_it(tmp_path):
    record = {
        "标题": "国务院办公厅关于举行全国性哀悼活动的通知",
        "发布时间": {"name": "发布日期", "value": "发布时间：2020-04-03"},
        "发文机关": {"name": "发布机构", "value": "来源：国务院办公厅"},
        "文号": {"label": "发文字号", "value": "发文字号：国办发明电〔2020〕7号"},
        "正文": "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
    }
    doc = _document(tmp_path, record)
    assert (doc.publisher, doc.doc_no, doc.pub_date) == ("国务院办公厅", "国办发明电〔2020〕7号", "2020-04-03")


def test_a_publishers_code_and_name_as_label_table_rows_read_as_the_name(tmp_path):
    record = {
        "标题": "国务院办公厅关于举行全国性哀悼活动的通知",
        "FWJG": {"name": "发布机构", "value": "11330000002482155Q"},
        "FWJG_NAME": {"name": "发布机构", "value": "国务院办公厅"},
        "正文": "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
    }
    assert _document(tmp_path, record).publisher == "国务院办公厅"
