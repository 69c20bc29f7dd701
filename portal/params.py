"""Query-string → SearchRequest: tolerant parsing that turns junk into defaults and notices.

Whatever a person (or a robot) puts in the URL, the search view gets a valid
:class:`SearchRequest` and a list of friendly Chinese notices saying what was ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from index.dates import iso_date
from index.query.request import (
    FACETS,
    FIELDS,
    MAX_FILTER_CHARS,
    MAX_FILTER_VALUES,
    MAX_RAW_QUERY_CHARS,
    PAGE_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    SCOPED_FIELDS,
    SORTS,
    SearchRequest,
)

_FIELD_ALIASES = {label: key for key, label in FIELDS.items()}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_YEAR = re.compile(r"^(?:1[89]|2[01])\d{2}$")


@dataclass
class ParsedSearch:
    """A search request as the views use it, with the notices its parsing produced."""

    request: SearchRequest
    notices: list[str] = field(default_factory=list)
    jump: bool = True  # whether an identifier query may go straight to its document


class Params:
    """Read-only view of query parameters (Starlette's QueryParams or a plain dict of lists)."""

    def __init__(self, values: Mapping[str, Sequence[str]]) -> None:
        self._values = values

    @classmethod
    def from_query(cls, query_params: object) -> Params:
        multi = getattr(query_params, "multi_items", None)
        pairs = multi() if callable(multi) else list(dict(query_params).items())  # type: ignore[call-overload]
        values: dict[str, list[str]] = {}
        for key, value in pairs:
            values.setdefault(key, []).append(value)
        return cls(values)

    def get(self, key: str, default: str = "") -> str:
        values = self._values.get(key) or [default]
        return values[-1]

    def getlist(self, key: str) -> list[str]:
        return list(self._values.get(key) or [])


def clean_text(text: str, limit: int = MAX_RAW_QUERY_CHARS) -> str:
    """NUL and control characters removed, whitespace collapsed, cut at ``limit``."""
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:limit]


def parse_int(text: str, default: int, low: int, high: int) -> int:
    """An integer within [low, high]; anything unparsable is ``default``."""
    try:
        value = int(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        return default
    return min(max(value, low), high)


def parse_natural(text: str | None, max_digits: int) -> int | None:
    """A whole number as typed in a URL (``3``, `` 3 ``, full-width ``３``, ``①``), or None: anything else, or more
    than ``max_digits`` digits. Read after NFKC, as :func:`parse_int` reads page numbers, then as ASCII digits
    only: ``str.isdigit`` alone also passes ``²①`` unnormalised, which ``int`` refuses."""
    digits = unicodedata.normalize("NFKC", text or "").strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > max_digits:
        return None
    return int(digits)


def _bounded(params: Params, key: str, default: int, low: int, high: int, label: str, notices: list[str]) -> int:
    """:func:`parse_int` of a parameter, with a notice where the value given was unusable or out of range."""
    raw = params.get(key).strip()
    value = parse_int(raw, default, low, high)
    if raw and parse_int(raw, default - 1, -(10**30), 10**30) != value:  # unparsable, or outside [low, high]
        notices.append(f"{label}“{raw[:20]}”无效或超出范围（{low}–{high}），已改为 {value}。")
    return value


def parse_date(text: str) -> str | None:
    """``2018``, ``2018-04``, ``2018-04-01`` (also ``2018/4/1``, ``2018年4月1日``) in ISO form; None if invalid.

    The ingest's own parser (index.dates), asked for a whole-text date.
    """
    return iso_date(text, whole=True) or None


def parse_field(text: str) -> str | None:
    text = text.strip()
    if text in FIELDS:
        return text
    return _FIELD_ALIASES.get(text)


def is_year(value: str) -> bool:
    return bool(_YEAR.match(value))


def parse_filters(params: Params, notices: list[str] | None = None) -> dict[str, list[str]]:
    """Facet key → selected values, de-duplicated, in the order given; years that are not years (after NFKC:
    ``２０１８`` is 2018) dropped, each named as typed in a notice. The page's query string and ``portal search``'s
    options are read by this one function."""
    filters: dict[str, list[str]] = {}
    for key in FACETS:
        values = [clean_text(value, MAX_FILTER_CHARS) for value in params.getlist(key)]
        if key == "year":
            typed, values = values, [unicodedata.normalize("NFKC", value) for value in values]
            bad = [raw for raw, value in zip(typed, values, strict=True) if value and not is_year(value)]
            if bad and notices is not None:
                notices.append(f"年份“{'、'.join(bad)}”无法识别，已忽略。")
            values = [value for value in values if is_year(value)]
        values = list(dict.fromkeys(value for value in values if value))[:MAX_FILTER_VALUES]
        if values:
            filters[key] = values
    return filters


def parse_query(params: Params) -> str:
    """The query text; with ``within=1`` the previous query is kept in front (在结果中检索)."""
    q = clean_text(params.get("q"))
    if params.get("within") and params.get("prev"):
        q = clean_text(f"{params.get('prev')} {q}")
    return q


def parse_scoped(params: Params) -> dict[str, str]:
    """高级检索's field conditions: ``title=…``, ``body=…``, ``doc_no=…``, ``index_no=…`` (empty ones dropped)."""
    found = {key: clean_text(params.get(key)) for key in SCOPED_FIELDS}
    return {key: text for key, text in found.items() if text}


def _dates(params: Params, notices: list[str]) -> tuple[str, str]:
    found: list[str] = []
    for key, label in (("date_from", "起始日期"), ("date_to", "截止日期")):
        raw = clean_text(params.get(key), 40)
        value = parse_date(raw) if raw else ""
        if value is None:
            notices.append(f"{label}“{raw}”无法识别，已忽略（可写作 2018、2018-04 或 2018-04-10）。")
            value = ""
        found.append(value)
    date_from, date_to = found
    if date_from and date_to and date_from > date_to:
        notices.append("起始日期晚于截止日期，已对调。")
        date_from, date_to = date_to, date_from
    return date_from, date_to


def _choice(params: Params, key: str, choices: Mapping[str, str], default: str, label: str) -> tuple[str, str]:
    raw = clean_text(params.get(key), 40)
    value = parse_field(raw) if key == "field" else (raw if raw in choices else None)
    if raw and value is None:
        return default, f"{label}“{raw}”无效，已改用“{choices[default]}”。"
    return value or default, ""


def parse_search(params: Params, preset: Mapping[str, list[str]] | None = None) -> ParsedSearch:
    """The search request a query string asks for; ``preset`` adds filters (browse pages)."""
    notices: list[str] = []
    q = parse_query(params)
    field_, note = _choice(params, "field", FIELDS, "all", "检索范围")
    notices += [note] if note else []
    scoped = parse_scoped(params)
    sort, note = _choice(params, "sort", SORTS, "relevance" if q or scoped else "newest", "排序方式")
    notices += [note] if note else []
    filters = parse_filters(params, notices)
    for key, values in (preset or {}).items():
        filters[key] = list(dict.fromkeys([*values, *filters.get(key, [])]))
    date_from, date_to = _dates(params, notices)
    request = SearchRequest(
        q=q,
        field=field_,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_bounded(params, "page", 1, 1, PAGE_MAX, "页码", notices),
        per_page=_bounded(params, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX, "每页条数", notices),
        scoped=scoped,
        literal=params.get("literal") == "1",
    )
    return ParsedSearch(request=request, notices=notices, jump=params.get("go", "1") != "0")
