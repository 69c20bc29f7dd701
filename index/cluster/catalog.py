""":class:`ClusterCatalog`: what the portal asks (:class:`index.query.protocols.SearchStore`), answered by the
distributed index of a Manticore/Sphinx cluster in SphinxQL.

What matches is what the Whoosh store matches (:mod:`.match`); filters, facets, dates, sorting, copies collapsed
into one hit, pages, highlights, lookups and relations are the Whoosh store's rules in SphinxQL:

* a facet filter is an exact term of the ``keys`` field (a publisher's other names select it too), years and
  date ranges are attribute filters;
* copies of one document (same title and body) are one hit: ``GROUP BY dedup``, the best copy first
  (``WITHIN GROUP ORDER BY`` the list's own order); facet counts count each once (the copies that matched are
  fetched, the ingest marks them ``dup = 1``, and all but the first of each group are taken off the counts);
* sort orders are the Whoosh store's, ties broken by id (Whoosh breaks them by its internal document order).

Ranking differs: Sphinx ranks by its ``proximity_bm25`` ranker with the field weights of
:data:`index.query.plan.TEXT_FIELDS`, not by the engine's BM25F with synonyms scored as one term, whole-text
and near-title bonuses (docs/scale-out.md says where orders may differ and what the tests hold equal).
A shard that does not answer (and has no mirror that does) leaves a partial answer, said on the page.
"""

from __future__ import annotations

import contextlib
import copy
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from index.analysis import ChineseAnalyzer, fast_segmenter, fold, word_counts
from index.cluster.match import MatchBuilder, keys_any, unit_of
from index.cluster.rows import stored_of
from index.cluster.sphinxql import Answer, Cluster, failed_agents, match_token
from index.cluster.topology import Topology, doc_key, value_key
from index.convert import to_simplified
from index.identifiers import doc_no_key, index_no_key
from index.query.compounds import compounds_of
from index.query.identify import identifier_terms, index_no_terms, may_name_documents
from index.query.lexicon import WithLexicon
from index.query.linked import FETCHED, Relations, relations_from
from index.query.plan import FIELD_GROUPS, STOP_WORDS, TEXT_FIELDS, Unit, query_units
from index.query.related import RelatedDoc, related_docs
from index.query.request import FACETS, MAX_QUERY_CHARS, SearchRequest, usable_text
from index.query.results import DocSummary, Expansion, FacetValue, Hit, SearchResult, fold_copies, summary_of
from index.query.search import WARM_QUERY, hit_of, search
from index.query.spelling import Speller, readings
from index.query.suggest import Suggestions, Vocabulary
from index.query.synonyms import DEFAULT_PATH as DEFAULT_SYNONYMS
from index.query.synonyms import Synonyms
from index.query.syntax import parse
from index.record import Document
from index.schema import date_from_key, date_key, from_stored
from index.whoosh.facets import date_bound

PARTIAL = "部分分片暂时无法访问，以下结果可能不完整。"
# A piece of a Latin/digit run ending inside a part ("0527-843" of 0527-84300000) is found by the Whoosh store
# (index/whoosh/engine.py Engine._slots), not yet here (docs/scale-out.md): where nothing is found, the page says so.
RUN_FRAGMENTS = "检索集群按完整的字母数字串（如编号、网址）及其各段检索，暂不支持其中的片段；请输入完整的编号再试。"
_RUN = re.compile(r"[0-9a-z]+(?:[-:/.][0-9a-z]+)+|[0-9a-z]{2,}", re.IGNORECASE)
APPROXIMATE = "检索词较多：在集群中按分词结果至少匹配七成的词，个别被不同切分的词可能未被找到。"
# Sphinx field weights are integers: the engine's TEXT_FIELDS weights times ten, on both of a field's streams.
FIELD_WEIGHTS = ", ".join(
    f"{column}={round(TEXT_FIELDS[name].weight * 10)}"
    for name, columns in (
        ("title", ("title_w", "title_g")),
        ("body", ("body_w", "body_g")),
        ("attachment", ("attachment_g",)),
        ("doc_no", ("doc_no_g",)),
        ("publisher", ("publisher_g",)),
        ("keywords", ("keywords",)),
    )
    for column in columns
)
_STRING_FACETS = ("category_scheme", "category_topic", "category_genre", "validity", "kind", "status")
_ORDER = {
    "relevance": "WEIGHT() DESC, date_key DESC, doc_id ASC",
    "newest": "has_date DESC, date_key DESC, WEIGHT() DESC, doc_id ASC",
    "oldest": "has_date DESC, date_key ASC, WEIGHT() DESC, doc_id ASC",
}
_YEARS = (1900, 2200)
_RANKING = f"ranker=proximity_bm25, field_weights=({FIELD_WEIGHTS})"
# The options of the statements a search sends in one batch (ClusterCatalog._answers) beside its page: the page's
# ranking, so that searchd may share its matching between them (a multi-query shares it only between queries of
# one ranker and one set of weights; the counts do not depend on either).
_FACETING = f"OPTION max_matches=10000, {_RANKING}"
_PAGE = 1000  # rows per request when reading every document (titles, the sitemap)
VOCABULARY_DOCS = 20_000  # newest documents whose words autocomplete and did-you-mean know


def _order_key(sort: str) -> Callable[[dict], tuple]:
    """The Python twin of _ORDER, for rows carrying w, has_date, date_key and doc_id."""
    if sort == "relevance":
        return lambda r: (-r["w"], -r["date_key"], r["doc_id"])
    if sort == "newest":
        return lambda r: (-r["has_date"], -r["date_key"], -r["w"], r["doc_id"])
    return lambda r: (-r["has_date"], r["date_key"], -r["w"], r["doc_id"])


class ClusterCatalog:
    """Read access to the cluster ``topology`` (see the module docstring); thread-safe, one connection per thread.

    ``synonyms`` and ``convert`` are :class:`index.whoosh.catalog.Catalog`'s; ``userdict`` is the jieba dictionary the
    documents were analysed with at ingest (queries are cut the same way).
    """

    def __init__(
        self,
        topology: Topology,
        synonyms=DEFAULT_SYNONYMS,
        convert: bool = True,
        userdict: str | None = None,
    ) -> None:
        self.topology = topology
        self.cluster = Cluster(topology)
        self.synonyms = Synonyms(synonyms)
        self._lexicon = WithLexicon()
        self.convert = convert
        self.analyzer = ChineseAnalyzer(userdict)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, int], object]] = {}
        self._pinned = threading.local()  # this thread's version while one search or page runs (:meth:`_one_version`)
        self._index = topology.index

    # plumbing

    def warm(self) -> None:
        """Load now what the first requests would pay for, as :meth:`index.whoosh.catalog.Catalog.warm` does: the
        segmenter, pypinyin (for corrections by sound), autocomplete and did-you-mean (:meth:`_vocabulary`, and the
        speller's tables of it, :meth:`index.query.spelling.Speller.prepare`), the lexicon's table and the compounds
        of that vocabulary (:meth:`_builder`; the cluster saves no table to load, so it is derived here, 1–2 s), and
        one search (what the search path loads on its first use). Raises StoreUnavailable where no node answers (the
        portal logs it and starts; the first search then pays)."""
        list(self.analyzer("预热", mode="query"))
        with contextlib.suppress(OSError):  # out of file descriptors: the first correction imports it
            readings("预")
        with self._one_version():  # the vocabulary, the builder and the search ask the cluster's version once
            self._vocabulary()[1].prepare()
            self._builder()
            self.search(SearchRequest(q=WARM_QUERY))

    def close(self) -> None:
        self.cluster.close()

    def close_files(self) -> None:
        """Close the connections to the cluster (the next query connects again): before a fork (portal/server.py)."""
        self.cluster.close()

    def _select(self, sql: str, args=(), warnings: list[str] | None = None) -> Answer:
        """One SELECT; where an agent failed and some shard then gave nothing, its warning goes to ``warnings``."""
        answer = self.cluster.select(sql, args)
        self._warn([answer], warnings)
        return answer

    def _warn(self, answers: list[Answer], warnings: list[str] | None) -> None:
        """Where an agent failed for any of ``answers`` and some shard then gives nothing, their warnings go to
        ``warnings``."""
        failed = [answer.warning for answer in answers if failed_agents(answer.warning)]
        if failed and warnings is not None and self._shards_missing():
            warnings.extend(failed)

    def _shards_missing(self) -> list[int]:
        """Shards no replica of which answers now. An agent that failed may have had a mirror answer for it (the
        query is then whole), so the shards holding documents are counted (``GROUP BY shard``) to tell."""
        rows = self.cluster.select(f"SELECT shard, COUNT(*) AS c FROM {self._index} GROUP BY shard").rows
        answered = {int(row["shard"]) for row in rows}
        return [shard for shard in range(len(self.topology.shards)) if shard not in answered]

    def _version(self) -> tuple[int, int]:
        """What changes with every write the portal should see: (documents, latest ``indexed_at``). One
        aggregate query; the cluster sends no commit signal, so cached results are checked against it. Inside
        :meth:`_one_version` the version asked when it began."""
        pinned = getattr(self._pinned, "version", None)
        if pinned is not None:
            return pinned
        rows = self._select(f"SELECT COUNT(*) AS c, MAX(indexed_at) AS last FROM {self._index}").rows
        return (int(rows[0]["c"]), int(rows[0]["last"] or 0)) if rows else (0, 0)

    @contextlib.contextmanager
    def _one_version(self) -> Iterator[None]:
        """Within: :meth:`_version` is asked of the cluster once, on entry, for this thread (a search asks for its
        vocabulary, compounds and speller several times over; each was an aggregate query of its own). A commit
        made meanwhile is seen by the next search or page, which asks again. Nested uses keep the outer one's."""
        if getattr(self._pinned, "version", None) is not None:
            yield
            return
        self._pinned.version = self._version()
        try:
            yield
        finally:
            self._pinned.version = None

    def _cached(self, key: str, compute: Callable[[], object]):
        """``compute()``, kept while the cluster's :meth:`_version` stays the same."""
        version = self._version()
        with self._lock:
            found = self._cache.get(key)
        if found is not None and found[0] == version:
            return found[1]
        value = compute()
        with self._lock:
            self._cache[key] = (version, value)
        return value

    def _simplified(self, text: str) -> str:
        return to_simplified(text) if self.convert else text

    def _builder(self, literal: bool = False) -> MatchBuilder:
        vocabulary, _ = self._vocabulary()
        synonyms = None
        if not literal and self.synonyms.path is not None:
            synonyms = self._lexicon.table(self.synonyms.table(), vocabulary.frequency)
        compounds = self._cached("compounds", lambda: compounds_of(vocabulary.frequency, self.analyzer, self.synonyms))
        return MatchBuilder(self.analyzer, synonyms, compounds)

    # search

    def search(self, req: SearchRequest) -> SearchResult:
        """Search as typed, else corrected or relaxed: the rules of :func:`index.query.search.search`."""
        return search(req, self._simplified, self._searching)

    @contextlib.contextmanager
    def _searching(self, req: SearchRequest) -> Iterator[_Searching]:
        with self._one_version():
            yield _Searching(self, req)

    def _expression(self, builder: MatchBuilder, node, text: str, field: str) -> str:
        """What the query matches: identifiers by their exact keys, everything else as the engine matches it."""
        if field == "index_no":
            return " | ".join(_keys(index_no_terms(text)))
        if field == "doc_no":
            return f"({keys_any('doc_no_keys', [doc_no_key(text)])}) | ({builder.phrase(text, FIELD_GROUPS['doc_no'])})"
        expression = builder.node(node, FIELD_GROUPS[field])
        if field == "all" and may_name_documents(text):
            # A 索引号, 后段码 or 文号 in the search box finds what lookup finds, as the Whoosh catalog does.
            return " | ".join(f"({part})" for part in [expression, *_keys(identifier_terms(text))] if part)
        return expression

    def _filters(self, req: SearchRequest) -> tuple[list[str], list[str], list[object]]:
        """(MATCH parts, attribute conditions, their arguments) of the request's facet filters and date range."""
        matches: list[str] = []
        conditions: list[str] = []
        args: list[object] = []
        for key, values in req.filters.items():
            if key == "year":
                years = [int(v) for v in values if str(v).isdecimal()]
                conditions.append(f"year IN ({', '.join(['%s'] * len(years))})" if years else "year = 0 AND year = 1")
                args += years
            else:
                matches.append(keys_any(key, values))
        low, high = date_bound(req.date_from, upper=False), date_bound(req.date_to, upper=True)
        if low is not None or high is not None:
            conditions.append("has_date = 1")
            if low is not None:
                conditions.append("date_key >= %s")
                args.append(low)
            if high is not None:
                conditions.append("date_key <= %s")
                args.append(high)
        return matches, conditions, args

    def _answers(
        self, where: str, args: list, sort: str, page: tuple[int, int] | None, warnings: list[str]
    ) -> _Answers:
        """Everything a search shows of what ``where`` matches, asked in one round trip (:meth:`Cluster.select_many`,
        one multi-query: searchd may share the matching of the statements differing only in what they group): the
        total, the facet counts' answers, the copies that are not their group's first in ``sort`` order and the
        ``page`` (start, count) of hits (None: no page)."""
        statements = [self._matches_statement(where, args), *self._facet_statements(where, args)]
        if page is not None:
            statements.append(self._grouped_statement(where, args, sort, *page))
        statements.append(self._dropped_statement(where, args))
        counted, *answers = self.cluster.select_many(statements)
        self._warn(answers, warnings)
        faceted, listed = answers[: len(FACETS)], (answers[len(FACETS)] if page is not None else None)
        dropped = self._dropped_of(answers[-1].rows, sort)
        return _Answers(self._total_of(counted, warnings) - len(dropped), faceted, dropped, page, listed)

    def _matches_statement(self, where: str, args: list) -> tuple[str, list]:
        """How many documents match, counted per shard (:meth:`_total_of`)."""
        return f"SELECT shard, COUNT(*) AS c FROM {self._index} {where} GROUP BY shard OPTION {_RANKING}", args

    def _total_of(self, answer: Answer, warnings: list[str]) -> int:
        """The documents :meth:`_matches_statement` counted: where an agent failed and a shard is absent from this
        very answer, the answer is partial (a mirror that took over leaves the warning but not the gap)."""
        answered = {int(row["shard"]) for row in answer.rows}
        if failed_agents(answer.warning) and len(answered) < len(self.topology.shards):
            warnings.append(answer.warning)
        return sum(int(row["c"]) for row in answer.rows)

    def _grouped(self, where: str, args: list, sort: str, start: int, count: int, warnings: list[str]) -> Answer:
        """One page of the ranked list, copies collapsed: id, doc_id, dedup, dup and weight of each hit."""
        return self._select(*self._grouped_statement(where, args, sort, start, count), warnings)

    def _grouped_statement(self, where: str, args: list, sort: str, start: int, count: int) -> tuple[str, list]:
        order = _ORDER[sort]
        limit = max(1000, start + count)
        return (
            f"SELECT id, doc_id, dedup, dup, date_key, has_date, WEIGHT() AS w FROM {self._index} {where} "
            f"GROUP BY dedup WITHIN GROUP ORDER BY {order} ORDER BY {order} LIMIT %s, %s "
            f"OPTION max_matches={limit}, {_RANKING}",
            [*args, start, count],
        )

    def _facet_statements(self, where: str, args: list) -> list[tuple[str, list]]:
        """A grouped count per facet of :data:`FACETS`, in its order (:meth:`_facets_of`)."""
        statements = []
        for key in FACETS:
            if key == "publisher":  # a document's publishers are one multi-value attribute, read back by name
                select, group = "GROUPBY() AS g, COUNT(*) AS c, publisher", "pubs"
            else:
                select, group = f"{key}, COUNT(*) AS c", key
            statements.append(
                (f"SELECT {select} FROM {self._index} {where} GROUP BY {group} LIMIT 10000 {_FACETING}", args)
            )
        return statements

    def _facets_of(self, answers: list[Answer], req: SearchRequest, dropped: list[dict]) -> dict[str, list[FacetValue]]:
        """Facet key → values with counts over the matching documents, each copy group counted once: the answers
        to :meth:`_facet_statements` less the copies ``dropped`` (:meth:`_dropped_of`)."""
        counts: dict[str, dict[str, int]] = {}
        for key, answer in zip(FACETS, answers, strict=True):
            counts[key] = {}
            if key == "publisher":
                for row in answer.rows:
                    name = _publisher_of(row["g"], row["publisher"])
                    if name:
                        counts[key][name] = counts[key].get(name, 0) + int(row["c"])
            else:
                counts[key] = {str(row[key]): int(row["c"]) for row in answer.rows if row[key] not in ("", None)}
        for copy_row in dropped:
            for key, values in _facet_values_of(copy_row).items():
                for value in values:
                    if value in counts[key]:
                        counts[key][value] -= 1
        facets: dict[str, list[FacetValue]] = {}
        for key in FACETS:
            selected = set(req.filters.get(key, []))
            found = [FacetValue(value, count, value in selected) for value, count in counts[key].items() if count > 0]
            if key == "year":
                found = [v for v in found if v.value.isdecimal() and _YEARS[0] <= int(v.value) <= _YEARS[1]]
                found.sort(key=lambda v: v.value, reverse=True)
            else:
                found.sort(key=lambda v: (-v.count, v.value))
            facets[key] = found
        return facets

    def _dropped_statement(self, where: str, args: list) -> tuple[str, list]:
        """The matching copies marked ``dup`` (:meth:`_dropped_of`)."""
        condition = (where + " AND dup = 1") if where else "WHERE dup = 1"
        return (
            f"SELECT id, doc_id, dedup, date_key, has_date, year, publisher, {', '.join(_STRING_FACETS)}, "
            f"WEIGHT() AS w FROM {self._index} {condition} LIMIT 10000 {_FACETING}",
            args,
        )

    def _dropped_of(self, rows: list[dict], sort: str) -> list[dict]:
        """Of the rows of :meth:`_dropped_statement`, the copies that are not their group's first in ``sort`` order
        (they are not hits)."""
        groups: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            groups[row["dedup"]].append(row)
        key = _order_key(sort)
        return [row for members in groups.values() for row in sorted(members, key=key)[1:]]

    def _hits(self, rows: list[dict], needles: list[str]):
        if not rows:
            return []
        statements = [self._stored_statement([row["id"] for row in rows])]
        grouped = [row["dedup"] for row in rows if row["dup"]]
        if grouped:  # the stored fields of the page and of its hits' copies in one round trip
            statements.append(
                (
                    f"SELECT id, doc_id, dedup, stored FROM {self._index} WHERE dedup IN "
                    f"({', '.join(['%s'] * len(grouped))}) ORDER BY doc_id ASC LIMIT 1000 OPTION max_matches=1000",
                    grouped,
                )
            )
        answers = self.cluster.select_many(statements)
        stored = {row["id"]: stored_of(row["stored"]) for row in answers[0].rows}
        copies: dict[int, list[dict]] = defaultdict(list)
        for member in answers[1].rows if grouped else []:
            copies[member["dedup"]].append(member)
        hits = []
        drawn: dict[str, str] = {}  # a body several hits share is cut once
        for row in rows:
            others = [stored_of(m["stored"]) for m in copies.get(row["dedup"], []) if m["id"] != row["id"]]
            hits.append(hit_of(stored.get(row["id"], {"id": row["doc_id"]}), float(row["w"]), needles, others, drawn))
        return hits

    def _stored(self, ids: list[int]) -> dict[int, dict]:
        """Stored fields of documents by integer id."""
        if not ids:
            return {}
        return {row["id"]: stored_of(row["stored"]) for row in self._select(*self._stored_statement(ids)).rows}

    def _stored_statement(self, ids: list[int]) -> tuple[str, list]:
        return (
            f"SELECT id, stored FROM {self._index} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
            f"LIMIT {len(ids)} OPTION max_matches={max(len(ids), 20)}",
            ids,
        )

    def _count(self, match: str, conditions: list[str] | None = None, args=()) -> int:
        return self._counts([match], conditions, args)[0]

    def _counts(self, matches: list[str], conditions: list[str] | None = None, args=()) -> list[int]:
        """How many documents each of ``matches`` finds (with the attribute ``conditions``), in one round trip."""
        if not matches:
            return []
        statements = []
        for match in matches:
            where, arguments = _where(match, conditions or [], list(args))
            statements.append((f"SELECT COUNT(*) AS c FROM {self._index} {where}", arguments))
        return [int(answer.rows[0]["c"]) if answer.rows else 0 for answer in self.cluster.select_many(statements)]

    def _expansions(self, builder: MatchBuilder, field: str) -> list[Expansion]:
        """The synonyms searched for each expanded word that the index holds, as the engine reports them."""
        fields = FIELD_GROUPS.get(field, FIELD_GROUPS["all"])
        asked = [(word, other) for word, alternatives in builder.alternatives.items() for other in alternatives]
        counts = self._counts([builder.unit(unit_of(other), fields) for _, other in asked])
        held: dict[str, list[str]] = {}
        for (word, other), count in zip(asked, counts, strict=True):
            if count:
                held.setdefault(word, []).append(other)
        return [Expansion(word, others) for word, others in held.items()]

    # autocomplete

    def _vocabulary(self) -> tuple[Vocabulary, Speller]:
        """Every title, and the words of titles and bodies with the documents holding each, weighted as
        :meth:`index.query.suggest.Vocabulary.weighed` weighs them, and a speller on them; rebuilt when the cluster
        changes. The cluster keeps no word list to read back, so words come from the stored text of the
        VOCABULARY_DOCS newest documents, cut again (rjieba)."""

        def build() -> tuple[Vocabulary, Speller]:
            titles = [(row["doc_id"], row["title"]) for row in self._every("doc_id, title") if row["title"]]
            cut = fast_segmenter()
            holding: dict[str, dict[str, int]] = {"title": defaultdict(int), "body": defaultdict(int)}
            for start in range(0, VOCABULARY_DOCS, _PAGE):
                rows = self._select(
                    f"SELECT id, stored FROM {self._index} ORDER BY {_ORDER['newest']} "
                    f"LIMIT {start}, {_PAGE} OPTION max_matches={start + _PAGE}"
                ).rows
                for row in rows:
                    stored = stored_of(row["stored"])
                    for name in ("title", "body"):
                        for word in word_counts(to_simplified(str(stored.get(name) or "")), cut):
                            holding[name][word] += 1
                if len(rows) < _PAGE:
                    break
            vocabulary = Vocabulary.weighed(lambda name: holding[name].items(), titles)
            return vocabulary, Speller(vocabulary)

        return self._cached("vocabulary", build)

    def suggest(self, q: str, titles: int = 5, terms: int = 8) -> Suggestions:
        vocabulary, _ = self._vocabulary()
        return vocabulary.complete(usable_text(q)[:MAX_QUERY_CHARS], titles, terms)

    def _every(self, columns: str, condition: str = "", args=()) -> list[dict]:
        """Every document's ``columns``, read a page at a time in id order."""
        return list(self._rows(columns, condition, args))

    def _rows(self, columns: str, condition: str = "", args=()) -> Iterator[dict]:
        """Every document's ``columns`` in id order, one page of rows in memory at a time."""
        last = 0
        while True:
            rows = self._select(
                f"SELECT id, {columns} FROM {self._index} WHERE id > %s {condition} ORDER BY id ASC "
                f"LIMIT {_PAGE} OPTION max_matches={_PAGE}",
                [last, *args],
            ).rows
            yield from rows
            if len(rows) < _PAGE:
                return
            last = rows[-1]["id"]

    # lookup and documents

    def lookup(self, text: str) -> list[Hit]:
        """Documents whose 索引号, 后段码 or 文号 is ``text``, in any of their written forms, newest first; copies
        of one document are one entry (:func:`index.query.results.fold_copies`)."""
        text = usable_text(text)
        match = " | ".join(_keys(identifier_terms(text)))
        rows = self._select(
            f"SELECT id, stored FROM {self._index} WHERE MATCH(%s) ORDER BY {_ORDER['newest']} LIMIT 50",
            [match],
        ).rows
        return fold_copies([stored_of(row["stored"]) for row in rows])

    def get(self, doc_id: str) -> Document | None:
        doc_id = usable_text(doc_id)
        stored = self._stored_by_id(doc_id)
        if stored is None:
            rows = self._select(
                f"SELECT id, stored FROM {self._index} WHERE MATCH(%s) LIMIT 1",
                [keys_any("index_key", [index_no_key(doc_id)])],
            ).rows
            stored = stored_of(rows[0]["stored"]) if rows else None
        return from_stored(stored) if stored else None

    def _stored_by_id(self, doc_id: str) -> dict | None:
        rows = self._select(
            f"SELECT id, doc_id, stored FROM {self._index} WHERE id = %s LIMIT 1", [doc_key(doc_id)]
        ).rows
        return stored_of(rows[0]["stored"]) if rows and rows[0]["doc_id"] == doc_id else None

    def related(self, doc_id: str, limit: int = 8) -> list[RelatedDoc]:
        """本文引用, 引用本文 and 同主题 (:func:`index.query.related.related_docs`); 同主题 here is documents holding
        at least two of its twelve most characteristic words (by tf·idf), ranked by Sphinx."""
        rows = self._select(
            f"SELECT id, doc_id, dedup, stored FROM {self._index} WHERE id = %s LIMIT 1", [doc_key(doc_id)]
        ).rows
        if not rows or rows[0]["doc_id"] != doc_id:
            return []
        return related_docs(_Related(self, rows[0]), from_stored(stored_of(rows[0]["stored"])), limit)

    def _more_like(self, text: str, top: int = 12) -> str:
        """A MATCH for documents holding at least two of the ``top`` words that characterise ``text`` (tf·idf,
        document frequencies from the store's keyword statistics)."""
        counts: dict[str, int] = defaultdict(int)
        for token in self.analyzer(text, mode="query"):
            word = token.text
            if len(word) > 1 and word not in STOP_WORDS and any(ch.isalnum() for ch in word):
                counts[word] += 1
        if not counts:
            return ""
        candidates = sorted(counts, key=lambda word: counts[word], reverse=True)[:200]
        expression = "@body_w " + " | ".join(match_token(word) for word in candidates)
        answer = self._select(f"SELECT id FROM {self._index} WHERE MATCH(%s) LIMIT 1", [expression])
        frequency = {}
        for i in range(len(candidates)):
            keyword = answer.meta.get(f"keyword[{i}]")
            if keyword is not None:
                frequency[keyword] = int(answer.meta.get(f"docs[{i}]", 0))
        total = self._count("") + 1
        weights = {word: n * math.log(total / (1 + frequency.get(word, 0))) for word, n in counts.items()}
        ranked = sorted(weights, key=lambda word: weights[word], reverse=True)
        chosen = [word for word in ranked[:top] if word in frequency]
        if len(chosen) < 2:
            return ""
        builder = MatchBuilder(self.analyzer)
        return builder.at_least([unit_of(word) for word in chosen], 2, ("title", "body"))

    def relations(self, doc: Document) -> Relations:
        """What ``doc``'s text links it to (:func:`index.query.linked.relations_from`'s rules)."""
        return relations_from(self._linked, doc)

    def _linked(
        self, terms: list[tuple[str, list[str]]], kind: str, dated: tuple[str | None, str | None], doc_id: str
    ) -> list[dict]:
        """Stored fields of the documents of ``kind`` holding any of ``terms`` (a :data:`Finder`)."""
        parts = [keys_any(field, tokens) for field, tokens in terms if tokens]
        if not parts:
            return []
        match = "(" + " | ".join(parts) + ") " + keys_any("kind", [kind])
        select, condition, args = "", "", [match, doc_key(doc_id)]
        low, high = dated
        if low or high:
            # Undated documents stay in: their order cannot be known. A partial date bounds by its whole period.
            upper = date_key(high) + {4: 9999, 7: 99}.get(len(high), 0) if high else 2**62
            lower = date_key(low) if low else 0
            select = f", IF(has_date = 0, 1, IF(date_key >= {lower}, 1, 0) * IF(date_key <= {upper}, 1, 0)) AS dated"
            condition = " AND dated = 1"
        rows = self._select(
            f"SELECT id, stored{select} FROM {self._index} WHERE MATCH(%s) AND id != %s{condition} "
            f"ORDER BY has_date DESC, date_key DESC, doc_id ASC LIMIT {FETCHED}",
            args,
        ).rows
        return [stored_of(row["stored"]) for row in rows]

    def latest(self, limit: int = 10) -> list[DocSummary]:
        rows = self._grouped("", [], "newest", 0, limit, []).rows
        stored = self._stored([row["id"] for row in rows])
        return [summary_of(stored[row["id"]]) for row in rows if row["id"] in stored]

    def facet_counts(self) -> dict[str, list[FacetValue]]:
        """Counts over all documents, for the home and browse pages; recomputed when the cluster changes."""

        def count() -> dict[str, list[FacetValue]]:
            answers = self._answers("", [], "newest", None, [])
            return self._facets_of(answers.faceted, SearchRequest(), answers.dropped)

        return copy.deepcopy(self._cached("facets", count))

    def version(self) -> tuple[int, int]:
        """(documents, latest ``indexed_at``): one aggregate query (see :meth:`_version`)."""
        return self._version()

    def documents(self) -> Iterator[Document]:
        """Every document, copies each on its own, in the cluster's id order, a page at a time."""
        for row in self._rows("stored"):
            yield from_stored(stored_of(row["stored"]))

    def document_dates(self) -> list[tuple[str, str]]:
        listed: dict[object, tuple[str, str]] = {}  # copies of one document (one dedup key) once: the smallest id
        for row in self._every("doc_id, date_key, dedup"):
            entry = (row["doc_id"], date_from_key(int(row["date_key"])))
            if row["dedup"] not in listed or entry[0] < listed[row["dedup"]][0]:
                listed[row["dedup"]] = entry
        return list(listed.values())

    def stats(self) -> dict[str, object]:
        with self._one_version():
            counts = self.facet_counts()
            documents, last = self._version()
        flagged = self._count(keys_any("flags", ["spam", "encoding_loss"]))
        return {
            "documents": documents,
            "publishers": len(counts["publisher"]),
            "years": len(counts["year"]),
            "flagged": flagged,
            "generation": f"cluster {self.topology}",
            "last_commit": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(last)) if last else "",
        }


class _Searching:
    """One search request on the cluster (:class:`index.query.search.Searching`): its filters as MATCH parts and
    attribute conditions, a builder per query matched (each records the synonyms, parts and approximations it
    used)."""

    def __init__(self, catalog: ClusterCatalog, req: SearchRequest) -> None:
        self.catalog, self.req = catalog, req
        self.analyzer = catalog.analyzer
        self.filters = catalog._filters(req)
        self._counting: MatchBuilder | None = None

    @property
    def speller(self) -> Speller:
        return self.catalog._vocabulary()[1]

    def _builder(self) -> MatchBuilder:
        """The builder :meth:`count` and :meth:`units` ask (one per search)."""
        if self._counting is None:
            self._counting = self.catalog._builder()
        return self._counting

    def match(self, parsed, text: str, field: str, sort: str) -> _Matched:
        catalog, req, filters = self.catalog, self.req, self.filters
        builder = catalog._builder(req.literal)
        conditions = [catalog._expression(builder, parsed.node, text, field)] if parsed.node is not None else []
        for key, part in req.scoped.items():  # 高级检索: every field condition must match as well
            part = catalog._simplified(part)
            conditions.append(catalog._expression(builder, parse(part).node, part, key))
        where, args = _where(" ".join(f"({c})" for c in conditions + filters[0] if c), filters[1], filters[2])
        return _Matched(self, builder, text, field, where, args, sort)

    def count(self, text: str, field: str) -> int:
        builder, filters = self._builder(), self.filters
        match = " ".join(f"({c})" for c in [builder.node(parse(text).node, FIELD_GROUPS[field]), *filters[0]])
        return self.catalog._count(match, filters[1], filters[2])

    def finds(self, text: str, field: str) -> bool:
        builder, filters = self._builder(), self.filters
        match = " ".join(f"({c})" for c in [builder.words(text, FIELD_GROUPS[field]), *filters[0]])
        return bool(self.catalog._count(match, filters[1], filters[2]))

    def units(self, text: str) -> list[Unit]:
        builder = self._builder()
        return query_units(text, self.analyzer, builder.synonyms, builder.compounds)


class _Matched:
    """What :meth:`_Searching.match` matched (:class:`index.query.search.Matched`): the total counts every match
    less the copies that are not their group's first, exact however many match (a grouped query's own total is
    only as exact as its max_matches)."""

    def __init__(self, searching: _Searching, builder: MatchBuilder, text: str, field: str, where, args, sort):
        self.catalog, self.req = searching.catalog, searching.req
        self.builder, self.text, self.where, self.args, self.sort = builder, text, where, args, sort
        self.warnings: list[str] = []
        # the page asked for, fetched with the total and the facets (a page past the end is asked again in hits())
        page = ((self.req.page - 1) * self.req.per_page, self.req.per_page)
        self.answers = self.catalog._answers(where, args, sort, page, self.warnings)
        self.total = self.answers.total
        self.expansions = self.catalog._expansions(builder, field)
        self.parts = builder.parts

    def facets(self) -> dict[str, list[FacetValue]]:
        return self.catalog._facets_of(self.answers.faceted, self.req, self.answers.dropped)

    def hits(self, start: int, count: int, needles: list[str]) -> list[Hit]:
        listed = self.answers.listed
        if listed is None or self.answers.page != (start, count):
            listed = self.catalog._grouped(self.where, self.args, self.sort, start, count, self.warnings)
        return self.catalog._hits(listed.rows, needles)

    def notices(self) -> list[str]:
        notices = []
        if self.total == 0 and _RUN.search(fold(self.text)):
            notices.append(RUN_FRAGMENTS)
        if self.builder.approximate:
            notices.append(APPROXIMATE)
        if self.warnings:
            notices.append(PARTIAL)
        return notices

    def partial(self) -> bool:
        """A shard with no replica answering left its warning (_select, _matches): what answered is a part."""
        return bool(self.warnings)


@dataclass
class _Answers:
    """What :meth:`ClusterCatalog._answers` asked in one round trip: the total (each copy group once), the answers
    of the facets' grouped counts, the matching copies that are not their group's first, and the page (start,
    count) of hits ``listed`` (None: not asked)."""

    total: int
    faceted: list[Answer]
    dropped: list[dict]
    page: tuple[int, int] | None
    listed: Answer | None


class _Related:
    """Related documents of the document in ``own`` (its row: id, dedup), documents named by integer id, its copies
    (one ``dedup``) excluded (:class:`index.query.related.RelatedStore`)."""

    def __init__(self, catalog: ClusterCatalog, own: dict) -> None:
        self.catalog, self.own = catalog, own

    def holding(self, field: str, tokens: list[str], exclude: list, most: int) -> list[int]:
        return self._listed(keys_any(field, tokens) if tokens else "", exclude, most, "newest")

    def like(self, text: str, exclude: list, most: int) -> list[int]:
        return self._listed(self.catalog._more_like(text), exclude, most, "relevance")

    def _listed(self, match: str, exclude: list, most: int, sort: str) -> list[int]:
        if not match or most <= 0:
            return []
        seen = [self.own["id"], *exclude]
        rows = self.catalog._select(
            f"SELECT id, WEIGHT() AS w FROM {self.catalog._index} WHERE MATCH(%s) AND id != %s AND dedup != %s "
            f"AND id NOT IN ({', '.join(['%s'] * len(seen))}) GROUP BY dedup "
            f"WITHIN GROUP ORDER BY {_ORDER[sort]} ORDER BY {_ORDER[sort]} LIMIT %s "
            f"OPTION ranker=proximity_bm25, field_weights=({FIELD_WEIGHTS})",
            [match, self.own["id"], self.own["dedup"], *seen, most],
        ).rows
        return [row["id"] for row in rows]

    def summaries(self, keys: list) -> dict[int, DocSummary]:
        return {key: summary_of(stored) for key, stored in self.catalog._stored(keys).items()}


def _keys(terms: list[tuple[str, str]]) -> list[str]:
    """A MATCH part for each exact (field, key) pair."""
    return [keys_any(field, [key]) for field, key in terms]


def _where(match: str, conditions: list[str], args: list) -> tuple[str, list]:
    """A WHERE clause of a MATCH and attribute conditions, and its arguments in order."""
    parts = (["MATCH(%s)"] if match else []) + conditions
    return ("WHERE " + " AND ".join(parts) if parts else ""), ([match] if match else []) + list(args)


def _publisher_of(group: int, publishers: str) -> str:
    """Which of a document's publishers a GROUP BY pubs group key stands for."""
    for name in publishers.split(","):
        if name and value_key("publisher", name) == int(group):
            return name
    return ""


def _facet_values_of(row: dict) -> dict[str, list[str]]:
    values = {key: [str(row[key])] if row.get(key) else [] for key in _STRING_FACETS}
    values["year"] = [str(row["year"])] if row.get("year") else []
    values["publisher"] = [name for name in str(row.get("publisher") or "").split(",") if name]
    return values
