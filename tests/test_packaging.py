"""`pip install` of this project: quiet (no packaging warnings), with the static files and the dictionary inside.

Both installs run pip as a user does, into a bare virtual environment (editable, as `make run` installs) and
into a wheel (what a deployment installs); pip fetches the build backend as usual.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.long  # each test runs pip or a pytest of its own


def pip(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout + done.stderr


def test_editable_install_prints_no_warnings(tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    output = pip("--python", str(target / "bin" / "python"), "install", "--no-deps", "-e", str(ROOT))
    assert "Successfully installed disclosure-portal" in output
    assert "warning" not in output.lower(), output


def test_wheel_carries_the_package_data_without_warnings(tmp_path: Path) -> None:
    output = pip("wheel", "--no-deps", "--no-cache-dir", "-w", str(tmp_path), str(ROOT))
    assert "warning" not in output.lower(), output
    [wheel] = tmp_path.glob("disclosure_portal-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"portal/static/portal.css", "portal/static/portal.js", "index/data/userdict.txt"} <= names


def test_the_test_run_says_why_tests_were_skipped(tmp_path):
    """`make test` printed "583 skipped" and no reason; pytest's options now include -rs."""
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n\ndef test_needs_corpus():\n    pytest.skip('../shared/corpus is absent')\n", "utf-8"
    )
    # without the plugins installed beside pytest (schemathesis's alone took 3 of the run's 3.3 CPU s): what is
    # tested is the options pyproject.toml gives pytest
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "-p", "no:cacheprovider", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "SKIPPED [1]" in done.stdout and "../shared/corpus is absent" in done.stdout, done.stdout


# What a test module names when it reads the real third-party inputs (tests/helpers.py, bench.fidelity).
_READS_REAL_INPUTS = ("real_inputs", "present_pages", "tune_page", "REAL_PAGES", "REAL_FIXTURES", "COLLECTION")


def test_without_the_real_inputs_every_test_reading_them_skips_saying_why(tmp_path):
    """A fresh clone has no ../shared/fidelity: each test of the modules that read the real inputs passes or skips
    naming the folder (three tests counting the collection failed there, and a test parametrized over its pages
    skipped with pytest's "got empty parameter set")."""
    modules = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != "test_packaging.py" and any(name in path.read_text("utf-8") for name in _READS_REAL_INPUTS)
    )
    assert len(modules) >= 20, modules
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *modules],
        cwd=ROOT,
        env={**os.environ, "PORTAL_REAL_INPUTS": str(tmp_path / "absent"), "PORTAL_STORE": "whoosh"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert any(str(tmp_path / "absent") in line for line in skips), done.stdout[-3000:]
    assert not [line for line in skips if "empty parameter set" in line], skips
