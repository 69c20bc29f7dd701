"""The OpenAPI 3.1 description of the read-only JSON API, served at ``/openapi.json``.

Generated, not written: each response schema comes from the data class the view builds its JSON from
(:mod:`portal.responses`, and the index's own classes they hold), every property required and nothing
else allowed, so a field added to a response is described the moment it is served. The query parameters
come from the request tables in :mod:`index.query.request`. Tests validate every route's JSON against it,
and schemathesis calls every route with what it describes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from index.query.request import (
    FACETS,
    FIELDS,
    MAX_QUERY_CHARS,
    PAGE_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    SCOPED_FIELDS,
    SORTS,
)
from portal import bulkdata, changes, responses, statistics
from portal.links import CATEGORY_DIMENSIONS, base_url

VERSION = "2.0.0"

# What a property means, by name, wherever it appears (Chinese, for the people who build on the API).
DESCRIPTIONS: dict[str, str] = {
    "id": "规范化索引号，或无索引号文件的稳定编号",
    "title": "名称",
    "publisher": "发布机构",
    "pub_date": "公开日期（ISO 8601，可能只有年或年月；未知为空）",
    "written_date": "成文日期（ISO 8601；未知为空）",
    "doc_no": "文号（GB/T 9704 形式，如 宿政办发〔2017〕150号）",
    "index_no": "索引号",
    "categories": "分类（组配 / 主题 / 体裁中有值的各项）",
    "category_scheme": "组配分类",
    "category_topic": "主题分类",
    "category_genre": "体裁分类",
    "validity": "有效性（有效、失效、废止、已修改，或发布机构所写）",
    "kind": "文件类型：原文、解读或新闻发布（记者会、答问等未指明所解读文件的）",
    "interpretation": "解读的形式：政策解读、图解、一图读懂、答记者问；原文为空",
    "flags": "完整性问题代码，如 spam、encoding_loss",
    "url": "原文地址（http 或 https 的绝对地址，没有则为空）",
    "source": "出处：原文地址（不公开本站的文件路径）",
    "path": "本站详情页路径",
    "abstract": "内容概述，或正文开头",
    "title_html": "转义后的标题，命中词以 <mark> 标出",
    "snippet_html": "转义后的摘要，命中词以 <mark> 标出",
    "attachment_hits": "命中内容所在的附件名称",
    "error": "错误说明（查询语法错误或过长时也在此）",
    "notices": "被忽略或更正的参数",
    "partial": "结果是否不完整：部分分片暂时无法访问时为 true，总数、结果与分面只计其余分片",
    "interprets": "本文（解读）所解读的原文",
    "interpretations": "本文（原文）的相关解读",
    "replaced_by": "废止或替代本文件的文件",
    "replaces": "本文件废止或替代的文件",
    "current_version": "同一法规的现行版本（本文为旧版本时）",
    "older_versions": "同一法规的历史版本",
    "sentence": "关系出处：原文中说明这一关系的句子",
    "copies": "同一文件（标题与正文相同）的其他收录编号与地址",
    "related": "相关文件",
    "warnings": "收录时发现的问题，message 为中文说明",
    "first": "本页第一条在全部结果中的序号（无结果为 0）",
    "last": "本页最后一条的序号",
    "reason": "列为相关文件的原因：本文引用、引用本文或同主题",
    "hot": "热搜词：近 7 天检索最多、有结果的检索词",
    "did_you_mean": "检索词疑有错别字或同音字、更正后找到更多（但不足以自动替换）时的更正建议",
    "rescue": "检索词找不到或只找到很少文件时改为检索的内容（更正或放宽），无则为 null",
    "typed": "所输入的检索词（literal=1 仍按原词检索）",
    "searched": "实际检索的内容",
    "correction": "所采用的更正（未更正为空）",
    "left_out": "放宽检索时未要求匹配的词",
    "any_word": "是否只要匹配任一检索词",
    "together": "同时包含全部检索词的文件数（放宽检索前；0 为没有）",
    "terms": "以所输入内容开头的常用词，文件数多的在前",
    "expansions": "同时检索的同义词：检索词及其找到文件的同义词（可用 literal=1 只检索原词）",
    "synonyms": "找到文件的同义词",
    "term": "检索词中的词",
    "literal": "只检索所输入的词：不用同义词，不更正、不放宽",
    "citation": "引用本文：GB/T 7714-2015 电子资源格式、BibTeX（biblatex @online）与 CSL-JSON",
    "gbt7714": "GB/T 7714-2015 著录：发布机构. 题名: 文号[EB/OL]. (公开日期)[引用日期]. 永久地址.",
    "bibtex": "BibTeX 条目（biblatex @online）",
    "csl": "CSL-JSON 条目（CSL 1.0.2 csl-data）",
    "accessed": "引用日期（北京时间，ISO 8601）",
    "status": "在线状态：在线，或已撤下（原网页或来源已不存在，本站保留收录时的文本）",
    "history": "版本历史与来源（本站未记录时为 null）",
    "versions": "各版本，最早的在前",
    "provenance": "最近一次收录：从何处、何时、如何取得",
    "withdrawn_at": "发现撤下的时间（UTC，ISO 8601；未撤下为空）",
    "withdrawn_how": "发现撤下的方式代码：http_404、http_410、redirect_home、missing_from_export、file_gone",
    "withdrawn_label": "发现撤下的方式（中文）",
    "first_seen": "本站首次见到的时间（UTC，ISO 8601）",
    "last_seen": "本站最后一次见到的时间（UTC，ISO 8601）",
    "latest": "最新版本的编号",
    "n": "版本编号（从 1 起）",
    "sightings": "收录记录：每次读到的时间、地址、HTTP 状态与原始内容的 SHA-256",
    "sha256": "收到的原始内容的 SHA-256（十六进制）",
    "raw_path": "本站保存的原始内容的路径（以纯文本提供；没有则为空）",
    "etag": "HTTP ETag",
    "last_modified": "HTTP Last-Modified",
    "how": "取得方式：crawl（抓取）、file（文件）、export（导出文件）",
    "spans": "差异片段：op 为 = 两版相同，- 仅在版本 a，+ 仅在版本 b",
    "fields": "内容不同的字段，每个按词比较",
}
# Properties whose values come from a fixed table.
ENUMS: dict[tuple[str, str], list[Any]] = {
    ("SearchRequest", "field"): list(FIELDS),
    ("SearchRequest", "sort"): list(SORTS),
    ("LookupResponse", "kind"): ["index_no", "index_tail", "doc_no", None],
}


class Components:
    """JSON Schemas of data classes, collected as ``#/components/schemas`` while types are described."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, str]:
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # placeholder: a class may refer to itself
            self.schemas[name] = self.dataclass_schema(cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def dataclass_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties = {}
        for field in dataclasses.fields(cls):
            schema = self.schema(hints[field.name])
            if (cls.__name__, field.name) in ENUMS:
                schema = {**schema, "enum": ENUMS[(cls.__name__, field.name)]}
            if field.name in DESCRIPTIONS and "$ref" not in schema:
                schema = {**schema, "description": DESCRIPTIONS[field.name]}
            properties[field.name] = schema
        described: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }
        doc = (cls.__doc__ or "").strip()
        if doc and not doc.startswith(f"{cls.__name__}("):  # not the signature dataclasses write
            described["description"] = doc.split("\n\n")[0]
        return described

    def schema(self, tp: Any) -> dict[str, Any]:
        """The JSON Schema of a type annotation (str, int, float, bool, None, lists, dicts, unions, dataclasses)."""
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if tp is type(None):
            return {"type": "null"}
        if tp is Any:  # a value in someone else's format (CSL-JSON), described where it is served
            return {}
        if origin in (typing.Union, types.UnionType):
            choices = [self.schema(arg) for arg in args]
            simple = [c for c in choices if set(c) == {"type"} and isinstance(c["type"], str)]
            if len(simple) == len(choices):
                return {"type": [c["type"] for c in choices]}
            return {"anyOf": choices}
        if origin is list:
            return {"type": "array", "items": self.schema(args[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.schema(args[1])}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.ref(tp)
        simple_types = {str: "string", int: "integer", float: "number", bool: "boolean"}
        if tp in simple_types:
            return {"type": simple_types[tp]}
        raise TypeError(f"no JSON Schema for {tp!r}")


def _query(name: str, description: str, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
        **extra,
    }


def _path(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema or _TEXT}


_TEXT = {"type": "string", "minLength": 1}
_TEXT_LIST = {"type": "array", "items": {"type": "string"}}


def search_parameters() -> list[dict[str, Any]]:
    """The query parameters of a search, from the request tables."""
    scoped = [
        _query(key, f"{FIELDS[key]}须含（与 q 同时满足）", {"type": "string", "maxLength": MAX_QUERY_CHARS})
        for key in SCOPED_FIELDS
    ]
    return [
        _query(
            "q",
            "检索词；可用 标题: 正文: 文号: 索引号: 发布机构: 前缀限定字段，引号内为精确短语，可用 AND OR NOT 和 -词",
        ),
        _query("field", "检索范围", {"type": "string", "enum": list(FIELDS), "default": "all"}),
        *scoped,
        *[
            _query(key, f"{label}（可重复，同一项内为“或”）", _TEXT_LIST, style="form", explode=True)
            for key, label in FACETS.items()
        ],
        _query("date_from", "公开日期起（YYYY、YYYY-MM 或 YYYY-MM-DD）"),
        _query("date_to", "公开日期止"),
        _query("sort", "排序", {"type": "string", "enum": list(SORTS)}),
        _query("literal", "为 1 时只检索所输入的词，不用同义词", {"type": "string", "enum": ["0", "1"]}),
        _query("page", "页码", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}),
        _query(
            "per_page",
            "每页条数",
            {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT},
        ),
    ]


def _json(components: Components, cls: type, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": components.ref(cls)}}}


def _xml(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


def _not_found_page() -> dict[str, Any]:
    """404 of a route that is no JSON (a .bib file, a feed): the error page, as HTML (portal/errors.py)."""
    return {"404": _xml("text/html", "未找到（错误页面）")}


def _changes_parameters() -> list[dict[str, Any]]:
    return [
        _query("publisher", "发布机构（名称的任一部分）", {"type": "string", "maxLength": 100}),
        _query("kind", "变更类型", {"type": "string", "enum": list(changes.KINDS)}),
        _query("before", "翻页：只列出编号小于此值的变更", {"type": "integer", "minimum": 1}),
    ]


def _csl_json() -> dict[str, Any]:
    """A CSL-JSON file (CSL 1.0.2 csl-data.json): an array of items, here one, each with ``id`` and ``type``."""
    item = {"type": "object", "required": ["id", "type"], "properties": {"id": {"type": "string"}}}
    schema = {"type": "array", "items": item, "minItems": 1, "maxItems": 1}
    return {"description": "CSL-JSON", "content": {"application/vnd.citationstyles.csl+json": {"schema": schema}}}


def _get(operation_id: str, summary: str, responses_: dict[str, Any], parameters: list | None = None) -> dict:
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary, "responses": responses_}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def paths(c: Components) -> dict[str, Any]:
    """Every JSON and XML route, with the responses each may give."""
    not_found = {"404": _json(c, responses.ErrorResponse, "未找到")}
    moved = {"301": {"description": "非规范写法的索引号：转到规范地址（Location）"}}
    search = search_parameters()
    browse_value = _path("value", "取值")
    return {
        "/search.json": _get(
            "search", "全文检索，带分面统计", {"200": _json(c, responses.SearchResponse, "检索结果")}, search
        ),
        "/search.atom": _get(
            "searchFeed", "任意检索的 Atom 订阅", {"200": _xml("application/atom+xml", "Atom 1.0")}, search
        ),
        "/suggest.json": _get(
            "suggest",
            "输入提示：以所输入内容开头的常用词，和含有它的文件标题",
            {"200": _json(c, responses.SuggestResponse, "提示")},
            [_query("q", "已输入的检索词（最后一个空格后的部分按前缀补全）", {"type": "string"})],
        ),
        "/lookup.json": _get(
            "lookup",
            "按索引号、后段码或文号查找",
            {"200": _json(c, responses.LookupResponse, "匹配的文件")},
            [_query("q", "索引号（如 014319733/2018-00019）、后段码或文号", required=True)],
        ),
        "/doc/{id}.json": _get(
            "document",
            "一份文件的完整记录，及其解读、原文与替代关系",
            {"200": _json(c, responses.DocResponse, "文件与相关文件"), **moved, **not_found},
            [_path("id", "规范化索引号（可含 /）或稳定编号")],
        ),
        "/doc/{id}.csl.json": _get(
            "documentCitation",
            "引用本文：CSL-JSON（一项的数组）",
            {"200": _csl_json(), **moved, **not_found},
            [_path("id", "规范化索引号（可含 /）或稳定编号")],
        ),
        "/doc/{id}.bib": _get(
            "documentBibtex",
            "引用本文：BibTeX（biblatex @online）",
            {"200": _xml("application/x-bibtex", "BibTeX"), **moved, **_not_found_page()},
            [_path("id", "规范化索引号（可含 /）或稳定编号")],
        ),
        "/doc/{id}/v/{n}.csl.json": _get(
            "versionCitation",
            "引用第 n 版：CSL-JSON（一项的数组）",
            {"200": _csl_json(), **not_found},
            [_path("id", "规范化索引号（可含 /）或稳定编号"), _path("n", "版本编号（从 1 起）")],
        ),
        "/doc/{id}/v/{n}.bib": _get(
            "versionBibtex",
            "引用第 n 版：BibTeX（biblatex @online）",
            {"200": _xml("application/x-bibtex", "BibTeX"), **_not_found_page()},
            [_path("id", "规范化索引号（可含 /）或稳定编号"), _path("n", "版本编号（从 1 起）")],
        ),
        "/doc/{id}/v/{n}.json": _get(
            "documentVersion",
            "一份文件的第 n 版（固定地址），及其收录记录",
            {"200": _json(c, responses.VersionResponse, "该版本"), **not_found},
            [_path("id", "规范化索引号（可含 /）或稳定编号"), _path("n", "版本编号（从 1 起）")],
        ),
        "/doc/{id}/diff.json": _get(
            "documentDiff",
            "一份文件两个版本的逐词差异（字段与正文）",
            {"200": _json(c, responses.DiffResponse, "差异"), **not_found},
            [
                _path("id", "规范化索引号（可含 /）或稳定编号"),
                _query("a", "较早的版本编号（默认为 b 的前一版）", {"type": "string"}),
                _query("b", "较晚的版本编号（默认为最新版）", {"type": "string"}),
            ],
        ),
        "/index.json": _get("home", "首页：最新文件与分面统计", {"200": _json(c, responses.HomeResponse, "首页数据")}),
        "/stats.json": _get(
            "statistics",
            "按年份、发布机构、分类、有效性和原文/解读统计的文件数与占比",
            {"200": _json(c, statistics.Statistics, "统计")},
        ),
        "/advanced.json": _get(
            "advanced",
            "高级检索表单：各下拉列表的取值与文件数，以及按参数组成的检索",
            {"200": _json(c, responses.AdvancedResponse, "表单数据")},
            search,
        ),
        "/browse.json": _get(
            "browseIndex", "各分面的全部取值与文件数", {"200": _json(c, responses.BrowseResponse, "分面统计")}
        ),
        "/browse/{facet}/{value}.json": _get(
            "browseFacet",
            "某发布机构、某种有效性或某文件类型的文件",
            {"200": _json(c, responses.SearchResponse, "文件列表"), **not_found},
            [_path("facet", "分面", {"type": "string", "enum": ["publisher", "validity", "kind"]}), browse_value],
        ),
        "/browse/category/{dimension}/{value}.json": _get(
            "browseCategory",
            "某分类下的文件",
            {"200": _json(c, responses.SearchResponse, "文件列表"), **not_found},
            [_path("dimension", "分类维度", {"type": "string", "enum": list(CATEGORY_DIMENSIONS)}), browse_value],
        ),
        "/browse/year/{year}.json": _get(
            "browseYear",
            "某年公开的文件",
            {"200": _json(c, responses.SearchResponse, "文件列表"), **not_found},
            [_path("year", "年份（四位数字）")],
        ),
        "/changes.json": _get(
            "changes",
            "变更记录：新增、更新、撤下和恢复的文件，最新的在前",
            {"200": _json(c, changes.ChangesResponse, "变更记录")},
            _changes_parameters(),
        ),
        "/changes.atom": _get(
            "changesFeed",
            "变更记录的 Atom 订阅",
            {"200": _xml("application/atom+xml", "Atom 1.0")},
            _changes_parameters(),
        ),
        "/doc/{id}/changes.atom": _get(
            "documentChangesFeed",
            "一份文件的变更（新版本、撤下、恢复）的 Atom 订阅",
            {"200": _xml("application/atom+xml", "Atom 1.0"), **_not_found_page()},
            [_path("id", "规范化索引号（可含 /）或稳定编号")],
        ),
        "/data.json": _get(
            "bulkData",
            "整批下载：最新的数据快照（各文件大小与 SHA-256）及较早的快照",
            {"200": _json(c, bulkdata.DataResponse, "数据快照")},
        ),
        "/feed.atom": _get("latestFeed", "最新公开文件的 Atom 订阅", {"200": _xml("application/atom+xml", "Atom 1.0")}),
        "/sitemap.xml": _get("sitemap", "站点地图", {"200": _xml("application/xml", "Sitemap 0.9")}),
        "/opensearch.xml": _get(
            "opensearch",
            "OpenSearch 描述",
            {"200": _xml("application/opensearchdescription+xml", "OpenSearch 1.1")},
        ),
    }


def openapi_document(server_url: str = "") -> dict[str, Any]:
    components = Components()
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "政府信息公开检索 API",
            "version": VERSION,
            "description": "只读接口：检索、按索引号或文号查找、文件详情、浏览、统计与订阅。每个页面都有对应的 JSON。",
        },
        "paths": paths(components),
    }
    components.ref(responses.ErrorResponse)
    document["components"] = {"schemas": dict(sorted(components.schemas.items()))}
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document


def openapi(request: Request) -> Response:
    """``/openapi.json``."""
    return JSONResponse(openapi_document(base_url(request, request.app.state.settings.base_url)))
