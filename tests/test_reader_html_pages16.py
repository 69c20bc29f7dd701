"""The 成文日期 a saved HTML page's text signs with (GB/T 9704-2012 7.3.5: 发文机关署名, then 成文日期), read where
no label gives one, as the text reader reads it. Real pages: tests/fidelity/manifest.d/pages16.json (saved pages
from JunFengXiang/electricity-policy-rag, 01_原始资料/)."""

from __future__ import annotations

from helpers import real_inputs, tune_page, tune_page_right

from index.readers.html import parse_html

JIANGSU = "pages/pages16-jsb-nea-1.html.gz"  # 国家能源局江苏监管办公室, four signers, 2017年10月30日
GUANGZHOU = "pages/pages16-gzpec-1.html.gz"  # 广州电力交易中心, signed 2024年4月8日 in a right-aligned <div>


@real_inputs
def test_the_date_four_offices_sign_with_under_an_old_editors_text_is_the_written_date():
    # one <p> of <BR>s: two rows of two signers pushed right with &nbsp; runs, then 2017年10月30日; no label
    _, values = tune_page(JIANGSU)
    assert values["written_date"] == "2017-10-30"
    assert tune_page_right(JIANGSU, "written_date", "pub_date")  # 发布 2017-11-02 stays the page's own date


@real_inputs
def test_the_date_under_the_signer_in_a_right_aligned_div_is_the_written_date():
    _, values = tune_page(GUANGZHOU)
    assert values["written_date"] == "2024-04-08"
    assert tune_page_right(GUANGZHOU, "written_date", "body_tail")


def _page(text: str, labels: str = "") -> dict[str, object]:
    markup = (
        "<html><head><title>关于印发《某某规则》的通知</title></head><body>"
        "<h1>关于印发《某某规则》的通知</h1>"
        f"{labels}<div class='TRS_Editor'>{text}</div></body></html>"
    )
    return parse_html(markup.encode("utf-8"), source="page.html").fields


SIGNED = (
    "<p>各有关单位：</p><p>现将《某某规则》印发给你们，请遵照执行。</p>"
    "<p style='text-align:right'>国家能源局浙江监管办公室</p><p style='text-align:right'>2020年5月28日</p>"
)


def test_a_page_without_a_written_date_label_takes_the_date_its_text_signs_with():
    assert _page(SIGNED)["written_date"] == "2020-05-28"


def test_a_written_date_label_wins_over_the_signature():
    labels = "<table><tr><td>成文日期：</td><td>2020-05-27</td><td>发布日期：</td><td>2020-06-01</td></tr></table>"
    assert _page(SIGNED, labels)["written_date"] == "2020-05-27"


def test_a_date_inside_a_sentence_signs_nothing():
    fields = _page("<p>各有关单位：</p><p>本规则自2020年6月1日起施行。</p>")
    assert "written_date" not in fields
