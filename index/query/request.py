"""What a search may ask for, in one place: fields, facets, sorts and the request's limits.

The portal's parameter parsing, the CLI's choices and the OpenAPI description all derive
from these tables, so a limit changes in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as default

from index.limits import without_invisible
from index.query.syntax import PREFIXES

# Facets: the field a facet counts, and its label.
FACETS: dict[str, str] = {
    "publisher": "发布机构",
    "category_scheme": "组配分类",
    "category_topic": "主题分类",
    "category_genre": "体裁分类",
    "year": "年份",
    "validity": "有效性",
    "kind": "文件类型",  # 原文 or 解读 (index.crossrefs)
    "status": "在线状态",  # 在线 or 已撤下 (index.history)
}

# Field search: the choice in the form and its label, and the index fields it searches.
FIELDS: dict[str, str] = {
    "all": "全部",
    "title": "标题",
    "body": "正文",
    "doc_no": "文号",
    "index_no": "索引号",
    "publisher": "发布机构",
}
# A prefix typed before the whole query (标题:低保) chooses the field too; inside a query a prefix binds
# the term after it (index/query/syntax.py).
FIELD_PREFIXES = PREFIXES
# Fields a 高级检索 condition may name (the publisher is chosen there as a facet value instead).
SCOPED_FIELDS = ("title", "body", "doc_no", "index_no")
SORTS: dict[str, str] = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}

MAX_QUERY_CHARS = 200  # longer queries get a friendly error, not a search
MAX_RAW_QUERY_CHARS = 1000  # parameters are cut here before anything else looks at them
PER_PAGE_DEFAULT = 10
PER_PAGE_MAX = 50
PAGE_MAX = 1000  # deeper pages are never useful and cost a full scoring pass each
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 100

_FIELD_PREFIX = re.compile(rf"^\s*({'|'.join(FIELD_PREFIXES)})\s*[:：]\s*(.*)$", re.DOTALL)


@dataclass
class SearchRequest:
    q: str = ""
    field: str = "all"
    filters: dict[str, list[str]] = default(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE_DEFAULT
    # 高级检索: field key (title, body, doc_no, index_no) → text that field must also match, besides q
    scoped: dict[str, str] = default(default_factory=dict)
    # the words as typed only: no synonyms, no correction or relaxation (index/query/rescue.py); the results
    # page offers this when synonyms, a correction or a relaxation were used
    literal: bool = False


def usable_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD: Python decodes the undecodable bytes of a command line
    (and JSON may escape) as lone surrogates, which no index term or encoder accepts; and without the invisible
    formatting (zero-width space and joiners, soft hyphen …) the documents' text lost at ingest
    (:func:`index.limits.without_invisible`)."""
    return without_invisible(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def sanitised(req: SearchRequest) -> SearchRequest:
    """A request whose page, sort, field and page size are usable whatever the caller passed."""
    return SearchRequest(
        q=usable_text(req.q or "").strip(),
        field=req.field if req.field in FIELDS else "all",
        filters={
            key: [usable_text(v) for v in values if v]
            for key, values in req.filters.items()
            if key in FACETS and values
        },
        date_from=usable_text(req.date_from).strip(),
        date_to=usable_text(req.date_to).strip(),
        sort=req.sort if req.sort in SORTS else "relevance",
        page=max(1, min(int(req.page or 1), PAGE_MAX)),
        per_page=max(1, min(int(req.per_page or PER_PAGE_DEFAULT), PER_PAGE_MAX)),
        scoped={
            key: usable_text(text).strip() for key, text in req.scoped.items() if key in SCOPED_FIELDS and text.strip()
        },
        literal=bool(req.literal),
    )


def query_text_and_field(req: SearchRequest) -> tuple[str, str]:
    """The query text without a leading field prefix, and the field (a FIELDS key) it searches."""
    text, field_name = req.q, req.field
    prefixed = _FIELD_PREFIX.match(text)
    if prefixed:
        field_name, text = FIELD_PREFIXES[prefixed.group(1)], prefixed.group(2).strip()
    return text, field_name
