"""A law database's field list names the issuer 制定机关 and the date 公布日期: both are read.

Built from real pages of the fidelity collection (../shared/fidelity/pages/gd-pkulaw-*.html.gz, 广东省法规规章数据库, a
北大法宝 provincial database, source named in manifest.d/pages5.json). Each prints its fields as
``<li><strong>制定机关：</strong>…</li>`` rows: 制定机关, 发文字号, 公布日期, 施行日期, 时效性, 效力位阶.
公布日期 is the day the text was published, 施行日期 the day it took effect.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from helpers import REAL_PAGES, real_inputs

from index.ingest import IngestReport, read_document
from index.labels import canonical_field
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord

PAGES = REAL_PAGES


def read_page(name: str, tmp_path: Path):
    path = tmp_path / name.removesuffix(".gz")
    path.write_bytes(gzip.decompress((PAGES / name).read_bytes()))
    items = [item for item in read_file(path, DEFAULTS) if isinstance(item, RawRecord)]
    assert len(items) == 1
    doc = read_document(items[0], DEFAULTS, IngestReport())
    assert doc is not None
    return doc


@real_inputs
@pytest.mark.parametrize(
    ("name", "publisher", "pub_date", "doc_no"),
    [
        ("gd-pkulaw-03.html.gz", "广东省人民政府", "2021-11-02", "粤府办〔2021〕39号"),
        (
            "gd-pkulaw-06.html.gz",
            "广东省人大(含常委会)",
            "2021-03-18",
            "广东省第十三届人民代表大会常务委员会公告第80号",
        ),  # noqa: E501
        ("gd-pkulaw-07.html.gz", "广东省人力资源和社会保障厅", "2021-11-01", ""),
    ],
)
def test_the_issuer_and_the_day_of_publication_come_from_the_field_list(tmp_path, name, publisher, pub_date, doc_no):
    doc = read_page(name, tmp_path)
    assert (doc.publishers or [doc.publisher]) == [publisher]
    assert doc.pub_date == pub_date
    assert doc.doc_no == doc_no
    assert doc.validity == "有效"  # 时效性：现行有效


@real_inputs
def test_the_day_it_took_effect_is_not_the_day_of_publication(tmp_path):
    doc = read_page("gd-pkulaw-06.html.gz", tmp_path)  # 公布日期 2021.03.18, 施行日期 2021.06.01
    assert doc.pub_date == "2021-03-18"


def test_the_labels_are_in_the_one_label_table():
    assert canonical_field("制定机关") == "publisher"
    assert canonical_field("制定机关：") == "publisher"
    assert canonical_field("公布日期") == "pub_date"


@real_inputs
def test_rows_of_the_field_list_with_labels_no_field_takes_stay_out_of_the_body(tmp_path):
    """施行日期 and 效力位阶 are rows of the same field list as 制定机关 and 发文字号: page metadata, not text."""
    doc = read_page("gd-pkulaw-06.html.gz", tmp_path)
    head = doc.body[:200]
    assert "施行日期" not in head and "2021.06.01" not in head
    assert "效力位阶" not in head and "省级地方性法规" not in head
    assert doc.body.startswith("广东省第十三届人民代表大会常务委员会公告")
    assert "自2021年6月1日起施行" in doc.body  # the text's own words stay


def test_an_unknown_label_in_a_list_without_metadata_stays_text():
    """A list item written ``词：内容`` in a list holding no known field is the document's own text."""
    from index.readers.html import parse_html

    page = (
        "<html><body><h1>关于做好某项工作的通知</h1><div class='content'><p>各有关单位：</p>"
        "<ul><li>工作目标：到2025年完成改造。</li><li>实施步骤：分三批推进。</li></ul>"
        "<p>请认真贯彻执行。</p></div></body></html>"
    )
    body = parse_html(page.encode(), source="inline").fields["body"]
    assert "工作目标：到2025年完成改造。" in body and "实施步骤：分三批推进。" in body


def test_lines_of_a_text_laid_out_in_the_metadata_table_stay_text():
    """An old layout puts the text in a row of the metadata table: its salutation and 联系人 line are text."""
    from index.readers.html import parse_html

    page = (
        "<html><body><table>"
        "<tr><td>索引号：000014349/2021-00001</td><td>发布机构：某市人民政府</td></tr>"
        "<tr><td>发布日期：2021-06-01</td><td>施行日期：2021-07-01</td></tr>"
        "<tr><td colspan='2'><p>各区县：</p><p>现将有关事项通知如下，请遵照执行。</p>"
        "<p>联系人：张三</p><p>某市人民政府</p></td></tr>"
        "</table></body></html>"
    )
    fields = parse_html(page.encode(), source="inline").fields
    assert fields["body"].startswith("各区县：")
    assert "联系人：张三" in fields["body"]
    assert "施行日期" not in fields["body"]  # a row of the field list
    assert fields["publisher"] == "某市人民政府"
