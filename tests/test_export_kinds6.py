"""Kinds of real API responses the readers got wrong (issue 17, round 6).

- One response's records split over lists side by side, by a class of their own: a JSONP digest API's
  ``data.centralPolicies`` and ``data.localPolicies``, each record ``{id, title, publisher, time, url}``
  (jiazhangyao/jyy tests/h5/public/api/monthly/201903/1/1.js; the fidelity collection,
  tests/fidelity/manifest.d/exports6.json). Only the longer list was read: the five central records were lost.
"""

from __future__ import annotations

import gzip
import json

from bench.fidelity import COLLECTION
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord, ReadError


def _documents(path):
    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)], items
    docs = [read_document(item, DEFAULTS, IngestReport()) for item in items if isinstance(item, RawRecord)]
    assert all(doc is not None for doc in docs)
    return docs


def test_records_split_over_lists_side_by_side_are_all_read(tmp_path):
    path = tmp_path / "jyy-monthly-policies.jsonp"
    path.write_bytes(gzip.decompress((COLLECTION / "pages/jyy-monthly-policies.jsonp.gz").read_bytes()))
    docs = _documents(path)
    assert len(docs) == 5 + 16  # centralPolicies, then localPolicies, in the response's order
    assert docs[1].title == "区块链信息服务管理规定"
    assert docs[1].publisher == "国家互联网信息办公室"
    assert docs[1].pub_date == "2019-01-10"
    assert docs[5].title == "国务院关于河北雄安新区总体规划（2018-2035年）的批复"
    assert docs[-1].title == "广州市不动产登记资料查询办法"


def test_a_list_of_another_shape_beside_the_records_is_not_read_as_records(tmp_path):
    record = {"title": "关于印发《办法》的通知", "pubDate": "2023-05-06", "url": "http://a.gov.cn/1.html"}
    response = {
        "data": {
            "list": [record, {**record, "title": "关于开展检查的通知", "url": "http://a.gov.cn/2.html"}],
            "hot": [{"title": "热点", "hits": 12}],  # a list of other keys: the page's side panel, no record
        }
    }
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    assert [doc.title for doc in _documents(path)] == ["关于印发《办法》的通知", "关于开展检查的通知"]
