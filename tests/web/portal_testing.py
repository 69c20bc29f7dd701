"""What the web tests share besides fixtures (importable, unlike conftest.py): paths, ids, the TestClient."""

from __future__ import annotations

import warnings
from pathlib import Path

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient and warns (an error under our filters) with httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"
XSS_INDEX_NO = "014319733/2024-09901"  # tests/web/fixtures/hostile.json: the document titled <script>…

__all__ = ["FIXTURES", "XSS_INDEX_NO", "TestClient"]
