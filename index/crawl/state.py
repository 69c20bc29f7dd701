"""A crawl's resumable state: the frontier still to visit and the URLs done, saved after every page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.crawl.folder import STATE_KIND

STATE_VERSION = 1


class CrawlError(Exception):
    """A crawl that cannot start: an unsupported start URL, an unreadable URL file."""


@dataclass
class CrawlState:
    """Frontier and done set of one crawl (keyed by its start), so a stopped crawl resumes where it was."""

    start: str
    frontier: dict[str, str] = field(default_factory=dict)  # url → kind, in crawl order
    done: dict[str, str] = field(default_factory=dict)  # url → kind
    list_pages: int = 0  # list pages queued, bounded by max_list_pages
    finished: bool = False

    def add(self, url: str, kind: str) -> bool:
        """Queue ``url`` unless already seen; True if it was new."""
        if url in self.frontier or url in self.done:
            return False
        self.frontier[url] = kind
        return True

    def complete(self, url: str) -> None:
        self.done[url] = self.frontier.pop(url, "detail")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": STATE_KIND, "version": STATE_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlState | None:
        """The state saved in ``data``, or None for another kind of file or version."""
        if data.get("kind") != STATE_KIND or data.get("version") != STATE_VERSION:
            return None
        return cls(
            start=data["start"],
            frontier=dict(data.get("frontier", {})),
            done=dict(data.get("done", {})),
            list_pages=int(data.get("list_pages", 0)),
            finished=bool(data.get("finished")),
        )


def start_key(start: str | Path) -> str:
    """What identifies a crawl: its start URL, or ``file:`` and the resolved path of its URL file."""
    if isinstance(start, Path):
        return "file:" + str(start.expanduser().resolve())
    return start.strip()


def read_url_file(path: Path) -> list[str]:
    """URLs from a file, one a line; blank lines and ``#`` comments ignored. Raises :class:`CrawlError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CrawlError(f"cannot read the URL file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CrawlError(f"the URL file {path} is not UTF-8 text (byte {exc.start})") from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
