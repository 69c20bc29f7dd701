"""schemathesis against /openapi.json on the real server over loopback: every documented route, called with what
the description allows, answers without a server error and with exactly what the description says
(status, content type, headers, JSON schema).

Bounded for CI: a fixed number of generated examples per route (20–30 s in all on this 2-core machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from helpers import TEST_STORE, portal_settings
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from index.localports import free_port
from portal.openapi import openapi_document
from portal.server import server_config, serving

EXAMPLES_PER_ROUTE = 15
# The portal is tolerant by design: a parameter it cannot use (page 0, a 300-character title, an unknown sort)
# is corrected or ignored with a notice in the answer, never refused, so a search box never shows an error page.
# The description gives the ranges that have an effect; schemathesis's check that out-of-range values are
# refused with a 4xx does not apply.
TOLERATED = [checks.negative_data_rejection]
# The module's generated examples take a minute against the cluster: it starts first (tests/conftest.py).
pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def live_portal(web_index: Path) -> Iterator[str]:
    settings_ = portal_settings(web_index, host="127.0.0.1", port=free_port())
    with serving(server_config(settings_, log_level="critical")) as base_url:
        yield base_url


# The description the server serves is generated from code, so it is known before the server starts; the
# test checks below that the server serves this very document.
schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_server_serves_the_description_tested(live_portal: str) -> None:
    served = httpx.get(f"{live_portal}/openapi.json").json()
    assert served == {**openapi_document(), "servers": [{"url": live_portal}]}


# Two routes take /search.json's 20 parameters without a search of their own to send the store: /advanced.json
# asks it for the facet counts only, whatever the parameters, and /search.atom sends /search.json's search newest
# first. Schemathesis's coverage phase (Hypothesis's explicit examples: each parameter's boundaries and wrong
# values, 238 cases a route) runs for them against Whoosh; against the cluster (PORTAL_STORE=manticore) it would
# test the same parsing and rendering again, 2 × 238 searches of about 0.2 s, while /search.json's coverage cases
# send every such search to the cluster. There they get the generated examples only.
SAME_SEARCH = ["/advanced.json", "/search.atom"]
PHASES = [phase for phase in Phase if TEST_STORE == "whoosh" or phase is not Phase.explicit]
SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


@schema.exclude(path=SAME_SEARCH).parametrize()
@settings(max_examples=EXAMPLES_PER_ROUTE, **SETTINGS)
def test_every_route_answers_as_described(case, live_portal: str) -> None:
    case.call_and_validate(base_url=live_portal, excluded_checks=TOLERATED)


@schema.include(path=SAME_SEARCH).parametrize()
@settings(max_examples=EXAMPLES_PER_ROUTE, phases=PHASES, **SETTINGS)
def test_routes_of_the_same_search_answer_as_described(case, live_portal: str) -> None:
    case.call_and_validate(base_url=live_portal, excluded_checks=TOLERATED)
