"""The OpenAPI 3.1 description of the read-only JSON API, served at ``/openapi.json``.

Hand-built rather than generated from docstrings so it stays a complete, valid document
without a YAML dependency; tests hold it to the routes the app really serves.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from index.query.request import FACETS, FIELDS, PAGE_MAX, PER_PAGE_DEFAULT, PER_PAGE_MAX, SORTS
from portal.links import base_url

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


_STR = {"type": "string"}
_STRINGS = _array(_STR)
_NULLABLE_STR = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


SUMMARY_FIELDS = {
    "id": {"type": "string", "description": "规范化索引号，或无索引号文件的稳定编号"},
    "title": _STR,
    "publisher": {"type": "string", "description": "发布机构"},
    "pub_date": {"type": "string", "description": "公开日期（ISO，可能只有年或年月，可能为空）"},
    "doc_no": {"type": "string", "description": "文号"},
    "index_no": {"type": "string", "description": "索引号（无则为空）"},
    "categories": _STRINGS,
    "flags": {**_STRINGS, "description": "完整性问题代码，如 spam、encoding_loss"},
    "url": {"type": "string", "description": "原文地址（可能为空）"},
    "path": {"type": "string", "description": "本站详情页路径"},
}

SCHEMAS: dict[str, Any] = {
    "DocSummary": _object(SUMMARY_FIELDS, ["id", "title", "path"]),
    "Hit": {
        "allOf": [
            _ref("DocSummary"),
            _object(
                {
                    "title_html": {"type": "string", "description": "转义后的标题，命中词以 <mark> 标出"},
                    "snippet_html": {"type": "string", "description": "转义后的摘要，命中词以 <mark> 标出"},
                    "score": {"type": "number"},
                    "attachment_hits": {**_STRINGS, "description": "命中内容所在的附件名称"},
                    "copies": {
                        **_array(_object({"id": _STR, "url": _STR}, ["id"])),
                        "description": "同一文件（标题和正文相同）在其他网址的副本，已合并为这一条结果",
                    },
                }
            ),
        ]
    },
    "FacetValue": _object(
        {"value": _STR, "count": {"type": "integer"}, "selected": {"type": "boolean"}}, ["value", "count"]
    ),
    "FacetGroup": _object({"label": _STR, "values": _array(_ref("FacetValue"))}, ["label", "values"]),
    "Facets": {"type": "object", "additionalProperties": _ref("FacetGroup")},
    "SearchRequest": _object(
        {
            "q": _STR,
            "field": {"type": "string", "enum": list(FIELDS)},
            "filters": {"type": "object", "additionalProperties": _STRINGS},
            "date_from": _STR,
            "date_to": _STR,
            "sort": {"type": "string", "enum": list(SORTS)},
            "page": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
            "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
        }
    ),
    "WayOut": _object({"text": _STR, "url": _STR, "count": {"type": ["integer", "null"]}}),
    "SearchResponse": _object(
        {
            "request": _ref("SearchRequest"),
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "elapsed_ms": {"type": "number"},
            "error": {**_NULLABLE_STR, "description": "查询语法错误或过长时的提示"},
            "notices": {**_STRINGS, "description": "被忽略或更正的参数"},
            "suggestions": _STRINGS,
            "hits": _array(_ref("Hit")),
            "facets": _ref("Facets"),
            "identifier_matches": _array(_ref("DocSummary")),
            "ways_out": _array(_ref("WayOut")),
            "links": _object({"html": _STR, "atom": _STR, "next": _NULLABLE_STR, "prev": _NULLABLE_STR}),
        },
        ["request", "total", "hits", "facets"],
    ),
    "Document": {
        "type": "object",
        "description": "完整的公开信息记录（名称、索引号、分类、发布机构、日期、文号、正文、附件等）",
        "properties": {
            "id": _STR,
            "title": _STR,
            "index_no": {"type": ["object", "null"]},
            "categories": _STRINGS,
            "publisher": _STR,
            "pub_date": _STR,
            "written_date": _STR,
            "doc_no": _STR,
            "keywords": _STRINGS,
            "validity": _STR,
            "body": _STR,
            "paragraphs": _STRINGS,
            "attachments": _array(_object({"name": _STR, "url": _STR, "kind": _STR, "text": _STR})),
            "related": _array(_object({"title": _STR, "url": _STR})),
            "warnings": _array(_object({"code": _STR, "field": _STR, "message": _STR})),
            "path": _STR,
        },
        "required": ["id", "title", "path"],
    },
    "DocResponse": _object({"document": _ref("Document"), "related": _array(_ref("DocSummary"))}),
    "LookupResponse": _object(
        {
            "q": _STR,
            "kind": {"type": ["string", "null"], "enum": ["index_no", "index_tail", "doc_no", None]},
            "matches": _array(_ref("DocSummary")),
        },
        ["q", "matches"],
    ),
    "HomeResponse": _object(
        {"latest": _array(_ref("DocSummary")), "facets": _ref("Facets"), "stats": {"type": "object"}}
    ),
    "BrowseResponse": _object({"facets": _ref("Facets")}),
    "Error": _object({"error": _STR, "status": {"type": "integer"}}, ["error"]),
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or _STR}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": _STR}


SEARCH_PARAMETERS = [
    _query("q", "检索词；可用 标题: 正文: 文号: 索引号: 前缀限定字段"),
    _query("field", "检索范围", {"type": "string", "enum": list(FIELDS), "default": "all"}),
    *[
        {**_query(key, f"{label}（可重复，同一项内为“或”）", _STRINGS), "style": "form", "explode": True}
        for key, label in FACETS.items()
    ],
    _query("date_from", "公开日期起（YYYY、YYYY-MM 或 YYYY-MM-DD）"),
    _query("date_to", "公开日期止"),
    _query("sort", "排序", {"type": "string", "enum": list(SORTS)}),
    _query("page", "页码", {"type": "integer", "minimum": 1, "default": 1}),
    _query(
        "per_page", "每页条数", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT}
    ),
]


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _xml(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": _STR}}}


_NOT_FOUND = {"404": _json("Error", "未找到")}


def _get(operation_id: str, summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "summary": summary, "responses": {"200": ok, **extra}}}


def _with_params(path_item: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    path_item["get"]["parameters"] = parameters
    return path_item


PATHS: dict[str, Any] = {
    "/search.json": _with_params(
        _get("search", "全文检索，带分面统计", _json("SearchResponse", "检索结果")), SEARCH_PARAMETERS
    ),
    "/search.atom": _with_params(
        _get("searchFeed", "任意检索的 Atom 订阅", _xml("application/atom+xml", "Atom 1.0")), SEARCH_PARAMETERS
    ),
    "/lookup.json": _with_params(
        _get("lookup", "按索引号、后段码或文号查找", _json("LookupResponse", "匹配的文件")),
        [{**_query("q", "索引号（如 014319733/2018-00019）、后段码或文号"), "required": True}],
    ),
    "/doc/{id}.json": _with_params(
        _get("document", "一份文件的完整记录", _json("DocResponse", "文件与相关文件"), **_NOT_FOUND),
        [_path("id", "规范化索引号（可含 /）或稳定编号")],
    ),
    "/index.json": _get("home", "首页：最新文件与分面统计", _json("HomeResponse", "首页数据")),
    "/browse.json": _get("browseIndex", "按发布机构、分类、年份浏览的统计", _json("BrowseResponse", "分面统计")),
    "/browse/publisher/{value}.json": _with_params(
        _get("browsePublisher", "某发布机构的文件", _json("SearchResponse", "文件列表"), **_NOT_FOUND),
        [_path("value", "发布机构")],
    ),
    "/browse/category/{dimension}/{value}.json": _with_params(
        _get("browseCategory", "某分类下的文件", _json("SearchResponse", "文件列表"), **_NOT_FOUND),
        [
            {**_path("dimension", "分类维度"), "schema": {"type": "string", "enum": ["scheme", "topic", "genre"]}},
            _path("value", "分类"),
        ],
    ),
    "/browse/year/{year}.json": _with_params(
        _get("browseYear", "某年公开的文件", _json("SearchResponse", "文件列表"), **_NOT_FOUND),
        [_path("year", "年份")],
    ),
    "/feed.atom": _get("latestFeed", "最新公开文件的 Atom 订阅", _xml("application/atom+xml", "Atom 1.0")),
    "/sitemap.xml": _get("sitemap", "站点地图", _xml("application/xml", "Sitemap 0.9")),
    "/opensearch.xml": _get(
        "opensearch", "OpenSearch 描述", _xml("application/opensearchdescription+xml", "OpenSearch 1.1")
    ),
}


def openapi_document(server_url: str = "") -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "政府信息公开检索 API",
            "version": VERSION,
            "description": "只读接口：检索、按索引号或文号查找、文件详情、浏览与订阅。每个页面都有对应的 JSON。",
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document


def openapi(request: Request) -> Response:
    """``/openapi.json``."""
    return JSONResponse(openapi_document(base_url(request, request.app.state.settings.base_url)))
