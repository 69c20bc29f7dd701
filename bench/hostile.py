"""The hostile probes of issue 9 at full size, each ingested by a real `portal ingest` beside a good file.

``python -m bench.hostile [--folder DIR] [--only NAME]`` writes each probe into its own folder with one good
document, runs ``/usr/bin/time -v portal ingest --json`` on it with a fresh index, and prints peak RSS,
wall time and what the report said about the probe. The limits are the defaults (``index/limits.py``).
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
FILLER = "为进一步做好城乡居民最低生活保障工作，现将有关事项通知如下。"
PAGE = "索引号 014319733/2018-{serial}\n名称 {title}\n发布机构 市民政局 公开日期 2018-04-10\n\n{title}\n"


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _deep_json(path: Path) -> None:
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)


def _surrogate(path: Path) -> None:
    path.write_bytes('{"标题": "关于\\ud800的通知", "正文": "正文。"}'.encode())


def _docx_bomb(folder: Path) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(head + b"<w:r><w:t>")
                for _ in range(256):
                    member.write(b"A" * MB)
                member.write(b"</w:t></w:r></w:p></w:body></w:document>")
        (folder / "bomb.docx").write_bytes(buffer.getvalue())
        path.write_bytes(_json({"标题": "附件为压缩炸弹的通知", "正文": "正文。", "附件": [{"name": "bomb.docx"}]}))

    return make


def _csv_field(path: Path) -> None:
    path.write_bytes(("标题,正文\n十兆字段的通知," + "长" * (10 * MB // 3) + "\n").encode())


def _huge_page(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(PAGE.format(serial="00041", title="二百兆页面文本"))
        line = FILLER * 30 + "\n"
        for _ in range(200 * MB // len(line.encode())):
            handle.write(line)


def _deep_html(path: Path) -> None:
    depth = 1_000_000
    body = "<div>" * depth + "深层正文" + "</div>" * depth
    html = f"<html><head><title>深层嵌套页面</title></head><body>{body}</body></html>"
    path.write_bytes(html.encode())


def _utf16(bom: bool) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        text = PAGE.format(serial="00031", title="UTF-16页面") + "正文。\n"
        path.write_bytes((codecs.BOM_UTF16_LE if bom else b"") + text.encode("utf-16-le"))

    return make


def _infinite(path: Path) -> None:
    path.write_bytes(_json({"标题": "日期为无穷大的通知", "正文": "正文。"})[:-1] + b', "pub_date": 1e999}')


def _cut_row(path: Path) -> None:
    path.write_bytes("标题,正文,发布日期\n完整的一行,正文,2020-01-01\n被截断的一行,正文".encode())


def _pdf_attachment(title: str, make_pdf: Callable[[], bytes], folder: Path) -> Callable[[Path], None]:
    """A document whose attachment is the PDF ``make_pdf`` writes (tests/hostile.py builds the hostile PDFs)."""

    def make(path: Path) -> None:
        (folder / "attachment.pdf").write_bytes(make_pdf())
        path.write_bytes(_json({"标题": title, "正文": "正文。", "附件": [{"name": "attachment.pdf"}]}))

    return make


def _hostile_pdfs():
    sys.path.insert(0, str(ROOT / "tests"))
    hostile = importlib.import_module("hostile")  # tests/hostile.py, found through the path just added

    return hostile


def probes(folder: Path) -> dict[str, tuple[str, Callable[[Path], None]]]:
    """name → (file name, writer) for each probe of the issue's table."""
    return {
        "json-100000-deep": ("deep.json", _deep_json),
        "lone-surrogate": ("surrogate.json", _surrogate),
        "docx-256mb-expanded": ("with-bomb.json", _docx_bomb(folder)),
        "csv-10mb-field": ("field.csv", _csv_field),
        "page-text-200mb": ("huge.txt", _huge_page),
        "html-1e6-deep": ("deep.html", _deep_html),
        "utf16-bom": ("bom.txt", _utf16(True)),
        "utf16-no-bom": ("nobom.txt", _utf16(False)),
        "number-1e999": ("infinite.json", _infinite),
        "csv-cut-last-row": ("cut.csv", _cut_row),
        # issue 18: 100 pages sharing one compressed stream of 2,000 lines (2 KB; 21.6 million characters uncut)
        "pdf-shared-stream": (
            "with-pdf.json",
            _pdf_attachment("附件页页共用内容流的通知", lambda: _hostile_pdfs().pdf_text_bomb(10, 2000), folder),
        ),
    }


def _time_says(pattern: str, report: str) -> str:
    """The value ``/usr/bin/time -v`` gave on the line ``pattern`` matches; RuntimeError when it gave none."""
    found = re.search(pattern, report)
    if found is None:
        raise RuntimeError(f"/usr/bin/time -v printed no line matching {pattern!r}: {report[-500:]}")
    return found.group(1)


def run(name: str, base: Path) -> dict[str, object]:
    folder = base / name
    folder.mkdir(parents=True)
    file_name, make = probes(folder)[name]
    make(folder / file_name)
    (folder / "good.json").write_bytes(_json({"标题": "一份正常的通知", "正文": FILLER}))
    env = {**os.environ, "PORTAL_INDEX_DIR": str(base / f"{name}-index")}
    portal = str(Path(sys.executable).with_name("portal"))
    done = subprocess.run(
        ["/usr/bin/time", "-v", portal, "ingest", "--json", str(folder)], capture_output=True, text=True, env=env
    )
    report = json.loads(done.stdout)
    rss = int(_time_says(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr))
    wall = _time_says(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    said = [r["reason"] for r in report["rejected"] if file_name in r["source"]]
    said += [f"{w['field']}: {w['code']}" for w in report["warnings"] if file_name in w["where"]]
    return {
        "probe": name,
        "probe_mb": round((folder / file_name).stat().st_size / MB, 1),
        "peak_rss_mb": rss // 1024,
        "wall": wall,
        "added": report["added"],
        "said": "; ".join(dict.fromkeys(said))[:160],
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="where to write the probes (default: a temporary folder)")
    parser.add_argument("--only", action="append", help="run only this probe (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        base = args.folder or Path(temporary)
        names = args.only or list(probes(base))
        print("| probe | size MB | peak RSS MB | wall | added | the report says |")
        print("|---|---|---|---|---|---|")
        for name in names:
            row = run(name, base)
            print(" | ".join(["", *(str(value) for value in row.values()), ""]).strip(), flush=True)


if __name__ == "__main__":
    main()
