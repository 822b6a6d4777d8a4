"""Render an email (subject, plain text, HTML) from its typed context with Jinja2.

Safety rules, each pinned by a test:
- HTML templates (``*.html.j2``) are autoescaped; text templates are not (they are plain text,
  escaping would show "&amp;" to the reader).
- ``StrictUndefined``: a field missing from a context fails rendering instead of leaving a blank.
- Task cards are written by ``cards.py`` (every value escaped there, returned as ``Markup``).
- Templates come only from this package's ``templates/`` folder; user text (task text, names) is
  always data passed to a template, never compiled as one, so "{{7*7}}" stays "{{7*7}}".
- The subject is flattened to one line: control characters and line breaks become spaces and
  encoded-word openers ("=?") are broken, because it becomes a header (see ``message.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications import contexts as c
from notifications.cards import entry_blocks, entry_cards, item_blocks, item_cards
from notifications.wording import deadline_label, plan_ref, vn_date

# kind -> context type; the kind is also the template folder name.
KINDS: dict[str, type] = {
    "reminder_digest": c.ReminderDigest,
    "weekly_digest": c.WeeklyDigest,
    "milestone_report": c.MilestoneReport,
    "delivery_problems": c.DeliveryProblems,
}

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\s]+")
SUBJECT_MAX = 180
_PROBLEM_LABELS = {
    c.ProblemKind.BOUNCED: "Địa chỉ bị máy chủ thư từ chối",
    c.ProblemKind.MISSING: "Chưa có địa chỉ thư điện tử",
    c.ProblemKind.INVALID: "Địa chỉ thư điện tử không hợp lệ",
    c.ProblemKind.UNDELIVERED: "Đã gửi lại nhiều lần không thành công",
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class RenderError(ValueError):
    """A context does not fit its template (wrong type, missing field)."""


def one_line(text: str) -> str:
    """Flatten text for a header: any run of whitespace/control chars becomes one space, and
    "=?" (an RFC 2047 encoded-word opener, a header-injection vector) becomes "= ?"."""
    flat = _CONTROL_OR_SPACE.sub(" ", str(text)).strip()
    while "=?" in flat:
        flat = flat.replace("=?", "= ?")
    return flat


def quarter_label(quarter: int, year: int) -> str:
    """``quarter_label(1, 2024) == "Quý I/2024"``."""
    return f"Quý {roman(quarter)}/{year}"


def roman(number: int) -> str:
    """Section numbers of a mail: 1 → "I" … 5 → "V"."""
    return ("I", "II", "III", "IV", "V", "VI")[number - 1]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # package files: compiled once per process, never stat'ed per mail
    )
    env.filters.update(
        one_line=one_line,
        roman=roman,
        vn_date=vn_date,
        deadline_label=deadline_label,
        plan_ref=plan_ref,
    )
    env.globals.update(
        entry_cards=entry_cards,
        item_cards=item_cards,
        entry_blocks=entry_blocks,
        item_blocks=item_blocks,
    )
    env.globals["quarter_label"] = quarter_label
    env.globals["problem_labels"] = _PROBLEM_LABELS
    env.globals["inferred_deadline_note"] = c.INFERRED_DEADLINE_NOTE
    return env


def _variables(context: Any) -> dict[str, Any]:
    values = {f.name: getattr(context, f.name) for f in fields(context)}
    values["ctx"] = context
    return values


def render(kind: str, context: Any) -> RenderedEmail:
    """Render the three parts of email ``kind`` from ``context`` (its dataclass in ``KINDS``)."""
    expected = KINDS.get(kind)
    if expected is None:
        raise RenderError(f"unknown email kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    if not (is_dataclass(context) and isinstance(context, expected)):
        raise RenderError(f"email {kind!r} needs a {expected.__name__}, got {type(context)!r}")
    env = environment()
    variables = _variables(context)
    subject = env.get_template(f"{kind}/subject.txt.j2").render(variables)
    subject = one_line(subject)
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    text = env.get_template(f"{kind}/body.txt.j2").render(variables)
    html = env.get_template(f"{kind}/body.html.j2").render(variables)
    return RenderedEmail(subject=subject, text=text, html=html)
