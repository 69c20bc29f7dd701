"""index.record.as_dict gives what dataclasses.asdict gives, for the documents ingest hashes and keeps."""

from dataclasses import asdict
from pathlib import Path

from index.record import Attachment, Document, Finding, IndexNo, Link, as_dict


def test_as_dict_equals_asdict_on_a_full_document() -> None:
    doc = Document(
        id="014319733/2018-00019",
        title="关于印发某某办法的通知",
        index_no=IndexNo(raw="014319733/2018-00019", normalised="014319733/2018-00019", variant="org_year_serial"),
        publishers=["某市人民政府"],
        keywords=["低保", "救助"],
        body="正文。",
        attachments=[
            Attachment(
                name="附件1",
                url="http://example.gov.cn/a.pdf",
                text="附件正文",
                path=Path("a.pdf"),
                lookups=(Path("a.pdf"),),
            )
        ],
        related=[Link(title="解读", url="http://example.gov.cn/jd.html")],
        warnings=[Finding("body_metadata", "body", "说明")],
    )
    made = as_dict(doc)
    assert made == asdict(doc)
    assert list(made) == list(asdict(doc))  # the same key order: the content hash is of its JSON
    assert made["attachments"][0] is not doc.attachments[0]  # a copy, as asdict's: the history pops from it


def test_as_dict_copies_other_values_as_asdict_does() -> None:
    value = {"where": Path("a/b"), "pair": (1, "x"), "items": [{"k": ["v"]}]}
    made = as_dict(value)
    assert made == {"where": Path("a/b"), "pair": (1, "x"), "items": [{"k": ["v"]}]}
    assert made["items"] is not value["items"] and made["items"][0] is not value["items"][0]
