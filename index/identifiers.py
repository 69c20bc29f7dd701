"""索引号 and 文号: normalising, parsing and check digits (see shared/docs/disclosure-metadata.md)."""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import uscc

from index.record import IndexNo

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = str.maketrans({**{dash: "-" for dash in _DASHES}, "\\": "/", "\uff0f": "/"})

_ORG = r"[0-9A-Z]{9}"
_USCC = r"[0-9A-Z]{18}"

# (variant, pattern) in the order they are tried; named groups feed IndexNo.
_INDEX_NO_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("standard", re.compile(rf"^(?P<org>{_ORG})/(?P<year>\d{{4}})-(?P<serial>\d+)$")),
    ("uscc", re.compile(rf"^(?P<org>{_USCC})/(?P<year>\d{{4}})-(?P<serial>\d+)$")),
    (
        "year_month",
        re.compile(rf"^(?P<org>{_USCC}|{_ORG})/(?P<year>\d{{4}})(?P<month>0[1-9]|1[0-2])-(?P<serial>\d+)$"),
    ),
    ("hyphenated", re.compile(rf"^(?P<org>{_USCC}|{_ORG})-(?P<year>\d{{4}})-(?P<serial>\d+)$")),
    (
        "dashed_org",
        re.compile(r"^(?P<org>[0-9A-Z]{6,8}-[0-9A-Z])/(?P<year>\d{4})(?:\d{2})?-(?P<serial>\d+)$"),
    ),
    ("region_compact", re.compile(r"^(?P<org>[A-Z]{2}\d{6})(?P<year>(?:19|20)\d{2})(?P<serial>\d{4,})$")),
)
_GROUPED = re.compile(r"^[0-9A-Z\u4e00-\u9fff]+(?:-[0-9A-Z\u4e00-\u9fff]+){3,}$")

# A 后段码 on its own, as result lists show it: 2018-00019, 202110-00013.
INDEX_TAIL = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])?-\d{1,8}$")


def normalise_index_no(text: str) -> str:
    """NFKC, every dash variant to '-', ／ and \\ to '/', no whitespace, upper-case."""
    text = unicodedata.normalize("NFKC", text).translate(_DASH_TABLE)
    return re.sub(r"\s+", "", text).upper()


def gb11714_check(code: str) -> str:
    """The check character of an 8-character 组织机构代码 body (GB 11714)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(code, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def org_code_ok(code: str) -> bool:
    """Whether a 9-character 组织机构代码 carries a correct GB 11714 check character."""
    return bool(re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code)) and gb11714_check(code[:8]) == code[8]


def code_check_ok(code: str) -> bool | None:
    """Check digit of a 前段码: GB 11714 for 9 characters, GB 32100 for 18, None for other lengths."""
    code = code.replace("-", "")
    if len(code) == 9:
        return org_code_ok(code)
    if len(code) == 18:
        return uscc.is_valid(code)
    return None


def parse_index_no(raw: str) -> IndexNo | None:
    """A parsed 索引号, or None when the text is empty. Unknown shapes parse as 'unrecognised'."""
    normalised = normalise_index_no(raw)
    if not normalised:
        return None
    for variant, pattern in _INDEX_NO_FORMS:
        match = pattern.match(normalised)
        if match:
            return _index_no_from_match(raw, normalised, variant, match)
    if _GROUPED.match(normalised):
        return _grouped_index_no(raw, normalised)
    return IndexNo(raw=raw.strip(), normalised=normalised, variant="unrecognised")


def _index_no_from_match(raw: str, normalised: str, variant: str, match: re.Match[str]) -> IndexNo:
    org = match["org"]
    if variant == "region_compact":
        tail, check = normalised[len(org) :], None
    else:
        tail = normalised[len(org) + 1 :]  # after the "/" (or the "-" of the hyphens-only form)
        check = code_check_ok(org)
    return IndexNo(
        raw=raw.strip(),
        normalised=normalised,
        variant=variant,
        org_code=org.replace("-", ""),
        year=int(match["year"]),
        serial=match["serial"],
        tail=tail,
        check_ok=check,
    )


def _grouped_index_no(raw: str, normalised: str) -> IndexNo:
    groups = normalised.split("-")
    year = next((int(g[:4]) for g in groups if re.fullmatch(r"(?:19|20)\d{2}(?:\d{2}){0,2}", g)), None)
    return IndexNo(
        raw=raw.strip(),
        normalised=normalised,
        variant="grouped",
        org_code="-".join(groups[:2]),
        year=year,
        serial=groups[-1],
        tail="-".join(groups[-2:]),
    )


# 文号 ------------------------------------------------------------------------------------------

_OPEN, _CLOSE = r"[\[［(（【〔〖{｛]", r"[\]］)）】〕〗}｝]"
_YEAR_IN_BRACKETS = re.compile(rf"{_OPEN}\s*((?:19|20)\d{{2}})\s*{_CLOSE}")
# A 文号 at the very start of a text, in any bracket form: 机关代字 + 〔year〕 + serial + 号.
_LEADING_DOC_NO = re.compile(rf"^\s*([\u4e00-\u9fff]{{1,12}}{_OPEN}\s*(?:19|20)\d{{2}}\s*{_CLOSE}\s*第?\d{{1,5}}号)")


def normalise_doc_no(text: str) -> str:
    """文号 with GB/T 9704 brackets: 宿政办发[2017]150号 → 宿政办发〔2017〕150号; no spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _YEAR_IN_BRACKETS.sub(r"〔\1〕", text)
    return re.sub(r"\s+", "", text)


def split_leading_doc_no(body: str) -> tuple[str, str]:
    """(文号, rest of body) where a crawled body starts with its 文号 (冀科平规〔2024〕1号河北省…)."""
    match = _LEADING_DOC_NO.match(body)
    if not match:
        return "", body
    return normalise_doc_no(match.group(1)), body[match.end() :].lstrip()
