"""The HTML detail-page reader: labelled metadata in every layout, main text, links, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.htmltext import html_to_text
from index.readers import html as reader
from index.readers.html import parse_html
from index.record import ReadError

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PAGE_URL = "http://www.example.gov.cn/kjt/tzgg/202405/t20240520_1.html"


def parse(name: str, url: str = "") -> dict:
    path = FIXTURES / name
    return parse_html(path.read_bytes(), source=str(path), url=url).fields


# Metadata ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        pytest.param(
            "table.html",
            {
                "index_no": "014319733/2023-00019",
                "category": "规划计划 / 其他 / 报告",
                "publisher": "青川市民政局",
                "pub_date": "2023-04-10",
                "title": "青川市民政局2023年第一季度工作情况",
                "doc_no": "青民发〔2023〕12号",
                "keywords": "民政 季度 工作",
            },
            id="table-spaced-labels-two-pairs-per-row",
        ),
        pytest.param(
            "li_span.html",
            {
                "index_no": "11341702486344515H/202110-00013",
                "category": "规划计划",
                "publisher": "东川县人民政府办公室",
                "written_date": "2021年10月08日",
                "title": "关于印发《东川县2021-2025年养老服务体系建设规划》的通知",
                "doc_no": "东政办〔2021〕35号",
                "validity": "有效",
                "pub_date": "2021-10-12 09:30",
            },
            id="li-span-and-bold-labels",
        ),
        pytest.param(
            "text_lines.html",
            {
                "index_no": "000014349/2024-00037",
                "category_topic": "城乡建设、环境保护\\城市规划",
                "publisher": "国务院办公厅",
                "written_date": "2024年03月01日",
                "title": "国务院办公厅关于加强城市内涝治理的实施意见",
                "doc_no": "国办发〔2024〕9号",
                "pub_date": "2024年03月05日",
            },
            id="label-colon-value-lines-in-p",
        ),
        pytest.param(
            "definition_list.html",
            {
                "index_no": "SY310107202603028",
                "category_scheme": "政策法规",
                "category_genre": "公告",
                "publisher": "南岭市生态环境局",
                "pub_date": "2026-03-02",
                "doc_no": "南环发[2026]3号",
                "validity": "有效",
                "title": "南岭市生态环境局关于调整建设项目环评审批权限的公告",
            },
            id="definition-list",
        ),
        pytest.param(
            "gbk.html",
            {
                "index_no": "11320000014000000X/2023-00088",
                "publisher": "西山区团委",
                "title": "关于表彰2023年度优秀志愿者的决定",
                "pub_date": "2023年12月05日",
            },
            id="gbk-bytes-declared-gb2312",
        ),
        pytest.param(
            "meta_only.html",
            {
                "title": "关于开展2020年度中医药科技项目申报工作的通知",
                "pub_date": "2020-09-30 16:12",
                "publisher": "北岸市中医管理局科教处",
                "keywords": "科技项目 申报",
                "column": "通知公告",
                "site": "北岸市中医管理局",
                "summary": "根据统一部署，2020年度中医药科技项目申报工作已正式启动。",
                "url": "http://zyj.beian.gov.cn/tzgg/202009/t20200930_1.html",
            },
            id="meta-tags-only",
        ),
        pytest.param(
            "word_pasted.html",
            {
                "index_no": "0142768-8/2022-00185",
                "publisher": "海州市农业农村局",
                "pub_date": "2022年02月18日",
                "doc_no": "海农发（2022）4号",
                "title": "关于做好2022年春季农业生产工作的通知",
            },
            id="word-pasted-page-title-from-title-tag",
        ),
    ],
)
def test_metadata_by_label(fixture: str, expected: dict[str, str]) -> None:
    fields = parse(fixture)
    assert {name: fields.get(name) for name in expected} == expected


def test_empty_list_item_label_takes_no_value_from_the_next_item() -> None:
    # <li><span>主 题 词：</span></li> is empty: the next item (有效性：有效) is the next field.
    fields = parse("li_span.html")
    assert "keywords" not in fields
    assert fields["validity"] == "有效"


def test_body_sentence_starting_with_a_weak_label_is_not_metadata() -> None:
    fields = parse("text_lines.html")
    assert fields["pub_date"] == "2024年03月05日"
    assert "时间：2024年3月10日上午9时" in fields["body"].split("\n\n")


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        pytest.param(
            "<table><tr><td><p>索引号：</p></td><td><p>014319733/2018-00019</p></td></tr>"
            "<tr><td><p>发布机构：</p></td><td><p>市民政局</p></td></tr></table>",
            {"index_no": "014319733/2018-00019", "publisher": "市民政局"},
            id="label-cell-wrapped-in-p",
        ),
        pytest.param(
            "<div class='row'><div class='k'>信息索引号</div><div class='v'>000014349/2024-00037</div></div>"
            "<div class='row'><div class='k'>发文单位</div><div class='v'>国务院办公厅</div></div>",
            {"index_no": "000014349/2024-00037", "publisher": "国务院办公厅"},
            id="div-label-div-value-synonyms",
        ),
        pytest.param(
            "<p>索引号:014319733/2018-00019发布机构:市民政局</p>",
            {"index_no": "014319733/2018-00019", "publisher": "市民政局"},
            id="half-width-colons-no-separator",
        ),
        pytest.param(
            "<p>名&#12288;&#12288;称：关于做好防汛工作的通知</p>",
            {"title": "关于做好防汛工作的通知"},
            id="u3000-inside-label",
        ),
        pytest.param(
            "<p>标题：关于调整<span>作息时间</span>的通知</p>",
            {"title": "关于调整作息时间的通知", "pub_date": None},
            id="label-word-ending-a-tag-inside-a-value",
        ),
        pytest.param(
            "<table><tr><td>文号： 发布日期：2020-01-02</td><td>无关的单元格</td></tr></table>",
            {"doc_no": None, "pub_date": "2020-01-02"},
            id="empty-value-mid-line-takes-no-neighbour-cell",
        ),
        pytest.param(
            "<div class='info'>来源：市卫生健康委 | 发布时间：2021-10-12 | 浏览次数：128</div>",
            {"publisher": "市卫生健康委", "pub_date": "2021-10-12"},
            id="unknown-label-ends-the-value",
        ),
    ],
)
def test_label_layouts(markup: str, expected: dict[str, str]) -> None:
    fields = parse_html(f"<html><body>{markup}</body></html>".encode(), source="inline").fields
    assert {name: fields.get(name) for name in expected} == expected


def test_data_table_in_the_body_is_not_metadata() -> None:
    page = (
        "<html><head><title>关于公布补助资金的通知</title></head><body><div id='zoom'>"
        "<p>现将补助资金公布如下。</p><table><tr><td>名称</td><td>金额</td></tr>"
        "<tr><td>东川县</td><td>100万元</td></tr></table></div></body></html>"
    )
    fields = parse_html(page.encode(), source="inline").fields
    assert fields["title"] == "关于公布补助资金的通知"
    assert fields["body"] == "现将补助资金公布如下。\n\n名称 金额\n\n东川县 100万元"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param(
            "市民政局2018年一季度工作情况_宿迁市人民政府", "市民政局2018年一季度工作情况", id="underscore-site"
        ),
        pytest.param("关于防汛工作的通知-东川县政府网", "关于防汛工作的通知", id="dash-site"),
        pytest.param("关于防汛工作的通知 | 某某市门户网站", "关于防汛工作的通知", id="bar-portal"),
        pytest.param(
            "关于印发《2021-2025年规划》的通知", "关于印发《2021-2025年规划》的通知", id="hyphen-inside-title-kept"
        ),
    ],
)
def test_title_tag_fallback_drops_site_name(title: str, expected: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><p>正文内容。</p></body></html>"
    assert parse_html(page.encode(), source="inline").fields["title"] == expected


def test_page_without_any_title_still_gives_a_record() -> None:
    record = parse_html("<html><body><p>只有正文。</p></body></html>".encode(), source="untitled.html")
    assert "title" not in record.fields
    assert record.fields["body"] == "只有正文。"
    assert record.source == "untitled.html"


# Main text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "paragraphs"),
    [
        pytest.param(
            "table.html",
            [
                "今年以来，全市民政系统认真贯彻落实市委、市政府决策部署，聚焦主业主责，实现了一季度良好开局。",
                "一、一季度工作进展情况",
                "一是稳步提升社会救助水平。截至3月底，全市共为2.1万名城乡低保对象发放救助金1.2亿元。",
            ],
            id="trs-editor-nbsp-and-u3000-indent",
        ),
        pytest.param(
            "li_span.html",
            [
                "各乡镇人民政府，县政府各部门：",
                "《东川县2021-2025年养老服务体系建设规划》已经县政府同意，现印发给你们，请认真贯彻执行。",
                "东川县人民政府办公室",
                "2021年10月8日",
            ],
            id="pages-content-br-splits",
        ),
        pytest.param(
            "text_lines.html",
            [
                "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
                "为加强城市内涝治理，经国务院同意，现提出以下意见。",
                "一、总体要求。坚持以人民为中心的发展思想，统筹发展和安全，系统建设城市排水防涝工程体系。",
                "时间：2024年3月10日上午9时",
                "二、主要任务。各地要全面排查城市易涝积水点，逐一制定整治方案，力争用五年时间完成整治。",
            ],
            id="no-known-container-densest-block",
        ),
        pytest.param(
            "definition_list.html",
            [
                "为深化“放管服”改革，现将建设项目环境影响评价文件审批权限调整事项公告如下：",
                "一、自公告之日起，报告表项目由区生态环境分局审批。",
                "特此公告。",
            ],
            id="con-container",
        ),
        pytest.param(
            "gbk.html",
            ["经评选，决定授予王喆、李镕等同志“优秀志愿者”称号。", "希望受表彰的同志珍惜荣誉，再接再厉。"],
            id="gbk-only-characters",
        ),
        pytest.param(
            "spam.html",
            [
                "各县（区）民政局：",
                "根据《188比分直播加强殡葬服务收费管理的指导意见》，现就有关事项通知如下。",
                "一、188比分直播规范殡葬服务收费行为。",
            ],
            id="visible-spam-kept-for-the-normaliser-hidden-spam-dropped",
        ),
        pytest.param(
            "meta_only.html",
            [
                "各有关单位：",
                "根据统一部署，2020年度中医药科技项目申报工作已正式启动。请结合实际情况，积极组织申报。",
                "（联系人：李明；联系电话：00000000）",
            ],
            id="trs-ueditor",
        ),
        pytest.param(
            "word_pasted.html",
            [
                "关于做好2022年春季农业生产工作的通知",
                "各县（市、区）农业农村局：",
                "当前正值春耕备耕关键时期，请各地抓好种子、化肥等农资储备。",
                "1. 加强田间管理——分类指导",
            ],
            id="word-pasted-mso-markup",
        ),
    ],
)
def test_body_paragraphs(fixture: str, paragraphs: list[str]) -> None:
    assert parse(fixture)["body"].split("\n\n") == paragraphs


@pytest.mark.parametrize(
    ("fixture", "furniture"),
    [
        pytest.param(
            "table.html",
            ["首页", "当前位置", "分享到", "打印本页", "主办单位", "统计代码", "索 引 号", "青民发"],
            id="table-page",
        ),
        pytest.param("li_span.html", ["网站首页", "您现在的位置", "浏览次数", "版权所有", "东政办"], id="li-page"),
        pytest.param("text_lines.html", ["国务院政策文件库", "版权所有", "国办发", "主题分类"], id="text-page"),
        pytest.param("attachments.html", ["相关解读", "一图读懂", "科学技术部", "主办"], id="related-blocks"),
        pytest.param("word_pasted.html", ["mso", "Normal", "WordDocument", "Section1", "margin"], id="word-styles"),
    ],
)
def test_body_leaves_out_page_furniture(fixture: str, furniture: list[str]) -> None:
    body = parse(fixture)["body"]
    assert [text for text in furniture if text in body] == []


@pytest.mark.parametrize(
    ("markup", "body"),
    [
        pytest.param(
            "<div class='main'><div>当前位置：<a href='/'>首页</a></div><div id='zoom'><p>短正文。</p></div></div>",
            "短正文。",
            id="breadcrumb-line-dropped-not-its-wrapper",
        ),
        pytest.param(
            "<div class='con'>联系我们</div><div class='b'><p>为加强城市内涝治理，现提出以下意见。</p>"
            "<p>各地要全面排查城市易涝积水点。</p></div>",
            "为加强城市内涝治理，现提出以下意见。\n\n各地要全面排查城市易涝积水点。",
            id="small-box-with-generic-name-is-not-the-body",
        ),
        pytest.param(
            "<div class='TRS_Editor'></div><div class='side'><p>这里是页面侧栏中的一段较长的介绍文字。</p></div>",
            "",
            id="empty-editor-block-means-empty-body",
        ),
    ],
)
def test_body_container_choice(markup: str, body: str) -> None:
    assert parse_html(f"<html><body>{markup}</body></html>".encode(), source="inline").fields["body"] == body


def test_hidden_injected_spam_links_are_dropped_everywhere() -> None:
    fields = parse("spam.html")
    assert "澳门" not in fields["body"] and "足球比分" not in fields["body"]
    assert "attachments" not in fields and "related" not in fields


# Links -------------------------------------------------------------------------------------------


def test_attachments_by_extension_or_link_text_deduplicated_and_absolute() -> None:
    base = "http://www.example.gov.cn/kjt/tzgg/202405/"
    assert parse("attachments.html", url=PAGE_URL)["attachments"] == [
        {"name": "1.立项项目清单.pdf", "url": base + "P020240520381161903052.pdf", "kind": "pdf"},
        {"name": "2.经费预算表", "url": base + "P020240520381162001474.docx", "kind": "docx"},
        {
            "name": "附件3：项目负责人名单.xlsx",
            "url": "http://www.example.gov.cn/kjt/download.jsp?id=88",
            "kind": "xlsx",
        },
        {"name": "说明.txt", "url": base + "files/%E8%AF%B4%E6%98%8E.txt", "kind": "txt"},
        {"name": "年度报告", "url": "http://other.example.gov.cn/doc/report.OFD?v=2", "kind": "ofd"},
    ]


def test_links_stay_relative_without_a_page_url() -> None:
    # A saved page's attachment is then found beside the file (attachments.local_path).
    urls = [item["url"] for item in parse("attachments.html")["attachments"]]
    assert urls[:2] == ["P020240520381161903052.pdf", "./P020240520381162001474.docx"]


def test_related_links_under_their_headings() -> None:
    assert parse("attachments.html", url=PAGE_URL)["related"] == [
        {"title": "一图读懂2024年度科技计划立项", "url": "http://www.example.gov.cn/kjt/jd/202405/t1.html"},
        {"title": "专家解读：科技计划项目管理新要求", "url": "http://www.example.gov.cn/kjt/jd/202405/t2.html"},
        {"title": "科学技术部", "url": "http://www.most.gov.cn/"},
    ]


@pytest.mark.parametrize(
    "related_block",
    [
        pytest.param(
            "<h3>相关信息</h3><p><a href='/a.html'>政策原文</a></p><p><a href='/b.html'>图文解读</a></p>"
            "<div class='pager'><a href='/next.html'>下一篇：关于做好春耕工作的通知</a></div>",
            id="heading-then-run-of-paragraph-links",
        ),
        pytest.param(
            "<div class='xgxx'><span>相关信息：</span><ul><li><a href='/a.html'>政策原文</a></li>"
            "<li><a href='/b.html'>图文解读</a></li><li><a href='/more/'>更多</a></li></ul></div>",
            id="inline-heading-then-list",
        ),
    ],
)
def test_related_block_layouts(related_block: str) -> None:
    page = (
        "<html><body><div id='zoom'><p>正文第一段，内容较长的说明文字。</p></div>"
        f"{related_block}<div class='footer-note'>本网站由某某市人民政府主办</div></body></html>"
    )
    fields = parse_html(page.encode(), source="inline", url="http://x.gov.cn/p/1.html").fields
    assert fields["related"] == [
        {"title": "政策原文", "url": "http://x.gov.cn/a.html"},
        {"title": "图文解读", "url": "http://x.gov.cn/b.html"},
    ]
    assert fields["body"] == "正文第一段，内容较长的说明文字。"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("", "http://zyj.beian.gov.cn/tzgg/202009/t20200930_1.html", id="canonical-link"),
        pytest.param("http://mirror.example/p.html", "http://mirror.example/p.html", id="argument-wins"),
    ],
)
def test_url_field(url: str, expected: str) -> None:
    assert parse("meta_only.html", url=url)["url"] == expected


# Encodings ---------------------------------------------------------------------------------------

_GBK_PAGE = (
    "<html><head>{meta}<title>关于开展安全生产大检查的通知</title></head><body><div id='zoom'>"
    "<p>各乡镇、街道：为切实做好安全生产工作，防范遏制重特大事故发生，经研究决定在全区开展大检查。</p>"
    "</div></body></html>"
)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(_GBK_PAGE.format(meta="").encode("gbk"), None, id="undeclared-gbk-detected"),
        pytest.param(
            _GBK_PAGE.format(meta='<meta charset="utf-8">').encode("gbk"), None, id="declared-utf8-saved-as-gbk"
        ),
        pytest.param(_GBK_PAGE.format(meta='<meta charset="gbk">').encode("utf-16"), None, id="utf-16-bom-beats-meta"),
    ],
)
def test_encoding(data: bytes, encoding: str | None) -> None:
    record = parse_html(data, source="inline", encoding=encoding)
    assert record.fields["title"] == "关于开展安全生产大检查的通知"


def test_short_undeclared_gbk_page_is_not_taken_for_korean() -> None:
    # charset_normalizer alone reads these GBK bytes as cp949 (냘懇탤彊…).
    assert (
        parse_html("<p>城市排水防涝工作方案</p>".encode("gbk"), source="inline").fields["body"]
        == "城市排水防涝工作方案"
    )


_BIG5_PAGE = (
    "<html><head>{meta}<title>關於開展安全生產大檢查的通知</title></head>"
    "<body><p>各鄉鎮、街道：為切實做好安全生產工作，經研究決定開展大檢查。</p></body></html>"
)


@pytest.mark.parametrize(
    "meta",
    [pytest.param("", id="undeclared"), pytest.param('<meta charset="gbk">', id="http-charset-beats-meta")],
)
def test_http_charset_argument_decides(meta: str) -> None:
    # Big5 bytes are also valid GB18030: only the HTTP header tells them apart.
    data = _BIG5_PAGE.format(meta=meta).encode("big5")
    assert parse_html(data, source="inline", encoding="big5").fields["title"] == "關於開展安全生產大檢查的通知"


def test_page_declared_gbk_is_read_as_gb18030() -> None:
    # 𠮷 exists only in GB18030 (four bytes); GBK-declared pages carry such characters in names.
    page = _GBK_PAGE.format(meta='<meta charset="gbk">').replace("各乡镇", "王𠮷同志及各乡镇")
    body = parse_html(page.encode("gb18030"), source="inline").fields["body"]
    assert body.startswith("王𠮷同志及各乡镇、街道：")


def test_bad_bytes_become_replacement_characters_not_errors() -> None:
    data = _GBK_PAGE.format(meta='<meta charset="gbk">').encode("gbk").replace("街道".encode("gbk"), b"\x80")
    body = parse_html(data, source="inline").fields["body"]
    assert body.startswith("各乡镇、\ufffd：为切实做好")


# Reading files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b"<!DOCTYPE html><html><head>", True, id="doctype"),
        pytest.param(b"\xef\xbb\xbf\r\n  <html lang='zh'>", True, id="bom-and-whitespace"),
        pytest.param(b"<meta charset='gbk'><title>x</title>", True, id="meta-first"),
        pytest.param(b'<div class="view TRS_UEDITOR"><p>', True, id="trs-fragment"),
        pytest.param(b"\n<table><tr><td>", True, id="table-first"),
        pytest.param(b"<!-- saved from url=(0042)http://x/ -->\n<html>", True, id="saved-page-comment"),
        pytest.param("<html><body>".encode("utf-16"), True, id="utf-16-bom"),
        pytest.param(b'[{"article": "<div class=\\"view\\">"}]', False, id="json-with-html-strings"),
        pytest.param("名称 市民政局2018年一季度工作情况\n".encode(), False, id="page-text"),
        pytest.param(b'<?xml version="1.0"?><rss version="2.0">', False, id="rss-xml"),
        pytest.param(b"title,date\n", False, id="csv"),
        pytest.param(b"", False, id="empty"),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert reader.sniff(Path("document.txt"), head) is expected


def test_read_yields_one_record_for_the_file() -> None:
    path = FIXTURES / "table.html"
    [record] = list(reader.read(path))
    assert (record.source, record.locator, record.fields["index_no"]) == (str(path), "", "014319733/2023-00019")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"  \n\t", "empty file", id="whitespace"),
        pytest.param("名称 不是网页".encode(), "not an HTML page", id="not-html"),
    ],
)
def test_read_error_names_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        list(reader.read(path))
    assert str(path) in str(caught.value) and message in str(caught.value)


# HTML fragments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        pytest.param(
            '<div class="view TRS_UEDITOR trs_paper_default"><p>\u3000\u3000一、总体情况</p>'
            "<p>\u3000\u3000&nbsp;2020年，全市深入贯彻落实。</p></div>",
            "一、总体情况\n\n2020年，全市深入贯彻落实。",
            id="trs-paragraphs-indent-removed",
        ),
        pytest.param("<p>北京市中医管理局<br/>2020年9月30日</p>", "北京市中医管理局\n\n2020年9月30日", id="br-splits"),
        pytest.param(
            "<div>第一段</div><div><span>第二</span><span>段</span></div>",
            "第一段\n\n第二段",
            id="div-blocks-inline-joined",
        ),
        pytest.param("<p>&ldquo;放管服&rdquo;改革&mdash;&mdash;深化</p>", "“放管服”改革——深化", id="entities"),
        pytest.param(
            "<script>alert('x')</script><style>p{color:red}</style><p>正文</p>", "正文", id="script-style-dropped"
        ),
        pytest.param(
            "<!--[if gte mso 9]><xml><w:WordDocument>Normal</w:WordDocument></xml><![endif]-->"
            "<p class=MsoNormal style='mso-char-indent-count:2.0'>"
            "<span style='font-family:仿宋'>通知<o:p></o:p></span></p>",
            "通知",
            id="word-conditional-comment",
        ),
        pytest.param("<p>城市排水\n防涝体系</p>", "城市排水防涝体系", id="source-line-wrap-between-chinese"),
        pytest.param("", "", id="empty"),
        pytest.param("<p>&nbsp;</p><p>\u3000</p>", "", id="only-padding"),
    ],
)
def test_html_to_text(fragment: str, expected: str) -> None:
    assert html_to_text(fragment) == expected
