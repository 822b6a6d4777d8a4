"""Intake throughput: documents per second for extract (read + parse + resolve) and for import
(extract + store as a draft in SQLite), on the plans in tests/data/plans.

    python bench/bench_intake.py [--rounds 20] [--formats .txt,.docx,.pdf]

.docx and .pdf renderings are made once (tests/docgen.py) before timing. Prints per-document
parse times so the "30 KB plan well under 50 ms" promise can be checked.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Labelled plans (a plan of the labelled sets without a golden yet is held out for a blind
# measure: never parsed here), then the unlabelled development corpus.
PLANS = [
    p
    for p in sorted((ROOT / "tests/data/plans").glob("*.txt"))
    + sorted((ROOT / "tests/data/plans/more").glob("*.txt"))
    if p.with_suffix(".expected.json").exists()
] + sorted((ROOT / "tests/data/plans/corpus").glob("*.txt"))


def renderings(formats: list[str], workdir: Path) -> list[Path]:
    from tests.docgen import render_docx, render_pdf

    files = []
    for plan in PLANS:
        text = plan.read_text(encoding="utf-8")
        for fmt in formats:
            if fmt == ".txt":
                files.append(plan)
                continue
            target = workdir / (plan.stem + fmt)
            (render_docx if fmt == ".docx" else render_pdf)(text, target)
            files.append(target)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--formats", default=".txt,.docx,.pdf")
    args = parser.parse_args()
    print("$ python bench/bench_intake.py " + " ".join(sys.argv[1:]))

    from models.db import session_scope
    from workflows.parsing.plan import parse_plan
    from workflows.plans.extraction import extract_file
    from workflows.plans.importing import import_plan
    from workflows.registry.registry import load_registry
    from workflows.runners.clock import now
    from workflows.runners.runtime import database

    registry = load_registry()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        files = renderings(args.formats.split(","), workdir)
        print(f"\nparse only (pure), median of {args.rounds} rounds:")
        for plan in PLANS:
            text = plan.read_text(encoding="utf-8")
            parse_plan(text, resolve=registry.resolve)
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                parse_plan(text, resolve=registry.resolve)
                times.append(time.perf_counter() - start)
            print(
                f"  {plan.name[:60]:<60} {len(text.encode()) / 1024:6.1f} KB "
                f"{statistics.median(times) * 1000:7.2f} ms"
            )
        for fmt in args.formats.split(","):
            chosen = [f for f in files if f.suffix == fmt]
            start = time.perf_counter()
            for _ in range(args.rounds):
                for file in chosen:
                    extract_file(file, registry)
            elapsed = time.perf_counter() - start
            print(
                f"extract {fmt:<5}: {len(chosen) * args.rounds / elapsed:8.1f} documents/s "
                f"({len(chosen)} documents × {args.rounds} rounds)"
            )
        engine = database(f"sqlite:///{workdir / 'bench.db'}")
        for fmt in args.formats.split(","):
            chosen = [f for f in files if f.suffix == fmt]
            rounds = max(1, args.rounds // 4)
            start = time.perf_counter()
            for _ in range(rounds):
                for file in chosen:
                    extraction = extract_file(file, registry)
                    with session_scope(engine) as session:
                        import_plan(
                            session,
                            extraction.plan,
                            registry,
                            source_name=extraction.source_name,
                            source_sha256=extraction.sha256,
                            now=now(),
                        )
            elapsed = time.perf_counter() - start
            print(
                f"import  {fmt:<5}: {len(chosen) * rounds / elapsed:8.1f} documents/s "
                f"(SQLite; first round creates, later rounds re-import)"
            )


if __name__ == "__main__":
    main()
