"""A text extracted from a compilation's PDF runs on from the document's last article into the next document.

Built from real texts of the fidelity collection (../shared/fidelity/pages, sources named in manifest.d/text7.json): a
medical-policy project's data/*.txt, each the text of a PDF that holds several documents one after another.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from helpers import REAL_PAGES, real_inputs

from index.readers import read_file
from index.record import RawRecord

pytestmark = real_inputs  # every test here reads the real third-party inputs

PAGES = REAL_PAGES


def read_text(tmp_path: Path, name: str, text: str | None = None) -> RawRecord:
    path = tmp_path / name
    path.write_text(text if text is not None else page_text(name), encoding="utf-8")
    (item,) = list(read_file(path))
    assert isinstance(item, RawRecord), item
    return item


def page_text(name: str) -> str:
    return gzip.decompress((PAGES / f"{name}.gz").read_bytes()).decode("utf-8")


def test_the_next_documents_heading_ends_the_body(tmp_path):
    # 医疗机构药品监督管理办法（试行）: after 第四十二条 the 卫生部 notice issuing 医疗机构药事管理规定 begins, its
    # issuers over its title, its 文号 in brackets, its addressee.
    body = read_text(tmp_path, "nmpa-pdftext-1.txt").fields["body"]
    assert body.endswith("第四十二条 本办法自发布之日起施行。")
    assert "医疗机构药事管理规定" not in body and "卫医政发" not in body


def test_the_imprint_line_over_the_next_heading_goes_with_it(tmp_path):
    # 医院中药饮片管理规范: 第四十四条, the imprint line 2007年3月20日印发, then 卫生部关于印发 / 《…》的通知 /
    # （卫医发〔2005〕438 号）.
    body = read_text(tmp_path, "natcm-pdftext-1.txt").fields["body"]
    assert body.endswith("第四十四条 本规范由国家中医药管理局、卫生部负责解释。")
    assert "印发\n" not in body[-40:] and "卫医发" not in body


def test_a_document_the_text_names_is_part_of_it(tmp_path):
    # The same text where the rule itself names the document that follows (as a notice that issues or forwards
    # one does: 现将《…》印发给你们): that document's heading, 文号 and text stay in the body.
    last = "第四十四条 本规范由国家中医药管理局、卫生部负责解释。"
    names = "现将《医疗机构麻醉药品、第一类精神药品管理规定》一并印发。"
    text = page_text("natcm-pdftext-1.txt").replace(last, last + names)
    body = read_text(tmp_path, "natcm-named.txt", text).fields["body"]
    assert "（卫医发〔2005〕438 号）" in body and body.endswith("二〇〇五年十一月十四日")


def test_a_laws_bracketed_note_under_its_title_is_no_title(tmp_path):
    # 中华人民共和国献血法, its 题注 (the dates it was adopted and took effect) in brackets under the title: with lines
    # above the title (a crawler's log), the note is the longest heading-like line, and was taken for the title.
    log = "2024-05-01 10:00:01 [scrapy.core.engine] INFO: Spider opened\n"
    fields = read_text(tmp_path, "npc-text-2.txt", log + page_text("npc-text-2.txt")).fields
    assert fields["title"] == "中华人民共和国献血法"
    assert fields["body"].rstrip().endswith("（三）非法组织他人出卖血液的。")
