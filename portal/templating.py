"""The Jinja2 environment: autoescape everywhere, the filters templates need, per-request globals.

Only highlight markup from the index (``Hit.title_html``, ``Hit.snippet_html``) is ever marked
safe, in ``_result.html``; everything else a document or a reader supplies is escaped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from index.query import FACETS
from portal.bulkdata import human_size
from portal.links import bounded, browse_path, doc_path
from portal.notes import ALERT_CODES, finding_label, segments
from portal.params import FIELDS, SORTS
from portal.preferences import large_text
from portal.responses import paragraphs
from portal.security import safe_href
from portal.settings import PROJECT_ROOT, Settings

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# 有效性 → the badge's class; a value the table does not know gets the neutral "other".
VALIDITY_CLASSES: dict[str, str] = {"有效": "valid", "失效": "expired", "废止": "repealed", "已修改": "amended"}


def validity_class(value: str) -> str:
    return VALIDITY_CLASSES.get(value, "other")


def alert_flags(codes: list[str]) -> list[str]:
    """The finding codes of a result that question its text (shown in result lists)."""
    return [code for code in codes if code in ALERT_CODES]


def lines(paragraph: str) -> list[str]:
    """A paragraph's lines, for ``<br>`` between them without marking anything safe."""
    return [line.strip() for line in paragraph.split("\n") if line.strip()]


# A paragraph that heads a part of the text: 第一章 总则, 第二节 …, 一、指导思想 — short, no sentence in it.
_HEADING = re.compile(r"^(?:第[零一二三四五六七八九十百]+[编章节]|[一二三四五六七八九十]{1,3}、)[^。；！？，,]{0,30}$")


def is_heading(paragraph: str) -> bool:
    """Whether a body paragraph is a heading (a law's 第一章 总则, a notice's 一、总体要求), shown as one."""
    return "\n" not in paragraph and bool(_HEADING.match(paragraph.strip()))


def display_date(value: str) -> str:
    """ISO dates as disclosure pages print them: 2018-04-10, 2018年4月 or 2018年."""
    parts = (value or "").split("-")
    if len(parts) == 1 and parts[0]:
        return f"{parts[0]}年"
    if len(parts) == 2:
        return f"{parts[0]}年{int(parts[1])}月" if parts[1].isdecimal() else value
    return value


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        # Templates are read once: with auto_reload, every include and extends stat()ed its file again, on every
        # page (a search page, about 70 times)
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        doc_path=doc_path,
        browse_path=browse_path,
        safe_href=safe_href,
        flag_label=finding_label,
        alert_flags=alert_flags,
        segments=segments,
        validity_class=validity_class,
        paragraphs=paragraphs,
        is_heading=is_heading,
        lines=lines,
        display_date=display_date,
        human_size=human_size,
    )
    env.globals.update(FACETS=FACETS, FIELDS=FIELDS, SORTS=SORTS, browse_path=browse_path, doc_path=doc_path)
    return env


def make_templates(settings: Settings) -> Jinja2Templates:
    def site_context(request: Request) -> dict[str, Any]:
        path = bounded(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return {
            "site_name": settings.site_name,
            "large_text": large_text(request),
            # ?print=1 on any page: the print layout on screen, for printing without JavaScript
            "printing": request.query_params.get("print") == "1",
            "here": path,
        }

    return PageTemplates(env=make_environment(), context_processors=[site_context])


# Every page is drawn for the reader's large-text cookie (portal/preferences.py): a cache must key it on the
# cookie (Vary, RFC 9110 §12.5.5), and not serve one reader's copy to another (private), nor an old copy
# without asking (no-cache, RFC 9111 §5.2.2.4).
PAGE_CACHE_HEADERS = {"Vary": "Cookie", "Cache-Control": "private, no-cache"}


class PageTemplates(Jinja2Templates):
    """Jinja2Templates whose responses say they change with the cookie (PAGE_CACHE_HEADERS)."""

    def TemplateResponse(self, *args: Any, **kwargs: Any):  # noqa: N802 (Starlette's name)
        response = super().TemplateResponse(*args, **kwargs)
        for name, value in PAGE_CACHE_HEADERS.items():
            response.headers[name] = value
        return response
