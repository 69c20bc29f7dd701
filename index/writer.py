"""The index writer ingest uses: Whoosh's writer interface, documents written as whole segments.

:class:`BulkWriter` takes ``update_document``, ``add_document`` and ``delete_by_term`` as Whoosh's
``SegmentWriter`` does, collects added documents into batches and writes each batch as one segment
(:mod:`index.segments`): in this process for a small ingest, in worker processes, one per core, once a
batch fills up, so analysis and writing use every core while this process reads the next files.
Deletions go through a Whoosh writer, which also holds the index's write lock and commits the table of
contents naming the old segments (with their deletions) and the new ones. Nothing is visible before
:meth:`commit`; :meth:`cancel` leaves the index as it was.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from whoosh.index import Index
from whoosh.writing import SegmentWriter

from index.analysis import fast_segmenter, segmenter, userdict_of
from index.segments import SegmentBuilder, build_segment, segment_files

# Text characters per segment built by a worker (about 100 MB in memory while it builds): small enough that
# both workers are busy on a corpus of a few thousand documents.
BATCH_CHARS = 2_000_000


def workers_available() -> int:
    """Worker processes worth starting: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class BulkWriter:
    """See the module docstring. ``workers`` 0 builds every segment in this process."""

    def __init__(self, ix: Index, *, workers: int | None = None, batch_chars: int = BATCH_CHARS) -> None:
        self.ix = ix
        self.schema = ix.schema
        self._userdict = userdict_of(self.schema["body"].analyzer)
        self._whoosh = ix.writer()  # the write lock, deletions, and the table of contents
        self._folder = Path(ix.storage.folder)
        # A dot-folder: Whoosh's clean-up of files no commit names does not look inside it.
        self._scratch = Path(tempfile.mkdtemp(prefix=".segments-", dir=self._folder))
        self._workers = workers_available() if workers is None else workers
        self._batch_chars = batch_chars
        self._builder = self._new_builder()
        self._batch: list[dict] = []
        self._batch_size = 0
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._pending: list[concurrent.futures.Future] = []
        self._segments = []

    def _new_builder(self) -> SegmentBuilder:
        # In this process jieba itself cuts (loaded already, for queries); workers load rjieba once each.
        tokenizer = segmenter(self._userdict)
        return SegmentBuilder(self.schema, lambda text: list(tokenizer.cut(text, HMM=True)))

    # Whoosh's writer interface

    def update_document(self, **fields) -> None:
        """Replace the committed document with the same unique field values (its id), then add this one."""
        for name in self.schema.names():
            if self.schema[name].unique and fields.get(name):
                self._whoosh.delete_by_term(name, fields[name])
        self.add_document(**fields)

    def add_document(self, **fields) -> None:
        if self._workers > 1:
            self._batch.append(fields)
            self._batch_size += _text_size(fields)
            if self._batch_size >= self._batch_chars:
                self._submit()
        else:
            self._builder.add(fields)
            if self._builder.chars >= self._batch_chars:
                self._segments.append(self._builder.write(_storage(self._scratch), self.ix.indexname))
                self._builder = self._new_builder()

    def delete_by_term(self, fieldname: str, text: str) -> int:
        return self._whoosh.delete_by_term(fieldname, text)

    def commit(self) -> None:
        """Write what is left, wait for the workers, and make every change visible at once."""
        try:
            if self._batch:
                if self._pool is not None:
                    self._submit()
                else:
                    for fields in self._batch:
                        self._builder.add(fields)
                    self._batch = []
            if len(self._builder):
                self._segments.append(self._builder.write(_storage(self._scratch), self.ix.indexname))
            self._segments += [future.result() for future in self._pending]
            for segment in self._segments:
                for path in segment_files(self._scratch, segment):
                    os.replace(path, self._folder / path.name)
            commit_segments(self._whoosh, self._segments)
        except BaseException:
            self.cancel()
            raise
        finally:
            self._close()

    def cancel(self) -> None:
        """Drop everything written since the writer was opened; the index stays as it was."""
        for future in self._pending:
            future.cancel()
        self._close()
        if not self._whoosh.is_closed:
            self._whoosh.cancel()

    # plumbing

    def _submit(self) -> None:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self._workers,
                # spawn: a fresh interpreter, safe whatever threads this process runs
                mp_context=multiprocessing.get_context("spawn"),
                initializer=fast_segmenter,
                initargs=(self._userdict,),
            )
        self._pending.append(
            self._pool.submit(
                build_segment, self.schema, self._userdict, str(self._scratch), self.ix.indexname, self._batch
            )
        )
        self._batch, self._batch_size = [], 0

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        shutil.rmtree(self._scratch, ignore_errors=True)


def commit_segments(whoosh: SegmentWriter, segments: list) -> None:
    """Commit a Whoosh writer's deletions with ``segments`` added to the index, as its multi-process writer does
    (``MpWriter._commit``); the writer's own segment stays empty, since documents came as whole segments."""
    whoosh._close_segment()
    whoosh._commit_toc(list(whoosh.segments) + segments)
    whoosh._finish()


def _storage(folder: Path):
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder))


def _text_size(fields: dict) -> int:
    return sum(len(value) for value in fields.values() if isinstance(value, str))
