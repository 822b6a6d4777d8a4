"""``kehoach`` subcommands for keeping plans on time: sweeps, contacts, outbox, status."""

from __future__ import annotations

import argparse

from cli.helpers import INSTANT_HINT, UserError, open_session, parse_user_date

# The words ``kehoach status`` accepts for each stored status, in folded, unaccented form.
STATUS_WORDS = {
    "not_started": ("not started", "chua lam", "chua thuc hien"),
    "in_progress": ("in progress", "dang lam", "dang thuc hien"),
    "done": ("done", "xong", "da xong", "hoan thanh"),
}


def status_word(word: str) -> str:
    """The stored status a user's word names: English, or Vietnamese with or without tone
    marks, in any case, with spaces, dashes or underscores between its syllables."""
    from workflows.parsing.text import fold, strip_accents

    key = " ".join(strip_accents(fold(word)).replace("_", " ").replace("-", " ").split())
    for status, words in STATUS_WORDS.items():
        if key in words:
            return status
    raise argparse.ArgumentTypeError(
        f"tình trạng «{word}» không rõ; dùng xong, dang-lam hoặc chua-lam "
        "(hay done, in_progress, not_started)"
    )


# What each ``kehoach extension`` action cannot do without.
EXTENSION_NEEDS = {"request": ("task", "date"), "approve": ("id",), "refuse": ("id",)}


def remind(args: argparse.Namespace) -> int:
    from workflows.runners.clock import now, parse_instant
    from workflows.runners.jobs import SweepConfigError, sweep

    try:
        at = parse_instant(args.now) if args.now else now()
    except ValueError as error:
        raise UserError(f"--now không hợp lệ: «{args.now}» ({INSTANT_HINT}).") from error
    try:
        report = sweep(at, dry_run=args.dry_run, runner="cli")
    except SweepConfigError as error:
        raise UserError(str(error)) from error
    print(report.summary())
    return 0


def serve(args: argparse.Namespace) -> int:
    from web.embedded import serve as run
    from workflows.runners.jobs import SweepConfigError

    try:
        run(args.host, args.port, with_scheduler=not args.no_scheduler)
    except SweepConfigError as error:
        raise UserError(str(error)) from error
    return 0


def contact(args: argparse.Namespace) -> int:
    from workflows.followup.contacts import set_contact
    from workflows.runners.runtime import registry

    if args.email is None and args.head_email is None:
        raise UserError("Cần ít nhất --email hoặc --head-email (kehoach contact --help).")
    with open_session() as s:
        agency = set_contact(s, registry(), args.agency, args.email, args.head_email)
        print(
            f"Đã lưu địa chỉ của «{agency.name}»: {agency.email or '—'} / thủ trưởng: "
            f"{agency.head_email or '—'}"
        )
    return 0


def plan_contacts(args: argparse.Namespace) -> int:
    from workflows.followup.contacts import check_plan, set_plan_contacts
    from workflows.runners.runtime import registry

    with open_session() as s:
        if args.coordinator or args.leadership is not None:
            set_plan_contacts(s, registry(), args.plan, args.coordinator, args.leadership)
        problems = check_plan(s, args.plan)
    if not problems:
        print("Mọi người nhận của kế hoạch đều có địa chỉ hợp lệ.")
    for line in problems:
        print(f"  ! {line}")
    return 0


def policy(args: argparse.Namespace) -> int:
    from workflows.followup.policy import set_agency_offsets, set_plan_policy
    from workflows.runners.clock import now
    from workflows.runners.runtime import registry

    with open_session() as s:
        if args.plan is not None:
            count = set_plan_policy(s, args.plan, args.offsets, args.escalation_days, now())
        elif args.agency and args.offsets:
            count = set_agency_offsets(s, registry(), args.agency, args.offsets, now())
        else:
            raise UserError("Cần --plan ID hoặc --agency TÊN kèm --offsets.")
    print(f"Đã lưu; lịch nhắc của {count} nhiệm vụ đang mở đã được tính lại.")
    return 0


def outbox(args: argparse.Namespace) -> int:
    from workflows.delivery.outbox import resume_paused
    from workflows.delivery.outbox_view import outbox_lines
    from workflows.followup.addressees import message_recipients
    from workflows.runners.clock import now
    from workflows.runners.runtime import database

    if args.resume:
        print(f"Đã đưa {resume_paused(database(), now())} thư tạm dừng trở lại hàng đợi.")
        return 0
    with open_session() as s:
        lines = outbox_lines(s, message_recipients, failed_only=args.failed, limit=args.limit)
        for line in lines:
            print(line)
    return 0


def status(args: argparse.Namespace) -> int:
    from models.types import TaskStatus
    from workflows.followup.status_view import status_label
    from workflows.followup.updates import update_status
    from workflows.rules.timefmt import local_date
    from workflows.runners.clock import now

    at = now()
    with open_session() as s:
        task = update_status(
            s,
            args.id,
            TaskStatus(args.status),
            "điều phối",
            at,
            progress=args.progress,
            note=args.note,
        )
        label = status_label(task, local_date(at))
        print(f"Nhiệm vụ #{task.id}: {label} ({task.progress}%).")
    return 0


def extension(args: argparse.Namespace) -> int:
    from workflows.followup.status_view import extension_status_label
    from workflows.followup.updates import decide_extension, pending_extensions, request_extension
    from workflows.records.lookups import CorrectionError
    from workflows.runners.clock import now

    needs = EXTENSION_NEEDS.get(args.action, ())
    missing = [f"--{name}" for name in needs if getattr(args, name) is None]
    if missing:
        example = "--task 12 --date 30/11/2024 --reason …" if "task" in needs else "--id 3"
        raise UserError(
            f"«kehoach extension {args.action}» cần {' và '.join(missing)}; "
            f"ví dụ: kehoach extension {args.action} {example}"
        )
    with open_session() as s:
        if args.action == "request":
            try:
                ext = request_extension(
                    s, args.task, parse_user_date(args.date), args.reason, "điều phối", now()
                )
            except CorrectionError as error:
                raise UserError(str(error)) from error
            print(f"Đã ghi yêu cầu gia hạn #{ext.id}.")
        elif args.action in ("approve", "refuse"):
            ext = decide_extension(
                s, args.id, args.action == "approve", "điều phối", now(), args.note
            )
            print(f"Yêu cầu gia hạn #{ext.id}: {extension_status_label(ext.status)}.")
        else:
            for ext in pending_extensions(s, args.plan):
                print(
                    f"#{ext.id} nhiệm vụ #{ext.task_id}: đến {ext.requested_due:%d/%m/%Y} — "
                    f"{ext.reason} ({ext.requested_by})"
                )
    return 0


def milestone(args: argparse.Namespace) -> int:
    from workflows.followup.milestones import on_demand
    from workflows.rules.quarters import Quarter
    from workflows.runners.clock import now

    try:
        quarter = Quarter.parse(args.quarter) if args.quarter else None
    except ValueError as error:
        raise UserError(str(error)) from error
    with open_session() as s:
        print(on_demand(s, args.plan, quarter, now()))
    return 0


def user(args: argparse.Namespace) -> int:
    """Accounts for the web side; the password is asked for (or read from KEHOACH_PASSWORD for
    scripts), never given a default, or set by the account's owner through a one-time link
    (``link``). A new password or disabling ends the account's sessions."""
    import getpass
    import os

    from config.settings import get_settings
    from web.admin import (
        RESET_HOURS,
        AccountError,
        create_user,
        password_link,
        set_active,
        set_password,
    )
    from web.auth import role_label
    from web.security import WeakPasswordError

    try:
        if args.action == "link":
            url = password_link(None, args.email, get_settings().base_url)
            lasting = f"dùng một lần, {RESET_HOURS} giờ"
            print(f"Liên kết đặt mật khẩu cho {args.email} ({lasting}): {url}")
            return 0
        if args.action in ("disable", "enable"):
            set_active(None, args.email, args.action == "enable")
            done = "Đã khóa" if args.action == "disable" else "Đã mở lại"
            print(f"{done} tài khoản {args.email}.")
            return 0
        password = os.environ.get("KEHOACH_PASSWORD") or getpass.getpass("Mật khẩu: ")
        if "KEHOACH_PASSWORD" not in os.environ and getpass.getpass("Nhập lại: ") != password:
            raise UserError("Hai lần nhập mật khẩu không khớp.")
        if args.action == "add":
            user_id = create_user(None, args.email, args.role, args.agency, password)
            role = role_label(args.role).lower()
            print(f"Đã tạo tài khoản #{user_id} ({role}) cho {args.email}.")
        else:
            set_password(None, args.email, password)
            print(f"Đã đổi mật khẩu của {args.email} (các phiên đăng nhập cũ đã kết thúc).")
    except (AccountError, WeakPasswordError) as error:
        raise UserError(str(error)) from error
    return 0


def register(sub: argparse._SubParsersAction, add) -> None:  # type: ignore[type-arg]
    """Add these subcommands to the main parser (``add`` makes one with a handler)."""
    p = add("remind", remind, "Chạy một lượt nhắc việc (nhắc hạn, quá hạn, vượt cấp, báo cáo quý)")
    p.add_argument("--now", help="thời điểm chạy (ISO, giờ Việt Nam nếu không ghi múi giờ)")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi, không lưu")
    p = add("serve", serve, "Chạy máy chủ nhúng: bộ lập lịch + trang web + liên kết trong thư")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="cổng (mặc định 8080)")
    p.add_argument(
        "--no-scheduler",
        action="store_true",
        help="chỉ phục vụ trang web và liên kết (khi Prefect chạy các lượt nhắc việc)",
    )
    p = add("contact", contact, "Đặt địa chỉ thư của một cơ quan và thủ trưởng")
    p.add_argument("agency", help="tên cơ quan (không phân biệt dấu thanh, hoa thường)")
    p.add_argument("--email", help="địa chỉ thư của cơ quan")
    p.add_argument("--head-email", help="địa chỉ thư của thủ trưởng cơ quan")
    p = add(
        "plan-contacts",
        plan_contacts,
        "Kiểm tra (và đặt) địa chỉ nhận của một kế hoạch: điều phối, lãnh đạo",
    )
    p.add_argument("plan", type=int, help="số kế hoạch")
    p.add_argument("--coordinator", help="cơ quan thường trực")
    p.add_argument("--leadership", help="địa chỉ lãnh đạo, cách nhau bởi dấu phẩy")
    p = add("policy", policy, "Đặt lịch nhắc riêng cho một kế hoạch hoặc một cơ quan")
    p.add_argument("--plan", type=int, help="số kế hoạch")
    p.add_argument("--agency", help="tên cơ quan")
    p.add_argument("--offsets", help="số ngày làm việc nhắc trước hạn, ví dụ 10,5,1,0")
    p.add_argument("--escalation-days", help="ngày quá hạn cho từng bậc, ví dụ 0,2,5,10")
    p = add("outbox", outbox, "Xem nhật ký gửi thư (hoặc --resume sau lỗi đăng nhập SMTP)")
    p.add_argument("--failed", action="store_true", help="chỉ thư gửi lỗi")
    p.add_argument(
        "--resume", action="store_true", help="đưa thư tạm dừng trở lại hàng đợi để gửi lại"
    )
    p.add_argument("--limit", type=int, default=50, help="số dòng tối đa (mặc định 50)")
    p = add("status", status, "Cập nhật tình trạng nhiệm vụ")
    p.add_argument("id", type=int, help="số nhiệm vụ")
    p.add_argument(
        "status",
        type=status_word,
        help="xong | dang-lam | chua-lam (hoặc done | in_progress | not_started)",
    )
    p.add_argument("--progress", type=int, help="tiến độ (%%), từ 0 đến 100")
    p.add_argument("--note", help="ghi chú đưa vào lịch sử nhiệm vụ")
    p = add("extension", extension, "Gia hạn: list | request | approve | refuse")
    p.add_argument(
        "action",
        choices=["list", "request", "approve", "refuse"],
        help="list (liệt kê) | request (xin) | approve (duyệt) | refuse (từ chối)",
    )
    p.add_argument("--id", type=int, help="số yêu cầu (approve/refuse)")
    p.add_argument("--task", type=int, help="số nhiệm vụ (request)")
    p.add_argument("--date", help="hạn mới xin (dd/mm/yyyy) (request)")
    p.add_argument("--reason", default="", help="lý do xin gia hạn (request)")
    p.add_argument("--note", help="ghi chú khi duyệt hoặc từ chối")
    p.add_argument("--plan", type=int, help="chỉ các yêu cầu của kế hoạch này (list)")
    p = add(
        "user",
        user,
        "Tài khoản web: add (tạo), password (đổi mật khẩu), link (liên kết đặt mật khẩu), "
        "disable/enable (khóa/mở)",
    )
    p.add_argument(
        "action",
        choices=["add", "password", "link", "disable", "enable"],
        help="add (tạo) | password (đổi mật khẩu) | link (in liên kết dùng một lần, 48 giờ, để "
        "người dùng tự đặt mật khẩu) | disable (khóa) | enable (mở khóa)",
    )
    p.add_argument("email", help="địa chỉ thư (tên đăng nhập)")
    p.add_argument(
        "--role",
        choices=["coordinator", "agency", "leader"],
        default="coordinator",
        help="coordinator (điều phối) | agency (cơ quan) | leader (lãnh đạo)",
    )
    p.add_argument("--agency", help="cơ quan (agency: bắt buộc; coordinator: KH nó thường trực)")
    p = add("milestone", milestone, "Báo cáo tiến độ theo quý của một kế hoạch (theo yêu cầu)")
    p.add_argument("plan", type=int, help="số kế hoạch")
    p.add_argument("--quarter", help="ví dụ 'Quý II/2024' (mặc định: quý hiện tại)")
