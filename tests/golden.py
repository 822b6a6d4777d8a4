"""Comparison helpers for the parser goldens (tests/data/plans/*.expected.json).

A golden lists what a reviewer read in a plan: duties (lead and partners as written, due,
recurrence, kind, a verbatim phrase), targets, dependency edges, expected warnings and header
fields; its reading rules are in tests/data/plans/README.md. ``compare_plan`` pairs each expected
duty with at most one extracted task and says, per duty, whether it was found on the right body,
on a wrong body, or missed, and which fields differ. Used by tests/unit/test_golden_plans.py and
bench/score_extraction.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflows.parsing.result import ExtractedPlan, ExtractedTarget, ExtractedTask
from workflows.parsing.text import fold, nfc

PLANS_DIR = Path(__file__).parent / "data" / "plans"
FORMATS = (".txt", ".docx", ".pdf")
# Renderings by the Debian tools: a LibreOffice PDF of the .docx (needs soffice), and a
# scanned copy of it read by OCR (needs pdftoppm, img2pdf and tesseract; slow).
OFFICE_FORMATS = (".lo.pdf",)
SCAN_FORMATS = (".scan.pdf",)
ALL_FORMATS = FORMATS + OFFICE_FORMATS + SCAN_FORMATS

# Markup left by conversions ("(*qua Phòng …*)") and quote styles are not part of the words.
_MARKUP = re.compile(r"[*“”\"‘’]")
_PUNCT = re.compile(r"[-&/,;.:()]+")
_SPACE = re.compile(r"\s+")
# Constants are folded like the names they are compared with (tone marks move to the end).
_LEAD_WORDS = tuple(fold(w) + " " for w in ("đề nghị", "giao", "chỉ đạo", "đồng chí"))
_STOP_WORDS = {fold(w) for w in ("và", "việt", "nam", "có")}
_GENERIC_STARTS = (fold("các") + " ", fold("ban, ngành"), fold("ban ngành"))
_RELATED = fold("liên quan")
_LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "huyện", "tỉnh", "xã", "phường", "quận")
_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ubmttqvn": "ủy ban mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "lđ tb xh": "lao động thương binh xã hội",
    "lđtbxh": "lao động thương binh xã hội",
    "tb xh": "thương binh xã hội",
    "tbxh": "thương binh xã hội",
    "bhxh": "bảo hiểm xã hội",
    "gd đt": "giáo dục đào tạo",
    "nn ptnt": "nông nghiệp phát triển nông thôn",
    "vh tt": "văn hóa thông tin",
}
_FOLDED_ABBREVIATIONS = [
    (re.compile(rf"(?<!\w){re.escape(fold(k))}(?!\w)"), fold(v)) for k, v in _ABBREVIATIONS.items()
]


def norm_text(text: str) -> str:
    """Comparable form of running text: markup and quotes dropped, then ``fold``."""
    return fold(_MARKUP.sub("", nfc(text)))


def phrase_in(phrases: str | list[str], text: str | None) -> bool:
    """True when one of the golden's phrases occurs in ``text`` (wraps, case, tones ignored)."""
    wanted = [phrases] if isinstance(phrases, str) else phrases
    haystack = norm_text(text or "")
    return any(norm_text(p) in haystack for p in wanted)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=1)
def load_registry_or_none() -> Any:
    """The agency registry when it can be loaded; name comparison falls back to folding."""
    try:
        from workflows.registry.registry import load_registry

        return load_registry()
    except Exception:
        return None


class Names:
    """Decides whether a name written in a golden and a name the parser produced mean one body."""

    def __init__(self, locality: str | None, registry: Any = None) -> None:
        self.locality = locality
        self.registry = registry
        folded = fold(locality or "")
        self._place = folded
        self._place_name = next(
            (
                folded[len(w) :].strip()
                for w in map(fold, _LEVEL_WORDS)
                if folded.startswith(w + " ")
            ),
            folded,
        )
        self._level = folded[: len(folded) - len(self._place_name)].strip()

    def loose(self, name: str) -> str:
        """Folded, punctuation-free, abbreviations expanded, the plan's own place dropped."""
        text = fold(_MARKUP.sub("", name))
        for word in _LEAD_WORDS:
            if text.startswith(word):
                text = text[len(word) :]
        text = _PUNCT.sub(" ", text)
        for pattern, expansion in _FOLDED_ABBREVIATIONS:
            text = pattern.sub(expansion, text)
        words = [w for w in text.split() if w not in _STOP_WORDS]
        text = " ".join(words)
        for suffix in (self._place, self._place_name, self._level):
            if suffix and text.endswith(" " + suffix):
                text = text[: -len(suffix) - 1]
        return _SPACE.sub(" ", text).strip()

    def _registry_key(self, name: str) -> str | None:
        if self.registry is None:
            return None
        try:
            body = self.registry.resolve(name, self.locality)
        except Exception:
            return None
        return (body.key or fold(body.name)) if body.registered else None

    def same(self, expected: str | None, actual: str | None) -> bool:
        if expected is None or actual is None:
            return expected is None and actual is None
        left, right = self._registry_key(expected), self._registry_key(actual)
        if left and right:
            return left == right
        return self.loose(expected) == self.loose(actual)

    def any_same(self, expected: str | list[str] | None, actual: str | None) -> bool:
        return any(self.same(e, actual) for e in as_list(expected))

    @staticmethod
    def is_generic(name: str) -> bool:
        folded = fold(name)
        return folded.startswith(_GENERIC_STARTS) or _RELATED in folded

    def covers(self, expected: str, actual: str) -> bool:
        """Same body, or a generic name ("các đơn vị liên quan") found inside the other one."""
        if self.same(expected, actual):
            return True
        if not self.is_generic(expected):
            return False
        left, right = self.loose(expected), self.loose(actual)
        return bool(left and right) and (left in right or right in left)

    def partners_match(self, expected: list[str], actual: list[str], include: bool) -> bool:
        """Every expected partner is there; unless ``include``, nothing else is."""
        if not all(any(self.covers(e, a) for a in actual) for e in expected):
            return False
        return include or all(any(self.covers(e, a) for e in expected) for a in actual)


@dataclass
class DutyResult:
    index: int
    expected: dict[str, Any]
    status: str  # "right", "wrong_body", "missed"
    task: ExtractedTask | None = None
    mismatches: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def optional(self) -> bool:
        return bool(self.expected.get("optional"))

    def describe(self) -> str:
        e = self.expected
        head = (
            f"duty #{self.index + 1} (line {e['line']}, lead {e['lead']!r}, «{e['text_contains']}»)"
        )
        if self.status == "missed":
            return f"{head}: not found"
        task = self.task
        where = f"{task.id} line {task.line}" if task else "?"
        if self.status == "wrong_body":
            return f"{head}: found as {where} on WRONG body {task.lead!r}"
        wrong = "; ".join(
            f"{k}: expected {v[0]!r}, got {v[1]!r}" for k, v in self.mismatches.items()
        )
        return f"{head} = {where}: {wrong}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def field_mismatches(
    e: dict[str, Any], t: ExtractedTask, names: Names, check_lines: bool
) -> dict[str, tuple[Any, Any]]:
    """The checked fields of a found duty that differ from the golden."""
    out: dict[str, tuple[Any, Any]] = {}
    include = bool(e.get("partners_include"))
    if not e.get("partners_any") and not names.partners_match(e["partners"], t.partners, include):
        out["partners"] = (e["partners"], t.partners)
    if not e.get("due_any") and e["due"] != _iso(t.due):
        out["due"] = (e["due"], _iso(t.due))
    if not e.get("recurrence_any") and fold(e["recurrence"] or "") != fold(t.recurrence or ""):
        out["recurrence"] = (e["recurrence"], t.recurrence)
    if str(t.kind) not in as_list(e["kind"]):
        out["kind"] = (e["kind"], str(t.kind))
    if e.get("section") is not None and e["section"] != t.section:
        out["section"] = (e["section"], t.section)
    if check_lines and t.line not in as_list(e["line"]):
        out["line"] = (e["line"], t.line)
    for key in ("report_to", "via"):
        if key in e and not names.same(e[key], getattr(t, key)):
            out[key] = (e[key], getattr(t, key))
    return out


def match_duties(
    duties: list[dict[str, Any]], tasks: list[ExtractedTask], names: Names, check_lines: bool
) -> tuple[list[DutyResult], list[ExtractedTask]]:
    """One-to-one matching: best-agreeing task on the right body first (a required duty
    before an optional one that agrees as well), then wrong bodies."""
    text_ok = {
        (i, j): phrase_in(e["text_contains"], t.text)
        for i, e in enumerate(duties)
        for j, t in enumerate(tasks)
    }
    pairs = []
    for (i, j), ok in text_ok.items():
        if ok and names.any_same(duties[i]["lead"], tasks[j].lead):
            mismatches = field_mismatches(duties[i], tasks[j], names, check_lines)
            optional = bool(duties[i].get("optional"))
            pairs.append((len(mismatches), optional, i, j, mismatches))
    results: dict[int, DutyResult] = {}
    used: set[int] = set()
    for _, _, i, j, mismatches in sorted(pairs, key=lambda p: p[:4]):
        if i not in results and j not in used:
            results[i] = DutyResult(i, duties[i], "right", tasks[j], mismatches)
            used.add(j)
    for i, e in enumerate(duties):
        if i in results:
            continue
        j = next((j for j in range(len(tasks)) if j not in used and text_ok[i, j]), None)
        if j is None:
            results[i] = DutyResult(i, e, "missed")
        else:
            results[i] = DutyResult(i, e, "wrong_body", tasks[j])
            used.add(j)
    extras = [t for j, t in enumerate(tasks) if j not in used]
    return [results[i] for i in range(len(duties))], extras


def target_mismatches(e: dict[str, Any], t: ExtractedTarget) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    if t.value is None or abs(float(t.value) - float(e["value"])) > 1e-9:
        out["value"] = (e["value"], t.value)
    if fold(e["unit"] or "") != fold(t.unit or ""):
        out["unit"] = (e["unit"], t.unit)
    if t.comparator not in as_list(e["comparator"]):
        out["comparator"] = (e["comparator"], t.comparator)
    if e.get("due") != _iso(t.due):
        out["due"] = (e.get("due"), _iso(t.due))
    return out


def match_targets(
    expected: list[dict[str, Any]], targets: list[ExtractedTarget]
) -> list[tuple[dict[str, Any], ExtractedTarget | None, dict[str, tuple[Any, Any]]]]:
    """Each expected target with its best text-matching extracted target (or None)."""
    out = []
    used: set[int] = set()
    for e in expected:
        options = [
            (len(target_mismatches(e, t)), j, t)
            for j, t in enumerate(targets)
            if j not in used and phrase_in(e["text_contains"], t.text)
        ]
        if not options:
            out.append((e, None, {}))
            continue
        _, j, t = min(options, key=lambda o: o[:2])
        used.add(j)
        out.append((e, t, target_mismatches(e, t)))
    return out


def _duty_index(duties: list[dict[str, Any]], phrase: str, due: str | None) -> int | None:
    return next(
        (
            i
            for i, d in enumerate(duties)
            if d["text_contains"] == phrase and (due is None or d["due"] == due)
        ),
        None,
    )


def missing_edges(golden: dict[str, Any], results: list[DutyResult]) -> list[str]:
    """Edges of the golden absent from the found tasks' ``depends_on`` (as messages)."""
    missing = []
    for edge in golden.get("edges", []):
        src = _duty_index(golden["duties"], edge["from_text_contains"], edge.get("from_due"))
        dst = _duty_index(golden["duties"], edge["to_text_contains"], edge.get("to_due"))
        if src is None or dst is None:
            raise ValueError(f"golden edge names no duty of the golden: {edge}")
        a, b = results[src].task, results[dst].task
        if a is None or b is None or a.id not in b.depends_on:
            label = f"«{edge['to_text_contains']}» {edge.get('to_due', '')} should depend on "
            missing.append(label + f"«{edge['from_text_contains']}» {edge.get('from_due', '')}")
    return missing


def header_mismatches(
    golden: dict[str, Any], plan: ExtractedPlan, names: Names
) -> dict[str, tuple[Any, Any]]:
    g = golden.get("plan")
    if not g:  # the held-out goldens list duties only
        return {}
    got = {
        "number": plan.number,
        "year": plan.year,
        "issued_on": _iso(plan.issued_on),
        "parent_number": plan.parent_plan_number,
        "period": {"start": _iso(plan.period_start), "end": _iso(plan.period_end)},
    }
    out = {k: (g[k], v) for k, v in got.items() if k in g and g[k] != v}
    if not names.same(g["issuer"], plan.issuer):
        out["issuer"] = (g["issuer"], plan.issuer)
    for key, actual in (("title_contains", plan.title), ("coordinator_contains", plan.coordinator)):
        if g.get(key) and not phrase_in(g[key], actual):
            out[key] = (g[key], actual)
    return out


def missing_warnings(golden: dict[str, Any], plan: ExtractedPlan) -> list[str]:
    return [
        s
        for s in golden.get("warnings_contain", [])
        if not any(norm_text(s) in norm_text(w) for w in plan.warnings)
    ]


@dataclass
class PlanComparison:
    duties: list[DutyResult]
    extras: list[ExtractedTask]
    targets: list[tuple[dict[str, Any], ExtractedTarget | None, dict[str, tuple[Any, Any]]]]
    missing_edges: list[str]
    missing_warnings: list[str]
    header: dict[str, tuple[Any, Any]]

    def with_status(self, status: str, *, optional: bool = False) -> list[DutyResult]:
        return [r for r in self.duties if r.status == status and r.optional == optional]


def compare_plan(
    plan: ExtractedPlan, golden: dict[str, Any], *, check_lines: bool, registry: Any = None
) -> PlanComparison:
    names = Names(golden.get("locality"), registry)
    results, extras = match_duties(golden["duties"], plan.tasks, names, check_lines)
    return PlanComparison(
        duties=results,
        extras=extras,
        targets=match_targets(golden.get("targets", []), plan.targets),
        missing_edges=missing_edges(golden, results),
        missing_warnings=missing_warnings(golden, plan),
        header=header_mismatches(golden, plan, names),
    )


def golden_paths(folder: Path = PLANS_DIR) -> list[Path]:
    return sorted(folder.glob("*.expected.json"))


def load_golden(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def document_path(golden_path: Path, golden: dict[str, Any]) -> Path:
    return golden_path.parent / golden["document"]


def renderers_available() -> bool:
    """True when tests/docgen.py and the document readers exist (docx/pdf rounds)."""
    try:
        import tests.docgen  # noqa: F401
        import workflows.intake.readers  # noqa: F401
    except ImportError:
        return False
    return True


def applies(document: Path, fmt: str) -> bool:
    """Whether a golden's document can be scored in ``fmt``: a text plan in every format, a
    real office file (a corpus .docx) as itself and in the renderings made from it."""
    if document.suffix == ".txt":
        return True
    return fmt == document.suffix or fmt in OFFICE_FORMATS + SCAN_FORMATS


def rendering(document: Path, fmt: str, workdir: Path) -> Path:
    """The file read for ``document`` in ``fmt`` (made in ``workdir`` once, then reused)."""
    from tests.docgen import office_convert, rasterise_pdf, render_docx, render_pdf

    if fmt == document.suffix:
        return document
    target = workdir / (document.name.split(".")[0] + fmt)
    if target.exists():
        return target
    if fmt in (".docx", ".pdf"):
        text = document.read_text(encoding="utf-8")
        return (render_docx if fmt == ".docx" else render_pdf)(text, target)
    if fmt == ".scan.pdf":
        return rasterise_pdf(rendering(document, ".lo.pdf", workdir), target)
    source = document if document.suffix != ".txt" else rendering(document, ".docx", workdir)
    (made,) = office_convert([source], "pdf", workdir / "lo")
    made.rename(target)
    return target


def prepare_office(documents: list[Path], workdir: Path) -> None:
    """Make the LibreOffice PDFs of ``documents`` in one soffice run (one start, not many)."""
    from tests.docgen import office_convert

    sources = [
        document if document.suffix != ".txt" else rendering(document, ".docx", workdir)
        for document in documents
        if not (workdir / (document.name.split(".")[0] + ".lo.pdf")).exists()
    ]
    if not sources:
        return
    for made in office_convert(sources, "pdf", workdir / "lo"):
        made.rename(workdir / (made.stem + ".lo.pdf"))


def extract(document: Path, fmt: str, workdir: Path, registry: Any = None) -> ExtractedPlan:
    """Parse ``document`` as .txt directly, or its ``fmt`` rendering read back (see
    :func:`rendering`)."""
    from workflows.parsing.plan import parse_plan

    if fmt == ".txt":
        text = document.read_text(encoding="utf-8")
    else:
        from workflows.intake.readers import read_document

        text = read_document(rendering(document, fmt, workdir))
    resolve = registry.resolve if registry is not None else None
    return parse_plan(text, resolve=resolve)
