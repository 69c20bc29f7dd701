"""Forms offer only what the index holds (issue 20.6): on an index without 体裁分类 or 有效性 values, and without
宿迁 documents, /advanced offers no empty drop-downs and its examples are the index's own."""

from __future__ import annotations

import json

import pytest
from helpers import build_index, portal_settings
from portal_testing import TestClient

from portal.app import create_app

# Modelled on the shared corpus's 河北省科学技术厅 records: no 体裁, no 有效性, a 文号 and no 索引号 but one.
RECORDS = [
    {
        "title": "关于印发《河北省重点实验室建设与运行管理办法》的通知",
        "publisher": "河北省科学技术厅",
        "pub_date": "2023-01-05",
        "doc_no": "冀科平规〔2023〕3号",
        "body": "现将新修订的《河北省重点实验室建设与运行管理办法》印发给你们，请遵照执行。",
    },
    {
        "title": "河北省科学技术厅2022年政府信息公开工作年度报告",
        "publisher": "河北省科学技术厅",
        "pub_date": "2023-01-20",
        "index_no": "000014349/2023-00015",
        "body": "本报告根据《中华人民共和国政府信息公开条例》编制。",
    },
]
HARD_CODED = ("宿政办发〔2017〕150号", "014319733/2018-00019", "2018-00019")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("forms")
    (root / "docs").mkdir()
    (root / "docs" / "hebei.json").write_text(json.dumps(RECORDS, ensure_ascii=False), "utf-8")
    build_index([root / "docs"], root / "index")
    with TestClient(create_app(portal_settings(root / "index", allowed_hosts=("testserver",)))) as found:
        yield found


def test_drop_downs_list_the_index_values_or_are_hidden(client) -> None:
    html = client.get("/advanced").text
    assert 'id="adv-publisher"' in html and "河北省科学技术厅（2）" in html
    assert 'id="adv-category_genre"' not in html and 'id="adv-validity"' not in html  # nothing to choose


@pytest.mark.parametrize("path", ["/", "/advanced", "/lookup?q=x", "/search?q=没有这样的词语组合"])
def test_examples_come_from_the_index(client, path: str) -> None:
    html = client.get(path).text
    assert not any(example in html for example in HARD_CODED), path
    assert "冀科平规〔2023〕3号" in html or "000014349/2023-00015" in html, path
