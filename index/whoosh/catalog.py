"""The read side of the index: :class:`Catalog`, what the portal and the CLI ask.

Search with filters, facets, sorting and highlights; lookup by 索引号 and 文号; documents,
related documents, the latest documents, counts.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.index import Index
from whoosh.query import Or, Term
from whoosh.reading import IndexReader, ReaderClosed
from whoosh.searching import Searcher

from index.analysis import segmenter, userdict_of
from index.convert import to_simplified
from index.identifiers import doc_no_key, index_no_key
from index.query import lexicon
from index.query.compounds import Compounds, compounds_of
from index.query.identify import identifier_terms, index_no_terms, may_name_documents
from index.query.lexicon import WithLexicon
from index.query.linked import Relations, relations_from
from index.query.plan import FIELD_GROUPS, TEXT_FIELDS, Unit, query_units
from index.query.related import RelatedDoc, related_docs
from index.query.request import MAX_QUERY_CHARS, SearchRequest, usable_text
from index.query.results import (
    DocSummary,
    Expansion,
    FacetValue,
    Hit,
    SearchResult,
    fold_copies,
    summary_of,
)
from index.query.search import WARM_QUERY, hit_of, search
from index.query.spelling import Speller, readings
from index.query.suggest import Suggestions, Vocabulary
from index.query.synonyms import DEFAULT_PATH as DEFAULT_SYNONYMS
from index.query.synonyms import Synonyms
from index.query.syntax import Parsed, parse
from index.record import Document
from index.schema import date_from_key, from_stored
from index.whoosh import generations, increments
from index.whoosh.arrays import IndexArrays, commit_version, load_pickle, save_pickle
from index.whoosh.engine import Engine, Scored
from index.whoosh.facets import collapse, facet_values, filter_mask, ranked
from index.whoosh.related import Related, finder

# Seconds a server goes on answering from the commit before a new one whose arrays are not saved yet (an ingest
# derives them after committing; one that stopped before doing so never will).
PREPARE_WAIT = 600.0
# What :meth:`Catalog.prepare` saves beside a commit, as ``<kind>-<commit>.pickle``; the vocabulary (its titles for
# autocomplete and its speller) last. The speller is also saved apart: what a search asks of the vocabulary
# (:meth:`Catalog._speller`).
SAVED = ("arrays", "lexicon", "speller", "vocabulary")


class Catalog:
    """Read-only access to the index at ``index_dir``.

    Opening a Whoosh searcher reads every segment's files, so each thread keeps one and refreshes it
    only when a commit or a rebuild has changed the index; searchers are not shared between threads.
    The arrays the engine reads (:class:`IndexArrays`) are built once per commit and shared.

    Queries are converted to simplified characters (``convert``, :mod:`index.convert`) and unquoted words are
    expanded by the synonym file ``synonyms`` (:mod:`index.query.synonyms`; None for none). Both are on by
    default; the benchmark turns them off to show what they change.

    ``generation`` (a folder of ``index_dir``) reads that generation rather than the live one: a rebuild prepares
    its new generation's searches (:meth:`prepare`) before making it live.

    ``check`` says when the index's files are checked against the checksums saved at commit
    (:func:`index.whoosh.generations.open_generation`): ``"open"``, all of them whenever the index is opened (what
    reads much of it); ``"read"``, each block before its first read (a search from the shell, which reads a little of
    it); ``"behind"``, each block before its first read and every file whole in a thread started at the open (a
    server: its start-up goes on beside the hashing).
    """

    def __init__(
        self,
        index_dir: Path,
        synonyms: Path | None = DEFAULT_SYNONYMS,
        convert: bool = True,
        generation: Path | None = None,
        check: str = "open",
    ) -> None:
        self.index_dir = Path(index_dir)
        self.check = check
        self._pinned = Path(generation) if generation is not None else None
        self.synonyms = Synonyms(synonyms)
        self.convert = convert
        self._lock = threading.Lock()
        self._ix: Index | None = None
        self._generation: str | None = None
        self._local = threading.local()
        self._open: list[Searcher] = []
        # A catalog dropped without close() still closes its searchers (each holds its segments' files open).
        weakref.finalize(self, _close_searchers, self._open)
        self._arrays: IndexArrays | None = None
        self._facet_cache: tuple[object, dict[str, list[FacetValue]]] | None = None
        self._prepare_lock = threading.Lock()
        self._prepared: tuple[tuple, Vocabulary, Speller] | None = None
        self._compound_cache: tuple[dict[str, int], Compounds] | None = None
        self._speller_kept: tuple[tuple, Speller] | None = None
        self._lexicon = WithLexicon()
        self._analyzer_of: tuple[Index, object] | None = None

    # plumbing

    def _index(self) -> Index:
        if self._pinned is not None:
            generation = self._pinned.name
        elif (current := generations.read_current(self.index_dir)) is not None:
            generation = current["generation"]
        else:  # CURRENT damaged: the newest complete generation (index/generations.py)
            live = generations.live_generation(self.index_dir)
            generation = live.name if live is not None else ""
        with self._lock:
            if self._ix is None or generation != self._generation:
                if self._pinned is not None:
                    self._ix = generations.open_generation(self._pinned, self.check)
                else:
                    self._ix = generations.open_current(self.index_dir, self.check)
                self._generation = generation
            return self._ix

    def damage(self) -> generations.DamagedIndex | None:
        """The damage the live generation's files show now against the checksums saved at commit, or None
        (the portal asks after an unexpected error: a file damaged since the index was opened)."""
        return generations.damage(self.index_dir)

    def warm(self) -> None:
        """Load now what the first requests would pay for: the segmenter, the index, the arrays, the autocomplete
        vocabulary (and the speller's tables of it) and the lexicon's table :meth:`prepare` saved, the compounds of
        that vocabulary, and pypinyin (for corrections by sound). What no ingest saved (an index prepared by older
        code) is derived in the background (:meth:`_vocabulary_in_background`); only then does the first
        search share the interpreter with it."""
        list(self._analyzer()("预热", mode="query"))
        loaded = False
        with self.searcher() as searcher:
            version = self.arrays(searcher).version
            if self._vocabulary_path(version).exists():
                vocabulary, speller = self._vocabulary(searcher)
                speller.prepare()
                saved = self._saved_lexicon(version)
                if saved is not None:
                    self._lexicon.alternatives(self._words(searcher), lambda: saved)
                    self._engine(searcher)
                    loaded = True
        with contextlib.suppress(OSError):  # out of file descriptors: the first correction imports it
            readings("预")
        if not loaded:
            threading.Thread(target=self._vocabulary_in_background, daemon=True).start()
            return
        # One search, so that what the search path loads on its first use (numpy.ma, which np.unique imports; the
        # encodings highlighting reads) is loaded before the first request.
        self.search(SearchRequest(q=WARM_QUERY))

    def _vocabulary_in_background(self) -> None:
        """The vocabulary (where ingest saved none), the thesaurus's table and compounds of it, off the start-up path.
        Warming only: a catalog closed (or moved to a new generation) before it finished, or a server out of file
        descriptors (a flood of idle connections), leaves the work to the first search that needs it."""
        try:
            with self.searcher() as searcher:
                self._vocabulary(searcher)
                self._engine(searcher)
        except (ReaderClosed, OSError):
            return

    def _analyzer(self):
        """The word analyzer the index was built with (its user dictionary included); read once per opened index
        (Whoosh reads the schema from the table of contents on disk each time it is asked)."""
        ix = self._index()
        cached = self._analyzer_of
        if cached is None or cached[0] is not ix:
            cached = self._analyzer_of = (ix, ix.schema["body"].analyzer)
        return cached[1]

    @contextlib.contextmanager
    def searcher(self, latest: bool = False) -> Iterator[Searcher]:
        """This thread's searcher on the latest commit ready to search (``latest``: the latest commit, ready or not),
        for use in a ``with`` block (it stays open)."""
        ix = self._index()
        cached: Searcher | None = getattr(self._local, "searcher", None)
        if cached is None or self._local.index is not ix or not cached.up_to_date():
            if cached is not None and self._local.index is ix and not latest and not self._commit_ready(ix):
                # An ingest committed and is still deriving the arrays of its commit (Catalog.prepare): the commit
                # before answers meanwhile, rather than every server thread deriving them itself.
                yield cached
                return
            fresh = ix.searcher()
            with self._lock:
                if cached is not None:
                    self._open.remove(cached)
                    cached.close()
                self._open.append(fresh)
            self._local.searcher, self._local.index = fresh, ix
        yield self._local.searcher

    def _commit_ready(self, ix: Index) -> bool:
        """Whether the latest commit of ``ix`` is ready to search: its arrays and vocabulary saved by :meth:`prepare`
        (the vocabulary last), or the commit older than :data:`PREPARE_WAIT` seconds (an ingest that stopped before
        preparing it)."""
        commit = ix.latest_generation()
        folder = self.index_dir / str(self._generation)
        if all((folder / f"{kind}-{commit}.pickle").exists() for kind in ("arrays", "vocabulary")):
            return True
        try:
            written = (folder / f"_{ix.indexname}_{commit}.toc").stat().st_mtime
        except OSError:
            return True
        return time.time() - written > PREPARE_WAIT

    def arrays(self, searcher: Searcher) -> IndexArrays:
        """The engine's arrays for the commit ``searcher`` reads, shared by threads: those ingest saved for it,
        else built on first use."""
        version = commit_version(self._generation, searcher.reader())
        with self._lock:
            current = self._arrays
        if current is not None and current.version == version:
            return current
        fresh = IndexArrays.load(self._arrays_path(version), version) or IndexArrays(searcher.reader(), version)
        with self._lock:
            if self._arrays is None or self._arrays.version != version:
                self._arrays = fresh
            return self._arrays

    def _arrays_path(self, version: tuple) -> Path:
        generation, commit, _segments = version
        return self.index_dir / str(generation) / f"arrays-{commit}.pickle"

    def prepare(self) -> None:
        """Derive every array a search reads for the current commit, its vocabulary and the lexicon's table of it,
        and save them beside it (:data:`SAVED`; ingest calls this after committing, so no search or server start
        pays for them)."""
        with self.searcher(latest=True) as searcher:
            self._carry_over(searcher)
            engine = self._engine(searcher)
            arrays, reader = engine.arrays, engine.reader
            for field in TEXT_FIELDS.values():
                if field.length_field:
                    arrays.lengths(reader, field.length_field)
                if field.grams:
                    arrays.run_terms(reader, field.grams)
            arrays.lengths(reader, "title_grams")
            for name in ("year", "date_key", "has_date"):
                arrays.numbers(reader, name)
            facet_values(arrays, reader, np.flatnonzero(arrays.alive), SearchRequest())
            collapse(arrays, reader, np.flatnonzero(arrays.alive))
            path = self._arrays_path(arrays.version)
            for kind in SAVED:
                for old in path.parent.glob(f"{kind}-*.pickle"):
                    old.unlink(missing_ok=True)
            arrays.save(path)
            vocabulary, speller = self._vocabulary(searcher)
            words = self._words(searcher)
            alternatives = self._lexicon.alternatives(words, lambda: self._saved_lexicon(arrays.version))
            save_pickle(self._lexicon_path(arrays.version), lexicon.saved_form(alternatives, arrays.version))
            save_pickle(self._speller_path(arrays.version), speller)
            # the vocabulary last: a commit is ready to search once it is saved (_commit_ready)
            save_pickle(self._vocabulary_path(arrays.version), (vocabulary, speller))
        segmenter(userdict_of(self._analyzer()))  # builds the query tokenizer's dictionary trie where missing

    def _carry_over(self, searcher: Searcher) -> None:
        """The arrays and vocabulary of the commit ``searcher`` reads, from those :meth:`prepare` saved for the commit
        before in this generation where the new one only added segments and deletions (:mod:`index.whoosh.increments`):
        a re-crawl's commit reads its new segment, not the whole index. Nothing where there is nothing to carry over."""
        reader = searcher.reader()
        version = commit_version(self._generation, reader)
        folder = self.index_dir / str(self._generation)
        for path in folder.glob("arrays-*.pickle"):
            before = IndexArrays.load(path, None)
            if before is None or before.version == version:
                continue
            arrays = increments.arrays_after(before, reader, version)
            if arrays is None:
                continue
            with self._lock:
                self._arrays = arrays
            saved = load_pickle(self._vocabulary_path(before.version))
            if isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[0], Vocabulary):
                vocabulary = increments.vocabulary_after(saved[0], before, arrays, reader)
                if vocabulary is not None:
                    with self._prepare_lock:
                        self._prepared = (version, vocabulary, Speller(vocabulary))
            return

    def _vocabulary(self, searcher: Searcher) -> tuple[Vocabulary, Speller]:
        """The words and titles of the commit ``searcher`` reads, and a speller on them: built once per commit
        (one thread builds, the others wait for it)."""
        version = self.arrays(searcher).version
        prepared = self._prepared
        if prepared is None or prepared[0] != version:
            with self._prepare_lock:
                prepared = self._prepared
                if prepared is None or prepared[0] != version:
                    loaded = load_pickle(self._vocabulary_path(version))
                    saved = loaded if isinstance(loaded, tuple) and len(loaded) == 2 else None
                    if saved is not None and getattr(saved[1], "version", None) != Speller.VERSION:
                        saved = (saved[0], Speller(saved[0]))  # saved by an older speller: its tables differ
                    if saved is None:
                        vocabulary = vocabulary_of(searcher.reader())
                        saved = (vocabulary, Speller(vocabulary))
                    prepared = self._prepared = (version, *saved)
        return prepared[1], prepared[2]

    def _speller(self, searcher: Searcher) -> Speller:
        """The speller of the commit ``searcher`` reads, one per commit. Where the vocabulary is not loaded, the
        speller :meth:`prepare` saved apart: a search asks no more of the vocabulary (its word weights are the
        speller's :attr:`Speller.frequency`), so a search from the shell does not load the titles (about 17 MB at
        100,000 documents); else (an index prepared before it was saved apart) the vocabulary's."""
        version = self.arrays(searcher).version
        kept = self._speller_kept
        if kept is not None and kept[0] == version:
            return kept[1]
        prepared = self._prepared
        if prepared is not None and prepared[0] == version:
            speller = prepared[2]
        else:
            loaded = load_pickle(self._speller_path(version))
            if isinstance(loaded, Speller) and getattr(loaded, "version", None) == Speller.VERSION:
                speller = loaded
            else:
                speller = self._vocabulary(searcher)[1]
        with self._prepare_lock:
            kept = self._speller_kept
            if kept is None or kept[0] != version:
                kept = self._speller_kept = (version, speller)
        return kept[1]

    def _words(self, searcher: Searcher) -> dict[str, int]:
        """Word → its weight in the vocabulary (:attr:`Vocabulary.frequency`) of the commit ``searcher`` reads: what a
        search's compounds and the lexicon's table ask of it (:meth:`_speller`'s)."""
        return self._speller(searcher).frequency

    def _speller_path(self, version: tuple) -> Path:
        generation, commit, _segments = version
        return self.index_dir / str(generation) / f"speller-{commit}.pickle"

    def _vocabulary_path(self, version: tuple) -> Path:
        generation, commit, _segments = version
        return self.index_dir / str(generation) / f"vocabulary-{commit}.pickle"

    def _lexicon_path(self, version: tuple) -> Path:
        generation, commit, _segments = version
        return self.index_dir / str(generation) / f"lexicon-{commit}.pickle"

    def _saved_lexicon(self, version: tuple) -> dict[str, tuple[str, ...]] | None:
        """The lexicon's table :meth:`prepare` saved for the commit ``version`` (:func:`lexicon.from_saved`), or None
        (an index prepared before it was saved, or by another thesaurus: the table is derived again)."""
        return lexicon.from_saved(load_pickle(self._lexicon_path(version)), version)

    def suggest(self, q: str, titles: int = 5, terms: int = 8) -> Suggestions:
        """Autocomplete for what has been typed: titles holding it and frequent words beginning with its last
        part (:mod:`index.query.suggest`)."""
        with self.searcher() as searcher:
            vocabulary, _ = self._vocabulary(searcher)
            return vocabulary.complete(usable_text(q)[:MAX_QUERY_CHARS], titles, terms)

    def _engine(self, searcher: Searcher, literal: bool = False) -> Engine:
        synonyms = None
        if not literal and self.synonyms.path is not None:
            version = self.arrays(searcher).version
            synonyms = self._lexicon.table(
                self.synonyms.table(), self._words(searcher), lambda: self._saved_lexicon(version)
            )
        return Engine(self.arrays(searcher), searcher.reader(), self._analyzer(), synonyms, self._compounds(searcher))

    def _compounds(self, searcher: Searcher) -> Compounds:
        """The compound cutter of the commit ``searcher`` reads (:mod:`index.query.compounds`)."""
        words = self._words(searcher)
        current = self._compound_cache
        if current is None or current[0] is not words:
            current = (words, compounds_of(words, self._analyzer(), self.synonyms))
            self._compound_cache = current
        return current[1]

    def _simplified(self, text: str) -> str:
        return to_simplified(text) if self.convert else text

    def close_files(self) -> None:
        """Close every searcher (each holds its segments' files open), keeping the opened index, its checks and
        what is loaded (arrays, vocabulary, speller, lexicon): the next search in each thread opens a searcher on
        the same commit and finds them loaded. Before a fork (portal/server.py): a file read by seek and read
        (:func:`index.whoosh.generations._storage`: no memory maps) must not share its offset among processes."""
        with self._lock:
            for searcher in self._open:
                searcher.close()
            self._open.clear()
        self._local = threading.local()

    def close(self) -> None:
        with self._lock:
            for searcher in self._open:
                searcher.close()
            self._open.clear()
            if self._ix is not None:
                self._ix.close()
            self._ix = None
            self._arrays = None
        self._local = threading.local()

    # search

    def search(self, req: SearchRequest) -> SearchResult:
        """Search as typed, else corrected or relaxed: the rules of :func:`index.query.search.search`."""
        return search(req, self._simplified, self._searching)

    @contextlib.contextmanager
    def _searching(self, req: SearchRequest) -> Iterator[_Searching]:
        with self.searcher() as searcher:
            yield _Searching(self, searcher, req)

    def _scored(self, engine: Engine, node, text: str, field: str) -> Scored:
        """What the query matches: identifiers by their exact keys, everything else through the engine."""
        if field == "index_no":
            return _exact(engine, index_no_terms(text))
        if field == "doc_no":
            exact = _exact(engine, [("doc_no_keys", doc_no_key(text))])
            written = engine.phrase(text, FIELD_GROUPS["doc_no"])
            return Scored(exact.hit | written.hit, exact.score * 10 + written.score)
        scored = engine.evaluate(node, FIELD_GROUPS[field])
        if field == "all" and may_name_documents(text):
            # A 索引号, 后段码 or 文号 typed in the search box finds its documents as `portal lookup` does, first.
            named = _exact(engine, identifier_terms(text))
            top = float(scored.score.max()) + 1.0 if scored.score.size else 1.0
            return Scored(scored.hit | named.hit, scored.score + named.score * top)
        return scored

    # lookup and documents

    def lookup(self, text: str) -> list[Hit]:
        """Documents whose 索引号, 后段码 or 文号 is ``text``, in any of their written forms, newest first; copies
        of one document are one entry, naming the others (:attr:`Hit.copies`)."""
        text = usable_text(text)
        terms = identifier_terms(text)
        with self.searcher() as searcher:
            engine = self._engine(searcher)
            found = _exact(engine, terms)
            docs = ranked(engine.arrays, engine.reader, found.hit, found.score, "newest")[:50]
            return fold_copies([searcher.stored_fields(int(doc)) for doc in docs])

    def get(self, doc_id: str) -> Document | None:
        doc_id = usable_text(doc_id)
        with self.searcher() as searcher:
            stored = searcher.document(id=doc_id) or searcher.document(index_key=index_no_key(doc_id))
            return from_stored(stored) if stored else None

    def related(self, doc_id: str, limit: int = 8) -> list[RelatedDoc]:
        """Documents this one names (本文引用), that name it (引用本文), and on the same topic (同主题), each with
        its reason (:mod:`index.query.related`)."""
        with self.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return []
            doc = from_stored(searcher.stored_fields(docnum))
            return related_docs(Related(searcher, self._engine(searcher, literal=True), docnum), doc, limit)

    def relations(self, doc: Document) -> Relations:
        """The documents ``doc``'s text links it to: what it interprets or its interpretations, and what
        replaced it or what it replaced (see :mod:`index.query.linked`)."""
        with self.searcher() as searcher:
            return relations_from(finder(searcher), doc)

    def latest(self, limit: int = 10) -> list[DocSummary]:
        with self.searcher() as searcher:
            engine = self._engine(searcher)
            everything = engine.evaluate(None, ())
            docs, _ = collapse(
                engine.arrays,
                engine.reader,
                ranked(engine.arrays, engine.reader, everything.hit, everything.score, "newest"),
            )
            return [summary_of(searcher.stored_fields(int(doc))) for doc in docs[:limit]]

    def facet_counts(self) -> dict[str, list[FacetValue]]:
        """Counts over all documents, for the home and browse pages; computed once per commit."""
        with self.searcher() as searcher:
            arrays = self.arrays(searcher)
            cached = self._facet_cache
            if cached is None or cached[0] != arrays.version:
                docs, _ = collapse(arrays, searcher.reader(), np.flatnonzero(arrays.alive))
                cached = self._facet_cache = (
                    arrays.version,
                    facet_values(arrays, searcher.reader(), docs, SearchRequest()),
                )
            return copy.deepcopy(cached[1])  # callers may mark values selected

    def version(self) -> tuple:
        """(generation, commit) of the index searches now read: it changes with every commit and swap."""
        with self.searcher() as searcher:
            return (self._generation, searcher.reader().generation())

    def documents(self) -> Iterator[Document]:
        """Every document (copies each on its own), in id order, one at a time: the bulk export's source. The
        searcher is the commit current when the iteration starts, held to its end."""
        with self.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return
            ids = reader.column_reader("id")
            alive = sorted((ids[docnum], docnum) for docnum in reader.all_doc_ids())
            for _, docnum in alive:
                yield from_stored(searcher.stored_fields(docnum))

    def document_dates(self) -> list[tuple[str, str]]:
        """(id, date) of every document, copies of one document once, read from the index's columns without
        loading bodies (the sitemap)."""
        with self.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return []
            arrays = self.arrays(searcher)
            codes, _ = arrays.codes(reader, "dedup_key")
            ids, dates = reader.column_reader("id"), reader.column_reader("date_key")
            listed: dict[object, tuple[str, str]] = {}  # copies (one dedup key) once: the smallest id, as the cluster
            for docnum in np.flatnonzero(arrays.alive).tolist():
                entry = (ids[docnum], date_from_key(dates[docnum]))
                key = int(codes[docnum]) if codes[docnum] >= 0 else entry[0]
                if key not in listed or entry[0] < listed[key][0]:
                    listed[key] = entry
            return list(listed.values())

    def stats(self) -> dict[str, object]:
        with self.searcher() as searcher:
            counts = self.facet_counts()
            flagged = searcher.search(Or([Term("flags", "spam"), Term("flags", "encoding_loss")]), limit=1)
            return {
                "documents": searcher.doc_count(),
                "publishers": len(counts["publisher"]),
                "years": len(counts["year"]),
                "flagged": len(flagged),
                "generation": self._generation,
                "last_commit": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self._index().last_modified())),
            }


def _close_searchers(searchers: list[Searcher]) -> None:
    for searcher in searchers:
        searcher.close()
    searchers.clear()


def _exact(engine: Engine, terms: list[tuple[str, str]]) -> Scored:
    """Documents holding any of the exact (field, term) pairs, all scored 1."""
    hit = np.zeros(engine.size, bool)
    for field, term in terms:
        if term:
            docs, _ = engine.arrays.postings(engine.reader, field, term)
            hit[docs] = True
    return Scored(hit, hit.astype(np.float32))


class _Searching:
    """One search request on this catalog (:class:`index.query.search.Searching`): the filter mask of the request,
    an engine per query matched (each records the synonyms and parts it used)."""

    def __init__(self, catalog: Catalog, searcher: Searcher, req: SearchRequest) -> None:
        self.catalog, self.searcher, self.req = catalog, searcher, req
        engine = catalog._engine(searcher, req.literal)
        self.analyzer = engine.analyzer
        self.mask = filter_mask(engine.arrays, engine.reader, req)
        self._counting: Engine | None = None

    @property
    def speller(self) -> Speller:
        return self.catalog._speller(self.searcher)

    def _engine(self) -> Engine:
        """The engine :meth:`count`, :meth:`finds` and :meth:`units` ask (one per search)."""
        if self._counting is None:
            self._counting = self.catalog._engine(self.searcher, self.req.literal)
        return self._counting

    def match(self, parsed: Parsed, text: str, field: str, sort: str) -> _Matched:
        engine = self.catalog._engine(self.searcher, self.req.literal)
        scored = self.catalog._scored(engine, parsed.node, text, field)
        narrowed = bool(text)  # without q, the first condition starts from every document
        for key, part in self.req.scoped.items():  # 高级检索: every field condition must match as well
            part = self.catalog._simplified(part)
            condition = self.catalog._scored(engine, parse(part).node, part, key)
            scored = Scored(
                condition.hit & (scored.hit if narrowed else engine.arrays.alive), scored.score + condition.score
            )
            narrowed = True
        hit = scored.hit if self.mask is None else scored.hit & self.mask
        by_date = None if sort == "relevance" else sort
        docs, copies = collapse(
            engine.arrays, engine.reader, ranked(engine.arrays, engine.reader, hit, scored.score, by_date)
        )
        return _Matched(self, engine, docs, copies, scored.score)

    def count(self, text: str, field: str) -> int:
        matches = self._engine().evaluate(parse(text).node, FIELD_GROUPS[field]).hit
        return int(np.count_nonzero(matches if self.mask is None else matches & self.mask))

    def finds(self, text: str, field: str) -> bool:
        matches = self._engine().words(text, FIELD_GROUPS[field]).hit
        return bool((matches if self.mask is None else matches & self.mask).any())

    def units(self, text: str) -> list[Unit]:
        engine = self._engine()
        return query_units(text, engine.analyzer, engine.synonyms, engine.compounds)


class _Matched:
    """What :meth:`_Searching.match` matched: the ranked documents, copies collapsed
    (:class:`index.query.search.Matched`)."""

    def __init__(self, searching: _Searching, engine: Engine, docs: np.ndarray, copies: dict, score) -> None:
        self.searching, self.engine, self.docs, self.copies, self.score = searching, engine, docs, copies, score
        self.total = int(docs.size)
        self.expansions = [Expansion(term, found) for term, found in engine.expansions.items()]
        self.parts = engine.parts

    def facets(self) -> dict[str, list[FacetValue]]:
        return facet_values(self.engine.arrays, self.engine.reader, self.docs, self.searching.req)

    def hits(self, start: int, count: int, needles: list[str]) -> list[Hit]:
        stored = self.searching.searcher.stored_fields
        drawn: dict[str, str] = {}  # a body several hits share is cut once
        return [
            hit_of(
                stored(int(doc)),
                float(self.score[doc]),
                needles,
                list(map(stored, self.copies.get(int(doc), []))),
                drawn,
            )
            for doc in self.docs[start : start + count]
        ]

    def notices(self) -> list[str]:
        return []

    def partial(self) -> bool:
        return False  # one process holds the whole index


def vocabulary_of(reader: IndexReader) -> Vocabulary:
    """The autocomplete and did-you-mean vocabulary of a commit (:meth:`Vocabulary.weighed`): the documents
    holding each indexed word of ``title`` and ``body``, and every live document's title."""

    def holding(fieldname: str) -> Iterator[tuple[str, int]]:
        # Each segment's terms in one pass, their counts summed: what a multi-segment reader's iter_field gives,
        # without its look-up of every term in every segment (most of a re-crawl's ingest time at 5,000 documents).
        if fieldname not in reader.schema:
            return
        counts: dict[bytes | str, int] = {}
        for leaf, _offset in reader.leaf_readers():
            try:
                for term, info in leaf.iter_field(fieldname):
                    counts[term] = counts.get(term, 0) + info.doc_frequency()
            except KeyError:  # a segment holding no term of the field
                continue
        for term, docs in counts.items():
            yield (term.decode("utf-8") if isinstance(term, bytes) else str(term)), docs

    titles = [
        (str(stored.get("id", "")), str(stored.get("title", "")))
        for docnum, stored in reader.iter_docs()
        if stored.get("title")
    ]
    return Vocabulary.weighed(holding, titles)
