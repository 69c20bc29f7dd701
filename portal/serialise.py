"""Plain-JSON shapes of the index's objects, for the JSON twins of the pages (and the OpenAPI schemas)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from index.query import FacetValue, SearchRequest
from index.record import Document
from portal.links import doc_path


def summary_json(summary: Any) -> dict[str, Any]:
    """A DocSummary (or Hit) as a dict, with its portal path."""
    data = asdict(summary) if is_dataclass(summary) else {}
    data["path"] = doc_path(summary.id)
    return data


def facet_json(facets: dict[str, list[FacetValue]], labels: dict[str, str]) -> dict[str, Any]:
    return {
        key: {"label": labels.get(key, key), "values": [asdict(value) for value in values]}
        for key, values in facets.items()
    }


def request_json(req: SearchRequest) -> dict[str, Any]:
    return asdict(req)


def document_json(doc: Document) -> dict[str, Any]:
    """The full record: every field, the parsed 索引号 and the integrity findings."""
    data = asdict(doc)
    data["index_no"] = asdict(doc.index_no) if doc.index_no else None
    data["categories"] = doc.categories
    data["year"] = doc.year
    data["paragraphs"] = paragraphs(doc.body)
    data["path"] = doc_path(doc.id)
    return data


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blank-line separated, blank ones dropped."""
    return [para.strip() for para in body.split("\n\n") if para.strip()]
