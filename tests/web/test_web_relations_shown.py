"""What a page says about a document's relations is what its text says, on both stores (issue 20.1–20.3):
tests/web/fixtures/truthful.json, modelled on the shared corpus's 冀科平规〔2023〕3号 (three copies), the
清理结果目录 that keeps it, and 上海市社会救助条例 2018 and 2024."""

from __future__ import annotations

from urllib.parse import quote


def doc_id(client, title: str) -> str:
    hits = client.get("/search.json", params={"q": title, "field": "title", "go": "0"}).json()["hits"]
    return next(hit["id"] for hit in hits if hit["title"] == title)


def test_a_kept_document_is_not_declared_replaced(client) -> None:
    lab = doc_id(client, "关于印发《河北省重点实验室建设与运行管理办法》的通知")
    page = client.get(f"/doc/{lab}").text
    assert "本文件已被替代" not in page and "清理结果目录" not in page.split('id="related-heading"')[0]


def test_a_replacement_is_shown_once_with_its_sentence_and_copies(client) -> None:
    old = doc_id(client, "河北省学科重点实验室建设与管理办法")
    data = client.get(f"/doc/{old}.json").json()
    assert len(data["replaced_by"]) == 1 and len(data["replaced_by"][0]["copies"]) == 2
    assert "同时废止" in data["replaced_by"][0]["sentence"]
    page = client.get(f"/doc/{old}").text
    assert page.count('class="relation-source"') == 1 and "同一文件另见" in page


def test_versions_are_linked_both_ways(client) -> None:
    hits = client.get("/search.json", params={"q": "上海市社会救助条例", "field": "title", "sort": "oldest"}).json()
    old, new = (hit["id"] for hit in hits["hits"] if hit["title"] == "上海市社会救助条例")
    assert [item["id"] for item in client.get(f"/doc/{old}.json").json()["current_version"]] == [new]
    assert [item["id"] for item in client.get(f"/doc/{new}.json").json()["older_versions"]] == [old]
    assert "现行版本" in client.get(f"/doc/{old}").text and "历史版本" in client.get(f"/doc/{new}").text


def test_lookup_of_copies_goes_to_the_one_document(client) -> None:
    response = client.get(f"/lookup?q={quote('冀科平规[2023]3号')}")
    assert response.status_code == 303 and response.headers["location"].startswith("/doc/")
    matches = client.get(f"/lookup.json?q={quote('冀科平规[2023]3号')}").json()["matches"]
    assert len(matches) == 1 and len(matches[0]["copies"]) == 2
