"""/openapi.json: a valid OpenAPI 3.1 document that describes exactly the JSON routes the app serves."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from helpers import SEED_INDEX_NO

from portal.openapi import openapi_document

# A value for each path parameter, so every documented path can be called.
SAMPLES = {"id": SEED_INDEX_NO, "value": quote("市民政局", safe=""), "dimension": "scheme", "year": "2018"}
CATEGORY_SAMPLE = {"value": quote("规划计划", safe="")}


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
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(openapi_document("http://testserver"))


def test_every_documented_path_is_served(client, spec: dict[str, Any]) -> None:
    for path in spec["paths"]:
        samples = {**SAMPLES, **(CATEGORY_SAMPLE if "category" in path else {})}
        url = re.sub(r"{(\w+)}", lambda m, samples=samples: samples[m.group(1)], path)
        response = client.get(url, params={"q": "低保"})
        assert response.status_code == 200, (url, response.status_code)


def test_search_response_matches_its_schema(client, spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["SearchResponse"]
    data = client.get("/search.json", params={"q": "低保"}).json()
    assert set(schema["required"]) <= set(data)
    assert set(data) <= set(schema["properties"])
    hit_fields = set(spec["components"]["schemas"]["DocSummary"]["properties"]) | set(
        spec["components"]["schemas"]["Hit"]["allOf"][1]["properties"]
    )
    assert set(data["hits"][0]) == hit_fields


def test_document_schema_lists_the_record_fields(client, spec: dict[str, Any]) -> None:
    documented = set(spec["components"]["schemas"]["Document"]["properties"])
    served = set(client.get(f"/doc/{SEED_INDEX_NO}.json").json()["document"])
    assert documented <= served
