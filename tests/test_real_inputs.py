"""Real third-party inputs live outside the repository (bench.fidelity.real_inputs): where the folder is found, what
is said where it is absent, and that the repository holds none of them (the search tool's README: what ``fetch``
brings stays out of commits, data files only under the steering repository's shared/)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import FIXTURES, ROOT

import bench.fidelity as fidelity


def test_the_folder_is_the_variable_where_set_else_shared_fidelity_beside_the_checkout(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_REAL_INPUTS", str(tmp_path))
    assert fidelity.real_inputs() == tmp_path
    monkeypatch.delenv("PORTAL_REAL_INPUTS")
    assert fidelity.real_inputs() == ROOT.parent / "shared" / "fidelity"


def test_an_absent_folder_is_named_with_the_reason_and_a_present_one_is_not(tmp_path):
    why = fidelity.missing_inputs(tmp_path / "absent")
    assert why is not None and str(tmp_path / "absent") in why
    assert "real third-party pages are kept outside the repository" in why
    (tmp_path / "present" / "pages").mkdir(parents=True)
    assert fidelity.missing_inputs(tmp_path / "present") is None


@pytest.mark.parametrize("module", ["bench.fidelity", "bench.largepages", "bench.export_fields"])
def test_a_bench_step_without_the_folder_stops_naming_it(tmp_path, module):
    absent = tmp_path / "absent"
    env = {"PORTAL_REAL_INPUTS": str(absent), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert str(absent) in done.stderr and "Traceback" not in done.stderr


def test_the_repository_holds_no_copy_of_the_real_inputs():
    # The manifests (our hand-read values and the sources' names) stay; the pages they judge do not. New pages
    # committed under tests/fidelity/pages go to ../shared/fidelity/pages instead (README, "Field fidelity").
    assert sorted(p.name for p in (ROOT / "tests" / "fidelity").iterdir()) == ["manifest.d", "manifest.json"]
    # Real pages and responses were kept gz-compressed or named in the fixtures' READMEs as real; the invented
    # fixtures that stay are plain files.
    assert not list(FIXTURES.rglob("*.gz"))
    assert not (FIXTURES / "exports" / "held_out").exists()
