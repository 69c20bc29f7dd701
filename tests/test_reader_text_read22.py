"""Per-document text files without labels that round 14 (read22) found read as no document, held on TUNE pages.

Two kinds, each from real crawler archives of the fidelity collection (``../shared/fidelity``, read22.json; held-out
pages are never read here):

* a regulation's own short name heading the text, shorter than a title by its length alone (``护士条例`` over its
  题注, tianxinyuan57/medical-policy-rag): the text's first line ending in a document kind is its title;
* a 公文's text without its heading, as a crawler keeps a page's text box alone (chairmenfrog/Policy_crawler's
  ``data/JX_text``: the addressees or the first sentence, the text, the signature): a text with prose that a
  signature dates (GB/T 9704-2012 7.3.5) is a document; its publisher and 成文日期 come from that signature.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import page_text, read_page_text, real_inputs, tune_entry, tune_page

from bench.fidelity import same, stored_values
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord, ReadError

SHORT_TITLE = "pages/read22-gov-hushi.txt.gz"
UNHEADED = [
    "pages/read22-jiangxi-art_4969_1495208.txt.gz",  # addressees, measures, the date alone under the last sentence
    "pages/read22-jiangxi-art_5400_1495569.txt.gz",  # addressees, a notice, 附件：1. 2. 3., the issuer over the date
    "pages/read22-jiangxi-art_18830_1508831.txt.gz",  # a sentence first, 特此通告。, the issuer over the date
    # added after the first fixes, read unseen: the addressees over a line ending in a colon (…研究，决定：), a
    # Party body signing (中共…党组); the addressees and a notice signed by its 局 with （此件主动公开） under the date
    "pages/read22-jiangxi-art_14075_1574386.txt.gz",
    "pages/read22-jiangxi-art_5408_1506675.txt.gz",
]


def _judged(entry: dict, values: dict[str, object]) -> list[str]:
    """The judged fields of a tune page the portal stores wrong."""
    return [name for name, want in entry["expected"].items() if want is not None and not same(name, want, values[name])]


@real_inputs
def test_a_short_regulation_name_on_the_first_line_is_the_title():
    entry, values = tune_page(SHORT_TITLE)
    assert _judged(entry, values) == []
    assert values["title"] == "护士条例"


@real_inputs
def test_a_short_kind_ending_line_below_the_first_is_no_title(tmp_path: Path):
    text = page_text(SHORT_TITLE)
    path = tmp_path / "moved.txt"
    # the name under a line of prose: a section's heading there, not the title, so the text has none
    path.write_text("为加强护士管理，现将条例摘录如下。\n\n" + text, "utf-8")
    (item,) = list(read_file(path, DEFAULTS))
    assert isinstance(item, ReadError)


@real_inputs
@pytest.mark.parametrize("file", UNHEADED)
def test_a_signed_text_without_its_heading_is_a_document(file: str):
    entry, values = tune_page(file)
    assert _judged(entry, values) == []
    assert values["written_date"] == entry["expected"]["written_date"]


def _without_last_line(tmp_path: Path, file: str, drop_first: bool = False) -> list:
    """What reading ``file`` gives with its last line (the date that signs) taken off, and its first too where
    ``drop_first``."""
    lines = page_text(file).rstrip().splitlines()
    assert lines[-1].strip().startswith("2020年")  # the date that signs
    path = tmp_path / Path(file).name.removesuffix(".gz")
    path.write_text("\n".join(lines[1 if drop_first else 0 : -1]) + "\n", "utf-8")
    return list(read_file(path, DEFAULTS))


@real_inputs
def test_without_its_signature_a_text_opening_with_a_sentence_is_no_document(tmp_path: Path):
    (item,) = _without_last_line(tmp_path, UNHEADED[2])
    assert isinstance(item, ReadError)


@real_inputs
@pytest.mark.parametrize("file", UNHEADED[:2])
def test_a_text_without_its_heading_is_known_by_its_addressees_too(tmp_path: Path, file: str):
    """In a long text the sniffer, reading the file's head, never sees the signature: the addressees over the first
    sentence say it is a 公文's text; without them and the signature it is none."""
    entry = tune_entry(file)
    (item,) = _without_last_line(tmp_path, file)
    assert isinstance(item, RawRecord)
    assert same("body_head", entry["expected"]["body_head"], item.fields["body"])
    (item,) = _without_last_line(tmp_path, file, drop_first=True)
    assert isinstance(item, ReadError)


SPREAD_HEADING = "pages/read22-govcn-pagetext-10.txt.gz"


@real_inputs
def test_a_heading_line_spread_apart_up_to_its_about_is_part_of_the_title(tmp_path: Path):
    """gov.cn prints 国发〔1988〕27号's heading as ``国 务 院 印 发 关 于`` over ``深化物资体制改革方案的通知``;
    without the label table (whose 标题 row names the title) the heading is read from the text: both lines, not the
    second alone (a menu spread the same way, ``首 页 政 务 公 开``, ends in no 关于 and stays no part of a heading)."""
    entry = tune_entry(SPREAD_HEADING)
    text = page_text(SPREAD_HEADING)
    assert "国 务 院 印 发 关 于" in text
    unlabelled = "\n".join(line for line in text.splitlines() if "：\t" not in line)
    values = stored_values(read_page_text(tmp_path, SPREAD_HEADING, unlabelled))
    assert same("title", entry["expected"]["title"], values["title"])
    menu = unlabelled.replace("国 务 院 印 发 关 于", "首 页 政 务 公 开")
    assert stored_values(read_page_text(tmp_path, SPREAD_HEADING, menu))["title"] == "深化物资体制改革方案的通知"
