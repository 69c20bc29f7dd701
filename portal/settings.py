"""Settings, read once from the environment, with defaults that work on a fresh clone.

:data:`SETTINGS` is the one registry of them: the portal's own and the ingest's limits (:mod:`index.limits`,
whose :class:`~index.limits.Setting` they share). ``portal --help-settings`` prints it with each setting's help;
the README lists every one (a test holds the README to that). The limits are read here with the rest and handed
down (:attr:`Settings.limits`, with the site profiles of ``PORTAL_SITE_PROFILES``): the ingest's readers,
attachment extractors and Dask workers take the limits and profiles they are given, never their own environment's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from index import limits
from index.limits import DEFAULTS, Limits, Setting

PROJECT_ROOT = Path(__file__).resolve().parent.parent


PORTAL_SETTINGS = (
    Setting("PORTAL_STORE", "whoosh", "where documents are held: `whoosh` (embedded) or `manticore` (a cluster)"),
    Setting("PORTAL_INDEX_DIR", str(PROJECT_ROOT / "var" / "index"), "folder holding the Whoosh index"),
    Setting(
        "PORTAL_MANTICORE",
        "",
        "the cluster's shards for PORTAL_STORE=manticore: SphinxQL host:port, shards by `,`, mirrors by `|`",
    ),
    Setting("PORTAL_DOCUMENTS_DIR", str(PROJECT_ROOT / "documents"), "documents `make run` ingests"),
    Setting(
        "PORTAL_USERDICT",
        str(PROJECT_ROOT / "index" / "data" / "userdict.txt"),
        "jieba user dictionary of government terms (one `word [freq] [tag]` per line)",
    ),
    Setting("PORTAL_CRAWL_DIR", str(PROJECT_ROOT / "var" / "crawl"), "where `portal crawl` keeps raw pages"),
    Setting(
        "PORTAL_EXPORT_DIR",
        str(PROJECT_ROOT / "var" / "export"),
        "where `portal export` writes bulk-data snapshots and `/data` serves them from",
    ),
    Setting("PORTAL_HOST", "127.0.0.1", "address `portal serve` binds"),
    Setting("PORTAL_PORT", "8000", "port `portal serve` listens on"),
    Setting("PORTAL_BASE_URL", "", "public URL of the portal for feeds, sitemap and canonical links"),
    Setting(
        "PORTAL_THREADS",
        "4",
        "requests each process of `portal serve` computes at once: as many as its share of the cores, and past them "
        "a request that has computed 0.1 s makes room for the next (portal/lanes.py); the cap on slow ones",
    ),
    Setting(
        "PORTAL_WORKERS",
        "",
        "processes `portal serve` answers in (default: one a core); each holds its own copy of the index's arrays, "
        "so memory grows with them (portal/server.py)",
    ),
    Setting("PORTAL_MAX_CONNECTIONS", "1000", "connections `portal serve` holds open at once (the longest idle shed)"),
    Setting("PORTAL_HEADER_TIMEOUT", "10", "seconds a request's headers may take to arrive"),
    Setting("PORTAL_KEEPALIVE_TIMEOUT", "5", "seconds an idle keep-alive connection is held open"),
    Setting(
        "PORTAL_ALLOWED_HOSTS",
        "",
        "host[:port] names the portal answers as, comma-separated (default: the bound address)",
    ),
    Setting("PORTAL_SITE_NAME", "政府信息公开检索", "name shown in the page header and feeds"),
    Setting("PORTAL_LOCK_TIMEOUT", "30", "seconds an ingest waits for another ingest to finish"),
    Setting(
        "PORTAL_SYNONYMS",
        str(PROJECT_ROOT / "index" / "data" / "synonyms.txt"),
        "synonym groups for search, official term first (read again when it changes)",
    ),
    Setting("PORTAL_QUERY_LOG", "", "folder of the query log (热搜词); default `querylog` beside the index folder"),
    Setting(
        "PORTAL_HISTORY",
        "",
        "the history file (versions, sightings, withdrawals); default `history.sqlite` in the index folder",
    ),
    Setting("PORTAL_QUERY_LOG_DAYS", "30", "days of query counts kept"),
    Setting("PORTAL_QUERY_LOG_MAX_QUERIES", "10000", "queries a day of the query log keeps (the most searched)"),
    Setting("PORTAL_HOT_MIN_CLIENTS", "3", "distinct clients (a day each) a query needs to be listed in 热搜词"),
    Setting(
        "PORTAL_SITE_PROFILES",
        "",
        "site profiles (a .toml file or a folder): per-site selectors or labels for the HTML reader",
    ),
    Setting(
        "PORTAL_HOT_BLOCKLIST",
        str(PROJECT_ROOT / "index" / "data" / "hot_blocklist.txt"),
        "terms kept off the public 热搜词 list, one a line",
    ),
)

SETTINGS: tuple[Setting, ...] = (*PORTAL_SETTINGS, *limits.SETTINGS)


STORES = ("whoosh", "manticore")


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    documents_dir: Path
    userdict: Path
    crawl_dir: Path
    host: str
    port: int
    base_url: str
    allowed_hosts: tuple[str, ...]
    site_name: str
    lock_timeout: float
    synonyms: Path
    query_log: Path | None  # None: `querylog` beside the index folder (see query_log_dir)
    query_log_days: int
    hot_blocklist: Path
    threads: int = 4  # PORTAL_THREADS: the worker threads of the sync views (anyio's default limiter)
    workers: int = 1  # PORTAL_WORKERS: the processes of `portal serve` (load_settings: one a core by default)
    store: str = "whoosh"  # STORES
    manticore: str = ""  # the cluster layout (index/cluster/topology.py), for store "manticore"
    query_log_max_queries: int = 10_000  # PORTAL_QUERY_LOG_MAX_QUERIES
    hot_min_clients: int = 3  # PORTAL_HOT_MIN_CLIENTS
    max_connections: int = 1000  # PORTAL_MAX_CONNECTIONS (lowered below the open-file limit: portal/connections.py)
    header_timeout: float = 10.0  # PORTAL_HEADER_TIMEOUT, seconds
    keepalive_timeout: float = 5.0  # PORTAL_KEEPALIVE_TIMEOUT, seconds
    # PORTAL_MAX_*: what one input may cost the ingest (index/limits.py), and the site profiles of
    # PORTAL_SITE_PROFILES (index/siteprofiles.py) the HTML readers apply
    limits: Limits = DEFAULTS
    export_dir: Path = PROJECT_ROOT / "var" / "export"  # PORTAL_EXPORT_DIR: bulk-data snapshots (portal export)
    history: Path | None = None  # PORTAL_HISTORY; None: history.sqlite in the index folder (see history_path)

    @property
    def history_path(self) -> Path:
        """The history file (index/history.py): PORTAL_HISTORY, else ``history.sqlite`` in the index folder."""
        return self.history or self.index_dir / "history.sqlite"

    @property
    def query_log_dir(self) -> Path:
        """Where the query log lives: PORTAL_QUERY_LOG, else ``querylog`` beside the index folder."""
        return self.query_log or self.index_dir.parent / "querylog"


def _value(name: str, environ: dict[str, str]) -> str:
    default = next(setting.default for setting in SETTINGS if setting.name == name)
    return environ.get(name) or str(default)


def _base_url(value: str) -> str:
    """PORTAL_BASE_URL without its trailing slash; ValueError unless it is an http(s) URL with a host."""
    value = value.strip().rstrip("/")
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(
                f"PORTAL_BASE_URL must be an http(s) URL such as https://xxgk.example.gov.cn, not {value!r}"
            )
    return value


def _site_profiles(location: str) -> tuple:
    """:func:`index.siteprofiles.load` of ``location``; none for "" without importing the HTML readers it applies (a
    search from the shell needs none)."""
    if not location.strip():
        return ()
    from index import siteprofiles

    return siteprofiles.load(location)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (``os.environ`` by default). Raises ValueError naming a setting that is
    not valid (a limit that is not a whole number above 0, an unknown PORTAL_STORE …; a site profile that cannot
    be used is a ``siteprofiles.ProfileError`` naming its file and key)."""
    env = dict(os.environ if environ is None else environ)
    return Settings(
        index_dir=Path(_value("PORTAL_INDEX_DIR", env)),
        documents_dir=Path(_value("PORTAL_DOCUMENTS_DIR", env)),
        userdict=Path(_value("PORTAL_USERDICT", env)),
        crawl_dir=Path(_value("PORTAL_CRAWL_DIR", env)),
        host=_value("PORTAL_HOST", env),
        port=limits.whole_number("PORTAL_PORT", _value("PORTAL_PORT", env), 0, 65535),
        base_url=_base_url(_value("PORTAL_BASE_URL", env)),
        allowed_hosts=tuple(
            host.strip().lower() for host in _value("PORTAL_ALLOWED_HOSTS", env).split(",") if host.strip()
        ),
        site_name=_value("PORTAL_SITE_NAME", env),
        lock_timeout=_seconds("PORTAL_LOCK_TIMEOUT", env, zero=True, below=86_400 * 365),
        synonyms=Path(_value("PORTAL_SYNONYMS", env)),
        query_log=Path(env["PORTAL_QUERY_LOG"]) if env.get("PORTAL_QUERY_LOG") else None,
        query_log_days=_positive("PORTAL_QUERY_LOG_DAYS", env),
        hot_blocklist=Path(_value("PORTAL_HOT_BLOCKLIST", env)),
        threads=_threads(_value("PORTAL_THREADS", env)),
        workers=_workers(env.get("PORTAL_WORKERS", "")),
        store=_store(_value("PORTAL_STORE", env), _value("PORTAL_MANTICORE", env)),
        manticore=_value("PORTAL_MANTICORE", env),
        query_log_max_queries=_positive("PORTAL_QUERY_LOG_MAX_QUERIES", env),
        hot_min_clients=_positive("PORTAL_HOT_MIN_CLIENTS", env),
        max_connections=_positive("PORTAL_MAX_CONNECTIONS", env),
        header_timeout=_seconds("PORTAL_HEADER_TIMEOUT", env),
        keepalive_timeout=_seconds("PORTAL_KEEPALIVE_TIMEOUT", env),
        limits=replace(limits.current(env), site_profiles=_site_profiles(_value("PORTAL_SITE_PROFILES", env))),
        export_dir=Path(_value("PORTAL_EXPORT_DIR", env)),
        history=Path(env["PORTAL_HISTORY"]) if env.get("PORTAL_HISTORY") else None,
    )


def _seconds(name: str, environ: dict[str, str], zero: bool = False, below: float = 86_400) -> float:
    """A setting that is a time in seconds above 0 (``zero``: 0 or more, a wait that may be none) and below
    ``below``: ValueError naming it otherwise (text, a number out of range, ``nan`` or ``inf``, which ``float`` takes
    but no time can be)."""
    value = _value(name, environ)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not (0 <= seconds if zero else 0 < seconds) or not seconds < below:
        raise ValueError(f"{name} must be a number of seconds {'0 or more' if zero else 'above 0'}, not {value!r}")
    return seconds


def _positive(name: str, environ: dict[str, str]) -> int:
    """A setting that is a whole number above 0: ValueError naming it otherwise."""
    return limits.whole_number(name, _value(name, environ))


def _threads(value: str) -> int:
    """PORTAL_THREADS, checked: ValueError unless a whole number from 1 to 64."""
    return limits.whole_number("PORTAL_THREADS", value, 1, 64)


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset`` narrows)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _workers(value: str) -> int:
    """PORTAL_WORKERS, checked: the cores (:func:`cores`) when empty, else ValueError unless a whole number from 1
    to 64."""
    if not value.strip():
        return min(64, cores())
    return limits.whole_number("PORTAL_WORKERS", value, 1, 64)


def _store(value: str, manticore: str) -> str:
    """PORTAL_STORE, checked: ValueError for an unknown store, or a cluster store without PORTAL_MANTICORE."""
    value = value.strip().lower()
    if value not in STORES:
        raise ValueError(f"PORTAL_STORE must be one of {', '.join(STORES)}, not {value!r}")
    if value == "manticore" and not manticore.strip():
        raise ValueError("PORTAL_STORE=manticore needs PORTAL_MANTICORE (host:port of each shard, e.g. 127.0.0.1:9306)")
    return value
