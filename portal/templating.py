"""The Jinja2 environment: autoescape everywhere, the filters templates need, per-request globals.

Only highlight markup from the index (``Hit.title_html``, ``Hit.snippet_html``) is ever marked
safe, in ``_result.html``; everything else a document or a reader supplies is escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from index.query import FACETS
from index.record import Finding
from portal.links import browse_path, doc_path
from portal.params import FIELDS, SORTS
from portal.preferences import large_text
from portal.security import safe_href
from portal.serialise import paragraphs
from portal.settings import PROJECT_ROOT, Settings

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# Finding codes (index.integrity and index.normalise) in words a reader understands.
FLAG_LABELS: dict[str, str] = {
    "spam": "疑含被篡改插入的广告内容",
    "encoding_loss": "部分文字因编码错误丢失",
    "empty_body": "正文为空（内容可能在附件中）",
    "index_no_check": "索引号校验位不符",
    "index_no_format": "索引号格式不规范",
    "bad_date": "日期无法识别",
    "no_title": "原文缺少标题",
    "doc_no_in_body": "文号取自正文开头",
    "date_timestamp": "日期由时间戳换算",
    "future_date": "日期晚于今天",
    "body_metadata": "正文开头的元数据已移出",
    "publisher_resolved": "发布机构简称已补全",
    "attachment_unreadable": "附件无法读取",
}
# Findings that question the text itself: shown on result lists and at the top of the detail page.
# The rest are notes on how the record was read, listed more quietly on the detail page.
ALERT_FLAGS = ("spam", "encoding_loss", "empty_body")


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, "其他收录问题")


def alert_flags(codes: list[str]) -> list[str]:
    return [code for code in codes if code in ALERT_FLAGS]


def alerts(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.code in ALERT_FLAGS]


def notes(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.code not in ALERT_FLAGS]


def lines(paragraph: str) -> list[str]:
    """A paragraph's lines, for ``<br>`` between them without marking anything safe."""
    return [line.strip() for line in paragraph.split("\n") if line.strip()]


def display_date(value: str) -> str:
    """ISO dates as disclosure pages print them: 2018-04-10, 2018年4月 or 2018年."""
    parts = (value or "").split("-")
    if len(parts) == 1 and parts[0]:
        return f"{parts[0]}年"
    if len(parts) == 2:
        return f"{parts[0]}年{int(parts[1])}月" if parts[1].isdigit() else value
    return value


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        doc_path=doc_path,
        browse_path=browse_path,
        safe_href=safe_href,
        flag_label=flag_label,
        alert_flags=alert_flags,
        alerts=alerts,
        notes=notes,
        paragraphs=paragraphs,
        lines=lines,
        display_date=display_date,
    )
    env.globals.update(FACETS=FACETS, FIELDS=FIELDS, SORTS=SORTS, browse_path=browse_path, doc_path=doc_path)
    return env


def make_templates(settings: Settings) -> Jinja2Templates:
    def site_context(request: Request) -> dict[str, Any]:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return {
            "site_name": settings.site_name,
            "large_text": large_text(request),
            "here": path,
        }

    return Jinja2Templates(env=make_environment(), context_processors=[site_context])
