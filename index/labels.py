"""Field labels as sources write them (名称, 索 引 号, 发布日期, title, …) mapped to canonical names.

Every reader goes through :func:`canonical_field`, so a label variant learnt once is
understood in page text, JSON, CSV and HTML alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from index.htmltext import is_page_tools
from index.keyparts import field_by_parts, fields_by_value, plausible, without_note
from index.placeholders import PLACEHOLDER_FIELDS, is_placeholder

# canonical name → labels (Chinese labels from ../shared/docs/disclosure-metadata.md,
# CMS export keys, and the English keys of the shared corpus).
LABELS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "index_no": (
        "索引号",
        "信息索引号",
        # the 索引号 as 江西's 信息公开 pages print it (信息索取号: E00070/2017-00419 beside 责任部门, a city portal's
        # news table dumped to SQL) and 依申请公开 forms ask for it (所需信息索取号; an admin table's indexNum column)
        "信息索取号",
        "索取号",
        "索引编号",
        "index_no",
        "indexno",
        "index_number",
        "identifier",  # Guangdong gkmlpt API
        "idxid",  # TRS WCM 政务公开
        "ridxid",  # TRS IGS 站群检索's 信息公开 records (ridxid: 012947197/2018-00040)
        "syh",  # 索引号 in pinyin initials (CMS column names)
        "indexnumber",  # camelCase API keys (indexNumber)
        "vc_number",  # Hanweb/大汉 信息公开 (vc_number)
        "vc_indexcode",  # Hanweb/大汉 信息公开 templates (索引号 → vc_indexcode)
        "indexcode",  # camelCase API keys (indexCode)
        "index",  # gov.cn 政策文件库 API; a row number elsewhere, see _PLAUSIBLE
        "suoyinhao",  # 索引号 in full pinyin (crawler items and CMS fields: suoyinhao, wenhao, fabujigou, chengwenriqi)
    ),
    "title": (
        "名称",
        "信息名称",
        "公开事项名称",  # 国家能源局 信息公开 (目录项的基本信息)
        "标题",
        "文件名称",
        "公文标题",
        "文件标题",
        "发文标题",  # 公文 archives (发文字号, 发文标题, 发文日期, 发文机关)
        "政策标题",  # crawler exports of policy pages (JiangCheng-1/pachong1: 政策标题, 政策正文文本, 政策正文附件链接)
        "政策名称",
        "title",
        "name",
        "doctitle",  # TRS WCM
        "article_title",
        "maintitle",  # gov.cn 政府信息公开 API (maintitle)
        "bt",  # 标题 in pinyin initials (TRS 海云 BT)
        "mc",  # 名称 in pinyin initials
        "filename",  # TRS 海云 政府文件库 (FileName): the document's name, see _PLAUSIBLE
        "vc_title",  # Hanweb/大汉 信息公开
        "wjmc",  # 文件名称 in pinyin initials
        "wjbt",  # 文件标题 in pinyin initials (OA 发文 tables: B_OA_SendDoc.wjbt, beside wjnr and wh)
        "xxmc",  # 信息名称 in pinyin initials
        "fgmc",  # 法规名称 in pinyin initials (法规库 APIs)
        "listtitle",  # TRS WCM's list title (LISTTITLE), where no DOCTITLE is given
        # City search APIs read by Kira-yoshikage-d/spider-gov (search_engine spiders): resourceTitle, MetaDataTitle
        "resourcetitle",
        "metadatatitle",
        # Policy datasets' English columns (HUANGZHIHAO1994/GCCMPD-climate-policy-dataset GOV_PRC.csv:
        # Policy, Year, Policy_Content, URL), beside policy_title / policy_name
        "policy_title",
        "policy_name",
        "policy",
        "biaoti",  # 标题 in full pinyin
    ),
    # cat: TRS IGS 站群检索's 信息公开 records ("cat": "统计分析 | 其他 | 其他", 组配 | 主题 | 体裁)
    # classnames: Hanweb 智能检索's records (ah.gov.cn anhuisousuoserver searchDataList: classNames, their 主题分类)
    "category": (
        "分类",
        "信息分类",
        "信息类别",  # 信息公开 pages' "- 信息类别: …" rows beside 信息索取号 (CMS forms label their column select so)
        "所属分类",
        "类别",
        "一级类别",
        "所属一级类别",
        "所属类别",
        "category",
        "cat",
        "classnames",
        "公文目录",  # Yunnan county 信息公开 pages (www.mdx.gov.cn): 公文目录:应急管理
        "公开目录",  # the same template elsewhere (博州, 宜川: 公开目录: 政府文件)
        "政策分类",  # crawler exports of 国家发改委's 政策发布 (ABSXDIVY/Crawler ndrc_crawler: 政策分类 beside 文号)
    ),
    "category_scheme": ("组配分类", "classify_main_name"),
    # ztfl: 主题分类 in pinyin initials
    "category_topic": ("主题分类", "主题导航", "主题", "classify_theme_name", "childtype", "ztfl", "zhutifenlei"),
    # gwzl: 公文种类 in pinyin initials (滨州 zfxxgk listQuery); wzfl: 文种分类 (天津 政策文件 search API: WZFL beside
    # WZFL_name); tcfl: 体裁分类 (TRS 海云: TCFL beside TCFL_name)
    "category_genre": (
        "体裁分类",
        "体裁",
        "文种",
        "公文种类",
        "classify_genre_name",
        "gwzl",
        "gongwenzhonglei",
        "wzfl",
        "tcfl",
    ),
    "publisher": (
        "发布机构",
        "发布机关",
        "发文机关",
        "发文单位",
        "发文机构",
        "公开主体",
        "信息来源",
        "发布单位",
        "发布部门",
        "制发单位",
        "来源",
        "文章来源",  # district portals' article header (越秀: 发布日期：… 文章来源：广州市人力资源和社会保障局)
        # 稿源 (Alpha-su/dbpolicy_crawl parse_detail.py strips it beside 来源, 发布机构, 发文机关), 发布者 (吉安
        # 财政局's info bar: Kira-yoshikage-d/spider-gov spiders/jian.py, 发布者：…) and 所属机构 (湖南's 信息公开 bar:
        # qingting04/Policy_Document_Crawler province/HuNan.py, 所属机构：… 主题分类：…) name a body, never a
        # person or a newspaper, see _PLAUSIBLE
        "稿源",
        "发布者",
        "所属机构",
        "制定机关",  # law databases (北大法宝 地方库, 国家法律法规数据库): 制定机关, 公布日期, 施行日期, 时效性
        "publisher",
        "publisher_name",
        "puborg",  # gov.cn 政策文件库 API
        "ext_fbjg",  # Shenzhen gkmlpt extension fields: 发布机构, 发文单位
        "ext_fwdw",
        "source_org",
        "docsourcename",  # TRS WCM
        "fbjg",  # 发布机构 in pinyin initials
        "fwjg",  # 发文机关 in pinyin initials
        "fwjg_name",  # TRS 海云 (FWJG_name)
        "fbbm",  # 发布部门 in pinyin initials (法规库 APIs)
        "deptname",  # camelCase API keys (deptName)
        "pubname",  # 国家税务总局 法规库 search API (pubName: 财政部,国家税务总局)
        "writtendepartment",  # 国家税务总局 法规库 metadata (domainMetaList: writtendepartment 发文单位)
        "orgname",  # camelCase API keys (orgName)
        "issuedepartment",  # 法规库 exports (IssueDepartment: 发布部门)
        "fwdw",  # 发文单位 in pinyin initials
        "fbdw",  # 发布单位 in pinyin initials
        "issueorg",  # camelCase API keys: the issuing or publishing body (issueOrg, publishOrg, publishDept)
        "publishorg",
        "publishdept",
        "publishunit",
        "source",  # a CMS export's source is its publisher when written in Chinese, see _PLAUSIBLE
        # A crawler's author or 文章来源 field is the publisher only where it names a body (国家能源局),
        # never a person (记者 张三), see _PLAUSIBLE.
        "author",
        "docauthor",  # TRS WCM
        "content_source",
        "docsource",  # 银保监会/金融监管总局 DocInfo API (data.docSource: 国家金融监督管理总局)
        "sourcename",  # TRS search results (sourcename), a body's name only, see _PLAUSIBLE
        "fabujigou",  # 发布机构, 发文机关, 发文单位 in full pinyin
        "fawenjiguan",
        "fawendanwei",
        "颁布部门",  # regulation sites (ehs.gold): 颁布部门, 颁布日期
        "公开责任部门",  # Changsha district 信息公开 pages (天心区: 公开责任部门: 区政府办)
        "来自",  # an article's header (来自:襄阳市政府门户网站 时间:2018-11-22), weak as 来源
    ),
    "pub_date": (
        "公开日期",
        "发布日期",
        "发布时间",
        # district portals' article header (天河: 发表时间：… 信息来源：区卫生健康局; shizelengleng/ai-zhengce-tong)
        "发表时间",
        "公开时间",
        "公布日期",  # law databases: the day a law or rule was published (施行日期 is when it takes effect)
        "上载日期",  # city portals' article header (齐齐哈尔: 上载日期: 2019-11-21 来源: …)
        # the bracketed tool line of 公共资源交易 and 口岸 pages (【信息时间：2017-12-13】【我要打印】【关闭】, a 陕西
        # 公共资源交易 spider's test; 【信息时间：2021/5/11 阅读次数：422】 on a saved page; 〖信息时间：2026-3-17〗)
        "信息时间",
        "日期",
        "时间",
        "pub_date",
        "publish_date",
        "publish_time",
        "release_date",
        "date_published",
        "display_publish_time",  # gkmlpt: a Unix timestamp
        "pubtimestr",  # gov.cn 政策文件库 API: 2023.08.18
        "pubtime",
        "docpubtime",  # TRS WCM
        "fbrq",  # 发布日期 in pinyin initials (TRS 海云 FBRQ)
        "fbsj",  # 发布时间 in pinyin initials
        "publishtime",  # camelCase API keys (publishTime: a date, a timestamp or YYYYMMDDhhmmss)
        "ptime",  # gov.cn 搜索 API: the publication time as a Unix timestamp in milliseconds
        "issuedate",  # 法规库 exports (IssueDate: 发布日期)
        "releasetime",  # camelCase API keys (releaseTime)
        "publishedtime",  # TRS 海云 search (publishedTimeStr)
        "publishedtimestr",
        "senddate",  # 青海省人社厅 政策法规 API (zcfgs[].sendDate)
        # City search and 信息公开 APIs (Kira-yoshikage-d/spider-gov): docDate, articlePublishTime, showdate,
        # issue_time, and 滨州's zfxxgk listQuery fbdate (milliseconds)
        "docdate",
        "articlepublishtime",
        "showdate",
        "issuetime",
        "fbdate",
        "trs_time",  # TRS IGS 站群检索 (page.content[].trs_time)
        "date",
        "pubdate",
        "created_at",  # gkmlpt: when the record was made, the publication date where nothing better is given
        "docreltime",  # TRS WCM: when the editor wrote the record
        "time",  # list APIs' date of a record, see _PLAUSIBLE (a clock time is no date)
        "year",  # year-only sources; any fuller date label above wins
        "年份",  # year-only exports (TRS 海云 政府文件库's fileYear as crawlers save it)
        "faburiqi",  # 发布日期, 发布时间 in full pinyin
        "fabushijian",
        "颁布日期",  # regulation sites (ehs.gold): 颁布部门, 颁布日期, 生效日期
    ),
    "written_date": (
        "成文日期",
        "生成日期",
        "发文日期",
        "印发日期",
        "产生日期",
        "成文时间",
        "制发日期",  # 国家能源局 信息公开 (目录项的基本信息: 公开事项名称, 索引号, 主办单位, 制发日期, 发文字号)
        "发文时间",  # 发文日期's other spelling (a 法规 page reprinted: 发文时间：2014-8-27; 实施时间：2014-9-1)
        "公文生成日期",
        "written_date",
        "date_written",
        "cwrq",  # 成文日期 in pinyin initials (TRS 海云 CWRQ)
        "fwrq",  # 发文日期 in pinyin initials
        "c_complatedate",  # Hanweb/大汉 信息公开 (成文日期, spelt so)
        "scrq",  # 生成日期 in pinyin initials
        "cwsj",  # 成文时间 in pinyin initials
        "writtendate",  # 国家税务总局 法规库 (writtendate: 成文日期)
        "cwbdate",  # 滨州 zfxxgk listQuery (cwbdateBegin/cwbdateEnd: 成文日期)
        "chengwenriqi",  # 成文日期, 发文日期 in full pinyin
        "fawenriqi",
    ),
    "doc_no": (
        "文号",
        "发文字号",
        "发布文号",
        "文件编号",
        "发文号",
        "备注/文号",
        "doc_no",
        "doc_number",
        "document_number",  # gkmlpt API
        "pcode",  # gov.cn 政策文件库 API
        "ext_zh",  # Shenzhen gkmlpt extension field: 字号
        "filenum",
        "fwzh",  # 发文字号 in pinyin initials (TRS 海云 FWZH)
        "wh",  # 文号 in pinyin initials
        "fgzh",  # 法规文号 in pinyin initials
        "filenumber",  # camelCase API keys (fileNumber)
        "fwwh",  # 发文文号 in pinyin initials
        "vc_filenumber",  # Hanweb/大汉 信息公开
        "docnum",  # 国家税务总局 法规库 search API (govDoc.docNum)
        "documentno",  # 法规库 exports (DocumentNO: 发文字号)
        "writtentext",  # 国家税务总局 法规库 (writtentext: 发文字号)
        "fileno",  # camelCase API keys (fileNo)
        "wenhao",  # 文号, 发文字号 in full pinyin
        "fawenzihao",
        "wjbh",  # 文件编号 in pinyin initials (TRS 海云 searchList domainMetaList: wh or wjbh)
    ),
    "keywords": (
        "关键词",
        "主题词",
        "关键字",
        "keywords",
        "subjectword",
        "dockeywords",
        "gjc",  # 关键词 in pinyin initials
        "ztc",  # 主题词 in pinyin initials
        "zhutici",  # 主题词, 关键词 in full pinyin
        "guanjianci",
    ),
    "validity": (
        "有效性",
        "是否有效",
        "时效",
        "时效性",
        "时效状态",
        "效力状态",
        "效力状况",
        "效力",
        "有效状态",
        "文件效力",
        "文件有效性",
        "有效期",
        "文件状态",  # 广州 行政规范性文件统一发布平台
        "状态",  # law sites (eshian: 状       态: 现行), weak
        "validity",
        "yxx",  # 有效性 in pinyin initials
        "sfyx",  # 是否有效 in pinyin initials (国家税务总局北京市税务局 12366 知识库: ZLSFYX)
        "sxx",  # 时效性 in pinyin initials (法规库 APIs)
        "effectivestate",  # TRS 海云 政府文件库 (Effectivestate)
        "aging",  # 国家税务总局 法规库 (aging, xxgk_aging: 时效性 全文有效/全文失效)
        "xxgk_aging",
        "timeliness",  # 法规库 exports (Timeliness: 时效性)
        "vc_validate",  # Hanweb/大汉 信息公开 templates (有效性 → vc_validate)
        "youxiaoxing",  # 有效性 in full pinyin
    ),
    # The date a document stops being in force; past, it means 失效 (normalise.validity_step).
    "expiry_date": (
        "失效日期",
        "信息时效期",
        "失效时间",
        "废止日期",
        "有效期至",
        "expiry_date",
        "shixiaoriqi",
        "废止时间",
        "失效/废止日期",  # law sites (eshian: 失效/废止日期:)
    ),
    # Platform flags that together say the validity (gkmlpt: is_expired, is_abolished).
    "expired": ("是否失效", "is_expired"),
    "abolished": ("是否废止", "is_abolished"),
    # vc_openmodel: Hanweb; 公开类别: 浦东新区 (www.pudong.gov.cn) 索引号 / 文件编号 / 发布机构 / 公开类别 / 发布时间
    "disclosure": ("公开属性", "公开方式", "公开形式", "公开类别", "disclosure", "vc_openmodel"),
    "summary": ("内容概述", "摘要", "内容摘要", "summary", "abstract", "docabstract", "description"),
    "body": (
        "正文",
        "内容",
        "全文",
        "文章内容",
        "文件内容",
        "正文文本",
        "政策正文",
        "政策正文文本",
        "body",
        # A record's HTML body wins over its text: the markup keeps the paragraphs and the metadata table
        # apart, which a crawler's flattened text (its ``content``) runs together.
        "body_html",
        "content_html",
        "htmlcontent",  # camelCase API keys (htmlContent)
        "content",
        "text",
        "article",
        "body_text",
        "body_text_cn",
        "doccontent",  # TRS WCM: plain text, then its HTML
        "dochtmlcon",
        "zw",  # 正文 in pinyin initials (TRS 海云 ZW)
        "nr",  # 内容 in pinyin initials
        "wjnr",  # 文件内容 in pinyin initials (OA 发文 tables, beside wjbt)
        "policy_content",  # policy datasets (GCCMPD: Policy_Content)
        "page_content",  # LangChain Document dumps ({"page_content": …, "metadata": {…}})
        "original_text",  # a crawler's JSON export of 广州 pages (original_text: the page's text)
        "docclob",  # 银保监会/金融监管总局 DocInfo API: the body as HTML (data.docClob, an Oracle CLOB column)
        "zhengwen",  # 正文, 内容 in full pinyin
        "neirong",
    ),
    # appendix: 国家税务总局 法规库 (appendix: [{appendixName, appendixUrl}]); fjxx: 附件信息 in pinyin initials
    # attachmentinfovolist: 银保监会/金融监管总局 DocInfo API (data.attachmentInfoVOList)
    "attachments": (
        "附件",
        "文件下载",
        "相关附件",
        "附件链接",
        "政策正文附件链接",
        "attachments",
        "attachment",
        "appendix",
        "fjxx",
        "attachmentinfovolist",
        "file_urls",  # Scrapy's FilesPipeline: the addresses of the files an item links
    ),
    "related": ("相关信息", "相关解读", "相关链接", "related", "relation"),
    "url": (
        "访问地址",
        "链接",
        "网址",
        "原文链接",
        "url",
        "urlsource",
        "source_url",  # crawler JSON exports (source_url, detail_url: the detail page's address)
        "detail_url",
        "link",
        "href",
        "docpuburl",  # TRS WCM and 海云 (DOCPUBURL)
        "post_url",
        "puburl",
        "pub_url",  # gov.cn 政府信息公开 API
        "viewurl",  # gov.cn 搜索 and city search APIs (viewUrl, content_pageUrl)
        "pageurl",
        "selfurl",  # 河南 searchapi.henan.gov.cn external-new (data.datas[].selfUrl: the detail page)
    ),
    "site": ("来源网站", "站点", "site", "sitename", "trs_site"),  # trs_site: TRS IGS 站群检索
    # lmname: 栏目名称 in pinyin initials; trs_chnlname: TRS search results' channel
    # channelname: TRS 海云 searchList's channel (csrc.gov.cn, gansu edu: channelName 证监会要闻, a column, no 分类)
    "column": ("栏目", "所属栏目", "columnname", "column", "lmname", "lmmc", "trs_chnlname", "chnlname", "channelname"),
}

# Keys a reader may meet that are not metadata; recognised so they are not reported as unknown.
IGNORED = frozenset({"序号", "编号", "no", "seq"})


def is_index_no(value: Any) -> bool:
    """Whether a value is a 索引号 in a form index.identifiers recognises."""
    from index.identifiers import parse_index_no  # imported here: identifiers is not needed to read labels

    parsed = parse_index_no(str(value))
    return parsed is not None and parsed.variant not in ("unrecognised", "grouped")


def is_organisation(value: Any) -> bool:
    """Whether a value names one or more bodies (joint issuers), none of them a website."""
    from index.publishers import is_organisation_name  # imported here, as identifiers above

    parts = [part for part in re.split(r"[、,，;；\s]+", value) if part] if isinstance(value, str) else []
    # A website (国务院新闻办公室网站, …政府网) is where a crawler found the text, never who issued it.
    return bool(parts) and all(
        is_organisation_name(_OTHER_ISSUERS.sub("", part)) and not _WEBSITE.search(part) for part in parts
    )


# The summary a catalogue writes for a joint document's issuers: the first, and how many issued it with it
# (国家互联网信息办公室等七部门, 工业和信息化部等八部门: YushenSun/china-policy-intelligence-rag's retrieval table;
# 生态环境部等部门). It names bodies as the first name does.
_OTHER_ISSUERS = re.compile(r"(?<=.)等(?:[一二三四五六七八九十]+|\d+)?[个家]?(?:部门|单位|机关|部委)$")


_WEBSITE = re.compile(r"(?:网站|政府网|门户网|网)$")


def is_website(value: Any) -> bool:
    """Whether a value names a website (县政府网站, 岳阳市政府门户网, 法律资料网): where a page was found, never who
    issued it."""
    return isinstance(value, str) and bool(_WEBSITE.search(value.strip()))


def _is_date(value: Any) -> bool:
    from index.dates import parse_date  # imported here, as identifiers above

    return parse_date(value) is not None


# Labels whose value only counts when it looks like what the field holds: the shared corpus
# uses "source" for a dataset name ("law"), the Beijing export for the publisher (北京市中医管理局);
# "index" and "identifier" are row numbers and UUIDs in other exports; "filename" names a file elsewhere.
_PLAUSIBLE = {
    "source": lambda value: bool(re.search(r"[\u4e00-\u9fff]", str(value))),
    # 来源 likewise: in Chinese it names a body; in Latin letters it is a site's code (法规库's SZfaguiku).
    "来源": lambda value: bool(re.search(r"[\u4e00-\u9fff]", str(value))),
    # 状态 is a document's 有效性 only where it says one (现行, 有效, 失效, 废止); an export's 状态 is often its
    # record's (已发布, 1).
    "状态": lambda value: bool(re.search(r"现行|有效|失效|废止|修改|生效", str(value))),
    "time": lambda value: _is_date(value),
    # A document's name, not a file's (a.pdf).
    "filename": lambda value: not re.search(r"\.[A-Za-z0-9]{2,5}$", str(value).strip()),
    "author": lambda value: is_organisation(value),
    "稿源": lambda value: is_organisation(value),
    "发布者": lambda value: is_organisation(value),
    "所属机构": lambda value: is_organisation(value),
    "docauthor": lambda value: is_organisation(value),
    "contentsource": lambda value: is_organisation(value),
    "docsource": lambda value: is_organisation(value),
    "sourcename": lambda value: is_organisation(value),
    "index": is_index_no,
    "identifier": is_index_no,
}


# Fields whose value only counts when it looks like what the field holds, whatever label gives it: a 文号
# is never a bare number (国家税务总局's ``govDoc`` gives ``docNo: "9"``, the serial, beside ``docNum``,
# the 文号 ``财政部 税务总局公告2026年第9号``).
# Its first digit is the one after the run before it (no digit in that run): with both runs taking digits, a value of
# digits and spaces that failed at its end was split at every digit, quadratic in its length.
_CODE = re.compile(r"[\sA-Za-z_\-./:]*\d[\sA-Za-z0-9_\-./:]*")
_PLAUSIBLE_FIELD = {
    "doc_no": lambda value: not re.fullmatch(r"\s*\d+\s*", str(value)),
    # An issuing body or a class is a name, never a code (FWJG: 11330000002482155Q, ztfl: 0301): that is an
    # API's key for it (see _companion_of).
    "publisher": lambda value: not (isinstance(value, str | int) and _CODE.fullmatch(str(value))),
    "category": lambda value: not (isinstance(value, str | int) and _CODE.fullmatch(str(value))),
    "category_topic": lambda value: not (isinstance(value, str | int) and _CODE.fullmatch(str(value))),
    "category_genre": lambda value: not (isinstance(value, str | int) and _CODE.fullmatch(str(value))),
    "category_scheme": lambda value: not (isinstance(value, str | int) and _CODE.fullmatch(str(value))),
}


@lru_cache(maxsize=65536)  # exports repeat their keys on every record
def label_key(label: str) -> str:
    """The comparable form of a label: NFKC, no whitespace (U+3000 included), no colon, no ``_ - .``
    between words, lower-case. So one entry reads a key however an export spells it: ``document_number``,
    ``documentNumber``, ``DOCUMENT-NUMBER``; ``FWJG_name`` and ``fwjgName``."""
    text = unicodedata.normalize("NFKC", label)
    return re.sub(r"[\s:：_\-.]+", "", text).lower()


_BY_KEY: dict[str, str] = {label_key(label): name for name, labels in LABELS.items() for label in labels}

# Labels that also head ordinary sentences and data tables (时间：上午九点, 来源：新华社): they count
# as metadata only beside a label that is never body text.
WEAK_LABELS = frozenset(
    label_key(label)
    for label in (
        "日期",
        "时间",
        "来源",
        "文章来源",
        "稿源",
        "来自",
        "主题",
        "体裁",
        "文种",
        "类别",
        "链接",
        "网址",
        "站点",
        "栏目",
        "效力",
        "年份",
        "有效期",
        "状态",
    )
)


def canonical_field(label: str) -> str | None:
    """The canonical field a label stands for, or None if it is not a known label."""
    return _BY_KEY.get(label_key(label))


def known_labels() -> list[str]:
    """Every Chinese label, longest first (for scanning label-value text)."""
    chinese = {label for labels in LABELS.values() for label in labels if not label.isascii()}
    return sorted(chinese, key=len, reverse=True)


def map_fields(items: Iterable[tuple[str, Any]], guess: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Canonical fields from a source's (label, value) pairs, and the labels not understood.

    A label is read as :func:`canonical_field` reads it, else after the table prefix the source's labels
    share (:func:`key_fields`: ``DFWJ_BT``, ``s_title``, ``ZLWH``). With ``guess`` (a record's keys, not a
    page's labels), a label is else read by its words where its value looks like what they name
    (:func:`index.keyparts.field_by_parts`: ``secFutrsLawName`` is the title, ``lawPubOrgName`` the
    publisher), and the values of the labels still unread fill the fields the record lacks by their shape
    (:func:`index.keyparts.fields_by_value`: a text of sentences is the body …).

    Empty values and placeholders (``无``, ``其它``, ``-`` in a 文号, 分类 or 索引号: index.placeholders) are
    skipped; where several labels name one field, the label listed first in ``LABELS`` wins (公开日期 over
    日期, publisher over source), a label read after a prefix comes after every label read as it is, and a
    label read by its words after those.
    """
    pairs = list(items)
    fields = key_fields(label for label, _ in pairs)
    ranked: dict[str, tuple[float, Any]] = {}
    unknown: list[str] = []
    unread: list[tuple[str, Any]] = []
    labelled: list[tuple[str, str]] = []  # label: value pairs a record's values hold (来源：… 发布时间：…)
    for label, value in pairs:
        name = fields.get(label)
        if is_page_source(label, value):
            label, name = _PAGE_SOURCE_LABEL, "body"  # the page's markup beside its flattened text: its body's HTML
        if name not in _LINK_FIELDS and isinstance(value, dict) and (row := table_row_value(value)) is not None:
            value = row  # a row of the page's label table is its value, read by every rule below as one
        companion = _companion_of(label, value)
        if companion is not None and name in (None, companion[1]):
            name = companion[1]  # FWJG_name beside FWJG: the name wins over the code beside it
        if guess and name not in _TEXT_FIELDS and isinstance(value, str) and (inline := _inline_pairs(value)):
            head, found = inline
            labelled += found
            if name:
                value = next((text for key, text in found if canonical_field(key) == name), head)
        if name is None:
            part = field_by_parts(label) if guess else None
            if part is not None and not _empty(value):
                # 来源：国务院办公厅 under publishDepartment; 广州市人民政府门户（市医保局供稿） under docAgency
                unlabelled = without_note(part, without_own_label(value, part))
                if plausible(part, _as_read(part, unlabelled), label):
                    if part not in ranked or _PARTS_RANK < ranked[part][0]:
                        ranked[part] = (_PARTS_RANK, unlabelled)
                    continue
            if label_key(label) not in _IGNORED_KEYS:
                unknown.append(label)
                unread.append((label, value))
            continue
        if value is None or (isinstance(value, str | list | dict) and not value):
            continue
        value = without_own_label(value, name)
        if name in PLACEHOLDER_FIELDS and _placeholders_only(value, name):
            continue  # 文号：无 is no 文号, ["无附件链接"] no attachment; a lower-ranked label may still give one
        key = label_key(label)
        own = key in _BY_KEY or companion is not None
        if companion is not None:
            key = companion[0]
        elif not own:
            key = _unprefixed(label, fields) or key
        if key in _PLAUSIBLE and not _PLAUSIBLE[key](value):
            continue
        if name in _PLAUSIBLE_FIELD and not _PLAUSIBLE_FIELD[name](value):
            continue
        rank = _RANK.get(key, 0) + (0 if own else _PREFIXED_RANK) - (_COMPANION_LEAD if companion else 0)
        if name not in ranked or rank < ranked[name][0]:
            ranked[name] = (rank, value)
    mapped = {name: value for name, (_, value) in ranked.items()}
    if labelled:
        mapped = {**map_fields(labelled)[0], **mapped}  # what the values' own labels say fills the rest
    if guess:
        mapped.update(fields_by_value(unread, mapped))
    return mapped, unknown


# A crawler's ``source`` is the source of the page it saved where it holds markup: Scrapy items that keep the
# content area's HTML under ``source`` beside its flattened ``text`` (SunlightData/General_News_Crawler's
# ``item["source"] = response.xpath(…).get()``), where a CMS export's ``source`` names its publisher. Such a value
# is the body's HTML, read as ``body_html`` is (it wins over the flattened text, which runs the paragraphs, the
# signature and the page's script code together). Markup means a tag opening the value and a block's tag in it,
# so a publisher's name written as a link (``<a href="…">新华社</a>``) stays a name.
_PAGE_SOURCE_KEYS = frozenset({"source", "pagesource", "sourcecode"})
_PAGE_SOURCE_LABEL = "body_html"
_OPENING_TAG = re.compile(r"^\s*<[A-Za-z!]")
_BLOCK_MARKUP = re.compile(r"<(?:div|p|table|section|article|br|body|html|h[1-6]|ul|ol)\b", re.IGNORECASE)
_BLOCK_REACH = 4096  # a fragment's first block stands near its start


def is_page_source(label: str, value: Any) -> bool:
    """Whether a record's ``label`` holds the source (markup) of the page it was saved from rather than the
    publisher or code its name may say: ``source``, ``page_source`` or ``source_code`` whose value is markup with a
    block in it (see _PAGE_SOURCE_KEYS)."""
    return (
        isinstance(value, str)
        and label_key(label) in _PAGE_SOURCE_KEYS
        and bool(_OPENING_TAG.match(value))
        and bool(_BLOCK_MARKUP.search(value, 0, _BLOCK_REACH))
    )


# A value a crawler scraped from a page's info bar, its labels kept (``来源：市财政局 作者：张三 发布时间：2021-02-03``,
# ``发布日期：2021-02-03 | 发布机构：…``, or one label a line): two labels with a colon at least, one of them known.
_COLON_LABEL = re.compile(r"[\u4e00-\u9fff]{2,6}[ \t\u3000]*[:：]")
_INLINE_MAX = 400  # an info bar, not a body that quotes labels
_TEXT_FIELDS = frozenset({"body", "summary"})  # a text's own lines may start with labels
_BAR_SEPARATORS = " \t\u3000|｜丨/"


def _inline_pairs(value: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(the text before the first label, the label: value pairs) of a value holding an info bar's labelled values;
    None for any other value."""
    if len(value) > _INLINE_MAX or len(_COLON_LABEL.findall(value)) < 2:
        return None
    head = ""
    found: list[tuple[str, str]] = []
    for number, line in enumerate(part.strip() for part in value.splitlines() if part.strip()):
        pairs = line_pairs(line, unknown=True)
        if not pairs and number == 0 and (start := _line_pattern(True).search(line)) and start.start() > 0:
            head, pairs = line[: start.start()].strip(_BAR_SEPARATORS), line_pairs(line[start.start() :], unknown=True)
        found += [(label, text.strip(_BAR_SEPARATORS)) for label, text in pairs]
    if len({canonical_field(label) for label, _ in found} - {None}) < 2:
        return None  # two fields named at least: 各区人民政府：… 联系人：… is a text's own
    return head, [(label, text) for label, text in found if text]


_PARTS_RANK = 2000  # after every label read as it is (ranks under 100) or after a prefix (1000 more)


def _as_read(name: str, value: Any) -> Any:
    """A value in the shape the field's reading gives it (:func:`index.fieldvalues.field_value`: a one-item list's
    item, a label-table row's value, a java.util.Date's moment), so a key read by its words is judged on what the
    field will hold, as a labelled key's value is read."""
    from index.fieldvalues import field_value  # imported here: fieldvalues imports this module

    return field_value(name, value)[0]


# A code and its name side by side --------------------------------------------------------------------
#
# APIs give a coded field its name beside it under the code's key with a suffix: TRS 海云's ``FWJG`` (the issuing
# body's code) beside ``FWJG_name`` (its name), ``WZFL`` beside ``WZFL_name``; others ``fbjgName``, ``ztflMc``,
# ``yxxText``. The name is what the page shows: it wins over the code, whatever the code's key ranks.
_NAME_SUFFIXES = ("name", "mc", "text", "label", "desc", "cn", "zh", "名称")  # 发布机构名称 beside 发布机构代码
# Fields whose value is a name a page prints (never a date, a number or a text).
_NAMED_FIELDS = frozenset(
    {"publisher", "category", "category_scheme", "category_topic", "category_genre", "validity", "disclosure", "column"}
)
_COMPANION_LEAD = 0.5  # ranks a name just ahead of its code's key
_HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")


def _companion_of(label: str, value: Any) -> tuple[str, str] | None:
    """(the code's key, its field) where ``label`` is a coded key with a name suffix (``FWJG_name``, ``ztflMc``)
    and ``value`` a name in Chinese; else None."""
    companion = _companion_key(label)
    if companion is None or not isinstance(value, str) or not _HAN_CHARACTER.search(value):
        return None
    return companion


@lru_cache(maxsize=65536)  # exports repeat their keys on every record
def _companion_key(label: str) -> tuple[str, str] | None:
    key = label_key(label)
    for suffix in _NAME_SUFFIXES:
        stem = key.removesuffix(suffix)
        if stem != key and (field := _BY_KEY.get(stem)) in _NAMED_FIELDS:
            return stem, field
    return None


_LINK_FIELDS = frozenset({"attachments", "related"})  # an object there is a link (its name and url), never a row
# A field given as a row of the page's label table (``"fwzh": {"name": "发文字号", "value": "津政发〔2021〕1号"}``,
# ``{"label": "发布日期", "value": …}``): a known label under one of these keys, the field's value under the other.
_ENTRY_LABEL_KEYS = ("name", "label", "key", "cname", "fieldname", "title")
_ENTRY_VALUE_KEYS = ("value", "val", "fieldvalue", "text", "content")


def table_row_value(value: dict[str, Any]) -> Any:
    """The value of an object that is a labelled entry (its name is a known label, :mod:`index.labels`), or None.
    ``{"id": 7, "name": "北京市人民政府"}`` names a value and is no entry: its name is no label."""
    keys = {str(key).replace("_", "").lower(): key for key in value}
    label = next((keys[k] for k in _ENTRY_LABEL_KEYS if k in keys and isinstance(value[keys[k]], str)), None)
    if label is None or canonical_field(value[label]) is None:
        return None
    return next((value[keys[k]] for k in _ENTRY_VALUE_KEYS if k in keys and keys[k] != label), None)


# A page's label and colon a crawler kept in front of the value it scraped (``发布时间：2021-01-20 10:00``).
_OWN_LABEL = re.compile(r"^\s*([\u4e00-\u9fff][\u4e00-\u9fff \t\u3000]{1,7}?)[ \t\u3000]*[：:][ \t\u3000]*")


def without_own_label(value: Any, name: str) -> Any:
    """A string value without the label of its own field in front of it: ``来源：国家能源局`` under ``source`` is
    ``国家能源局``, ``发布时间：2021-01-20`` under ``publish_time`` is ``2021-01-20``; a label of another field, or
    none, leaves the value as it is."""
    if not isinstance(value, str):
        return value
    match = _OWN_LABEL.match(value)
    if match and canonical_field(match.group(1)) == name and value[match.end() :].strip():
        return value[match.end() :]
    return value


def _placeholders_only(value: Any, name: str) -> bool:
    """Whether a value is a placeholder for nothing (``无``), or a list of nothing but placeholders."""
    if isinstance(value, list):
        return bool(value) and all(is_placeholder(item, name) for item in value)
    return is_placeholder(value, name)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


# Table prefixes ------------------------------------------------------------------------------------
#
# Some exports name every column after its table: 国家税务总局河南省税务局's 地方文件 API gives ``DFWJ_BT``,
# ``DFWJ_NR``, ``DFWJ_FBRQ`` (标题, 内容, 发布日期; bigcpp110/policy_crawl spiders/tax/all/henan.py), 山西省
# 市场监管局's list API ``s_title``, ``s_content``, ``s_url`` (a type prefix: s for string, d for date;
# spiders/scjdj/all/shaanxi.py), and 国家税务总局北京市税务局's 12366 知识库 glues its prefix on: ``ZLTITLE``,
# ``ZLWH``, ``ZLFBRQ``, ``ZLSFYX``, ``ZLNR`` (2218084076/crawlers-tax-policy-data
# src/crawlers_tax_policy_data/example/beijing1.py), as do city search APIs (``xqtitle``, ``xqpudate``, ``xqurl``;
# ``content_title``, ``content_orgName``, ``content_addTime``: Kira-yoshikage-d/spider-gov). A prefix counts only
# where the source's own labels show it: two or more of them, read without it, name two different fields (an id
# or an address aside), so a lone ``sub_title`` or ``lm_mc`` (栏目名称) is never read as the title.

_PREFIXED_RANK = 1000
_SEPARATED = re.compile(r"^([A-Za-z]{1,10})[_\-.](.+)$")  # DFWJ_BT, s_title, content_orgName
_GLUED = re.compile(r"^(?:[A-Z]{4,}|[a-z]{4,})$")  # ZLWH, xqtitle: one case only, the prefix 2–4 letters
_NOT_EVIDENCE = frozenset({"id", "url", "site", "column"})
# Words too generic to be read after a prefix: ``username`` and ``usertime`` are a user's, ``file_name`` a file's.
_GENERIC = frozenset({"name", "mc", "time", "date", "year", "source", "author", "text", "link", "href", "index"})


def _prefix_readings(label: str) -> list[tuple[str, str]]:
    """(prefix, the label without it) for each way a label may carry a table prefix."""
    readings = []
    separated = _SEPARATED.match(label.strip())
    if separated:
        prefix = separated.group(1).lower() + "_"
        readings.append((prefix, separated.group(2)))
        # A qualifier between the table and the field: DFWJ_ZFWD_SYH (地方文件 · 政府文电 · 索引号) is the 索引号.
        rest = re.split(r"[_\-.]+", separated.group(2))
        readings.extend((prefix, part) for part in rest[1:][-1:] if len(rest) > 1)
    if _GLUED.match(label.strip()):
        text = label.strip()
        readings.extend((text[:size].lower(), text[size:]) for size in (2, 3, 4) if len(text) - size >= 2)
    return [
        (prefix, rest) for prefix, rest in readings if label_key(rest) in _BY_KEY and label_key(rest) not in _GENERIC
    ]


def key_fields(labels: Iterable[str]) -> dict[str, str]:
    """The canonical field of each label of one record (or one header row) that names one: the label's
    own (:func:`canonical_field`), else the label read without the table prefix the record's labels share
    (``DFWJ_BT`` beside ``DFWJ_NR`` is the title, ``ZLWH`` beside ``ZLTITLE`` the 文号)."""
    labels = list(dict.fromkeys(labels))
    fields = {label: name for label in labels if (name := canonical_field(label))}
    evidence: dict[str, set[str]] = {}
    for label in labels:
        if label in fields:
            continue
        for prefix, rest in _prefix_readings(label):
            name = _BY_KEY[label_key(rest)]
            if name not in _NOT_EVIDENCE:
                evidence.setdefault(prefix, set()).add(name)
    shared = {prefix for prefix, names in evidence.items() if len(names) >= 2}
    for label in labels:
        if label in fields:
            continue
        for prefix, rest in _prefix_readings(label):
            if prefix in shared:
                fields[label] = _BY_KEY[label_key(rest)]
                break
    return fields


def header_fields(labels: Iterable[str]) -> dict[str, str]:
    """The canonical field of each column of a header row: :func:`key_fields`, else the field a column's words
    name (:func:`index.keyparts.field_by_parts`: ``secFutrsLawName``, ``lawPubOrgName``); each row's values are
    still judged (:func:`map_fields` with ``guess``)."""
    labels = list(labels)
    fields = key_fields(labels)
    for label in labels:
        if label not in fields and (part := field_by_parts(label)):
            fields[label] = part
    return fields


def _unprefixed(label: str, fields: dict[str, str]) -> str | None:
    """The comparable form of a prefixed label without its prefix (its rank and plausibility are the bare
    label's), or None."""
    for _prefix, rest in _prefix_readings(label):
        if _BY_KEY[label_key(rest)] == fields.get(label):
            return label_key(rest)
    return None


_RANK: dict[str, int] = {label_key(label): rank for labels in LABELS.values() for rank, label in enumerate(labels)}
_IGNORED_KEYS = frozenset(label_key(label) for label in IGNORED)


# Label lines -------------------------------------------------------------------------------------

_PAD = r"[ \t\u3000]*"


@cache
def _known_pattern() -> str:
    """Every known label as a regex alternation, spaces or U+3000 allowed between its characters (索 引 号)."""
    return "|".join(_PAD.join(map(re.escape, label)) for label in known_labels())


@cache
def _line_pattern(unknown: bool) -> re.Pattern[str]:
    # A label may have spaces or U+3000 between its characters (索 引 号, 名　　称) and a colon after it.
    # It must start the line or follow whitespace, and be followed by whitespace, a colon or the end.
    # A label may also stand in brackets, the value right after them (【标题】…, [成文日期] 2021-01-20).
    known = _known_pattern()
    other = rf"|(?P<other>[\u4e00-\u9fff]{{2,6}}){_PAD}[:：]{_PAD}" if unknown else ""
    bracketed = rf"[【\[［]{_PAD}(?P<bracketed>{known}){_PAD}[】\]］]{_PAD}(?:[:：]{_PAD})?"
    return re.compile(
        rf"(?:^|(?<=[\s\u3000]))(?:{bracketed}|(?P<known>{known}){_PAD}(?:[:：]{_PAD}|(?=[\s\u3000])|$){other})"
    )


@cache
def _label_after_colon() -> re.Pattern[str]:
    known = _known_pattern()
    return re.compile(rf"([:：])(?=(?:{known}){_PAD}[:：])")


def _colon_and_space(match: re.Match[str]) -> str:
    return match[1] + " "


# A crawler's text dump may write its keys as they are named in its code, one a line with a colon
# (changwu/gov_spider export.py: ``title: …``, ``url: …``, ``author: …``, ``content:`` then the text). Such a key
# counts only at the very start of the line, and only a label of three or more letters (no ``id:``, ``no:``).
_ASCII_LINE = re.compile(r"(?i:(?P<key>[a-z][a-z_]{2,}))[ \t]*[:：][ \t]*")


# A page's info line printed as bracketed segments, its tools in brackets of their own beside the labelled ones:
# the 公共资源交易 and 口岸 pages' 【信息时间：2017-12-13】 【我要打印】 【关闭】 (a 陕西 公共资源交易 spider's
# test string), 【信息时间：2021/5/11 阅读次数：422】【我要打印】【关闭】 (a saved page), 〖信息时间：2026-3-17〗
# (a 天津 page).
_SEGMENT = re.compile(r"[【〖]([^【】〖〗]*)[】〗]")
_SEGMENTS_LINE = re.compile(r"(?:[ \t\u3000]*[【〖][^【】〖〗]*[】〗])+[ \t\u3000]*")
_COLON = re.compile(r"[:：]")


def _unbracketed(text: str) -> str:
    """A line made only of bracketed segments whose every segment but the page's tools (我要打印, 关闭, 字体：大 中 小)
    holds a label's colon, as those segments' text, two spaces between them (``信息时间：2017-12-13  阅读次数：``);
    any other line as it is (``【发文字号】京政发〔2021〕2号``: a bracketed label, its value outside)."""
    if not _SEGMENTS_LINE.fullmatch(text):
        return text
    kept = [segment for segment in map(str.strip, _SEGMENT.findall(text)) if segment and not is_page_tools(segment)]
    if not kept or not all(_COLON.search(segment) for segment in kept):
        return text
    return "  ".join(kept)


def line_pairs(line: str, unknown: bool = False, keys: bool = False) -> list[tuple[str, str]]:
    """The (label, value) pairs of a line of metadata (``索引号 014319733/2018-00019 分类 规划计划``,
    ``【发文字号】京政发〔2021〕2号``, ``[成文日期] 2021-01-20``, ``【信息时间：2017-12-13】【我要打印】【关闭】``),
    or [] if the line does not start with a label.

    With ``unknown``, any short word before a colon (作者：, 浏览次数：) also ends the value before it
    and comes back as a pair of its own, for :func:`canonical_field` to leave unmapped. With ``keys``, a line
    starting with an export's key and a colon (``title: …``, ``pub_time: …``) is one pair.
    """
    text = _unbracketed(line.strip())
    if keys and (key := _ASCII_LINE.match(text)) and canonical_field(key["key"]):
        return [(key["key"], text[key.end() :].strip())]
    # An empty value whose cell's spacing a dump lost (``发文字号：发布日期：2009年05月12日``): a known label with its
    # colon right after a label's colon starts a pair of its own.
    # (A function, not the template r"\1 ": a template is looked up in re's cache by the pattern's hash, which
    # hashes this large pattern's whole code at every call.)
    text = _label_after_colon().sub(_colon_and_space, text)
    pattern = _line_pattern(unknown)
    if pattern.match(text) is None:  # the first label must start the line: a line of text is not searched through
        return []
    matches = list(pattern.finditer(text))
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        pairs.append((match["known"] or match["bracketed"] or match["other"], text[match.end() : end].strip()))
    return pairs
