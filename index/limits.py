"""How much one input may cost the ingest, and the checks that hold every record to it.

A limit is set by what a thing costs to index, not by file size: characters analysed per document,
the bytes an attachment expands to, nesting depth, records per file, the size of a file that has to
be parsed whole. Each is a setting (:data:`SETTINGS`, listed in the README and by ``portal --help-settings``),
read from the environment once, by the process that coordinates an ingest (:func:`current`), and handed down
as a frozen :class:`Limits` to the readers, the attachment extractors and every Dask worker: none of them reads
its own environment. Going past one is either a truncation with a warning on the document, or a rejection naming
the limit and its setting; never an exception that stops a batch.

:class:`Setting` is the one shape of a setting, for these and for the portal's (:mod:`portal.settings`).

:func:`checked_record` also mends what a reader may pass on from a hostile file and what would break
later steps: lone surrogates (``"\\ud800"`` in JSON), control characters (NUL, ESC …) and numbers that
are not finite (``1e999``, NaN).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.record import Document, Finding, RawRecord

if TYPE_CHECKING:
    from index.siteprofiles import SiteProfile

MB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    """An environment variable the project reads: its name, its default and what it sets (one line of help)."""

    name: str
    default: str | int
    help: str


SETTINGS = (
    Setting("PORTAL_MAX_DOC_CHARS", 1_000_000, "characters of body, and of attachment text, indexed per document"),
    Setting("PORTAL_MAX_FIELD_CHARS", 10_000, "characters kept of any other field (title, 发布机构, 文号 …)"),
    Setting("PORTAL_MAX_RECORDS_PER_FILE", 100_000, "records read from one file"),
    Setting("PORTAL_MAX_NESTING", 64, "nesting depth of a JSON record's values"),
    Setting("PORTAL_MAX_PARSE_MB", 64, "size of a JSON document (not JSON Lines), which is parsed whole"),
    Setting("PORTAL_MAX_PAGE_MB", 16, "size of an HTML page, which is parsed whole into a tree"),
    Setting("PORTAL_MAX_EXPANDED_MB", 32, "bytes an attachment may expand to (a DOCX's XML)"),
    Setting("PORTAL_MAX_PDF_PAGES", 2000, "pages of a PDF attachment read"),
    Setting("PORTAL_MAX_ATTACHMENT_SECONDS", 30, "seconds of wall time reading one PDF attachment may take"),
)


@dataclass(frozen=True)
class Limits:
    """The limits one ingest is held to (characters, records, levels, bytes, pages, seconds), read once by
    :func:`current`, and the site profiles its HTML readers apply: what the coordinator read once for every
    reader; frozen and picklable, so the coordinator hands the same object to every reader and worker."""

    max_doc_chars: int
    max_field_chars: int
    max_records_per_file: int
    max_nesting: int
    max_parse_bytes: int
    max_page_bytes: int
    max_expanded_bytes: int
    max_pdf_pages: int = 2000
    max_attachment_seconds: int = 30
    # The site profiles the HTML readers apply (PORTAL_SITE_PROFILES, index/siteprofiles.py), read once with the
    # limits by portal.settings.load_settings and handed down with them; none unless given.
    site_profiles: tuple[SiteProfile, ...] = ()


def current(environ: dict[str, str] | None = None) -> Limits:
    """The limits in force: each setting from ``environ`` (``os.environ`` by default), else its default.

    Raises ValueError naming the setting when one is not a positive whole number.
    """
    env = os.environ if environ is None else environ
    values = {setting.name: _positive(setting, env.get(setting.name)) for setting in SETTINGS}
    return Limits(
        max_doc_chars=values["PORTAL_MAX_DOC_CHARS"],
        max_field_chars=values["PORTAL_MAX_FIELD_CHARS"],
        max_records_per_file=values["PORTAL_MAX_RECORDS_PER_FILE"],
        max_nesting=values["PORTAL_MAX_NESTING"],
        max_parse_bytes=values["PORTAL_MAX_PARSE_MB"] * MB,
        max_page_bytes=values["PORTAL_MAX_PAGE_MB"] * MB,
        max_expanded_bytes=values["PORTAL_MAX_EXPANDED_MB"] * MB,
        max_pdf_pages=values["PORTAL_MAX_PDF_PAGES"],
        max_attachment_seconds=values["PORTAL_MAX_ATTACHMENT_SECONDS"],
    )


def _positive(setting: Setting, value: str | None) -> int:
    if value is None or not value.strip():
        return int(setting.default)
    return whole_number(setting.name, value)


_WHOLE = re.compile(r"[0-9]+")


def whole_number(name: str, value: str, low: int = 1, high: int | None = None) -> int:
    """The whole number setting ``name`` holds (spaces round it allowed), from ``low`` to ``high``: ASCII digits
    only (``str.isdigit`` also takes ``²``, which ``int`` refuses, and ``٣``). Raises ValueError naming the setting
    and the range otherwise."""
    text = value.strip()
    number = int(text) if _WHOLE.fullmatch(text) else None
    if number is None or number < low or (high is not None and number > high):
        wanted = f"from {low} to {high}" if high is not None else ("above 0" if low == 1 else f"from {low} up")
        raise ValueError(f"{name} must be a whole number {wanted}, not {value!r}")
    return number


# The limits of a process that read no environment: the readers' default, so none of them reads its own.
DEFAULTS = current({})


# --- findings --------------------------------------------------------------------------------------


def truncated(field: str, limit: int, setting: str) -> Finding:
    return Finding(
        "truncated",
        field,
        f"超过 {limit:,} 字，其余部分未编入索引（longer than {setting}={limit:,} characters; the rest is not indexed）",
    )


def too_large(what: str, size: int, limit: int, setting: str) -> str:
    """The reason a file or attachment was not read: it is over a size limit."""
    return f"{what} is {size / MB:,.1f} MB, over {setting}={limit // MB} MB; not read"


# --- records ---------------------------------------------------------------------------------------


class TooDeep(ValueError):
    """A value nested deeper than PORTAL_MAX_NESTING."""


def checked_record(record: RawRecord, limits: Limits) -> RawRecord:
    """``record`` made safe to normalise and index, with a finding for each thing changed.

    Per field: a value nested deeper than ``max_nesting`` or holding a number that is not finite is
    dropped; lone surrogates become U+FFFD and control characters go (:func:`clean_characters`); text
    past its limit is cut (the body at ``max_doc_chars``, other fields at ``max_field_chars``; attachment
    and related lists are bounded item by item).
    """
    fields: dict[str, Any] = {}
    for name, value in record.fields.items():
        try:
            fields[name] = _checked_value(value, name, limits, record.warnings, depth=0)
        except TooDeep:
            record.warnings.append(
                Finding(
                    "too_deep",
                    name,
                    f"嵌套超过 {limits.max_nesting} 层，此字段未读（nested deeper than "
                    f"PORTAL_MAX_NESTING={limits.max_nesting}; field dropped）",
                )
            )
        except _NotFinite as exc:
            record.warnings.append(
                Finding("not_finite", name, f"数值无效，此字段未读（{exc} is not a finite number; field dropped）")
            )
    record.fields = fields
    record.warnings = list(dict.fromkeys(record.warnings))  # each string of a list may have found the same
    return record


class _NotFinite(ValueError):
    pass


def _checked_value(value: Any, field: str, limits: Limits, findings: list[Finding], depth: int) -> Any:
    if depth > limits.max_nesting:
        raise TooDeep(field)
    if isinstance(value, str):
        return _checked_text(value, field, limits, findings)
    if isinstance(value, float) and not math.isfinite(value):
        raise _NotFinite(repr(value))
    if isinstance(value, list | tuple):
        return [_checked_value(item, field, limits, findings, depth + 1) for item in value[: limits.max_field_chars]]
    if isinstance(value, dict):
        return {
            _checked_text(str(key), field, limits, findings): _checked_value(item, field, limits, findings, depth + 1)
            for key, item in value.items()
        }
    return value


def _checked_text(text: str, field: str, limits: Limits, findings: list[Finding]) -> str:
    limit, setting = (
        (limits.max_doc_chars, "PORTAL_MAX_DOC_CHARS")
        if field in _LONG_FIELDS
        else (limits.max_field_chars, "PORTAL_MAX_FIELD_CHARS")
    )
    if len(text) > limit:
        text = text[:limit]
        findings.append(truncated(field, limit, setting))
    return clean_characters(text, field, findings)


_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters no text means: C0 controls but tab, line feed and carriage return (NUL, BEL, ESC …), DEL,
# C1 controls (U+0080–U+009F, what a mis-decoded Latin-1 byte leaves) and the noncharacters U+FFFE/U+FFFF.
# XML 1.0 cannot carry most of them (feeds, sitemaps), and a browser or a terminal may act on them.
# Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) count as such too: they display a title
# in another order than it is stored and searched (Unicode TR #9; CVE-2021-42574, "Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# Invisible formatting crawled pages are full of (zero-width space and joiners, word joiner, a byte order mark
# inside text, soft hyphen, left/right marks): removed without a finding, as they would keep a word that holds
# one (最低\u200b生活保障) from being found.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def without_invisible(text: str) -> str:
    """``text`` without the invisible formatting every field's text loses at ingest (``_INVISIBLE``): what a query
    pasted from a page holds (最低\u200b生活保障) must lose it too, or it finds less than typed plainly."""
    return _INVISIBLE.sub("", text)


# Controls that mean a line break (vertical tab, form feed between PDF pages) become one.
_BREAK = re.compile("[\x0b\x0c]")

# Fields whose text is long by nature: the body, and the text or list items of attachments.
_LONG_FIELDS = frozenset({"body", "attachments"})


def clean_characters(text: str, field: str, findings: list[Finding]) -> str:
    """``text`` with the characters no text may hold mended, and a finding naming ``field`` for each kind.

    The one place every raw field's text (and every attachment's extracted text) passes: lone
    surrogates (which no UTF-8 file can hold, but a JSON escape can) become U+FFFD, flagged
    ``bad_characters``; control characters (see ``_CONTROL``, bidirectional overrides included) are removed,
    flagged ``control_characters``; invisible formatting (``_INVISIBLE``: zero-width space …) is removed
    unflagged; vertical tab and form feed become line breaks.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
        findings.append(
            Finding("bad_characters", field, "含无效字符，已替换为 U+FFFD（lone surrogate characters replaced）")
        )
    text = _BREAK.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text, removed = _CONTROL.subn("", text)
    if removed:  # one finding per field, however many strings of it held some: see checked_record
        findings.append(
            Finding(
                "control_characters",
                field,
                "含控制字符，已删除（control characters such as NUL or ESC removed）",
            )
        )
    return text


# --- documents -------------------------------------------------------------------------------------


def bound_attachment_text(doc: Document, limits: Limits) -> None:
    """Cut the attachments' text, taken together, at ``max_doc_chars`` (in place), with a finding if cut;
    the text extracted at ingest is mended like a record's (:func:`clean_characters`)."""
    left = limits.max_doc_chars
    cut = False
    found: list[Finding] = []
    for attachment in doc.attachments:
        attachment.text = clean_characters(attachment.text, "attachments", found)
        if len(attachment.text) > left:
            attachment.text = attachment.text[:left]
            cut = True
        left -= len(attachment.text)
    doc.warnings += list(dict.fromkeys(found))  # one finding of a kind, however many attachments had it
    if cut:
        doc.warnings.append(truncated("attachments", limits.max_doc_chars, "PORTAL_MAX_DOC_CHARS"))
