"""Whatever a user types into any parameter or path, the portal answers without a server error."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from portal_testing import TestClient

from index.query.request import FACETS, SCOPED_FIELDS

# Pieces users and bots really send: query syntax, brackets of every width, identifiers half typed,
# control and surrogate-adjacent characters, very long runs, percent-encoding, path tricks.
PIECES = [
    "低保",
    "政府信息公开",
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "〔",
    "〕",
    "【",
    "】",
    "（",
    "）",
    "*",
    "?",
    "~",
    "^",
    ":",
    "：",
    "标题:",
    "文号:",
    "索引号:",
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "/",
    "\\",
    "..",
    "%",
    "%00",
    "\x00",
    "\t",
    "\u3000",
    "\ufeff",
    "\ufffd",
    "😀",
    "𠀀",
    "<script>",
    "&amp;",
    "014319733/2018-00019",
    "2018-00019",
    "宿政办发[2017]150号",
    "0" * 30,
    "9" * 400,
    "年",
    "2018-13-45",
    "-1",
    "1e9",
    " ",
]
# Every parameter a page reads: the request tables' facets and field conditions, and the rest by name.
PARAMS = ["q", "field", "sort", "page", "per_page", "date_from", "date_to", *FACETS, *SCOPED_FIELDS]
PARAMS += ["within", "prev", "large", "next", "go", "print"]
PATHS = ["/search", "/search.json", "/search.atom", "/lookup", "/lookup.json", "/", "/browse", "/display"]
PATHS += ["/advanced", "/advanced.json", "/stats", "/doc/014319733/2018-00019"]


def _junk(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))


@pytest.mark.parametrize("seed", range(8))
def test_random_parameters_never_give_a_server_error(client: TestClient, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        path = rng.choice(PATHS)
        params = [(rng.choice(PARAMS), _junk(rng)) for _ in range(rng.randint(1, 4))]
        query = "&".join(f"{quote(key)}={quote(value, safe='')}" for key, value in params)
        response = client.get(f"{path}?{query}", follow_redirects=False)
        assert response.status_code < 500, (path, params, response.status_code)


@pytest.mark.parametrize("seed", range(4))
def test_random_paths_never_give_a_server_error(client: TestClient, seed: int) -> None:
    rng = random.Random(seed)
    prefixes = ["/doc/", "/browse/publisher/", "/browse/category/topic/", "/browse/category/x/", "/browse/year/"]
    prefixes += ["/browse/validity/", "/browse/kind/", "/browse/"]
    for _ in range(40):
        path = rng.choice(prefixes) + quote(_junk(rng), safe="/")
        for suffix in ("", ".json"):
            response = client.get(path + suffix, follow_redirects=False)
            assert response.status_code < 500, (path + suffix, response.status_code)
