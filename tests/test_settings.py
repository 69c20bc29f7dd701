"""Settings come from the environment with working defaults, and the README documents every one."""

from __future__ import annotations

from helpers import ROOT

from portal.settings import SETTINGS, load_settings


def test_defaults_work_on_a_fresh_clone():
    settings = load_settings({})
    assert settings.documents_dir == ROOT / "documents"
    assert settings.index_dir == ROOT / "var" / "index"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_overrides():
    settings = load_settings({"PORTAL_INDEX_DIR": "/tmp/x", "PORTAL_PORT": "9001"})
    assert str(settings.index_dir) == "/tmp/x" and settings.port == 9001


def test_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [setting.name for setting in SETTINGS if f"`{setting.name}`" not in readme]
    assert not missing, f"README.md does not document {missing}"
