"""The `portal` command: ingest, search, lookup, serve, stats (and crawl). `python -m portal` is the same."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from index.analysis import ChineseAnalyzer
from index.query import FACETS, Catalog, SearchRequest
from index.store import IndexBusy, NoIndex
from portal.crawl_command import crawl
from portal.settings import load_settings


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _catalog() -> Catalog:
    return Catalog(load_settings().index_dir)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """政府信息公开检索: ingest disclosure documents and search them."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--prune", is_flag=True, help="Remove documents whose source under PATHS is gone.")
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the live one and swap it in.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[Path, ...], prune: bool, rebuild: bool, as_json: bool, quiet: bool) -> None:
    """Read documents from PATHS (files or folders; default PORTAL_DOCUMENTS_DIR) into the index."""
    from tqdm import tqdm

    from index.ingest import ingest_paths

    settings = load_settings()
    paths = paths or (settings.documents_dir,)
    show_bar = not (quiet or as_json) and sys.stderr.isatty()
    bar = tqdm(unit=" 文档", desc="ingest", file=sys.stderr, leave=False) if show_bar else None
    try:
        report = ingest_paths(
            paths,
            settings.index_dir,
            prune=prune,
            rebuild=rebuild,
            lock_timeout=settings.lock_timeout,
            progress=(lambda _where: bar.update()) if bar is not None else None,
            analyzer=ChineseAnalyzer(str(settings.userdict)),
        )
    except IndexBusy as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        _echo_json(report.to_dict())
        return
    _print_report(report, settings.index_dir)


def _print_report(report, index_dir: Path) -> None:
    click.echo(f"index: {index_dir}{' (rebuilt)' if report.rebuilt else ''}")
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, unchanged {report.unchanged}, "
        f"removed {len(report.removed)}, rejected {len(report.rejected)}, duplicates {len(report.duplicates)}, "
        f"warnings {len(report.warnings)}  (files read {report.files_read}, unchanged files {report.files_unchanged})"
    )
    for title, items in (
        ("cleaned up after a stopped ingest", report.cleaned),
        ("rejected", report.rejected),
        ("duplicates", report.duplicates),
        ("warnings", report.warnings),
    ):
        if items:
            click.echo(f"\n{title}:")
            for item in items[:50]:
                click.echo(f"  {item}")
            if len(items) > 50:
                click.echo(f"  … and {len(items) - 50} more (use --json for all)")


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--publisher", multiple=True, help="Only this 发布机构 (repeatable).")
@click.option("--year", multiple=True, help="Only this year (repeatable).")
@click.option("--category", multiple=True, help="Only this classification, in any dimension (repeatable).")
@click.option("--field", type=click.Choice(["all", "title", "body", "doc_no", "index_no"]), default="all")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance")
@click.option("--limit", "-n", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1)
@click.option("--json", "as_json", is_flag=True)
def search(query, publisher, year, category, field, sort, limit, page, as_json) -> None:
    """Full-text search (quote a phrase: '"政府信息公开"')."""
    filters = {"publisher": list(publisher), "year": list(year)}
    request = SearchRequest(q=" ".join(query), field=field, filters=filters, sort=sort, page=page, per_page=limit)
    catalog = _catalog()
    try:
        result = _search_with_category(catalog, request, list(category))
    except NoIndex as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(asdict(result))
        return
    if result.error:
        raise click.ClickException(result.error)
    click.echo(f"{result.total} 条结果 ({result.elapsed_ms:.0f} ms)")
    for hit in result.hits:
        line = " · ".join(part for part in (hit.publisher, hit.pub_date, hit.doc_no, hit.index_no) if part)
        click.echo(f"\n{hit.title}\n  {line}\n  /doc/{hit.id}")
    if result.suggestions:
        click.echo(f"\n试试：{'；'.join(result.suggestions)}")


def _search_with_category(catalog: Catalog, request: SearchRequest, categories: list[str]):
    """A category given on the command line matches whichever dimension holds it."""
    if not categories:
        return catalog.search(request)
    counts = catalog.facet_counts()
    for key in ("category_scheme", "category_topic", "category_genre"):
        known = {value.value for value in counts[key]}
        chosen = [c for c in categories if c in known]
        if chosen:
            request.filters[key] = chosen
    if not any(request.filters.get(k) for k in ("category_scheme", "category_topic", "category_genre")):
        raise click.ClickException(f"no such classification: {', '.join(categories)}")
    return catalog.search(request)


@cli.command()
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True)
def lookup(identifier: str, as_json: bool) -> None:
    """Find documents by 索引号 (whole, or 后段码 alone) or by 文号 in any bracket form."""
    try:
        matches = _catalog().lookup(identifier)
    except NoIndex as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json([asdict(m) for m in matches])
        return
    if not matches:
        raise click.ClickException(f"no document with 索引号 or 文号 {identifier!r}")
    for doc in matches:
        click.echo(f"{doc.title}")
        click.echo(f"  索引号   {doc.index_no or '—'}")
        click.echo(f"  发布机构 {doc.publisher or '—'}")
        click.echo(f"  公开日期 {doc.pub_date or '—'}")
        click.echo(f"  文号     {doc.doc_no or '—'}")
        click.echo(f"  分类     {' / '.join(doc.categories) or '—'}")
        click.echo(f"  /doc/{doc.id}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
def stats(as_json: bool) -> None:
    """Documents in the index, and counts by publisher, classification and year."""
    catalog = _catalog()
    try:
        summary, counts = catalog.stats(), catalog.facet_counts()
    except NoIndex as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json({**summary, "facets": {k: [asdict(v) for v in vs] for k, vs in counts.items()}})
        return
    for key, value in summary.items():
        click.echo(f"{key}: {value}")
    for key, label in FACETS.items():
        click.echo(f"\n{label}:")
        for value in counts[key][:15]:
            click.echo(f"  {value.count:6d}  {value.value}")


@cli.command()
@click.option("--host", default=None, help="Address to bind (PORTAL_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (PORTAL_PORT, default 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the public portal."""
    import uvicorn

    from portal.app import create_app

    settings = load_settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


cli.add_command(crawl)


def main() -> None:
    cli(prog_name="portal")
