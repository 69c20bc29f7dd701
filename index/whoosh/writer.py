"""The index writer ingest uses: Whoosh's writer interface, one new segment per commit, analysis on every core.

:class:`BulkWriter` takes ``update_document``, ``add_document`` and ``delete_by_term`` as Whoosh's
``SegmentWriter`` does. Added documents are analysed a batch at a time into sorted runs
(:mod:`index.whoosh.runs`): in this process for a small ingest, in worker processes (one per core) once
batches fill up, so analysis uses every core while this process reads the next files (whose records the same
workers normalise, where the ingest gives its :class:`Workers`: :func:`index.ingest.read_elsewhere`). A commit merges
the runs of its batches into one segment (:mod:`index.whoosh.segments`). Deletions go through a Whoosh writer,
which also holds the index's write lock and commits the table of contents naming the old segments (with
their deletions) and the new one.

Large ingests commit in chunks (:data:`CHUNK_DOCS` documents or :data:`CHUNK_CHARS` characters of text,
whichever comes first), so a late failure does not hold back what came before; ``on_commit`` runs after
each. A document the index cannot take is refused before it is written (:class:`UnwritableDocument`,
naming the field); one the analysis fails on after all is left out and listed in :attr:`BulkWriter.failed`.
Used as a context manager, leaving it normally commits the last chunk and an exception cancels it
(earlier chunks stay committed). Nothing is visible before a commit.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from whoosh.analysis import CompositeAnalyzer, IDTokenizer, RegexTokenizer, StripFilter
from whoosh.fields import ID, KEYWORD, FieldType
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from index.analysis import fast_segmenter, fast_segmenter_loaded, segmenter, userdict_of
from index.whoosh import checksums, merge
from index.whoosh.merge import merge_committed, segments_to_merge
from index.whoosh.postings import GramPositions, TermCounts
from index.whoosh.runs import Runs, analyse, text_chars
from index.whoosh.segments import DocumentValues, per_document, segment_files, write_segment

# Characters of text per batch a worker analyses (about 30 MB in memory while it does): small enough that both
# workers are busy on a corpus of a few thousand documents, and that workers which also read (the normaliser's
# modules, some 20 MB each) hold no more at a commit than workers that only analysed 1,000,000-character batches.
BATCH_CHARS = 500_000
# A commit at whichever comes first: it makes what was written durable, and bounds the memory a commit
# holds (the chunk's documents, for their stored fields, and a range of occurrences at a time).
CHUNK_DOCS = 20_000
CHUNK_CHARS = 40_000_000
# A batch analysed in this process is cut by rjieba where it repays rjieba's load (1.5 CPU s; jieba cuts about
# 68,000 characters in 0.5 CPU s, rjieba in a fortieth of that) or where this process has loaded rjieba already.
FAST_CUT_CHARS = 200_000


class UnwritableDocument(Exception):
    """A document the index cannot take (``field`` names the field); nothing of it was written."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"field {field}: {message}" if field else message)


def workers_available() -> int:
    """Worker processes worth starting: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def start_worker(parent: int, userdict: str | None, analyses: bool = True) -> None:
    """A worker's initializer: exit when ``parent`` (the ingest) dies, then load the segmenter (where it
    ``analyses``; a worker that merges posting lists needs none).

    A worker waits for jobs for ever, and a parent killed by SIGKILL cannot stop it: on Linux the kernel
    sends it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and should the parent have
    died before that was set, a thread checks every second that it is still the parent's child. With the
    workers gone, the resource tracker they share with the parent reads the end of its pipe and exits too.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watchdog").start()
    if analyses:
        fast_segmenter(userdict)


def give_back_memory() -> None:
    """Hand the free pages of this process's heap back to the system (glibc's ``malloc_trim(0)``; nothing elsewhere).

    Writing a segment allocates hundreds of MB of small objects and frees them; glibc keeps the freed pages, so
    without this the next chunk's reading, beside the analysing workers, starts from the last chunk's peak (a
    25,000-document ingest: some 430 MB resident in this process after its first commit, 240 before it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


class Workers:
    """The ingest's worker processes (``count``, one per core; spawned, :func:`start_worker`): one pool that reads
    records (:func:`index.ingest.read_elsewhere`), analyses batches and merges posting lists, so that no more
    processes hold memory than there are cores. Started when first asked for (``analyses``: loading the segmenter
    for ``userdict``) and stopped at each commit (:meth:`stop`: pending jobs cancelled, the running ones finished):
    the memory of the analysing workers is handed back before a segment is written, and a next chunk starts them
    again."""

    def __init__(self, count: int, userdict: str | None) -> None:
        self.count, self.userdict = count, userdict
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._pool is not None

    def pool(self, analyses: bool = True) -> concurrent.futures.ProcessPoolExecutor:
        """The running pool, or one started (its workers loading the segmenter where they ``analyses``)."""
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.count,
                # spawn: a fresh interpreter, safe whatever threads this process runs
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(os.getpid(), self.userdict, analyses),
            )
        return self._pool

    def submit(self, fn: Callable, /, *args) -> concurrent.futures.Future:
        """``fn(*args)`` in a worker (the pool started where none runs), which then hands the free pages of its heap
        back (:func:`give_back_memory`): a worker that reads and analyses keeps no more than the job it is on."""
        return self.pool().submit(_trimmed, fn, *args)

    def stop(self) -> None:
        """Stop the workers: jobs not started are cancelled, those running finish first."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _trimmed(fn: Callable, /, *args):
    """A worker's job ``fn(*args)``, its heap's free pages handed back after it."""
    try:
        return fn(*args)
    finally:
        give_back_memory()


def analyse_batch(schema, userdict: str | None, folder: str, docs: list[dict]) -> Runs:
    """A worker's job: the runs of ``docs``, their arrays saved in ``folder``."""
    return analyse(schema, fast_segmenter(userdict), docs).spill(Path(folder))


def batch_cut(userdict: str | None, chars: int) -> Callable[[str], list[str]]:
    """The cut for a batch of ``chars`` characters analysed in this process: rjieba's (:func:`fast_segmenter`)
    where this process has loaded it already or the batch reaches FAST_CUT_CHARS, jieba's (loaded already, for
    queries) otherwise. Both give jieba's tokens (tests/test_analysis.py)."""
    if chars >= FAST_CUT_CHARS or fast_segmenter_loaded(userdict):
        return fast_segmenter(userdict)
    tokenizer = segmenter(userdict)
    return lambda text: list(tokenizer.cut(text, HMM=True))


class BulkWriter:
    """See the module docstring. ``workers`` 0 or 1 analyses every batch in this process."""

    def __init__(
        self,
        ix: Index,
        *,
        on_commit: Callable[[], None] = lambda: None,
        workers: int | None = None,
        batch_chars: int = BATCH_CHARS,
        processes: Workers | None = None,
    ) -> None:
        self.ix = ix
        self.schema = ix.schema
        self._on_commit = on_commit
        self._userdict = userdict_of(self.schema["body"].analyzer)
        # Fields whose analysis of a string _check leaves to the batch's (it cannot fail there).
        self._any_string = frozenset(name for name, field in self.schema.items() if _takes_any_string(field))
        self._whoosh = ix.writer()  # the write lock, deletions, and the table of contents
        self._folder = Path(ix.storage.folder)
        # A dot-folder: Whoosh's clean-up of files no commit names does not look inside it.
        self._scratch = Path(tempfile.mkdtemp(prefix=".segments-", dir=self._folder))
        self._workers = (processes.count if processes else workers_available()) if workers is None else workers
        self._batch_chars = batch_chars
        self._batch: list[dict] = []
        self._batch_size = 0
        self._chunk_docs = self._chunk_chars = 0
        self._chunks = 0  # chunks committed: more than one, and the commit may merge them all (merge.MERGE_AFTER_BULK)
        # The worker processes: the ingest's own (shared with its reading) where it gives them, else this writer's.
        self._processes = processes or Workers(self._workers, self._userdict)
        # The chunk's batches in order: (runs, or a worker's future of them; the batch's documents).
        self._batches: list[tuple[Runs | concurrent.futures.Future[Runs], SavedDocuments]] = []
        # Documents the analysis left out after all ({id, source, locator}, why).
        self.failed: list[tuple[dict, str]] = []

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.cancel()

    # Whoosh's writer interface

    def update_document(self, **fields) -> None:
        """Replace the committed document with the same unique field values (its id), then add this one.

        Raises :class:`UnwritableDocument` for a document the index cannot take; nothing is changed then.
        """
        self._check(fields)
        for name in self.schema.names():
            if self.schema[name].unique and fields.get(name):
                self._whoosh.delete_by_term(name, fields[name])
        self._add(fields)

    def add_document(self, **fields) -> None:
        """Add a document known to be new (no lookup of its id); raises :class:`UnwritableDocument`."""
        self._check(fields)
        self._add(fields)

    def delete_by_term(self, fieldname: str, text: str) -> int:
        return self._whoosh.delete_by_term(fieldname, text)

    def commit(self) -> None:
        """Write what is left, wait for the workers, and make every change visible at once."""
        try:
            self._commit_chunk()
        except BaseException:
            self.cancel()
            raise
        self._close()
        if self._chunks > 1 and merge.MERGE_AFTER_BULK:  # a bulk ingest: all its segments merged into one
            merge_committed(self.ix, lambda sizes: list(range(len(sizes))), self._workers)

    def cancel(self) -> None:
        """Drop everything written since the last commit; what was committed stays."""
        for runs, _ in self._batches:
            if isinstance(runs, concurrent.futures.Future):
                runs.cancel()
        self._close()
        if not self._whoosh.is_closed:
            self._whoosh.cancel()

    # plumbing

    def _check(self, fields: dict) -> None:
        """Refuse what would fail while the segment is built: text that cannot be encoded, a value a
        field type rejects (a number field given text). Raises UnwritableDocument naming the field."""
        for name, value in fields.items():
            if name.startswith("_") or value is None or name not in self.schema:
                continue
            field = self.schema[name]
            try:
                if isinstance(value, str):
                    value.encode("utf-8")
                if field.indexed and not isinstance(field.format, GramPositions | TermCounts):
                    if not (name in self._any_string and isinstance(value, str)):
                        list(field.index(value))
                if field.column_type is not None:
                    field.to_column_value(value)
            except Exception as exc:  # whatever the field type raises, the document is refused, not the batch
                raise UnwritableDocument(name, f"{type(exc).__name__}: {exc}") from exc

    def _add(self, fields: dict) -> None:
        size = text_chars(self.schema, fields)
        self._batch.append(fields)
        self._batch_size += size
        if self._batch_size >= self._batch_chars:
            self._end_batch()
        self._chunk_docs += 1
        self._chunk_chars += size
        if self._chunk_docs >= CHUNK_DOCS or self._chunk_chars >= CHUNK_CHARS:
            self._commit_chunk()
            self._whoosh = self.ix.writer()

    def _end_batch(self) -> None:
        """Analyse the batch: in a worker process where there are workers, here otherwise."""
        if not self._batch:
            return
        runs: Runs | concurrent.futures.Future[Runs]
        if self._workers > 1:
            runs = self._processes.submit(analyse_batch, self.schema, self._userdict, str(self._scratch), self._batch)
        else:
            runs = analyse(self.schema, batch_cut(self._userdict, self._batch_size), self._batch)
        # Until the commit, only what the segment stores of each document is kept, in a file: its text is analysed.
        values = [per_document(self.schema, fields) for fields in self._batch]
        self._batches.append((runs, SavedDocuments(self._scratch / f"{uuid.uuid4().hex}.documents", values)))
        self._batch, self._batch_size = [], 0

    def _commit_chunk(self) -> None:
        """Merge the chunk's runs into one segment and commit it with the deletions; then call on_commit."""
        if not self._processes.running and not self._batches:
            self._workers = min(self._workers, 1)  # a small chunk: no process is worth starting for its last batch
        self._end_batch()
        give_back_memory()  # what reading freed, before waiting for the workers' last batches (the ingest's peak)
        batches: list[tuple[Runs, DocumentValues]] = []
        for runs, docs in self._batches:
            done = runs.result() if isinstance(runs, concurrent.futures.Future) else runs
            batches.append((done.opened(), docs))
            self.failed += [(_identity(docs[index][0]), why) for index, why in done.failed]
        # The analysing workers' memory back before the merge (a next chunk starts them again); where there were
        # some, fresh ones without a segmenter merge and encode the posting lists, range by range.
        merging = self._processes.running
        self._stop_workers()
        segments = []
        if any(runs.count for runs, _ in batches):
            storage = FileStorage(str(self._scratch))
            pool = self._pool_of_workers(analyses=False) if merging else None
            segment = write_segment(self.schema, storage, self.ix.indexname, batches, pool, self._scratch)
            self._stop_workers()
            for path in segment_files(self._scratch, segment):
                os.replace(path, self._folder / path.name)
            segments.append(segment)
        commit_segments(self._whoosh, segments)
        self._chunks += 1
        self._batches = []
        del batches
        for spilled in self._scratch.iterdir():  # the runs' arrays, the documents, the encoded posting lists and terms
            if spilled.suffix in (".npy", ".documents", ".postings", ".terms"):
                spilled.unlink()
        self._chunk_docs = self._chunk_chars = 0
        # Too many small segments: they are merged into one (index/whoosh/merge.py).
        merge_committed(self.ix, segments_to_merge, self._workers)
        give_back_memory()
        self._on_commit()

    def _pool_of_workers(self, analyses: bool = True) -> concurrent.futures.ProcessPoolExecutor:
        return self._processes.pool(analyses)

    def _stop_workers(self) -> None:
        self._processes.stop()

    def _close(self) -> None:
        self._stop_workers()
        shutil.rmtree(self._scratch, ignore_errors=True)


def _takes_any_string(field: FieldType) -> bool:
    """Whether the field's analysis takes any string without fail, so that :meth:`BulkWriter._check` need not try it
    (the batch analyses every document anyway): an ID or KEYWORD field whose analyzer only cuts (the whole value, or
    its parts between commas or spaces, stripped)."""
    analyzer = getattr(field, "analyzer", None)
    parts = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
    return type(field) in (ID, KEYWORD) and all(type(part) in _CUTTERS for part in parts)


_CUTTERS = (IDTokenizer, RegexTokenizer, StripFilter)


class SavedDocuments:
    """A batch's per-document values (:func:`index.whoosh.segments.per_document`) pickled to ``path`` until the
    commit writes them: a chunk's stored fields (its documents' text, as published) are held on disk, not in this
    process, and read back a batch at a time. Indexable as the list was; ``clear`` forgets them and removes the
    file. Raises OSError where the file cannot be written (ENOSPC on a full disk)."""

    def __init__(self, path: Path, values: list[tuple[dict, dict]]) -> None:
        self.path = path
        self._count = len(values)
        self._values: list[tuple[dict, dict]] | None = None
        with open(path, "wb") as handle:
            pickle.dump(values, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> tuple[dict, dict]:
        if self._values is None:
            self._values = pickle.loads(self.path.read_bytes())
        return self._values[index]

    def clear(self) -> None:
        self._values = None
        self.path.unlink(missing_ok=True)


def commit_segments(whoosh: SegmentWriter, segments: list, replaced: Sequence = ()) -> None:
    """Commit a Whoosh writer's deletions with ``segments`` added to the index and ``replaced`` (merged into them)
    dropped, as its multi-process writer commits (``MpWriter._commit``); the writer's own segment stays empty,
    since documents came as whole segments. Whoosh deletes the files of segments no longer named. The commit's
    checksums are saved (:mod:`index.whoosh.checksums`)."""
    whoosh._close_segment()
    kept = [segment for segment in whoosh.segments if all(segment is not gone for gone in replaced)]
    whoosh._commit_toc(kept + segments)
    whoosh._finish()
    folder = Path(whoosh.storage.folder)
    checksums.record(folder, [path for segment in kept + segments for path in segment_files(folder, segment)])


def _identity(fields: dict) -> dict:
    return {key: fields.get(key) for key in ("id", "source", "locator")}
