"""/openapi.json: generated from the response data classes, a valid OpenAPI 3.1 document, and every route's
JSON validates against it (every property required, nothing undescribed)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from helpers import SEED_INDEX_NO
from portal_testing import XSS_INDEX_NO

from portal.openapi import openapi_document

# A value for each path parameter, so every documented path can be called.
SAMPLES = {"id": SEED_INDEX_NO, "dimension": "scheme", "year": "2018", "facet": "publisher", "n": "1"}
VALUE_SAMPLES = {"category": quote("规划计划", safe=""), "facet": quote("市民政局", safe="")}

# (URL, documented path, status): every JSON route, with documents and results of every shape.
JSON_ROUTES = [
    ("/search.json?q=低保", "/search.json", 200),
    ("/search.json?q=低保&page=2&publisher=宿迁市民政局", "/search.json", 200),
    ("/search.json?q=量子引力波", "/search.json", 200),  # empty, with ways out
    ("/search.json?q=低保殡葬", "/search.json", 200),  # empty, with suggestions
    ("/search.json?q=地保", "/search.json", 200),  # did-you-mean
    ("/search.json?q=低保&literal=1", "/search.json", 200),  # without synonyms
    ("/suggest.json?q=低", "/suggest.json", 200),
    ("/suggest.json?q=", "/suggest.json", 200),
    ("/search.json?q=" + "低保" * 150, "/search.json", 200),  # too long: error
    ("/search.json?q=" + quote(SEED_INDEX_NO), "/search.json", 200),  # identifier matches
    ("/search.json?kind=解读&validity=有效", "/search.json", 200),
    ("/search.json?title=一季度&doc_no=x", "/search.json", 200),
    (f"/doc/{SEED_INDEX_NO}.json", "/doc/{id}.json", 200),  # spam and encoding loss
    (f"/doc/{XSS_INDEX_NO}.json", "/doc/{id}.json", 200),  # hostile links
    ("/doc/014322182/2021-00120.json", "/doc/{id}.json", 200),  # an interpretation
    ("/doc/014327899/2016-00311.json", "/doc/{id}.json", 200),  # replaced
    ("/doc/014318642/2018-00045.json", "/doc/{id}.json", 200),  # an unknown 有效性
    ("/doc/014319733/1999-99999.json", "/doc/{id}.json", 404),
    (f"/doc/{SEED_INDEX_NO}.csl.json", "/doc/{id}.csl.json", 200),  # 引用本文 as CSL-JSON
    (f"/doc/{SEED_INDEX_NO}/v/1.csl.json", "/doc/{id}/v/{n}.csl.json", 200),
    (f"/doc/{SEED_INDEX_NO}/v/1.json", "/doc/{id}/v/{n}.json", 200),  # a version's permanent address
    (f"/doc/{SEED_INDEX_NO}/v/99.json", "/doc/{id}/v/{n}.json", 404),
    (f"/doc/{SEED_INDEX_NO}/diff.json?a=1&b=1", "/doc/{id}/diff.json", 200),
    ("/doc/014319733/1999-99999/diff.json", "/doc/{id}/diff.json", 404),
    ("/lookup.json?q=2018-00019", "/lookup.json", 200),
    ("/lookup.json?q=不是编号", "/lookup.json", 200),
    ("/index.json", "/index.json", 200),
    ("/browse.json", "/browse.json", 200),
    ("/browse/validity/失效.json", "/browse/{facet}/{value}.json", 200),
    ("/browse/kind/解读.json", "/browse/{facet}/{value}.json", 200),
    ("/browse/publisher/不存在.json", "/browse/{facet}/{value}.json", 404),
    ("/browse/category/topic/其他.json", "/browse/category/{dimension}/{value}.json", 200),
    ("/browse/year/2019.json", "/browse/year/{year}.json", 200),
    ("/stats.json", "/stats.json", 200),
    ("/data.json", "/data.json", 200),
    ("/changes.json", "/changes.json", 200),
    ("/changes.json?kind=new&publisher=民政&before=999999", "/changes.json", 200),
    ("/advanced.json?q=低保&publisher=宿迁市民政局", "/advanced.json", 200),
]


@pytest.fixture(scope="module")
def spec(client) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def response_schema(spec: dict[str, Any], path: str, status: int) -> dict[str, Any]:
    """The JSON Schema of one documented response, able to resolve the document's $refs."""
    content = spec["paths"][path]["get"]["responses"][str(status)]["content"]
    schema = next(iter(content.values()))["schema"]  # application/json, or CSL-JSON's own media type
    return {**schema, "components": spec["components"]}


def test_document_shape(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["servers"] == [{"url": "http://testserver"}]
    operation_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for ref in refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref


def test_path_parameters_are_declared(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        declared = {p["name"] for p in item["get"].get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path


def test_validates_against_the_openapi_schema() -> None:
    from openapi_spec_validator import validate

    validate(openapi_document("http://testserver"))


def test_every_documented_path_is_served(client, spec: dict[str, Any]) -> None:
    for path in spec["paths"]:
        values = {**SAMPLES, "value": next((v for k, v in VALUE_SAMPLES.items() if k in path), "")}
        url = re.sub(r"{(\w+)}", lambda m, values=values: values[m.group(1)], path)
        response = client.get(url, params={"q": "低保"})
        assert response.status_code == 200, (url, response.status_code)


def test_every_json_route_is_sampled(spec: dict[str, Any]) -> None:
    documented = {path for path in spec["paths"] if path.endswith(".json")}
    assert documented == {path for _, path, _ in JSON_ROUTES}


@pytest.mark.parametrize(("url", "path", "status"), JSON_ROUTES)
def test_json_validates_against_the_description(client, spec: dict[str, Any], url: str, path: str, status: int):
    response = client.get(url)
    assert response.status_code == status, url
    jsonschema.validate(response.json(), response_schema(spec, path, status), cls=jsonschema.Draft202012Validator)


def test_an_undescribed_field_fails_validation(client, spec: dict[str, Any]) -> None:
    """What the hand-written description missed (about ten Document fields) cannot happen again."""
    data = client.get(f"/doc/{SEED_INDEX_NO}.json").json()
    data["document"]["local_path"] = "/srv/documents/000.txt"
    with pytest.raises(jsonschema.ValidationError, match="local_path"):
        jsonschema.validate(data, response_schema(spec, "/doc/{id}.json", 200))


def test_the_description_names_every_document_field(client, spec: dict[str, Any]) -> None:
    served = set(client.get(f"/doc/{SEED_INDEX_NO}.json").json()["document"])
    document = spec["components"]["schemas"]["PublicDocument"]
    assert set(document["properties"]) == served == set(document["required"])


def test_search_json_says_in_a_described_boolean_whether_the_answer_is_partial(client, spec: dict[str, Any]) -> None:
    """A cluster answer missing a shard was said only in a Chinese notice; ``partial`` says it to a machine (the
    answer marked partial: tests/test_cluster.py, a real cluster with one shard stopped). Whoosh's answer is
    whole."""
    search = spec["components"]["schemas"]["SearchResponse"]
    assert search["properties"]["partial"]["type"] == "boolean" and "partial" in search["required"]
    assert "不完整" in search["properties"]["partial"]["description"]
    assert client.get("/search.json?q=低保").json()["partial"] is False
