"""引用本文 (portal/citation.py): GB/T 7714-2015 strings in the shape of the standard's own examples (4.8.2), BibTeX
that a BibTeX reader can split into balanced fields, and CSL-JSON items of the CSL data schema's shape."""

from __future__ import annotations

import re
from datetime import date

from index.record import Document
from portal.citation import citation_key, cite, creators, gbt7714


def notice(**changes) -> Document:
    """The standard's example 4.8.2 [2]: a government notice with its 文号."""
    fields = {
        "id": "014319733/2018-00019",
        "title": "关于转发北京市企业投资项目核准暂行实施办法的通知",
        "publisher": "北京市人民政府办公厅",
        "publishers": ["北京市人民政府办公厅"],
        "doc_no": "京政办发[2005]37号",
        "pub_date": "2005-07-12",
    }
    return Document(**{**fields, **changes})


URL = "http://china.findlaw.cn/fagui/p_1/39934.html"


def test_a_notice_is_cited_as_the_standards_example_with_the_electronic_bulletin_type() -> None:
    # GB/T 7714-2015 4.8.2 [2] gives this entry with [A/OL]; an online disclosure is an 电子公告 (EB/OL).
    expected = (
        "北京市人民政府办公厅. 关于转发北京市企业投资项目核准暂行实施办法的通知: 京政办发[2005]37号[EB/OL]. "
        "(2005-07-12)[2011-07-12]. http://china.findlaw.cn/fagui/p_1/39934.html."
    )
    assert gbt7714(notice(), URL, date(2011, 7, 12)) == expected


def test_without_a_date_or_a_doc_no_those_parts_are_left_out_as_in_example_4() -> None:
    # 4.8.2 [4]: "Online Computer Library Center, Inc. About OCLC: history of cooperation[EB/OL]. [2012-03-27]. URL."
    doc = notice(
        title="About OCLC: history of cooperation",
        publisher="Online Computer Library Center, Inc.",
        publishers=["Online Computer Library Center, Inc."],
        doc_no="",
        pub_date="",
    )
    url = "http://www.oclc.org/about/cooperation.en.html"
    assert gbt7714(doc, url, date(2012, 3, 27)) == (
        "Online Computer Library Center, Inc. About OCLC: history of cooperation[EB/OL]. [2012-03-27]. "
        "http://www.oclc.org/about/cooperation.en.html."
    )


def test_joint_issuers_past_three_end_in_deng_and_an_unknown_issuer_is_yiming() -> None:
    four = notice(publisher="甲、乙、丙、丁", publishers=["甲", "乙", "丙", "丁"])
    assert creators(four) == ["甲", "乙", "丙", "等"]
    assert gbt7714(four, URL, date(2011, 7, 12)).startswith("甲, 乙, 丙, 等. 关于转发")
    two = notice(publisher="甲、乙", publishers=["甲", "乙"])
    assert gbt7714(two, URL, date(2011, 7, 12)).startswith("甲, 乙. 关于转发")
    nobody = notice(publisher="", publishers=[])
    assert gbt7714(nobody, URL, date(2011, 7, 12)).startswith("佚名. 关于转发")


def test_bibtex_is_a_biblatex_online_entry_with_the_corporate_author_braced() -> None:
    entry = cite(notice(), URL, date(2011, 7, 12)).bibtex
    assert entry == (
        "@online{xxgk-014319733-2018-00019,\n"
        "  author = {{北京市人民政府办公厅}},\n"
        "  title = {关于转发北京市企业投资项目核准暂行实施办法的通知},\n"
        "  number = {京政办发[2005]37号},\n"
        "  date = {2005-07-12},\n"
        "  year = {2005},\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2011-07-12},\n"
        "  langid = {chinese}\n"
        "}\n"
    )


def _fields(entry: str) -> dict[str, str]:
    """A BibTeX entry's fields, read the way BibTeX reads them: a value runs to its matching brace."""
    fields, at = {}, entry.index(",") + 1
    while True:
        match = re.compile(r"\s*(\w+) = \{").match(entry, at)
        if not match:
            break
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(entry[end], 0) if entry[end - 1] != "\\" else 0
            end += 1
        fields[match.group(1)] = entry[match.end() : end - 1]
        at = end + 1  # past the comma
    assert entry[at - 1 :].strip() == "}", entry
    return fields


def test_bibtex_escapes_what_would_unbalance_or_break_an_entry() -> None:
    title = "关于{100%}完成 a_b & c#d 任务~的通知 \\ 附件}"
    fields = _fields(cite(notice(title=title, doc_no=""), URL, date(2011, 7, 12)).bibtex)
    assert list(fields) == ["author", "title", "date", "year", "url", "urldate", "langid"]
    assert fields["title"] == (r"关于\{100\%\}完成 a\_b \& c\#d 任务\textasciitilde{}的通知 \textbackslash{} 附件\}")


def test_csl_json_has_the_data_schemas_shape() -> None:
    item = cite(notice(), URL, date(2011, 7, 12)).csl
    assert item == {
        "id": "xxgk-014319733-2018-00019",
        "type": "webpage",
        "title": "关于转发北京市企业投资项目核准暂行实施办法的通知",
        "author": [{"literal": "北京市人民政府办公厅"}],
        "URL": URL,
        "accessed": {"date-parts": [[2011, 7, 12]]},
        "issued": {"date-parts": [[2005, 7, 12]]},
        "language": "zh-CN",
        "number": "京政办发[2005]37号",
        "publisher": "北京市人民政府办公厅",
    }
    partial = cite(notice(pub_date="2005-07"), URL, date(2011, 7, 12)).csl
    assert partial["issued"] == {"date-parts": [[2005, 7]]}
    assert "issued" not in cite(notice(pub_date=""), URL, date(2011, 7, 12)).csl


def test_citation_keys_are_stable_and_bibtex_safe() -> None:
    assert citation_key("014319733/2018-00019") == "xxgk-014319733-2018-00019"
    assert citation_key("d0123456789abcde") == "xxgk-d0123456789abcde"
    assert re.fullmatch(r"[A-Za-z0-9-]+", citation_key("11330000/2021 {x}, 号"))
