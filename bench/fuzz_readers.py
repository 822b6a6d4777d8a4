"""Fuzz the document readers with mutated .docx, .pdf and .txt bytes.

    /work/venv/bin/python bench/fuzz_readers.py --seconds 60 --seed 1
    /work/venv/bin/python bench/fuzz_readers.py --kind pdf --seconds 300 --save-dir /tmp/crashes

A seeded random mutator (byte flips, inserted tokens, cut/duplicated ranges, splices, and for
.docx edits of the XML *inside* the zip so the parser, not the CRC check, sees them) feeds
``read_document_bytes``. The promise under test: only ``DocumentError`` escapes, and no input
takes more than ``--slow`` seconds. Prints its command line, then executions, refusals by
code, crashes and slow inputs; exits 1 if there was a crash or a slow input.
"""

from __future__ import annotations

import argparse
import collections
import io
import random
import signal
import sys
import time
import traceback
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.docgen import FontMissing, render_docx, render_pdf  # noqa: E402
from workflows.intake.readers import DocumentError, read_document_bytes  # noqa: E402

KINDS = ("docx", "pdf", "txt")
_PLAN = (
    ROOT
    / "tests"
    / "data"
    / "plans"
    / "more"
    / "hcm-2820-QD-UBND-2025-ke-hoach-de-an-06-qd06-ttg.txt"
)
_TOKENS = (
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"%PDF-1.7",
    b"%%EOF",
    b"obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"/Length 99999999",
    b"/Filter /FlateDecode",
    b"xref",
    b"trailer",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/Type /Page",
    b"/Kids [1 0 R]",
    b"0 0 R",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xe1\xbb",
)
_XML_TOKENS = (
    "<w:p>",
    "</w:p>",
    "<w:tbl>",
    "<w:tr>",
    "<w:tc>",
    "</w:tc>",
    "</w:tr>",
    "</w:tbl>",
    '<w:gridSpan w:val="999999999"/>',
    "<w:vMerge/>",
    '<w:vMerge w:val="restart"/>',
    '<w:hMerge w:val="continue"/>',
    '<w:gridSpan w:val="x"/>',
    "<w:br/>",
    "<w:tab/>",
    "<w:sdt><w:sdtContent>",
    "</w:sdtContent></w:sdt>",
    "<w:t>Kế hoạch</w:t>",
    "&amp;",
    "&#0;",
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    "&a;",
    "<w:txbxContent>",
    "<w:del>",
    "\x00",
)


# Well-formed (if odd) fragments: inserted at a tag boundary they keep the XML parseable, so
# the body walker, not the XML parser, meets them.
_FRAGMENTS = (
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>ô</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>",
    '<w:tbl><w:tr><w:trPr><w:gridBefore w:val="-5"/></w:trPr><w:tc><w:tcPr>'
    '<w:gridSpan w:val="99999999999"/></w:tcPr><w:tbl><w:tr><w:tc/></w:tr></w:tbl></w:tc>'
    "</w:tr></w:tbl>",
    '<w:sdt><w:sdtContent><w:p><w:r><w:t xml:space="preserve"> ư </w:t></w:r></w:p>'
    "</w:sdtContent></w:sdt>",
    "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>hộp</w:t></w:r></w:p></w:txbxContent>"
    "</w:pict></w:r>",
    "<w:p><w:r><w:br/><w:tab/><w:cr/><w:noBreakHyphen/></w:r></w:p>",
    "<w:customXml><w:tbl/></w:customXml>",
    "<w:t/>",
    "<w:tc><w:p/></w:tc>",
    "<!-- chú thích -->",
    "<?pi data?>",
    "<x:unknown xmlns:x='urn:x'><w:p><w:r><w:t>lạ</w:t></w:r></w:p></x:unknown>",
)


class Deadline(BaseException):
    """Raised by the alarm; a BaseException so the readers' catch-all cannot swallow it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the body after ``seconds`` (main thread, Unix): a hang becomes a finding."""

    def _ring(signum: int, frame: object) -> None:
        raise Deadline(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def seed_corpus(workdir: Path) -> dict[str, list[bytes]]:
    """Valid inputs to mutate: a real plan excerpt (with a table) as .docx, .pdf and .txt."""
    lines = _PLAN.read_text(encoding="utf-8").split("\n")
    text = "\n".join(lines[:60] + lines[455:520])  # letterhead, body, start of the duties table
    corpus: dict[str, list[bytes]] = {kind: [] for kind in KINDS}
    corpus["docx"].append(render_docx(text, workdir / "seed.docx").read_bytes())
    try:
        corpus["pdf"].append(render_pdf(text, workdir / "seed.pdf").read_bytes())
    except FontMissing:
        corpus["pdf"].append(_minimal_pdf())
    sample = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n" + text[:2000]
    corpus["txt"] += [
        sample.encode("utf-8"),
        sample.encode("utf-16"),
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc".encode("cp1252"),
        "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252"),
    ]
    return corpus


def _minimal_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 6, "Ke hoach thuc hien nhiem vu nam 2025\n" * 20)
    return bytes(pdf.output())


class Mutator:
    """Seeded, stacked mutations of a seed input."""

    def __init__(self, rng: random.Random, corpus: dict[str, list[bytes]]) -> None:
        self.rng = rng
        self.corpus = corpus

    def mutate(self, kind: str) -> bytes:
        data = self.rng.choice(self.corpus[kind])
        if kind == "docx" and self.rng.random() < 0.6:
            return self._mutate_inside_zip(data)
        for _ in range(self.rng.randint(1, 4)):
            data = self._mutate_bytes(data)
        return data

    def _mutate_bytes(self, data: bytes) -> bytes:
        rng = self.rng
        buf = bytearray(data)
        pos = rng.randrange(len(buf) + 1) if buf else 0
        op = rng.randrange(7)
        if op == 0 and buf:  # flip bits
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert a token
            buf[pos:pos] = rng.choice(_TOKENS)
        elif op == 2:  # insert random bytes
            buf[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == 3 and buf:  # delete a range
            del buf[pos : pos + rng.randint(1, max(1, len(buf) // 8))]
        elif op == 4 and buf:  # duplicate a range
            end = min(len(buf), pos + rng.randint(1, 512))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 8)
        elif op == 5:  # truncate
            del buf[pos:]
        else:  # splice with another seed, any kind
            other = rng.choice([s for seeds in self.corpus.values() for s in seeds])
            cut = rng.randrange(len(other) + 1)
            buf = buf[:pos] + bytearray(other[cut:])
        return bytes(buf)

    def _mutate_inside_zip(self, data: bytes) -> bytes:
        """Edit one part's XML and re-zip with valid CRCs, so the XML parser is exercised."""
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
        name = "word/document.xml" if self.rng.random() < 0.8 else self.rng.choice(list(parts))
        xml = parts[name].decode("utf-8", errors="replace")
        for _ in range(self.rng.randint(1, 6)):
            pos = self.rng.randrange(len(xml) + 1)
            roll = self.rng.random()
            if roll < 0.5:  # a well-formed fragment right after some tag
                pos = xml.find(">", pos) + 1 or len(xml)
                xml = xml[:pos] + self.rng.choice(_FRAGMENTS) + xml[pos:]
            elif roll < 0.8:
                xml = xml[:pos] + self.rng.choice(_XML_TOKENS) + xml[pos:]
            else:
                xml = xml[:pos] + xml[pos + self.rng.randint(1, 40) :]
        parts[name] = xml.encode("utf-8")
        if self.rng.random() < 0.1:
            parts.pop(self.rng.choice(list(parts)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part, body in parts.items():
                archive.writestr(part, body)
        return out.getvalue()


def run_one(data: bytes, kind: str, *, slow: float) -> tuple[str, float]:
    """Outcome ("ok", "refused:<code>", "crash:<Type>", "slow") and the time taken."""
    started = time.perf_counter()
    try:
        with deadline(slow):
            read_document_bytes(data, f"fuzz.{kind}")
        outcome = "ok"
    except DocumentError as exc:
        outcome = f"refused:{exc.code}"
    except Deadline:
        outcome = "slow"
    except Exception as exc:
        outcome = f"crash:{type(exc).__name__}"
    return outcome, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", choices=KINDS, action="append", help="repeatable; default all")
    parser.add_argument("--slow", type=float, default=5.0, help="seconds per input (default 5)")
    parser.add_argument("--save-dir", type=Path, help="write crashing/slow inputs here")
    args = parser.parse_args(argv)
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        corpus = seed_corpus(Path(tmp))
    return _fuzz(args, corpus)


def _fuzz(args: argparse.Namespace, corpus: dict[str, list[bytes]]) -> int:
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # malformed input logs on every call
    mutator = Mutator(random.Random(args.seed), corpus)
    kinds = args.kind or list(KINDS)
    outcomes: dict[str, collections.Counter[str]] = {k: collections.Counter() for k in kinds}
    findings = 0
    slowest = 0.0
    stop = time.monotonic() + args.seconds
    executions = 0
    while time.monotonic() < stop:
        kind = kinds[executions % len(kinds)]
        data = mutator.mutate(kind)
        outcome, took = run_one(data, kind, slow=args.slow)
        executions += 1
        slowest = max(slowest, took)
        outcomes[kind][outcome] += 1
        if outcome.startswith("crash") or outcome == "slow":
            findings += 1
            _report(args, executions, kind, data, outcome)
    print(f"executions: {executions} ({executions / args.seconds:.0f}/s), seed {args.seed}")
    for kind, counter in outcomes.items():
        print(f"  {kind}: " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items())))
    print(f"slowest input: {slowest:.3f} s")
    print(f"crashes and slow inputs: {findings}")
    return 1 if findings else 0


def _report(args: argparse.Namespace, n: int, kind: str, data: bytes, outcome: str) -> None:
    print(f"FINDING #{n} {kind}: {outcome}", flush=True)
    if outcome.startswith("crash"):
        try:
            read_document_bytes(data, f"fuzz.{kind}")
        except Exception:
            traceback.print_exc(limit=6)
    if args.save_dir:
        args.save_dir.mkdir(parents=True, exist_ok=True)
        target = args.save_dir / f"finding-{args.seed}-{n}.{kind}"
        target.write_bytes(data)
        print(f"  saved {target}")


if __name__ == "__main__":
    raise SystemExit(main())
