"""What a commit's searches read, derived from the commit before's: only the segments the commit added are read.

Ingest commits a re-crawl's new and changed documents as new segments after the others, and marks the old versions
deleted in the segments that hold them (:func:`index.whoosh.writer.commit_segments`: the kept segments first, in
their order). Everything :meth:`index.whoosh.catalog.Catalog.prepare` derives is per document in docnum order, or
per term counted over the segments with deleted documents included (Whoosh's document frequencies), or per live
document in docnum order. So where a commit begins with the previous commit's segments, each as it was (the same
segment, the same documents, perhaps more of them deleted), its documents up to the previous commit's count have the
same docnums and the previous commit's saved arrays and vocabulary hold their part:

* :func:`arrays_after`: the per-document arrays (field lengths, numeric columns, facet codes) are the previous ones
  with the new segments' appended; the documents of each facet value are the previous ones still live and the new
  segments'; the Latin terms of a bigram field are the previous ones and the new segments'; the live documents and
  the copy groups are derived again (over arrays, not the index);
* :func:`vocabulary_after`: a word's documents are the previous count and the new segments'; the titles are the
  previous ones but those of documents deleted since, then the new segments'. A word the previous vocabulary left
  out (in fewer than ``MIN_DOCS`` documents of a field) and the new segments hold is counted in the old segments by
  one look-up each.

A commit that dropped or merged segments (``portal optimize``, a merge of small segments), or whose previous
commit's files are missing or damaged, is derived in full; so is anything not named above. Both give the same
arrays and vocabulary as a full derivation (tests/test_increments.py).
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import IndexReader, MultiReader

from index.query.suggest import MIN_DOCS, TITLE_WEIGHT, Vocabulary, is_word, normal
from index.whoosh.arrays import IndexArrays

# The derived arrays carried over (by the kind, the first part of their key); others are derived again when asked.
_CARRIED = ("lengths", "numbers", "codes", "values", "run_terms")


def kept_documents(previous: tuple, version: tuple) -> int | None:
    """The documents of the previous commit (its arrays' ``version``, :func:`index.whoosh.arrays.commit_version`)
    that the commit ``version`` holds at the same docnums, its first segments being the previous commit's, each the
    same segment with as many documents; None where it is not so (segments dropped or merged, another generation)."""
    if previous[0] != version[0] or len(previous[2]) > len(version[2]):
        return None
    for before, now in zip(previous[2], version[2], strict=False):
        if not before or not now or before[:2] != now[:2]:
            return None
    return sum(segment[1] for segment in previous[2])


def added_part(reader: IndexReader, start: int) -> IndexReader | None:
    """A reader of the segments of ``reader`` from docnum ``start`` on (docnums from 0), or None where there are none.
    It shares the segments' readers: never close it."""
    leaves = [leaf for leaf, offset in reader.leaf_readers() if offset >= start and leaf.doc_count_all()]
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else MultiReader(leaves)


def arrays_after(previous: IndexArrays, reader: IndexReader, version: tuple) -> IndexArrays | None:
    """The arrays of the commit ``reader`` reads (``version``) from the previous commit's (see the module
    docstring), or None where its segments do not begin with the previous commit's."""
    start = kept_documents(previous.version, version)
    if start is None:
        return None
    arrays = IndexArrays(reader, version)
    added = added_part(reader, start)
    part = IndexArrays(added, version) if added is not None else None
    for key, value in previous._derived.items():
        if not isinstance(key, tuple) or key[0] not in _CARRIED:
            continue
        kind, field = key
        arrays._derived[key] = _extended(kind, field, value, arrays, part, added, start)
    return arrays


def _extended(kind: str, field: str, value, arrays: IndexArrays, part: IndexArrays | None, added, start: int):
    """The derived array ``kind`` of ``field`` for the new commit: ``value`` (the previous commit's) extended by the
    added segments' (``part`` of ``added``, their docnums from ``start``)."""
    if kind in ("lengths", "numbers"):
        if part is None:
            return value
        fresh = part.lengths(added, field) if kind == "lengths" else part.numbers(added, field)
        return np.concatenate([value, fresh.astype(value.dtype, copy=False)])
    if kind == "codes":
        codes, names = value
        if part is None:
            return value
        added_codes, added_names = part.codes(added, field)
        numbering = {name: number for number, name in enumerate(names)}
        names = list(names)
        renumbered = np.array([numbering.setdefault(name, len(numbering)) for name in added_names], np.int32)
        names.extend(list(numbering)[len(names) :])
        fresh = np.where(added_codes >= 0, renumbered[np.maximum(added_codes, 0)] if renumbered.size else -1, -1)
        return np.concatenate([codes, fresh.astype(np.int32)]), names
    if kind == "values":
        docs_of: dict[str, list[np.ndarray]] = {}
        for name, docs in value:
            docs_of[name] = [docs[arrays.alive[docs]]]
        if part is not None:
            for name, docs in part.values(added, field):
                docs_of.setdefault(name, []).append((docs + start).astype(np.int32))
        merged = ((name, np.concatenate(docs_of[name]).astype(np.int32, copy=False)) for name in sorted(docs_of))
        return [(name, docs) for name, docs in merged if docs.size]
    # run_terms: every Latin/digit term, one a line
    terms = set(value.strip("\n").split("\n")) - {""}
    if part is not None:
        terms |= set(part.run_terms(added, field).strip("\n").split("\n")) - {""}
    return "\n" + "\n".join(sorted(terms)) + "\n"


def vocabulary_after(
    previous: Vocabulary, before: IndexArrays, arrays: IndexArrays, reader: IndexReader
) -> Vocabulary | None:
    """The vocabulary of the commit ``reader`` reads (its ``arrays``) from ``previous``, the vocabulary of the commit
    whose arrays are ``before`` (see the module docstring); None where the commit's segments do not begin with that
    commit's."""
    start = kept_documents(before.version, arrays.version)
    if start is None:
        return None
    added = added_part(reader, start)
    # Titles: the previous commit's but those of documents deleted since, then the added segments'.
    gone_docs = np.flatnonzero(before.alive & ~arrays.alive[:start])
    ids = reader.column_reader("id") if gone_docs.size else None
    gone = {ids[int(doc)] for doc in gone_docs} if ids is not None else set()
    normals = previous.normals()
    kept = [i for i, doc_id in enumerate(previous.ids) if doc_id not in gone] if gone else range(len(previous.ids))
    titles = [(previous.ids[i], previous.titles[i]) for i in kept]
    normal_forms = [normals[i] for i in kept]
    frequency = dict(previous.frequency)
    if added is not None:
        fresh = [
            (str(stored.get("id", "")), str(stored.get("title", "")))
            for _docnum, stored in added.iter_docs()
            if stored.get("title")
        ]
        titles += fresh
        normal_forms += [normal(title) for _, title in fresh]
        _count_words(frequency, reader, added, start)
    return Vocabulary(frequency, titles, normal_forms)


def _count_words(frequency: dict[str, int], reader: IndexReader, added: IndexReader, start: int) -> None:
    """Add the words of the ``added`` segments to ``frequency`` (a vocabulary's weights): a word it holds gains the
    added documents, weighed; another is counted in the segments before them too (``reader``'s before docnum
    ``start``, a look-up in each) and held where a field of MIN_DOCS documents or more holds it."""
    counts: dict[str, list[int]] = {}  # word → [title documents, body documents] in the added segments
    for column, name in enumerate(("title", "body")):
        if name not in reader.schema:
            continue
        for leaf, _offset in added.leaf_readers():
            try:
                terms = list(leaf.iter_field(name))
            except KeyError:  # a segment holding no term of the field
                continue
            for term, info in terms:
                word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                if is_word(word):
                    counts.setdefault(word, [0, 0])[column] += info.doc_frequency()
    old = [leaf for leaf, offset in reader.leaf_readers() if offset < start]
    for word, (title, body) in counts.items():
        if word in frequency:
            frequency[word] += TITLE_WEIGHT * title + body
            continue
        title += sum(_documents(leaf, "title", word) for leaf in old)
        body += sum(_documents(leaf, "body", word) for leaf in old)
        if max(title, body) >= MIN_DOCS:
            frequency[word] = TITLE_WEIGHT * title + body


def _documents(leaf: IndexReader, field: str, word: str) -> int:
    """Documents of one segment holding ``word`` in ``field``, deleted ones included (0 where it holds no such
    field)."""
    try:
        return leaf.doc_frequency(field, word)
    except KeyError:
        return 0
