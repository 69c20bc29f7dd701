"""The portal over a sharded, mirrored Manticore Search cluster (Sphinx 2.2.11 in CI), spoken to in SphinxQL.

One idea a module:

* :mod:`.topology`: the cluster as the portal sees it (shards, their mirrors, the distributed index) and which
  shard owns a document (a jump consistent hash of its id);
* :mod:`.rows`: a :class:`~index.record.Document` as the row a real-time index stores: the project's own analysis
  (jieba words and character bigrams) sent as space-separated tokens, so the store never segments text itself;
* :mod:`.sphinxql`: connections, escaping, and reading a query's warnings (a shard that did not answer);
* :mod:`.match`: a query tree of :mod:`index.query.syntax` as a SphinxQL ``MATCH()`` expression;
* :mod:`.catalog`: :class:`~.catalog.ClusterCatalog`, what the portal asks, as :class:`index.whoosh.catalog.Catalog` is
  for Whoosh;
* :mod:`.writer` and :mod:`.ingest`: writing rows to every replica of their shard, and distributed ingest
  with Dask;
* :mod:`.config`: ``searchd`` configuration for a node of the cluster (tests, benchmarks, docs/scale-out.md).
"""
