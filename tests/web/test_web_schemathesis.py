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
from helpers import portal_settings
from hypothesis import HealthCheck, settings
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


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_route_answers_as_described(case, live_portal: str) -> None:
    case.call_and_validate(base_url=live_portal, excluded_checks=TOLERATED)
