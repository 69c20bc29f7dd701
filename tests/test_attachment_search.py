"""Words that live only in an attachment are found, and the hit says which attachment holds them."""

from __future__ import annotations

import json

import docx

from index.ingest import ingest_paths
from index.query import Catalog, SearchRequest


def test_hit_inside_a_local_docx_attachment(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    attachment = docx.Document()
    attachment.add_paragraph("第一条 各县区应当建设光伏扶贫电站，收益用于村级公益岗位。")
    attachment.save(folder / "实施细则.docx")
    (folder / "notice.json").write_text(
        json.dumps(
            {
                "title": "关于印发实施细则的通知",
                "index_no": "014319733/2021-00007",
                "body": "现将实施细则印发给你们，请认真贯彻执行。",
                "attachments": [{"name": "实施细则.docx", "url": "实施细则.docx"}, {"name": "不存在的附件.pdf"}],
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    report = ingest_paths([folder], tmp_path / "index")
    assert report.added == ["014319733/2021-00007"]
    catalog = Catalog(tmp_path / "index")

    [hit] = catalog.search(SearchRequest(q="光伏扶贫电站")).hits
    assert hit.attachment_hits == ["实施细则.docx"]
    assert "<mark>光伏扶贫电站</mark>" in hit.snippet_html

    [body_hit] = catalog.search(SearchRequest(q="贯彻执行")).hits
    assert body_hit.attachment_hits == []
    stored = catalog.get("014319733/2021-00007")
    assert "光伏扶贫电站" in stored.attachments[0].text and stored.attachments[1].text == ""
