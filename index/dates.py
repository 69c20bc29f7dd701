"""Dates as sources and people write them → ISO 8601 to the precision given: one parser for the
ingest (公开日期, 成文日期) and for the search filters (``date_from``, ``date_to``).

Accepted: ``2018-04-10``, ``2018/4/10``, ``2018.04.10``, ``2018年4月10日``, ``20180410`` (and
``20180410172900``), a date with a time after it, a year and month or a bare year (kept partial),
Chinese numerals whatever stands for zero (``二〇一八年四月十日``, ``二零一八``, ``二O一八年元月``,
``廿一日``), and Unix timestamps in seconds or milliseconds (CMS exports: ``1619712000``,
``1619712000000``), read in China's time zone, and a spreadsheet's year-last ``1/24/2020`` (month first, as Excel
writes a date cell in CSV; ``24/1/2020`` where the first number cannot be a month). A spreadsheet's day number
(``42606``, a date cell saved as its value) is read only where a field is known to hold a date
(:func:`spreadsheet_day`).
"""

from __future__ import annotations

import calendar
import email.utils
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# The years a disclosure document can carry; anything else is a misread number.
FIRST_YEAR, LAST_YEAR = 1900, 2099
# Timestamps are believed only from the digital era on: 0 or a small number read as 1970 is no date.
FIRST_TIMESTAMP_YEAR = 1980
CHINA = ZoneInfo("Asia/Shanghai")

# Its spaces are taken whole (``\s*+``: no part that follows one starts with a space, so the matches are the same):
# with ``\s*`` two runs side by side split a run of n spaces n ways, and a whole-text match of ``2021`` + 20,000
# spaces + ``x`` (a search filter, a label line's value) took 2.9 CPU s, quadratic in n.
_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)\s*+"
    r"(?:(?:年|[-/.])\s*+(?P<month>\d{1,2})(?!\d)\s*+(?:(?:月|[-/.])\s*+(?:(?P<day>\d{1,2})(?!\d)\s*+日?)?)?)?"
    r"\s*+年?"
)
# A date written year last with slashes (1/24/2020, 2/1/2020 0:00:00): Excel's and Windows' en-US form, the one a
# spreadsheet saved as CSV writes a date cell in. Chinese sources write the year first; so month first, unless the
# first number cannot be a month (24/1/2020, the en-GB form: day first).
_YEAR_LAST = re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>(?:19|20)\d{2})(?![\d/])")
# Digits only: YYYYMMDD, YYYYMMDDhhmmss, YYYYMM; or a timestamp (9–10 digits: seconds; 12–13: milliseconds).
_COMPACT = re.compile(r"(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?:(?P<day>\d{2})(?:\d{6})?)?")
# A .NET JSON serialiser's date: milliseconds since 1970, an optional zone offset (/Date(1688000000000+0800)/).
_NET_DATE = re.compile(r"/?\\?/?Date\((?P<millis>-?\d{10,13})(?:[+-]\d{4})?\)\\?/?")
_TIMESTAMP = re.compile(r"(?P<seconds>\d{9,10})(?:\.\d+)?|(?P<millis>\d{12,13})")

# Chinese numerals. Zero is written 〇 (U+3007), ○ (U+25CB), ◯, 零, or typed as the letter O in
# Latin, Cyrillic or Greek (二O一八, 二О一八), or as a digit 0 among Chinese digits (二0一八);
# NFKC has already turned full-width Ｏ and ０ into O and 0.
_ZEROS = "〇○◯零OoОоΟο0"
_DIGITS = {**dict.fromkeys(_ZEROS, "0"), **dict(zip("一二三四五六七八九", "123456789", strict=True))}
_DIGITS.update(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True))
_DIGITS.update(zip("123456789", "123456789", strict=True))
_TENS = {"十": 1, "拾": 1, "廿": 2, "卅": 3}
_NUMERAL_RUN = re.compile(rf"[{_ZEROS}1-9一二三四五六七八九壹贰叁肆伍陆柒捌玖十拾廿卅]+")
_CHINESE_NUMERAL = re.compile(r"[〇○◯零一二三四五六七八九壹贰叁肆伍陆柒捌玖十拾廿卅]")
# The letter O typed for 0 among Arabic digits, where a date unit follows (2O18年, 1O月).
_LATIN_ZERO = re.compile(r"(?<![A-Za-z])[0-9OoОоΟο]*[0-9][0-9OoОоΟο]*(?=\s*[年月日])")
_O_TO_ZERO = str.maketrans(dict.fromkeys("OoОоΟο", "0"))
# A moment with its time zone (2021-04-29T16:00:00Z): its date is the one in China at that moment.
_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})")


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a source: ISO 8601 to the precision given, and whether it was a timestamp."""

    iso: str  # 2018-04-10, 2018-04, 2018; "" for no date
    timestamp: str = ""  # the Unix timestamp it was read from ("" when it was written as a date)

    def in_future(self, today: date) -> bool:
        """Whether the date (its period's first day, for a partial date) is after ``today``."""
        return bool(self.iso) and self.iso > today.isoformat()[: len(self.iso)]


def parse_date(value: Any, *, whole: bool = False) -> ParsedDate | None:
    """The date in ``value`` (a string, or a number: a year, YYYYMMDD or a timestamp); None if unreadable.

    An empty value, or a 0 that exports write for "no date", is ``ParsedDate("")``. With ``whole`` the
    text must be a date and nothing else (a search filter); otherwise the first date in it counts
    (``2024-01-15 17:29:00``, ``发布时间：2018年4月``).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if text in ("", "0"):
        return ParsedDate("")
    if wrapped := _NET_DATE.fullmatch(text):  # ASP.NET's JSON date, /Date(1688000000000+0800)/
        text = wrapped["millis"]
    if text.isdigit() or _TIMESTAMP.fullmatch(text):
        return _from_number(text)
    if _ZONED.fullmatch(text):
        return _from_moment(text)
    if not whole and _MONTH_NAME.search(text) and (english := _english(text)) is not None:
        return english
    text = _NUMERAL_RUN.sub(_arabic, text.replace("元月", "一月"))
    text = _LATIN_ZERO.sub(lambda match: match.group(0).translate(_O_TO_ZERO), text)
    match = _DATE.fullmatch(text) if whole else _DATE.search(text)
    year_last = _YEAR_LAST.fullmatch(text) if whole else _YEAR_LAST.search(text)
    if year_last and (not match or year_last.start() < match.start()) and (read := _month_first(year_last)):
        return read
    if not match:
        return None
    iso = valid_iso(int(match["year"]), _int(match["month"]), _int(match["day"]))
    return ParsedDate(iso) if iso else None


def shows_day_first(text: str) -> bool:
    """Whether the year-last dates in ``text`` (a file's first rows) are written day first: one of them has a first
    number over 12 (24/1/2020) and none a second number over 12 (1/24/2020). A file is written in one order, so its
    2/1/2020 is then 2 January, where alone it is read month first (:func:`parse_date`)."""
    firsts, seconds = set(), set()
    for match in _YEAR_LAST.finditer(text):
        firsts.add(int(match["first"]))
        seconds.add(int(match["second"]))
    return bool(firsts) and max(firsts) > 12 and max(seconds) <= 12


_LEADING_YEAR_LAST = re.compile(r"^\s*" + _YEAR_LAST.pattern)


def day_first(value: str) -> str:
    """``value`` with the year-last date it opens with (a cell: ``2/1/2020``, ``2/1/2020 0:00:00``) written as ISO
    8601, read day first (2020-01-02), the rest kept; any other value as it is."""
    match = _LEADING_YEAR_LAST.match(value)
    iso = valid_iso(int(match["year"]), int(match["second"]), int(match["first"])) if match else None
    return iso + value[match.end() :] if match and iso else value


def _month_first(match: re.Match[str]) -> ParsedDate | None:
    """The date a year-last match (see _YEAR_LAST) writes: month first, day first where the first number is over 12."""
    first, second = int(match["first"]), int(match["second"])
    month, day = (second, first) if first > 12 else (first, second)
    iso = valid_iso(int(match["year"]), month, day)
    return ParsedDate(iso) if iso else None


def iso_date(value: Any, *, whole: bool = False) -> str | None:
    """ISO 8601 date to the precision given (2018-04-10, 2018-04, 2018); '' for empty; None if unreadable."""
    parsed = parse_date(value, whole=whole)
    return parsed.iso if parsed else None


def today_in_china() -> date:
    """Today's date where the documents are published, which decides what is 'in the future'."""
    return datetime.now(CHINA).date()


# A spreadsheet's day number: days since 1899-12-30 (the 1900 date system of Excel, LibreOffice and WPS, whose
# day 60 is the 1900-02-29 that never was), five digits, from FIRST_TIMESTAMP_YEAR on; a fraction is the time.
_SPREADSHEET_DAY = re.compile(r"(?P<days>\d{5})(?:\.\d+)?")
_SPREADSHEET_EPOCH = date(1899, 12, 30)


def spreadsheet_day(value: Any) -> ParsedDate | None:
    """The date a spreadsheet's day number stands for (``42606`` → ``2016-08-24``), or None.

    Only for a value a source labels as a date (a 时间 column of a policy list saved from Excel): a five-digit
    number is no year, no YYYYMMDD and no Unix timestamp, so nothing else reads it. Days before
    FIRST_TIMESTAMP_YEAR or after LAST_YEAR are no date.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    match = _SPREADSHEET_DAY.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
    if not match:
        return None
    day = _SPREADSHEET_EPOCH + timedelta(days=int(match["days"]))
    if not FIRST_TIMESTAMP_YEAR <= day.year <= LAST_YEAR:
        return None
    return ParsedDate(day.isoformat())


def _from_number(text: str) -> ParsedDate | None:
    if len(text) == 4:
        iso = valid_iso(int(text), None, None)
        return ParsedDate(iso) if iso else None
    compact = _COMPACT.fullmatch(text)
    if compact and (iso := valid_iso(int(compact["year"]), _int(compact["month"]), _int(compact["day"]))):
        return ParsedDate(iso)
    stamp = _TIMESTAMP.fullmatch(text)
    if not stamp:
        return None
    seconds = float(stamp["seconds"]) if stamp["seconds"] else int(stamp["millis"]) / 1000
    moment = datetime.fromtimestamp(seconds, CHINA)
    if not FIRST_TIMESTAMP_YEAR <= moment.year <= LAST_YEAR:
        return None
    return ParsedDate(moment.date().isoformat(), timestamp=text)


def _from_moment(text: str) -> ParsedDate | None:
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1).replace(" ", ""))
    except ValueError:
        return None
    iso = moment.astimezone(CHINA).date().isoformat()
    return ParsedDate(iso) if valid_iso(int(iso[:4]), 1, 1) else None


# A date written with an English month's name, as Java and feed back ends print one: Gson's default
# (``Feb 3, 2021 10:10:10 AM``), java.util.Date's toString (``Wed Feb 03 10:10:10 CST 2021``, CST being China's
# time there), RFC 2822 (``Wed, 03 Feb 2021 02:10:10 GMT``, an RSS item's pubDate), ``3 February 2021``.
_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_MONTH_NAME = re.compile(rf"\b{_MONTH}(?![a-z])", re.IGNORECASE)
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?\s+(?:[A-Z]{2,5}\s+)?)?"
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_TIME}(?P<year>(?:19|20)\d{{2}})\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}})\b", re.IGNORECASE)
# RFC 2822's zone: a UTC moment's date is the one in China at that moment.
_RFC_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|UT|Z|[+-]\d{4})\s*$", re.IGNORECASE)


def _english(text: str) -> ParsedDate | None:
    """The date a text writes with an English month's name (see _MONTH_DAY_YEAR), or None."""
    match = _MONTH_DAY_YEAR.search(text) or _DAY_MONTH_YEAR.search(text)
    if not match:
        return None
    if _RFC_ZONE.search(text):
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return ParsedDate(moment.astimezone(CHINA).date().isoformat())
    iso = valid_iso(int(match["year"]), _MONTHS[match["month"][:3].lower()], int(match["day"]))
    return ParsedDate(iso) if iso else None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _arabic(match: re.Match[str]) -> str:
    """二〇一八, 二O一八 → 2018 (digit by digit); 十 → 10, 二十一 → 21, 廿一 → 21 (month and day numbers).

    A run without a Chinese numeral (2018, the O of COVID) is left as it is.
    """
    text = match.group(0)
    if not _CHINESE_NUMERAL.search(text):
        return text
    tens_at = next((i for i, char in enumerate(text) if char in _TENS), None)
    if tens_at is None:
        return "".join(_DIGITS[char] for char in text)
    before, tens, after = text[:tens_at], _TENS[text[tens_at]], text[tens_at + 1 :]
    multiplier = int("".join(_DIGITS[char] for char in before) or "1") if tens == 1 else tens
    ones = int("".join(_DIGITS[char] for char in after if char not in _TENS) or "0")
    return str(multiplier * 10 + ones)


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
