"""The site profiles (PORTAL_SITE_PROFILES) are read once, with the other settings, and handed down with the limits
(index/siteprofiles.py, portal/settings.py): a reader or a Dask worker never takes them from its own environment."""

from __future__ import annotations

import os

import pytest
from helpers import dask_worker

from index.readers import ReadError, read_file
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from portal.settings import load_settings

PAGE = """<html><head><meta charset="utf-8"><title>关于印发甲市节约用水管理办法的通知</title></head><body>
<h1>关于印发甲市节约用水管理办法的通知</h1>
<p class="second">关于开展乙县防汛检查工作的通知</p>
<p class="third">关于做好丙区森林防火工作的通知</p>
<div class="content"><p>各有关单位：现将有关事项通知如下。</p></div>
</body></html>"""


def _profile(folder, css: str):
    folder.mkdir()
    (folder / "site.toml").write_text(f'[site]\nurl = "notice"\n[fields]\ntitle = "{css}"\n', "utf-8")
    return folder


@pytest.fixture
def page_and_profiles(tmp_path, monkeypatch):
    """A page (its heading is the title the heuristics find), the coordinator's profile (the title is the
    first line under it) and, in the environment, another (the second line)."""
    page = tmp_path / "docs" / "notice.html"
    page.parent.mkdir()
    page.write_text(PAGE, "utf-8")
    settings = load_settings({"PORTAL_SITE_PROFILES": str(_profile(tmp_path / "mine", ".second"))})
    theirs = _profile(tmp_path / "theirs", ".third")
    monkeypatch.setenv("PORTAL_SITE_PROFILES", str(theirs))
    return page, settings.limits, theirs


def _title(items) -> str:
    [record] = list(items)
    assert not isinstance(record, ReadError), record
    return record.fields["title"]


def test_the_readers_and_the_ingest_apply_the_profiles_they_are_given_not_the_environments(tmp_path, page_and_profiles):
    page, bounds, _ = page_and_profiles
    assert _title(read_file(page, bounds)) == "关于开展乙县防汛检查工作的通知"
    # No profiles handed down: none applied, whatever the environment says (the heuristics take the heading).
    assert _title(read_file(page)) == "关于印发甲市节约用水管理办法的通知"
    ingest_paths([page.parent], tmp_path / "index", bounds=bounds)
    assert [hit.title for hit in Catalog(tmp_path / "index").latest()] == ["关于开展乙县防汛检查工作的通知"]


def test_the_settings_read_the_profiles_once_with_the_limits(page_and_profiles):
    _, _, theirs = page_and_profiles
    [profile] = load_settings().limits.site_profiles  # this process's environment, read by the settings
    assert profile.source == theirs / "site.toml" and profile.fields["title"].css == ".third"
    with pytest.raises(ValueError, match=r"nothing\.toml"):
        load_settings({"PORTAL_SITE_PROFILES": str(theirs / "nothing.toml")})


def test_a_dask_worker_applies_the_coordinators_profiles_not_its_own_environment(page_and_profiles):
    from index.cluster.ingest import analyse

    page, bounds, theirs = page_and_profiles
    with dask_worker({"PORTAL_SITE_PROFILES": str(theirs)}) as client:  # the worker's environment names another
        assert list(client.run(lambda: os.environ.get("PORTAL_SITE_PROFILES")).values()) == [str(theirs)]
        batch = client.submit(analyse, str(page), 0, 10, bounds, None, pure=False).result()
    [row] = batch.rows
    assert row["title"] == "关于开展乙县防汛检查工作的通知"


def test_a_profile_that_cannot_be_used_stops_every_command_with_its_file_named(tmp_path):
    from click.testing import CliRunner

    from portal.cli import cli

    bad = tmp_path / "bad.toml"
    bad.write_text('[site]\nhosts = ["a.gov.cn"]\n[fields]\ntitle = "td:nth-child(("\n', "utf-8")
    env = {"PORTAL_SITE_PROFILES": str(bad), "PORTAL_INDEX_DIR": str(tmp_path / "index")}
    done = CliRunner().invoke(cli, ["ingest", str(tmp_path)], env=env)
    assert done.exit_code == 1 and "bad.toml: fields.title" in done.output and done.exception.__class__ is SystemExit
    assert not (tmp_path / "index").exists()
