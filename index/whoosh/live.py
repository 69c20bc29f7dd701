"""Which generation of an index folder is live, read from ``CURRENT`` and the generation folders alone (JSON and
file names: nothing of Whoosh, the schema or the segmenter is imported, so a server can find the live generation
and start hashing its files before it loads them; :mod:`index.whoosh.generations` holds the layout and the rest).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from index.whoosh import checksums

CURRENT = "CURRENT"
BUILDING = "BUILDING"


def read_current(index_dir: Path) -> dict[str, Any] | None:
    """What ``CURRENT`` says, or None where it is missing or not a pointer at all (empty, garbage)."""
    try:
        current = json.loads((index_dir / CURRENT).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return current if isinstance(current, dict) and isinstance(current.get("generation"), str) else None


def has_commit(path: Path) -> bool:
    """Whether a generation folder holds a committed index (a table of contents), without reading it."""
    return path.is_dir() and any(path.glob("_*_*.toc"))


def current_pointed(index_dir: Path) -> Path | None:
    """The generation ``CURRENT`` names, where it names one that holds a commit."""
    current = read_current(index_dir)
    if current is None or "/" in current["generation"] or not current["generation"].startswith("gen-"):
        return None
    path = index_dir / current["generation"]
    return path if has_commit(path) else None


def complete_generations(index_dir: Path) -> list[Path]:
    """Generations that were published (no ``BUILDING`` marker) and hold a commit, newest first."""
    found = [
        path
        for path in index_dir.glob("gen-*")
        if path.name[4:].isdecimal() and not (path / BUILDING).exists() and has_commit(path)
    ]
    return sorted(found, key=lambda path: int(path.name[4:]), reverse=True)


def live_generation(index_dir: Path) -> Path | None:
    """The generation searches read: the one ``CURRENT`` names, else (``CURRENT`` damaged) the newest complete
    one; None where there is none."""
    pointed = current_pointed(index_dir)
    if pointed is not None:
        return pointed
    complete = complete_generations(index_dir)
    return complete[0] if complete else None


def start_checks(index_dir: Path) -> None:
    """Start hashing the live generation's files now (:func:`checksums.start_behind`), for a server that opens it
    with ``check="behind"`` once it has loaded the rest, so the hashing goes on beside its imports. Damage, or
    nothing to check, is left for the open to say."""
    path = live_generation(index_dir)
    if path is not None:
        with contextlib.suppress(checksums.Damaged, OSError):
            checksums.start_behind(path)
