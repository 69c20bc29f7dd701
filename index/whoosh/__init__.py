"""The Whoosh store, embedded, the default: everything that knows Whoosh, read and write.

Write: generations on disk (:mod:`.generations`), the answers to the write questions of the one ingest pipeline
(:mod:`.ingest`, asked by :mod:`index.pipeline`), segments built from analysed runs (:mod:`.runs`,
:mod:`.segments`, :mod:`.merge`, :mod:`.writer`), the posting formats (:mod:`.postings`), checksums
(:mod:`.checksums`) and ``portal doctor`` (:mod:`.doctor`). Read: :class:`~.catalog.Catalog` over per-commit
NumPy arrays (:mod:`.arrays`), BM25F (:mod:`.engine`), filters and facets (:mod:`.facets`), related documents
and relations (:mod:`.related`).
"""
