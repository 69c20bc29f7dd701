"""Real pages of different templates ingest with the right fields, and crawling them from a local site
gives the same documents as ingesting the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from crawlsite import serve_app
from helpers import DOCUMENTS, ROOT
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from index.crawl.crawler import CrawlOptions, run_crawl
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

FIXTURES = ROOT / "tests" / "fixtures" / "html"
# What is compared, in this order: (title, 索引号, publisher, 公开日期, 成文日期, 文号, classification, keywords)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """Detail pages of several templates: the HTML reader's fixtures and the bundled HTML documents."""
    folder = tmp_path_factory.mktemp("pages")
    for page in [*FIXTURES.glob("*.html"), *DOCUMENTS.glob("*.html")]:
        shutil.copy(page, folder / page.name)
    return folder


def _fields(catalog: Catalog) -> dict[str, tuple]:
    documents = {}
    for doc_id, _date in catalog.document_dates():
        doc = catalog.get(doc_id)
        index_no = doc.index_no.normalised if doc.index_no else ""
        documents[doc.title] = (
            doc.title,
            index_no,
            doc.publisher,
            doc.pub_date,
            doc.written_date,
            doc.doc_no,
            doc.categories,
            doc.keywords,
        )
    return documents


def test_pages_of_different_templates_ingest_with_the_right_fields(pages, tmp_path):
    report = ingest_paths([pages], tmp_path / "index")
    assert report.rejected == []
    documents = _fields(Catalog(tmp_path / "index"))
    gbk_table = documents["宿迁市宿城区人民政府关于做好2025年度城乡居民基本医疗保险参保缴费工作的通告"]
    assert gbk_table[1:7] == (
        "014333818/2024-00126",
        "宿迁市宿城区人民政府",
        "2024-10-08",
        "2024-09-30",  # no 成文日期 label: the date the 通告 signs with (宿迁市宿城区人民政府 / 2024年9月30日)
        "宿城政通〔2024〕6号",
        ["劳动、人事、监察", "通告"],
    )
    text_labels = documents["国务院办公厅关于加强城市内涝治理的实施意见"]
    assert text_labels[1:7] == (
        "000014349/2024-00037",
        "国务院办公厅",
        "2024-03-05",
        "2024-03-01",
        "国办发〔2024〕9号",
        ["城乡建设、环境保护\\城市规划"],
    )
    assert len(documents) == len(list(pages.glob("*.html")))


def test_crawling_the_pages_from_a_local_site_gives_the_same_documents(pages, tmp_path):
    names = sorted(p.name for p in pages.glob("*.html"))

    def listing(request):
        links = "".join(f'<li><a href="/pages/{name}">{name}</a></li>' for name in names)
        return HTMLResponse(f"<html><body><ul class='list'>{links}</ul></body></html>")

    app = Starlette(routes=[Route("/list.html", listing), Mount("/pages", StaticFiles(directory=pages))])
    with serve_app(app, name="pagesite") as base:
        crawl_report = run_crawl(
            f"{base}/list.html", tmp_path / "crawl", options=CrawlOptions(delay=0, timeout=5, retries=0)
        )
    assert crawl_report.failed == [] and crawl_report.pages_stored == len(names)

    ingest_paths([pages], tmp_path / "from-files")
    ingest_paths([tmp_path / "crawl"], tmp_path / "from-crawl")
    assert _fields(Catalog(tmp_path / "from-crawl")) == _fields(Catalog(tmp_path / "from-files"))
