"""A record whose body is the page's text with the heading the page prints over it: the heading leaves the body,
and the fields it and the signature under the text print fill the record's empty ones.

Built from a real record of the fidelity collection (../shared/fidelity/pages/gzwjw-documents-1.json.gz, source named
in manifest.d/text7.json): a RAG project's documents.json, whose original_text is a gkmlpt page's text.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from helpers import REAL_PAGES, real_inputs

from index.readers import read_file
from index.readers.text import page_text_fields
from index.record import RawRecord

PAGES = REAL_PAGES


def gzwjw_record(tmp_path: Path) -> RawRecord:
    path = tmp_path / "documents.json"
    path.write_bytes(gzip.decompress((PAGES / "gzwjw-documents-1.json.gz").read_bytes()))
    items = list(read_file(path))
    assert isinstance(items[9], RawRecord), items[9]
    return items[9]


@real_inputs
def test_the_heading_over_the_text_leaves_the_body_and_fills_the_fields(tmp_path):
    # 广州市卫生健康委员会 / its 索引号 unlabelled / 广州市卫生健康委员会 / title / 穗卫函〔2023〕1930号 /
    # 【字体： 大 中 小 】 / title / 文号 again, then the addressee; the signature (four offices over 2023年10月19日)
    # under the notice.
    fields = gzwjw_record(tmp_path).fields
    assert fields["body"].startswith("各区卫生健康局、财政局、人力资源社会保障局，市医保中心：")
    assert fields["index_no"] == "11440100MB2C90856P/2023-00331"
    assert fields["written_date"] == "2023-10-19"
    assert fields["doc_no"] == "穗卫函〔2023〕1930号"  # the record's own key
    assert fields["publisher"] == "广州市卫生健康委员会、市财政局、市人社局、市医保局"  # the record's own key wins


def test_a_body_that_opens_with_its_own_text_is_left_as_it_is():
    fields = {
        "title": "中法人工智能研讨会成功召开",
        "body": "2021年12月10日，由中国科技部主办的研讨会召开。\n国家新一代人工智能治理专业委员会\n2021年9月25日",
    }
    # no heading over it, and a news report's text: the signature under it is the document's it quotes, none read
    assert page_text_fields(str(fields["body"]), fields) == fields
