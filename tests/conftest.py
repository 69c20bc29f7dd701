"""Shared fixtures: a real index on disk built from the bundled documents, and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DOCUMENTS, HUNT, WEB_FIXTURES, build_index, examples, stop_clusters
from hypothesis import settings

from bench.fidelity import missing_inputs
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

# No Hypothesis deadline for any test: speed is measured by the benchmarks, never by a test, and on a shared 2-core
# machine one example of test_highlight's sentence property took 351 ms against the default 200 ms. A property
# that names no number of examples draws Hypothesis's 100, PORTAL_HUNT times as many under `make hunt`.
# Derandomized and without an example database in `make test`, for every property that does not say otherwise: CI
# sees the same draws every run, so its verdict is the code's, not the draw's (the page-text property failed in some
# runs on draws it had not made before); `make hunt` (PORTAL_HUNT > 1) draws afresh.
settings.register_profile("portal", deadline=None, max_examples=examples(100), derandomize=HUNT == 1, database=None)
settings.load_profile("portal")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` first, the rest in their order (a stable sort): pytest-xdist hands tests out in this
    order, so a long test starts while the other worker takes the many short ones, instead of running alone at the
    end of the run. A module marked whole keeps its tests together (its module-scoped fixtures are made once).

    Tests marked ``real_inputs`` are skipped, with the reason naming the folder, where the real third-party inputs
    (``../shared/fidelity``, bench.fidelity.real_inputs) are absent; every other test runs. The reason goes first,
    before pytest's own (a test parametrized over the present pages has none: "got empty parameter set")."""
    if why := missing_inputs():
        skip = pytest.mark.skip(reason=why)
        for item in items:
            if item.get_closest_marker("real_inputs"):
                item.add_marker(skip, append=False)
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built once per session from documents/ (the bundled documents, seed page among them)."""
    index_dir = tmp_path_factory.mktemp("index")
    report = ingest_paths([DOCUMENTS], index_dir)
    assert not report.rejected, report.rejected
    return index_dir


@pytest.fixture(scope="session")
def catalog(built_index: Path) -> Catalog:
    catalog = Catalog(built_index)
    yield catalog
    catalog.close()


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """documents/ plus tests/web/fixtures (a document titled <script>…, hostile links), for the portal tests."""
    index_dir = tmp_path_factory.mktemp("web-index")
    report = build_index([DOCUMENTS, WEB_FIXTURES], index_dir)  # and a cluster under PORTAL_STORE=manticore
    assert not report.rejected, report.rejected
    return index_dir


@pytest.fixture(scope="session", autouse=True)
def _searchd_clusters():
    """Stops every searchd cluster the session started (tests/helpers.py start_cluster)."""
    yield
    stop_clusters()
