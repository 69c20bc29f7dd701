"""The `portal` command: ingest, search, lookup, serve, stats (and crawl). `python -m portal` is the same."""

from __future__ import annotations

import errno
import html
import json
import re
import sys
from dataclasses import asdict, replace
from pathlib import Path

import click

from index.query import SearchRequest
from index.query.protocols import SearchStore, StoreError
from index.query.request import FACETS, FIELDS, PAGE_MAX, PER_PAGE_DEFAULT, PER_PAGE_MAX, SORTS
from portal.crawl_command import crawl
from portal.params import Params, parse_filters
from portal.settings import SETTINGS, load_settings


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _catalog(check: str = "read") -> SearchStore:
    """The store PORTAL_STORE names. Most commands read a little of it and end, so the Whoosh index's blocks are
    checked against their checksums as they are read; one reading all of it checks all at open (``"open"``;
    portal.stores.catalog_for)."""
    from portal.stores import catalog_for

    return catalog_for(load_settings(), check=check)


def _help_settings(context: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print every setting (portal.settings.SETTINGS): its environment variable, default and help; then exit."""
    if not value or context.resilient_parsing:
        return
    for setting in SETTINGS:
        click.echo(f"{setting.name}={setting.default}")
        click.echo(f"    {setting.help}")
    context.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--help-settings",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_help_settings,
    help="List every setting (environment variable), its default and what it sets, and exit.",
)
def cli() -> None:
    """政府信息公开检索: ingest disclosure documents and search them."""
    try:
        load_settings()  # a setting that is not valid (or a site profile that cannot be used) is said once, here
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--prune", is_flag=True, help="Mark 已撤下 documents whose source under PATHS is gone (never deleted).")
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the live one and swap it in.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--scheduler", help="PORTAL_STORE=manticore: a Dask scheduler (tcp://host:8786) whose workers ingest.")
@click.option("--workers", type=click.IntRange(0, 256), default=0, help="… or start N local Dask workers (0: none).")
def ingest(
    paths: tuple[Path, ...], prune: bool, rebuild: bool, as_json: bool, quiet: bool, scheduler: str, workers: int
) -> None:
    """Read documents from PATHS (files or folders; default PORTAL_DOCUMENTS_DIR) into the index."""
    from index.ingest import iter_files
    from index.pipeline import ingest as run_ingest
    from portal.progress import IngestProgress
    from portal.stores import ingest_store_for

    settings = load_settings()
    paths = paths or (settings.documents_dir,)
    store = ingest_store_for(settings, scheduler=scheduler, workers=workers)  # the store PORTAL_STORE names
    show_bar = not (quiet or as_json) and sys.stderr.isatty()
    bar = IngestProgress(list(iter_files(paths))) if show_bar else None
    try:
        report = run_ingest(
            store,
            paths,
            prune=prune,
            rebuild=rebuild,
            progress=bar,
            bounds=settings.limits,
            history_path=settings.history_path,
        )
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        if not _disk_full(exc):
            raise
        raise click.ClickException(
            f"磁盘已满：索引目录 {store.where} 所在的磁盘没有空间了，本次收录没有完成；"
            "已有的索引保持原样。腾出空间后再运行 portal ingest。"
        ) from None
    finally:
        store.close()
        if bar is not None:
            bar.close()
    if as_json:
        _echo_json(report.to_dict())
        return
    _print_report(report, store.where)


def _disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, says the disk (or the user's quota) is full."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _print_report(report, index_dir: Path | str) -> None:
    """The report in Chinese: counts, then per section a count per kind and examples (portal/ingest_report.py)."""
    from portal.ingest_report import report_lines

    for line in report_lines(report, index_dir):
        click.echo(line)


# Facets the search command filters by, one repeatable option each (--publisher, --year, --validity, --kind);
# the three classification dimensions share --category, which finds the dimension that holds the value.
CATEGORY_FACETS = ("category_scheme", "category_topic", "category_genre")
OPTION_FACETS = tuple(key for key in FACETS if key not in CATEGORY_FACETS)


def facet_options(command):
    for key in reversed(OPTION_FACETS):
        command = click.option(f"--{key}", key, multiple=True, help=f"Only this {FACETS[key]} (repeatable).")(command)
    return command


@cli.command()
@click.argument("query", nargs=-1)
@facet_options
@click.option("--category", multiple=True, help="Only this classification, in any dimension (repeatable).")
@click.option("--field", type=click.Choice(list(FIELDS)), default="all")
@click.option("--sort", type=click.Choice(list(SORTS)), default="relevance")
@click.option("--limit", "-n", type=click.IntRange(1, PER_PAGE_MAX), default=PER_PAGE_DEFAULT, show_default=True)
@click.option("--page", type=click.IntRange(1, PAGE_MAX), default=1)
@click.option("--json", "as_json", is_flag=True)
def search(query, category, field, sort, limit, page, as_json, **facets) -> None:
    """Full-text search (quote a phrase: '"政府信息公开"'). The filters are read as the web page reads its query
    string (portal.params.parse_filters): a year that is not one is dropped with a notice, not searched for."""
    notices: list[str] = []
    filters = parse_filters(Params({key: list(values) for key, values in facets.items()}), notices)
    request = SearchRequest(q=" ".join(query), field=field, filters=filters, sort=sort, page=page, per_page=limit)
    catalog = _catalog()
    try:
        result = _search_with_category(catalog, request, list(category))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    result.notices[:0] = notices
    if as_json:
        _echo_json(asdict(result))
        return
    if result.error:
        raise click.ClickException(result.error)
    _print_hits(result)


def _print_hits(result) -> None:
    """``第1–10条，共16条``, then each hit: title, 有效性, metadata line, snippet (matches in bold), path."""
    first = (result.page - 1) * result.request.per_page + 1
    if result.hits:
        click.echo(f"第{first}–{first + len(result.hits) - 1}条，共{result.total}条（{result.elapsed_ms:.0f} 毫秒）")
    else:
        click.echo(f"共0条（{result.elapsed_ms:.0f} 毫秒）")
    for notice in result.notices:
        click.echo(f"注意：{notice}")
    for number, hit in enumerate(result.hits, first):
        badges = "".join(f"［{value}］" for value in (hit.kind if hit.kind == "解读" else "", hit.validity) if value)
        date = hit.pub_date or (f"成文 {hit.written_date}" if hit.written_date else "")
        line = " · ".join(part for part in (hit.publisher, date, hit.doc_no, hit.index_no) if part)
        click.echo(f"\n{number}. {hit.title}{badges}\n   {line}")
        snippet = _terminal_text(hit.snippet_html)
        if snippet:
            click.echo(f"   {snippet}")
        click.echo(f"   /doc/{hit.id}")
    if result.suggestions:
        click.echo(f"\n试试：{'；'.join(result.suggestions)}")


SNIPPET_CHARS = 160  # a snippet is cut here on the terminal (one to three lines)


def _terminal_text(markup: str, limit: int = SNIPPET_CHARS) -> str:
    """Highlight markup as terminal text: <mark> in bold (click drops the styling when not on a terminal),
    one line, cut at ``limit`` characters with …."""
    out, shown = [], 0
    for i, part in enumerate(re.split(r"<mark>(.*?)</mark>", markup)):
        text = html.unescape(re.sub(r"<[^>]*>", "", part)).replace("\n", " ")
        text = text[: max(0, limit - shown)]
        shown += len(text)
        out.append(click.style(text, bold=True) if i % 2 and text else text)
        if shown >= limit:
            out.append("…")
            break
    return "".join(out)


def _search_with_category(catalog: SearchStore, request: SearchRequest, categories: list[str]):
    """A category given on the command line matches whichever dimension holds it."""
    if not categories:
        return catalog.search(request)
    counts = catalog.facet_counts()
    for key in CATEGORY_FACETS:
        known = {value.value for value in counts[key]}
        chosen = [c for c in categories if c in known]
        if chosen:
            request.filters[key] = chosen
    if not any(request.filters.get(k) for k in CATEGORY_FACETS):
        raise click.ClickException(f"no such classification: {', '.join(categories)}")
    return catalog.search(request)


@cli.command()
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True)
def lookup(identifier: str, as_json: bool) -> None:
    """Find documents by 索引号 (whole, or 后段码 alone) or by 文号 in any bracket form."""
    try:
        matches = _catalog().lookup(identifier)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json([asdict(m) for m in matches])
        return
    if not matches:
        raise click.ClickException(f"no document with 索引号 or 文号 {identifier!r}")
    for doc in matches:
        click.echo(f"{doc.title}")
        if doc.copies:
            click.echo(f"  副本     {'、'.join(copy.id for copy in doc.copies)}")
        click.echo(f"  索引号   {doc.index_no or '—'}")
        click.echo(f"  发布机构 {doc.publisher or '—'}")
        click.echo(f"  公开日期 {doc.pub_date or '—'}")
        click.echo(f"  文号     {doc.doc_no or '—'}")
        click.echo(f"  分类     {' / '.join(doc.categories) or '—'}")
        click.echo(f"  /doc/{doc.id}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The same figures as /stats.json.")
def stats(as_json: bool) -> None:
    """收录文件统计: every figure of the /stats page (per year, publisher, classification, 有效性, 原文/解读)."""
    from portal.responses import to_json
    from portal.statistics import statistics

    try:
        figures = statistics(_catalog())
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(to_json(figures))
        return
    click.echo(f"收录文件统计（数据截至 {figures.last_commit.replace('T', ' ')}）")
    click.echo(f"  文件总数    {figures.documents} 份（同一文件的副本不重复计数）")
    click.echo(f"  副本        {figures.copies} 条（与另一条标题、正文相同）")
    click.echo(f"  发布机构    {figures.publishers} 个")
    click.echo(f"  年份        {figures.years} 个")
    click.echo(f"  政策解读    {figures.interpretations} 份")
    click.echo(f"  内容提示    {figures.flagged} 份（疑含插入广告或文字丢失）")
    for item in figures.breakdowns:
        click.echo(f"\n{item.title}（文件数 · 占比 · {item.label}）")
        for count in item.counts:
            click.echo(f"  {count.count:6d}  {count.share:5.1f}%  {count.label}")
        if item.unknown:
            click.echo(f"  {item.unknown:6d}  {100 * item.unknown / figures.documents:5.1f}%  {item.unknown_label}")
    _echo_query_log()


def _echo_query_log() -> None:
    """For operators only: 热搜词 and the queries that found nothing, from the portal's query log."""
    from portal.querylog import HOT_DAYS, QueryLog

    settings = load_settings()
    querylog = QueryLog.from_settings(settings)
    hot, empty = querylog.hot(20), querylog.empty(50)
    click.echo(f"\n热搜词（近 {HOT_DAYS} 天，公开显示的）")
    for item in hot:
        click.echo(f"  {item.count:6d}  {item.q}")
    if not hot:
        click.echo("  （暂无）")
    click.echo(f"\n无结果的检索词（近 {settings.query_log_days} 天，仅供运维查看，不公开）")
    for item in empty:
        click.echo(f"  {item.count:6d}  {item.q}")
    if not empty:
        click.echo("  （暂无）")


@cli.command()
@click.option("--host", default=None, help="Address to bind (PORTAL_HOST, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (PORTAL_PORT, default 8000).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes answering requests (PORTAL_WORKERS, default one a core); 1 serves in this process.",
)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the public portal."""
    settings = load_settings()
    if settings.store != "manticore":  # hashing the index's files goes on beside the imports (index/whoosh/live.py)
        from index.whoosh.live import start_checks

        start_checks(settings.index_dir)
    from portal.server import run, server_config

    # The bound address is also the default public host (portal.origin), so the options go into the settings.
    settings = replace(settings, host=host or settings.host, port=settings.port if port is None else port)
    try:
        run(server_config(settings, workers=workers or settings.workers))
    except OSError as exc:  # the address is taken, or not this machine's
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.argument("out", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--since-snapshot",
    "base",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also write the delta from this earlier snapshot folder.",
)
@click.option(
    "--since",
    "since_day",
    help="Also write the delta since this day (YYYY-MM-DD, UTC), from the history's events.",
)
@click.option("--warc", is_flag=True, help="Also write the raw pages (crawl folder and history) as pages.warc.gz.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def export(out: Path | None, base: Path | None, since_day: str | None, warc: bool, as_json: bool) -> None:
    """Write a snapshot of every document into OUT (default PORTAL_EXPORT_DIR): JSON Lines and CSV, every version,
    a manifest (docs/bulk-data.md)."""
    from index import snapshot
    from index.history import History

    settings = load_settings()
    out = out or settings.export_dir
    if base and since_day:
        raise click.UsageError("give --since-snapshot or --since, not both")
    if since_day and not _is_day(since_day):
        raise click.BadParameter(f"{since_day!r} is not a day (YYYY-MM-DD)", param_hint="--since")
    with History(settings.history_path, readonly=True) as past:
        try:
            start = (
                snapshot.snapshot_base(base) if base else snapshot.history_base(past, since_day) if since_day else None
            )
            records = (snapshot.record_of(doc, past.document(doc.id)) for doc in _catalog(check="open").documents())
            extras = {snapshot.VERSIONS_JSONL: lambda path: snapshot.write_jsonl(path, _versions(past))}
            if warc:
                extras["pages.warc.gz"] = _warc_writer(settings.crawl_dir, past)
            folder = snapshot.write_snapshot(records, out, base=start, extras=extras)
        except snapshot.SnapshotError as exc:
            raise click.ClickException(str(exc)) from None
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
    manifest = snapshot.read_manifest(folder)
    if as_json:
        _echo_json(manifest.to_json())
        return
    click.echo(f"快照 {folder}：{manifest.documents} 份文件（在线 {manifest.online}，已撤下 {manifest.withdrawn}）")
    for entry in manifest.files:
        click.echo(f"  {entry.name}  {entry.records} 条  {entry.bytes} 字节  SHA-256 {entry.sha256}")
    if manifest.delta:
        delta = manifest.delta
        click.echo(f"相对 {delta.base}：新增 {delta.added}，更新 {delta.changed}，撤下 {delta.withdrawn}")


def _is_day(text: str) -> bool:
    """Whether ``text`` is a day of the calendar written YYYY-MM-DD: ``2024-13-45`` has the shape but is none, and
    a delta "since" it would hold every document as new."""
    from datetime import date

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _versions(past):
    """Every version the history keeps, by id then number: the id, n, when it was first and last seen, the
    SHA-256 of the raw bytes it was read from, and the document as it was (a snapshot record's content fields)."""
    from index import snapshot

    history_only = ("state", "withdrawn_at", "withdrawn_how", "first_seen", "last_seen", "versions", "fetched_at")
    for doc_id in past.doc_ids():
        found = past.document(doc_id)
        for info in found.versions if found else []:
            version = past.version(doc_id, info.n)
            if version is None:
                continue
            fields = {k: v for k, v in snapshot.record_of(version.document).items() if k not in history_only}
            yield {"id": doc_id, **snapshot.version_entry(info), "document": fields}


def _warc_writer(crawl_dir: Path, past):
    """Writes the raw pages (the crawl folder's, then the history's) as WARC to the path it is given."""
    from itertools import chain

    from index.warc import crawled_pages, history_pages, write_warc

    return lambda path: write_warc(chain(crawled_pages(crawl_dir), history_pages(past)), path)


@cli.command()
def doctor() -> None:
    """Check the index: its pointer, every committed file against its checksum, the saved arrays, the sources
    record. With PORTAL_STORE=manticore, the cluster: each shard's searchd reachable, its tables present, its
    document count on every replica and against the documents the cluster lists (index/cluster/doctor.py says
    what is not checked). Prints what is wrong, in Chinese; exit status 1 when something is damaged."""
    settings = load_settings()
    if settings.store == "manticore":
        from index.cluster.doctor import diagnose as diagnose_cluster
        from index.cluster.topology import parse_topology

        where = f"集群 {settings.manticore}"
        advice = "启动没有应答的 searchd；表缺失时检查它的配置；篇数不符时运行 portal ingest --rebuild。"
        try:
            topology = parse_topology(settings.manticore)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        findings = diagnose_cluster(topology)
    else:
        from index.whoosh.doctor import diagnose

        where = f"索引 {settings.index_dir}"
        advice = "运行 portal ingest --rebuild 从源文件重建索引。"
        findings = diagnose(settings.index_dir)
    for finding in findings:
        click.echo(str(finding))
    damaged = [finding for finding in findings if finding.damaged]
    if damaged:
        click.echo(f"\n{where} 有 {len(damaged)} 处损坏。")
        click.echo(advice)
        sys.exit(1)
    click.echo(f"\n{where} 完好。")


@cli.command()
def optimize() -> None:
    """Merge the index's segments into one, dropping the documents updates and deletions left behind: searches
    read one segment instead of several. Holds the ingest lock; searches go on meanwhile. Worth running after many
    nightly re-crawls (index/whoosh/merge.py says when merges happen by themselves)."""
    from index.whoosh.merge import optimize as merge_all

    settings = load_settings()
    if settings.store != "whoosh":
        raise click.ClickException("optimize merges the embedded (Whoosh) index; the cluster merges its own")
    try:
        before, after = merge_all(settings.index_dir, lock_timeout=settings.lock_timeout)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"索引 {settings.index_dir}：{before} 个分段 → {after} 个分段。")


@cli.command()
@click.argument("doc_id", required=False)
@click.option("--reason", default="", help="Why (a court order, a complaint's reference): written to the log.")
@click.option("--list", "show_log", is_flag=True, help="Print the takedown log instead.")
def takedown(doc_id: str | None, reason: str, show_log: bool) -> None:
    """Remove document DOC_ID for a legal takedown, from the store and its history; the removal is logged
    (what, when, why). A document whose source is gone is never removed this way: --prune marks it 已撤下."""
    from index.history import History
    from index.takedown import UnknownDocument, take_down
    from portal.stores import ingest_store_for

    settings = load_settings()
    if show_log:
        for entry in History(settings.history_path, readonly=True).takedowns():
            click.echo(f"{entry.at}\t{entry.doc_id}\t{entry.title}\t{entry.url}\t{entry.versions} 版\t{entry.reason}")
        return
    if not doc_id:
        raise click.UsageError("give the id of the document to take down, or --list")
    store = ingest_store_for(settings)  # the store PORTAL_STORE names
    try:
        entry = take_down(doc_id, reason, store=store, history_path=settings.history_path)
    except ValueError as exc:
        raise click.UsageError(f"{exc}：请用 --reason 说明依据") from None
    except UnknownDocument:
        raise click.ClickException(f"没有这份文件：{doc_id}") from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    click.echo(f"已删除 {entry.doc_id}（{entry.title}，{entry.versions} 个版本），{entry.at}，理由：{entry.reason}")


cli.add_command(crawl)


def main() -> None:
    cli(prog_name="portal")
