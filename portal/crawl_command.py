"""`portal crawl`: fetch a disclosure site's pages into the crawl folder that `portal ingest` reads."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from portal.settings import load_settings

if TYPE_CHECKING:
    from index.crawl.crawler import CrawlReport

SHOWN_FAILURES = 30  # more go to --json


class Finite(click.FloatRange):
    """A number of seconds or megabytes in a range, finite: click's FloatRange lets ``inf`` and ``nan`` through
    (``nan`` compares false with every bound), which no delay or byte count can be."""

    name = "finite number"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


@click.command("crawl")
@click.argument("url", required=False)
@click.option(
    "--urls-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fetch the URLs in this file (one a line) instead of starting from URL.",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Crawl folder [default: PORTAL_CRAWL_DIR]."
)
@click.option("--max-pages", type=click.IntRange(1), help="Stop after this many pages; run again to resume.")
@click.option("--max-list-pages", type=click.IntRange(1), default=200, show_default=True, help="Pagination depth.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option("--delay", type=Finite(0), default=0.5, show_default=True, help="Seconds between requests to a host.")
@click.option(
    "--timeout",
    type=Finite(0, min_open=True),
    default=15.0,
    show_default=True,
    help="Seconds for one request, body included.",
)
@click.option("--retries", type=click.IntRange(0), default=2, show_default=True, help="Retries after a failed try.")
@click.option("--attachments/--no-attachments", default=False, show_default=True, help="Download attachments.")
@click.option("--max-attachment-mb", type=Finite(0, min_open=True), default=20.0, show_default=True)
@click.option("--max-attachments-per-page", type=click.IntRange(0), default=50, show_default=True)
@click.option("--max-attachment-mb-per-page", type=Finite(0), default=100.0, show_default=True)
@click.option("--max-attachments", type=click.IntRange(0), default=10_000, show_default=True, help="Per crawl.")
@click.option("--max-attachment-mb-total", type=Finite(0), default=2000.0, show_default=True, help="Per crawl.")
@click.option("--detail-pattern", help="Regex a detail page's URL must match.")
@click.option("--contact", help="Contact URL for the User-Agent [default: PORTAL_BASE_URL].")
@click.option("--restart", is_flag=True, help="Forget a stopped crawl's frontier and start over.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def crawl(
    url: str | None,
    urls_file: Path | None,
    out: Path | None,
    max_pages: int | None,
    max_list_pages: int,
    concurrency: int,
    delay: float,
    timeout: float,
    retries: int,
    attachments: bool,
    max_attachment_mb: float,
    max_attachments_per_page: int,
    max_attachment_mb_per_page: float,
    max_attachments: int,
    max_attachment_mb_total: float,
    detail_pattern: str | None,
    contact: str | None,
    restart: bool,
    as_json: bool,
) -> None:
    """Crawl from URL (a list page or a sitemap.xml) or --urls-file into the crawl folder.

    Polite by default: robots.txt obeyed, one request per host every --delay seconds,
    unchanged pages revalidated with conditional requests. A stopped crawl (Ctrl-C or
    --max-pages) resumes when run again with the same start.
    """
    import re

    from index.crawl.crawler import CrawlOptions, run_crawl
    from index.crawl.fetch import MB
    from index.crawl.state import CrawlError
    from index.crawl.urls import UnsupportedURL

    start = urls_file or url
    if (url is None) == (urls_file is None) or start is None:
        raise click.UsageError("give a start URL or --urls-file, not both")
    if detail_pattern:
        try:
            re.compile(detail_pattern)
        except re.error as exc:
            raise click.BadParameter(str(exc), param_hint="--detail-pattern") from exc
    settings = load_settings()
    crawl_dir = out or settings.crawl_dir
    options = CrawlOptions(
        max_pages=max_pages,
        max_list_pages=max_list_pages,
        concurrency=concurrency,
        delay=delay,
        timeout=timeout,
        retries=retries,
        download_attachments=attachments,
        max_attachment_bytes=int(max_attachment_mb * MB),
        max_attachments_per_page=max_attachments_per_page,
        max_attachment_bytes_per_page=int(max_attachment_mb_per_page * MB),
        max_attachments=max_attachments,
        max_attachment_bytes_total=int(max_attachment_mb_total * MB),
        detail_pattern=detail_pattern,
        restart=restart,
        contact_url=contact if contact is not None else settings.base_url,
    )
    bar = _progress_bar() if not as_json and sys.stderr.isatty() else None
    if bar is not None:
        options.progress = lambda done, known: _advance(bar, done, known)
    try:
        report = run_crawl(start, crawl_dir, options=options)
    except UnsupportedURL as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from exc
    except CrawlError as exc:
        raise click.BadParameter(str(exc), param_hint="--urls-file") from exc
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        click.echo(json.dumps({"crawl_dir": str(crawl_dir), **report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        _print_report(report, crawl_dir)
    if report.interrupted:
        sys.exit(130)


def _progress_bar():
    from tqdm import tqdm

    return tqdm(unit=" 页", desc="crawl", file=sys.stderr, leave=False)


def _advance(bar, done: int, known: int) -> None:
    bar.total = known  # the frontier grows as list pages are read
    bar.update(done - bar.n)


def _print_report(report: CrawlReport, crawl_dir: Path) -> None:
    if report.finished:
        state = "finished"
    else:
        why = "interrupted" if report.interrupted else "stopped at --max-pages"
        state = f"{why}; {report.remaining} URLs left, run the same command again to resume"
    click.echo(f"crawl of {report.start} into {crawl_dir}: {state}{' (resumed)' if report.resumed else ''}")
    click.echo(
        f"fetched {report.fetched} (list pages {report.list_pages}), stored {report.pages_stored}, "
        f"not modified {report.not_modified}, attachments {report.attachments_downloaded}, "
        f"failed {len(report.failed)}, skipped by robots.txt {len(report.skipped_by_robots)}"
    )
    if report.failed:
        click.echo("\nfailed:")
        for failure in report.failed[:SHOWN_FAILURES]:
            click.echo(f"  {failure.url}  {failure.reason}")
        if len(report.failed) > SHOWN_FAILURES:
            click.echo(f"  … and {len(report.failed) - SHOWN_FAILURES} more (use --json for all)")
    if report.capped:
        click.echo("\nattachments left out (a cap was reached):")
        for failure in report.capped[:SHOWN_FAILURES]:
            click.echo(f"  {failure.url}  {failure.reason}")
    if report.cleaned:
        click.echo("\ncleaned up after a stopped crawl:")
        for line in report.cleaned[:SHOWN_FAILURES]:
            click.echo(f"  {line}")
    if report.skipped_by_robots:
        click.echo("\nskipped by robots.txt:")
        for url in report.skipped_by_robots[:SHOWN_FAILURES]:
            click.echo(f"  {url}")
