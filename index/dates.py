"""Dates as sources and people write them → ISO 8601 to the precision given: one parser for the
ingest (公开日期, 成文日期) and for the search filters (``date_from``, ``date_to``).

Accepted: ``2018-04-10``, ``2018/4/10``, ``2018.04.10``, ``2018年4月10日``, ``20180410``, a date
with a time after it, a year and month or a bare year (kept partial), and Chinese numerals
(``二〇一八年四月十日``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from typing import Any

# The years a disclosure document can carry; anything else is a misread number.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)\s*"
    r"(?:(?:年|[-/.])\s*(?P<month>\d{1,2})(?!\d)\s*(?:(?:月|[-/.])\s*(?:(?P<day>\d{1,2})(?!\d)\s*日?)?)?)?"
    r"\s*年?"
)
_COMPACT = re.compile(r"(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?P<day>\d{2})")
_CHINESE_DIGITS = dict(zip("〇○零一二三四五六七八九", "000123456789", strict=True))
_CHINESE_NUMBER = re.compile(r"[〇○零一二三四五六七八九十]+")


def iso_date(value: Any, *, whole: bool = False) -> str | None:
    """ISO 8601 date to the precision given (2018-04-10, 2018-04, 2018); '' for empty; None if unreadable.

    ``value`` is a string or an int (a bare year). With ``whole`` the text must be a date and nothing
    else (a search filter); otherwise the first date in it counts (``2024-01-15 17:29:00``,
    ``发布时间：2018年4月``).
    """
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text:
        return ""
    text = _CHINESE_NUMBER.sub(_arabic, text)
    match = _COMPACT.fullmatch(text) or (_DATE.fullmatch(text) if whole else _DATE.search(text))
    if not match:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    return valid_iso(int(year), int(month) if month else None, int(day) if day else None)


def _arabic(match: re.Match[str]) -> str:
    """二〇一八 → 2018 (digit by digit); 十 → 10, 二十一 → 21 (month and day numbers)."""
    text = match.group(0)
    if "十" not in text:
        return "".join(_CHINESE_DIGITS[ch] for ch in text)
    tens, _, ones = text.partition("十")
    return str(int(_CHINESE_DIGITS.get(tens, "1") if tens else "1") * 10 + int(_CHINESE_DIGITS.get(ones, "0") or 0))


def valid_iso(year: int, month: int | None, day: int | None) -> str | None:
    """The ISO form of a (partial) calendar date, or None where it does not exist (2018-02-30)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
