"""Numbers read from names, headers, settings and stored values: ``str.isdigit()`` is also true of ``²`` and ``①``,
which ``int()`` refuses, so every guard before an ``int()`` asks ``isdecimal()`` (exactly what ``int()`` reads) or,
where a protocol says ASCII digits, ``isascii() and isdigit()``."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.analysis import _dictionary_lines
from index.cluster.topology import parse_topology
from index.crawl.fetch import parse_retry_after
from index.crawl.folder import _writer_alive
from index.schema import NO_DATE, build_schema, date_key
from index.whoosh import generations
from portal.citation import _parts
from portal.templating import display_date


@pytest.mark.parametrize("value", ["²", "①", "1²"])
def test_a_retry_after_of_digit_lookalikes_is_no_delay(value: str) -> None:
    assert parse_retry_after(value) is None


def test_a_cluster_port_of_digit_lookalikes_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="PORTAL_MANTICORE"):
        parse_topology("127.0.0.1:9306,127.0.0.1:9306²")


def test_a_stray_generation_folder_named_with_a_lookalike_is_not_a_generation(tmp_path: Path) -> None:
    (tmp_path / "gen-²").mkdir()
    assert generations.complete_generations(tmp_path) == []
    path, ix = generations.new_generation(tmp_path, build_schema())
    ix.close()
    assert path.name == "gen-0001"


def test_a_user_dictionary_line_with_a_lookalike_frequency_is_read_without_one(tmp_path: Path) -> None:
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("低保边缘家庭 ² n\n最低生活保障 5\n", "utf-8")
    assert list(_dictionary_lines(userdict)) == [("低保边缘家庭", (None, "n")), ("最低生活保障", (5, None))]


def test_a_crawl_temporary_named_with_a_lookalike_pid_has_no_live_writer() -> None:
    assert _writer_alive(Path(".page.html.².tmp")) is False


@pytest.mark.parametrize("iso", ["2018-²", "²⁰¹⁸"])
def test_stored_dates_with_lookalikes_are_shown_as_written_and_sort_undated(iso: str) -> None:
    assert date_key(iso) == NO_DATE
    assert _parts(iso) == []
    assert display_date(iso) in (iso, f"{iso}年")
