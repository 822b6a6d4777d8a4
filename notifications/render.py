"""Render an email (subject, plain text, HTML) from its typed context with Jinja2.

Safety rules, each pinned by a test:
- HTML templates (``*.html.j2``) are autoescaped; text templates are not (they are plain text,
  escaping would show "&amp;" to the reader).
- ``StrictUndefined``: a field missing from a context fails rendering instead of leaving a blank.
- Templates come only from this package's ``templates/`` folder; user text (task text, names) is
  always data passed to a template, never compiled as one, so "{{7*7}}" stays "{{7*7}}".
- The subject is flattened to one line: control characters and line breaks become spaces and
  encoded-word openers ("=?") are broken, because it becomes a header (see ``message.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications import contexts as c

# kind -> context type; the kind is also the template folder name.
KINDS: dict[str, type] = {
    "reminder_digest": c.ReminderDigest,
    "weekly_digest": c.WeeklyDigest,
    "milestone_report": c.MilestoneReport,
    "delivery_problems": c.DeliveryProblems,
}

_KIND_LABELS = {"action": "Nhiệm vụ", "report": "Báo cáo", "milestone": "Sơ kết, tổng kết"}
_ROLE_LABELS = {"lead": "Chủ trì", "partner": "Phối hợp"}
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


def vn_date(value: date) -> str:
    if not isinstance(value, date):
        raise TypeError(f"vn_date expects a date, got {value!r}")
    return value.strftime("%d/%m/%Y")


def quarter_label(quarter: int, year: int) -> str:
    """``quarter_label(1, 2024) == "Quý I/2024"``."""
    return f"Quý {roman(quarter)}/{year}"


def roman(number: int) -> str:
    """Section numbers of a mail: 1 → "I" … 5 → "V"."""
    return ("I", "II", "III", "IV", "V", "VI")[number - 1]


def kind_label(kind: str) -> str:
    return _KIND_LABELS[kind]


def role_label(role: str) -> str:
    return _ROLE_LABELS[role]


def deadline_label(item: c.TaskItem) -> str:
    return vn_date(item.deadline) if item.deadline else "Thường xuyên"


def time_left(item: c.TaskItem) -> str:
    if item.days_left is None:
        return "không có thời hạn cố định"
    if item.days_left > 0:
        return f"còn {item.days_left} ngày"
    if item.days_left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {item.days_overdue} ngày"


def plan_ref(item: c.TaskItem) -> str:
    if item.plan_number:
        return f"Kế hoạch số {item.plan_number} ({item.plan_title})"
    return f"Kế hoạch {item.plan_title}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        one_line=one_line,
        roman=roman,
        vn_date=vn_date,
        kind_label=kind_label,
        role_label=role_label,
        deadline_label=deadline_label,
        time_left=time_left,
        plan_ref=plan_ref,
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
