"""Parsing cost against the number of duties: CPU seconds for synthetic plans of N duty lines.

    python bench/parse_scaling.py                       # 1k, 2k, 4k, 8k, 16k duty lines
    python bench/parse_scaling.py --sizes 1000,4000 --shapes numbered

Each shape is a layout real plans use, repeated N times (bullets under body headings, numbered
sentences naming their body, items with field lines, duty-table rows, reports sent to one body,
appendices). Linear parsing shows as a flat "µs/duty" column and a "×1k" column that grows like
N / 1000. The raw limit beside it: the CPU time of one pass of the parser's line cleaning over
the same text (the least any parse must do).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH KON TUM",
    "",
    "Số: 12/KH-UBND",
    "",
    "Kon Tum, ngày 5 tháng 3 năm 2025",
    "",
    "KẾ HOẠCH",
    "Thực hiện nhiệm vụ năm 2025",
    "",
    "II. TỔ CHỨC THỰC HIỆN",
    "",
]


def _bullets(n: int) -> list[str]:
    out: list[str] = []
    for i in range(n):
        if i % 20 == 0:
            out += [f"{i // 20 + 1}. Sở Y tế", ""]
        out += [f"- Phối hợp với Sở Tài chính triển khai nội dung {i} trước ngày 30/11/2025.", ""]
    return out


def _numbered(n: int) -> list[str]:
    return [
        f"{i % 99 + 1}. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính triển khai nội dung {i}, "
        "báo cáo trước ngày 30/11/2025."
        for i in range(n)
    ]


def _fields(n: int) -> list[str]:
    out: list[str] = []
    for i in range(n):
        out += [f"{i % 99 + 1}. Triển khai nội dung {i}", "- Cơ quan chủ trì: Sở Nội vụ"]
        out += ["- Thời gian hoàn thành: Quý IV/2025"]
    return out


def _table(n: int) -> list[str]:
    out = ["| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |"]
    out += ["|---|---|---|---|---|"]
    out += [
        f"| {i + 1} | Triển khai nội dung {i} | Sở Y tế | Sở Tài chính | Quý IV/2025 |"
        for i in range(n)
    ]
    return out


def _reports(n: int) -> list[str]:
    out = ["1. Các sở, ngành"]
    out += [f"- Sở Ngành {i} báo cáo kết quả về Sở Nội vụ hằng quý." for i in range(n)]
    return [*out, "2. Sở Nội vụ", "- Tổng hợp báo cáo hằng quý."]


def _appendices(n: int) -> list[str]:
    out: list[str] = []
    for i in range(n):
        out += ["PHỤ LỤC", f"a) Sở Y tế triển khai nội dung {i}."]
    return out


SHAPES: dict[str, Callable[[int], list[str]]] = {
    "bullets": _bullets,
    "numbered": _numbered,
    "fields": _fields,
    "table": _table,
    "reports": _reports,
    "appendices": _appendices,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,4000,8000,16000")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    print("$ python bench/parse_scaling.py " + " ".join(sys.argv[1:]))

    from workflows.parsing.line_cleaning import clean_lines
    from workflows.parsing.plan import parse_plan

    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'shape':<11} {'duties':>7} {'KB':>7} {'tasks':>7} {'CPU s':>7} {'µs/duty':>8} "
        f"{'×1k':>6} {'clean s':>8}"
    )
    for shape in args.shapes.split(","):
        first: float | None = None
        for size in sizes:
            text = "\n".join(HEADER + SHAPES[shape](size))
            start = time.process_time()
            plan = parse_plan(text)
            cpu = time.process_time() - start
            start = time.process_time()
            clean_lines(text)
            floor = time.process_time() - start
            first = first if first is not None else cpu * 1000 / size
            print(
                f"{shape:<11} {size:>7} {len(text.encode()) / 1024:>7.0f} {len(plan.tasks):>7} "
                f"{cpu:>7.2f} {cpu * 1e6 / size:>8.0f} {cpu / first:>6.1f} {floor:>8.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
