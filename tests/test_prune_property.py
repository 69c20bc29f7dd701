"""``--prune`` keeps the index equal to what the files hold (issue 18, item 1), for both stores.

Random edits of a folder of JSON Lines files (files created, changed, deleted and emptied to 0 bytes, records
moved from one file to another, one id in several files with different contents), each followed by an ingest
with ``--prune``: afterwards the store holds online (在线) exactly the ids some file holds, each as the version the
rules choose (the later 公开日期, then the later path, then the later record), whatever the store held before; every
other id it ever held is kept, marked 已撤下 (issue 22: nothing published is lost).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from helpers import examples, needs_searchd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.whoosh import generations
from index.whoosh.ingest import ingest_paths

FILES = ("a.jsonl", "b.jsonl", "c.jsonl", "sub/d.jsonl")
DATES = ("2020-01-02", "2021-03-04")
# (id, variant, 公开日期): the same id with another variant or date is a different document, a conflict.
RECORDS = st.tuples(st.sampled_from(["d1", "d2", "d3", "d4"]), st.integers(0, 1), st.sampled_from(DATES))
EDITS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(FILES), st.lists(RECORDS, max_size=4)),
    st.tuples(st.just("delete"), st.sampled_from(FILES)),
    st.tuples(st.just("empty"), st.sampled_from(FILES)),
    st.tuples(st.just("move"), st.sampled_from(FILES), st.sampled_from(FILES)),
)
ANCHOR = ("anchor", 0, "2019-01-01")  # a file never edited, so the index is never empty


def _title(record) -> str:
    doc_id, variant, date = record
    return f"{doc_id}号文件第{variant}稿{date}"


def _write(path: Path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(
            json.dumps({"id": r[0], "标题": _title(r), "正文": f"{_title(r)}的正文。", "公开日期": r[2]}) + "\n"
            for r in records
        ),
        "utf-8",
    )


def _apply(folder: Path, files: dict[str, list], edit) -> None:
    kind, name = edit[0], edit[1]
    path = folder / name
    if kind == "write":
        files[name] = list(edit[2])
        _write(path, files[name])
    elif kind == "delete":
        files.pop(name, None)
        path.unlink(missing_ok=True)
    elif kind == "empty":
        files[name] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    elif kind == "move" and files.get(name) and edit[2] != name:
        moved = files[name].pop(0)
        files.setdefault(edit[2], []).append(moved)
        _write(path, files[name])
        _write(folder / edit[2], files[edit[2]])


def _expected(folder: Path, files: dict[str, list]) -> dict[str, str]:
    """id → the title of the version that must be held: the later 公开日期, then the later path, then record."""
    best: dict[str, tuple] = {}
    for name, records in files.items():
        source = str((folder / name).resolve())
        for line, record in enumerate(records, 1):
            key = (record[2], source, f"line {line}")
            if record[0] not in best or key > best[record[0]][0]:
                best[record[0]] = (key, _title(record))
    return {doc_id: title for doc_id, (_, title) in best.items()}


class Whoosh:
    def __init__(self, root: Path) -> None:
        self.index_dir = root / "index"

    def ingest(self, folder: Path) -> None:
        ingest_paths([folder], self.index_dir, prune=True)

    def held(self) -> dict[str, tuple[str, str]]:
        """id → (title, 在线 or 已撤下)."""
        with generations.open_current(self.index_dir).searcher() as searcher:
            return {fields["id"]: (fields["title"], fields["status"]) for fields in searcher.all_stored_fields()}


class Cluster:
    """The cluster store, emptied first: each example starts from nothing, as the Whoosh one does."""

    def __init__(self, nodes) -> None:
        from index.cluster.ingest import held_documents
        from index.cluster.writer import delete_ids, flush

        self.topology = nodes.topology
        delete_ids(self.topology, list(held_documents(self.topology)))
        flush(self.topology)

    def ingest(self, folder: Path) -> None:
        from index.cluster.ingest import ingest_cluster

        ingest_cluster([folder], self.topology, prune=True)

    def held(self) -> dict[str, tuple[str, str]]:
        from index.cluster.catalog import ClusterCatalog
        from index.cluster.ingest import held_documents

        catalog = ClusterCatalog(self.topology)
        try:
            docs = [catalog.get(doc_id) for doc_id in held_documents(self.topology)]
            return {doc.id: (doc.title, doc.status) for doc in docs}
        finally:
            catalog.close()


@pytest.fixture(scope="module", params=["whoosh", "cluster"])
def make_store(request, tmp_path_factory):
    """A function making an empty store of the kind: the Whoosh index, or two searchd processes (one a shard)."""
    if request.param == "whoosh":
        yield Whoosh
        return
    needs_searchd()
    from index.cluster.local import LocalCluster

    with LocalCluster(tmp_path_factory.mktemp("prune-cluster"), [(0,), (1,)]) as nodes:
        yield lambda _root: Cluster(nodes)


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=5))
def test_after_every_edit_an_ingest_with_prune_holds_exactly_the_files_records(make_store, edits) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "docs"
        files: dict[str, list] = {}
        _write(folder / "anchor.jsonl", [ANCHOR])
        target = make_store(root)
        ever: set[str] = set()
        for edit in edits:
            _apply(folder, files, edit)
            target.ingest(folder)
            expected = {**_expected(folder, files), "anchor": _title(ANCHOR)}
            ever |= set(expected)
            held = target.held()
            online = {doc_id: title for doc_id, (title, status) in held.items() if status == "在线"}
            assert online == expected, f"after {edit} of {edits}"
            withdrawn = {doc_id for doc_id, (_, status) in held.items() if status == "已撤下"}
            assert withdrawn == ever - set(expected), f"after {edit} of {edits}"
