"""``kehoach demo``: the bundled sample plan imported, published and swept in one command (it
runs the other groups' handlers, so it sits above them). With ``--serve``, the same in a
throw-away database, then the web pages on 127.0.0.1 with an account per role and the mail
caught locally (``web.demo``), until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cli.corrections import publish
from cli.followup import remind
from cli.helpers import INSTANT_HINT, UserError
from cli.plans import import_and_report, tasks

SAMPLE_PLAN = Path(__file__).resolve().parent.parent / "config/data/samples/tu-mo-rong-2022.txt"
DEMO_SWEEP_AT = "2022-06-20T08:05"  # the sample plan's 6-month reports fall due that day
DEMO_SERVE_AT = "2022-12-19T08:05"  # near the year's end: work of June and December overdue


def demo(args: argparse.Namespace) -> int:
    """Import and publish the sample plan, list its tasks, then show (without sending) what the
    reminder sweep of a day inside the plan would send; or, with ``--serve``, send it to the
    local mail sink and serve the pages."""
    from workflows.runners.clock import parse_instant

    sweep_at = args.sweep_at or (DEMO_SERVE_AT if args.serve else DEMO_SWEEP_AT)
    try:
        parse_instant(sweep_at)
    except ValueError as error:
        raise UserError(f"--sweep-at không hợp lệ: «{sweep_at}» ({INSTANT_HINT}).") from error
    if args.serve:
        return serve_demo(args, sweep_at)
    import_and_publish(args.sample)
    print(f"\nLượt nhắc việc lúc {sweep_at} (chạy thử, không gửi thư):")
    return remind(argparse.Namespace(now=sweep_at, dry_run=True))


def import_and_publish(sample: str | None, prepare: Callable[[], None] | None = None) -> int:
    """The sample imported, ``prepare`` run on the draft (the demo's addresses), published."""
    plan_id = import_and_report(sample or str(SAMPLE_PLAN))
    if prepare is not None:
        prepare()
    publish(argparse.Namespace(plan=plan_id, force=True))
    tasks(argparse.Namespace(plan=plan_id, agency=None, due_before=None, all=False))
    return plan_id


def serve_demo(args: argparse.Namespace, shown_at: str) -> int:
    """Everything in a temporary folder removed at the end. The story: the sweep of 20/06/2022
    goes to the sink, half the tasks due by then are done that day, and the app clock is set to
    ``shown_at`` (default 19/12/2022): ``serve`` starts with its catch-up sweep of that day
    (overdue notices, escalations), then serves the pages."""
    try:
        from web.demo import MailSink
    except ImportError as error:
        raise UserError(
            "Chạy thử có trang web cần gói aiosmtpd (hộp thư giữ lại trên máy): "
            "./dev.sh demo --serve, hoặc pip install -e '.[demo]'."
        ) from error
    from config.settings import reset_settings
    from web.embedded import listen, serve
    from web.server import free_port
    from workflows.runners.jobs import SweepConfigError

    port = args.port or free_port()
    try:  # a taken port is said now, before anything is imported
        listen(args.host, port).close()
    except SweepConfigError as error:
        raise UserError(str(error)) from error
    folder = Path(tempfile.mkdtemp(prefix="kehoach-demo-"))
    sink = MailSink()
    base = f"http://{args.host}:{port}"
    os.environ.update(
        {
            "KEHOACH_DATA_DIR": str(folder),
            "KEHOACH_DATABASE_URL": f"sqlite:///{folder / 'kehoach.db'}",
            "KEHOACH_NOW": shown_at,  # the app clock starts at the day the demo shows
            "KEHOACH_SECRET_KEY": secrets.token_urlsafe(32),
            "KEHOACH_MAIL_FROM": "kehoach@kehoach.example",
            "KEHOACH_SMTP_HOST": "127.0.0.1",
            "KEHOACH_SMTP_PORT": str(sink.port),
            "KEHOACH_SMTP_STARTTLS": "false",
            "KEHOACH_SMTP_TLS": "false",
            "KEHOACH_BASE_URL": base,
            "KEHOACH_WEB_WORKERS": "1",
        }
    )
    for name in ("KEHOACH_SMTP_USERNAME", "KEHOACH_SMTP_PASSWORD"):
        os.environ.pop(name, None)
    reset_settings()
    sink.start()
    try:
        from web.demo import finish_half, give_addresses, install, make_accounts
        from workflows.runners.clock import parse_instant

        plan_id = import_and_publish(args.sample, prepare=lambda: give_addresses(None))
        accounts = make_accounts(None, plan_id)
        first = parse_instant(DEMO_SWEEP_AT)
        if first < parse_instant(shown_at):
            print(f"\nLượt nhắc việc lúc {DEMO_SWEEP_AT} (thư gửi vào hộp thư chạy thử):")
            remind(argparse.Namespace(now=DEMO_SWEEP_AT, dry_run=False))
            done = finish_half(None, plan_id, first)
            print(f"\nĐã đánh dấu {done} nhiệm vụ hoàn thành đúng hạn ngày {first:%d/%m/%Y}.")
        print(f"Đồng hồ chạy thử: {shown_at}; lượt nhắc việc của ngày đó chạy khi máy chủ mở.")
        print(f"\nTrang web chạy thử: {base}/login  (dừng: Ctrl-C)")
        print(f"Thư đã gửi (giữ lại trên máy, không gửi đi): {base}/demo/mail")
        print("Tài khoản chạy thử:")
        for account in accounts:
            body = f" ({account.body})" if account.body else ""
            print(f"  {account.role:<12} {account.email}  mật khẩu: {account.password}{body}")
        print(f"Dữ liệu tạm: {folder} (xóa khi dừng)", flush=True)
        serve(args.host, port, extend=lambda app: install(app, sink, accounts))
    except SweepConfigError as error:
        raise UserError(str(error)) from error
    finally:
        sink.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0
