"""The plain job functions every runner calls: the CLI, APScheduler (embedded) and Prefect flows.

Each job reads settings lazily, opens the database, and does idempotent work for an instant
``now`` (default: the app clock). Running a job twice, or two at once, is harmless: what is due
is decided from the database, and every write is keyed (see ``models.delivery``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from config.settings import Settings, get_settings
from models.agencies import Agency
from models.db import is_postgres, keep_loaded, session_scope
from models.delivery import SweepRun
from models.plans import Plan
from notifications.headers import HeaderInjectionError, check_address
from notifications.smtp import SmtpConfig
from workflows.runners.clock import now as clock_now
from workflows.runners.runtime import database


@dataclass
class SweepReport:
    now: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # what was (or would be) sent, readable

    def summary(self) -> str:
        """Vietnamese head line (local time, counts by name) and what was sent; the keys of
        ``counts`` stay as they are for the sweep log and Prefect."""
        from workflows.rules.timefmt import dmy_hm

        labels = (
            ("alarms", "mốc nhắc đến lượt"),
            ("notices", "nhắc việc"),
            ("skipped", "mốc bỏ qua (việc đã xong hoặc đổi hạn)"),
            ("superseded", "nhắc trước hạn đã muộn, bỏ"),
            ("messages", "thư đã soạn"),
            ("missing_address", "thiếu địa chỉ"),
            ("weekly_digests", "bản tổng hợp tuần"),
            ("milestone_reports", "báo cáo quý"),
            ("problem_reports", "báo cáo lỗi gửi thư"),
            ("sent", "thư đã gửi"),
            ("retrying", "thư chờ gửi lại"),
            ("failed", "thư gửi hỏng"),
            ("superseded_mail", "thư không còn cần gửi"),
        )
        known = dict(labels)
        counts = [f"{label}: {self.counts[key]}" for key, label in labels if key in self.counts]
        counts += [f"{k}: {v}" for k, v in sorted(self.counts.items()) if k not in known]
        mode = "CHẠY THỬ (không gửi)" if self.dry_run else "đã chạy"
        head = f"Lượt nhắc việc {mode} lúc {dmy_hm(self.now)}"
        head += ": " + ", ".join(counts) if counts else "."
        return "\n".join([head, *self.lines])


class SweepConfigError(RuntimeError):
    """The settings (or ``serve``'s options) prevent sweeping or serving; the message says
    which one."""


def check_sending_settings(settings: Settings) -> None:
    """Refuse to send with settings that would make every message fail, saying which one."""
    if not settings.secret_key:
        raise SweepConfigError(
            "Chưa đặt KEHOACH_SECRET_KEY: cần khóa bí mật để ký các liên kết trong thư. Ví dụ: "
            "export KEHOACH_SECRET_KEY=$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')"
        )
    try:
        check_address(settings.mail_from)
    except HeaderInjectionError as error:
        raise SweepConfigError(
            f"KEHOACH_MAIL_FROM «{settings.mail_from}» không phải địa chỉ thư hợp lệ của người "
            "gửi (ví dụ kehoach@ubnd.example.gov.vn)."
        ) from error


def sweep(
    now: datetime | None = None,
    *,
    dry_run: bool = False,
    runner: str = "cli",
    database_url: str | None = None,
) -> SweepReport:
    """One sweep: due reminders and escalations, weekly digests,
    milestones and delivery problems are composed into the outbox, then the outbox is drained.

    ``dry_run`` does all the composing in a transaction that is rolled back, and sends nothing.
    """
    settings = get_settings()
    if not dry_run:
        check_sending_settings(settings)
    at = now or clock_now()
    engine = database(database_url)
    report = SweepReport(now=at, dry_run=dry_run)
    run = SweepRun(started_at=clock_now(), now=at, runner=runner)
    if not dry_run:
        with session_scope(engine) as session:
            session.add(run)
    if not _working_day(settings, at):
        report.lines.append(
            "  (ngày nghỉ: không gửi thư; việc đến hạn sẽ gửi vào ngày làm việc kế tiếp)"
        )
        if not dry_run:
            _record_finish(engine, run, report.counts)
        return report
    with Session(engine, expire_on_commit=False) as session:
        _compose(session, settings, at, report, commit=not dry_run)
        if dry_run:
            session.rollback()
            return report
        session.commit()
    _deliver(engine, at, report)
    _record_finish(engine, run, report.counts)
    return report


def drain(now: datetime | None = None, *, database_url: str | None = None) -> SweepReport:
    """Send what is due in the outbox (retries after backoff), composing nothing new.

    ``kehoach serve`` runs this every few minutes between sweeps, so a mail that met a
    transient failure at 08:00 does not wait for tomorrow's sweep. Not on non-working days.
    """
    at = now or clock_now()
    report = SweepReport(now=at, dry_run=False)
    if _working_day(get_settings(), at):
        _deliver(database(database_url), at, report)
    return report


def last_finished_sweep(database_url: str | None = None) -> datetime | None:
    """The ``now`` of the latest sweep that finished (the scheduler's catch-up reads it)."""
    with session_scope(database(database_url)) as session:
        query = (
            select(SweepRun.now)
            .where(col(SweepRun.finished_at).is_not(None))
            .order_by(col(SweepRun.now).desc(), col(SweepRun.id).desc())
            .limit(1)
        )
        return session.exec(query).first()


def _working_day(settings: Any, at: datetime) -> bool:
    """Nothing goes out on a weekend or public holiday: what falls due waits for the next
    working day's sweep (alarms stay unfired, messages stay queued)."""
    from workflows.rules.calendar import shared_calendar
    from workflows.rules.timefmt import local_date

    return shared_calendar(settings.holidays_path).is_working_day(local_date(at))


def _compose(
    session: Session, settings: Any, at: datetime, report: SweepReport, *, commit: bool
) -> None:
    fire_due(session, at, report, commit=commit)
    compose_due(session, settings, at, report)


def fire_due(session: Session, at: datetime, report: SweepReport, *, commit: bool) -> None:
    """Turn every due alarm into ledger notices, batch by batch; each batch is committed when
    ``commit`` (so several sweeping processes split the due set), else only flushed."""
    from workflows.followup.notices import FireCounts, fire_due_alarms

    fired = FireCounts()
    with _long_lived_objects_frozen():
        while fire_due_alarms(session, at, fired, wait=commit):
            session.commit() if commit else session.flush()
    report.counts.update(
        alarms=fired.alarms,
        notices=fired.notices,
        skipped=fired.skipped,
        superseded=fired.superseded,
    )


def compose_due(session: Session, settings: Any, at: datetime, report: SweepReport) -> None:
    """Compose the unsent notices, weekly digests, milestone and problem reports."""
    from workflows.followup.compose import ComposeCounts, compose_all
    from workflows.followup.milestones import compose_milestones
    from workflows.followup.problems import compose_problems
    from workflows.followup.weekly import compose_weekly

    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        # Two sweeps composing at once would build the same digests; one waits for the other.
        # (SQLite serializes writers already: every transaction begins IMMEDIATE.)
        session.exec(text("SELECT pg_advisory_xact_lock(7170001)"))  # type: ignore[call-overload]
    # Every body and plan a message may name, loaded once for the whole sweep (the identity
    # map holds rows weakly; see keep_loaded).
    keep_loaded(session, Agency)
    keep_loaded(session, Plan)
    composed = ComposeCounts()
    with _long_lived_objects_frozen():
        compose_all(session, settings, at, composed, report.lines)
        report.counts["weekly_digests"] = compose_weekly(session, settings, at, report.lines)
        milestones = compose_milestones(session, settings, at, report.lines)
        report.counts["milestone_reports"] = milestones
        report.counts["problem_reports"] = compose_problems(session, settings, at, report.lines)
    report.counts.update(messages=composed.messages, missing_address=composed.missing_address)


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Firing and composing make hundreds of thousands of short-lived rows, dicts and contexts,
    and each of the cycle collector's full passes would walk every object the process already
    holds (modules, mappers, compiled templates) again: those are set aside (``gc.freeze``)
    while the sweep runs, and handed back to the collector after. The youngest generation is
    collected every ``SWEEP_GC_THRESHOLD`` allocations instead of every 700, so the rows and
    contexts that live through a batch are not walked again and again. The setting is the
    process's: sweeps overlapping in threads (the embedded scheduler's pool) share it, and the
    last one out puts the collector back as it found it."""
    with _gc_state.lock:
        if _gc_state.sweeps == 0:
            _gc_state.saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(SWEEP_GC_THRESHOLD, *_gc_state.saved[1:])
        _gc_state.sweeps += 1
    try:
        yield
    finally:
        with _gc_state.lock:
            _gc_state.sweeps -= 1
            if _gc_state.sweeps == 0:
                gc.set_threshold(*_gc_state.saved)
                gc.unfreeze()


class _GcState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sweeps = 0
        self.saved: tuple[int, ...] = gc.get_threshold()


_gc_state = _GcState()
SWEEP_GC_THRESHOLD = 50_000


def _deliver(engine: Any, at: datetime, report: SweepReport) -> None:
    from workflows.delivery.outbox import deliver

    delivered = deliver(engine, SmtpConfig.from_settings(), at)
    report.counts.update(
        sent=delivered.sent,
        retrying=delivered.retrying,
        failed=delivered.failed,
        superseded_mail=delivered.superseded,
    )
    report.lines += delivered.lines
    if delivered.paused:
        report.lines.append(
            "  ! Máy chủ thư từ chối đăng nhập: hàng đợi tạm dừng. Sửa cấu hình "
            "SMTP rồi chạy: kehoach outbox --resume"
        )


def _record_finish(engine: Any, run: SweepRun, counts: dict[str, int]) -> None:
    with session_scope(engine) as session:
        run.finished_at = clock_now()
        run.counts = dict(counts)
        session.add(run)
