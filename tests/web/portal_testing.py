"""What the web tests share besides fixtures (importable, unlike conftest.py): paths, ids, the TestClient."""

from __future__ import annotations

from helpers import WEB_FIXTURES as FIXTURES
from starlette.testclient import TestClient  # pyproject's filterwarnings allows its httpx deprecation notice

# tests/web/fixtures/hostile.json: the document titled <script>… (written &lt;script&gt; in the export, since raw
# tags are dropped from one-line values at ingest; the decoded title still holds the tag the pages must escape)
XSS_INDEX_NO = "014319733/2024-09901"

__all__ = ["FIXTURES", "XSS_INDEX_NO", "TestClient"]
