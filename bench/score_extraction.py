"""Score duty extraction against the hand-read goldens (tests/data/plans, reading rules in README).

For every plan with a golden (the three Kon Tum plans, the held-out set in more/ and the real
office files in corpus/), in every format, it counts the expected duties found on the right lead
body (and among them, with the right partners and the right due date), found on a WRONG body,
and missed, and prints the command that produced the figures.

    python bench/score_extraction.py                    # all plans, all formats
    python bench/score_extraction.py --min-right 0.95   # exit 1 when below the bar
    python bench/score_extraction.py --set more --formats .txt -v
    python bench/score_extraction.py --set corpus                # real .docx files as they are
    python bench/score_extraction.py --formats .scan.pdf --set kontum   # OCR of scans (slow)

Formats: .txt (the text as it is); .docx and .pdf (rendered by tests/docgen.py and read back);
.lo.pdf (the .docx printed to PDF by LibreOffice, as an office PDF; default when soffice is
installed); .scan.pdf (that PDF rasterised with pdftoppm + img2pdf, no text layer, read by
Tesseract OCR; only when asked with --formats). A golden whose document is an office file
(corpus/*.docx) is scored on the file itself and its .lo.pdf/.scan.pdf renderings, with
source lines unchecked.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.golden import (  # noqa: E402 - the repository root is put on the path first
    FORMATS,
    OFFICE_FORMATS,
    PLANS_DIR,
    PlanComparison,
    applies,
    compare_plan,
    document_path,
    extract,
    golden_paths,
    load_golden,
    load_registry_or_none,
    prepare_office,
    renderers_available,
)


@dataclass
class Score:
    expected: int = 0
    right: int = 0
    right_partners: int = 0
    right_due: int = 0
    wrong_body: int = 0
    missed: int = 0
    optional_found: int = 0
    extra_tasks: int = 0

    def add(self, other: Score) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def share(self, count: int) -> str:
        return f"{100 * count / self.expected:5.1f}%" if self.expected else "   -  "


def score(c: PlanComparison) -> Score:
    required = [r for r in c.duties if not r.optional]
    right = [r for r in required if r.status == "right"]
    return Score(
        expected=len(required),
        right=len(right),
        right_partners=sum("partners" not in r.mismatches for r in right),
        right_due=sum("due" not in r.mismatches for r in right),
        wrong_body=sum(r.status == "wrong_body" for r in required),
        missed=sum(r.status == "missed" for r in required),
        optional_found=sum(r.optional and r.status == "right" for r in c.duties),
        extra_tasks=len(c.extras),
    )


HEADER = (
    f"{'plan':<58} {'fmt':<5} {'exp':>4} {'right':>6} {'+partn':>6} {'+due':>6} "
    f"{'WRONG':>6} {'missed':>6}  {'right%':>6} {'partn%':>6} {'due%':>6} {'wrong%':>6}"
)


def row(label: str, fmt: str, s: Score) -> str:
    return (
        f"{label:<58} {fmt:<5} {s.expected:>4} {s.right:>6} {s.right_partners:>6} "
        f"{s.right_due:>6} {s.wrong_body:>6} {s.missed:>6}  {s.share(s.right)} "
        f"{s.share(s.right_partners)} {s.share(s.right_due)} {s.share(s.wrong_body)}"
    )


def chosen_goldens(which: str) -> list[Path]:
    sets = {name: golden_paths(PLANS_DIR / name) for name in ("more", "corpus")}
    sets["kontum"] = golden_paths(PLANS_DIR)
    if which in sets:
        return sets[which]
    return sets["kontum"] + sets["more"] + sets["corpus"]


def default_formats() -> str:
    office = list(OFFICE_FORMATS) if shutil.which("soffice") else []
    return ",".join([*FORMATS, *office])


def run_one(path: Path, fmt: str, workdir: Path, verbose: bool) -> Score | None:
    golden = load_golden(path)
    if not applies(document_path(path, golden), fmt):
        return None
    label = path.relative_to(PLANS_DIR).as_posix().removesuffix(".expected.json")
    registry = load_registry_or_none()
    try:
        plan = extract(document_path(path, golden), fmt, workdir, registry)
    except Exception as error:
        print(f"{label:<58} {fmt:<5} PARSE FAILED: {type(error).__name__}: {error}")
        required = sum(not d.get("optional") for d in golden["duties"])
        return Score(expected=required, missed=required)
    check_lines = fmt == ".txt" and document_path(path, golden).suffix == ".txt"
    comparison = compare_plan(plan, golden, check_lines=check_lines, registry=registry)
    result = score(comparison)
    print(row(label, fmt, result))
    if verbose:
        for r in comparison.duties:
            if r.status != "right" or r.mismatches:
                print("      " + r.describe())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-right", type=float, default=None, help="fail below this share")
    parser.add_argument("--set", choices=("all", "kontum", "more", "corpus"), default="all")
    parser.add_argument(
        "--formats", default=default_formats(), help="e.g. .txt,.pdf,.lo.pdf,.scan.pdf"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every non-right duty")
    args = parser.parse_args(argv)
    formats = [f if f.startswith(".") else "." + f for f in args.formats.split(",") if f]
    started = time.perf_counter()
    if not renderers_available():
        skipped = [f for f in formats if f != ".txt"]
        formats = [f for f in formats if f == ".txt"]
        if skipped:
            print(f"note: tests/docgen.py or the readers are missing, skipping {skipped}")
    shown = " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    print(f"command: python bench/score_extraction.py {shown}".rstrip())
    print(time.strftime("date: %Y-%m-%d %H:%M"))
    print(HEADER)
    per_format = {f: Score() for f in formats}
    total = Score()
    goldens = chosen_goldens(args.set)
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        if any(f in (".lo.pdf", ".scan.pdf") for f in formats):
            prepare_office([document_path(p, load_golden(p)) for p in goldens], Path(tmp))
        for path in goldens:
            for fmt in formats:
                result = run_one(path, fmt, Path(tmp), args.verbose)
                if result is not None:
                    per_format[fmt].add(result)
                    total.add(result)
    print("-" * len(HEADER))
    for fmt, s in per_format.items():
        print(row("all plans", fmt, s))
    print(row("OVERALL", "all", total))
    print(
        f"extra tasks (matching no expected duty): {total.extra_tasks}; optional duties found: "
        f"{total.optional_found}; {time.perf_counter() - started:.0f} s"
    )
    if args.min_right is not None:
        share = total.right / total.expected if total.expected else 0.0
        verdict = "OK" if share >= args.min_right else "BELOW THE BAR"
        print(f"right-body share {share:.3f} vs --min-right {args.min_right}: {verdict}")
        return 0 if share >= args.min_right else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
