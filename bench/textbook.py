"""The textbook baseline: jieba's bundled ``ChineseAnalyzer`` in a plain Whoosh schema, Whoosh's defaults.

What a tutorial builds (jieba's README, Whoosh's quickstart): title and body as ``TEXT`` fields analysed
by ``jieba.analyse.ChineseAnalyzer`` (search-mode cut, stop words, stemming), one default writer, one
commit, and queries parsed by a ``MultifieldParser`` over title and body (words ANDed, BM25F). Publisher
and year are sortable columns, so that it can count facets as the portal does (``search_with_facets``).
Every benchmark figure stands beside it, measured in the same run on the same documents.

``python -m bench.textbook FILE INDEX_DIR`` builds one.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup, QueryParserError
from whoosh.query import And, Every, NumericRange, Term


def records(path: Path) -> Iterator[dict]:
    """The corpus records of a .jsonl or .jsonl.gz file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer),
        publisher=ID(stored=True, sortable=True),
        year=NUMERIC(int, sortable=True),
    )


def build(corpus: Path, index_dir: Path) -> int:
    """Index every record of ``corpus`` at ``index_dir`` (replacing what is there); returns the count."""
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), schema())
    writer = ix.writer()
    count = 0
    for record in records(corpus):
        fields = {"id": record["id"], "title": record.get("title") or "", "body": record.get("body") or ""}
        fields["publisher"] = record.get("publisher") or ""
        year = str(record.get("year") or record.get("date") or "")[:4]
        if year.isdigit():
            fields["year"] = int(year)
        writer.add_document(**fields)
        count += 1
    writer.commit()
    return count


class Textbook:
    """Search over a textbook index: ``search(text) -> [doc id, …]``, best first; the query's words ANDed
    (Whoosh's default ``AndGroup``)."""

    group = None

    def __init__(self, index_dir: Path) -> None:
        self.ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        extra: dict[str, object] = {"group": self.group} if self.group else {}
        self.parser = MultifieldParser(["title", "body"], self.ix.schema, **extra)

    def search(self, text: str, limit: int = 10) -> list[str]:
        try:
            query = self.parser.parse(text)
        except QueryParserError:
            return []
        return [hit["id"] for hit in self.searcher.search(query, limit=limit)]

    def search_with_facets(self, text: str, filters: dict | None = None, newest: bool = False) -> list[str]:
        """Ten hits with publisher and year counted over every match, as the portal's result page does."""
        try:
            query = self.parser.parse(text) if text else Every()
        except QueryParserError:
            return []
        clauses = [Term("publisher", value) for value in (filters or {}).get("publisher", [])]
        clauses += [NumericRange("year", int(y), int(y)) for y in (filters or {}).get("year", [])]
        results = self.searcher.search(
            query,
            limit=10,
            filter=And(clauses) if clauses else None,
            sortedby=sorting.FieldFacet("year", reverse=True) if newest else None,
            groupedby={name: sorting.FieldFacet(name, maptype=sorting.Count) for name in ("publisher", "year")},
        )
        results.groups("publisher")
        return [hit["title"] and hit["id"] for hit in results]

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


class TextbookOr(Textbook):
    """The same index with any word allowed to match (Whoosh's ``OrGroup``, plain BM25F sum): what a tutorial
    does when AND finds too little."""

    group = OrGroup


if __name__ == "__main__":
    import sys
    import time

    started = time.perf_counter()
    built = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps({"documents": built, "seconds": time.perf_counter() - started}))
