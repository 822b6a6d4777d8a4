"""``kehoach`` command line. Imports are lazy so ``--help`` stays fast (and never loads Prefect)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from workflows import cli_commands as commands
from workflows import cli_followup

EXIT_USAGE, EXIT_INPUT, EXIT_DOCUMENT, EXIT_UNEXPECTED = 2, 2, 3, 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kehoach",
        description="kehoach: biến Kế hoạch thành nhiệm vụ, nhắc hạn và báo cáo tiến độ.",
    )
    parser.add_argument("--db", help="SQLAlchemy URL (mặc định: tệp SQLite trong KEHOACH_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = add("extract", commands.extract, "Trích xuất kế hoạch từ tệp .txt/.docx/.pdf (không lưu)")
    p.add_argument("file")
    p.add_argument("--format", choices=["json", "text"], default="text")
    p = add("import", commands.import_, "Nhập kế hoạch vào CSDL dưới dạng dự thảo")
    p.add_argument("file")
    add("plans", commands.plans, "Liệt kê các kế hoạch")
    p = add("tasks", commands.tasks, "Liệt kê nhiệm vụ")
    p.add_argument("--plan", type=int)
    p.add_argument("--agency", help="tên cơ quan (chủ trì hoặc phối hợp)")
    p.add_argument("--due-before", help="hạn trước ngày (dd/mm/yyyy hoặc yyyy-mm-dd)")
    p.add_argument("--all", action="store_true", help="kể cả nhiệm vụ đã bỏ")
    p = add("task", commands.task, "Sửa nhiệm vụ: lead, partners, due, add, drop")
    tsub = p.add_subparsers(dest="action", required=True, metavar="VIỆC")
    t = tsub.add_parser("lead", help="giao lại cơ quan chủ trì")
    t.add_argument("id", type=int)
    t.add_argument("agency")
    t = tsub.add_parser("partners", help="đặt danh sách cơ quan phối hợp")
    t.add_argument("id", type=int)
    t.add_argument("agencies", nargs="*")
    t = tsub.add_parser("due", help="đổi hạn (dd/mm/yyyy, hoặc 'none')")
    t.add_argument("id", type=int)
    t.add_argument("date")
    t = tsub.add_parser("add", help="thêm nhiệm vụ")
    t.add_argument("plan", type=int)
    t.add_argument("text")
    t.add_argument("--lead", required=True)
    t.add_argument("--due")
    t.add_argument("--section", default="bổ sung")
    t = tsub.add_parser("drop", help="bỏ nhiệm vụ (giữ lịch sử)")
    t.add_argument("id", type=int)
    t = tsub.add_parser("history", help="lịch sử thay đổi")
    t.add_argument("id", type=int)
    p = add("agencies", commands.agencies, "Liệt kê cơ quan đã lưu")
    p.add_argument("--unregistered", action="store_true")
    p = add("merge", commands.merge, "Gộp cơ quan chưa đăng ký vào cơ quan đã biết")
    p.add_argument("source")
    p.add_argument("--into", required=True)
    p = add("publish", commands.publish, "Ban hành (công bố) kế hoạch để bắt đầu nhắc hạn")
    p.add_argument("plan", type=int)
    p.add_argument("--force", action="store_true")
    add("migrate", commands.migrate, "Nâng cấp lược đồ CSDL")
    p = add("demo", commands.demo, "Nhập và công bố kế hoạch mẫu kèm theo, rồi liệt kê nhiệm vụ")
    p.add_argument("--sample", default=None, help="tệp kế hoạch (mặc định: mẫu kèm theo)")
    p.add_argument("--sweep-at", default=None, help="thời điểm chạy thử lượt nhắc việc")
    cli_followup.register(sub, add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.db:
        os.environ["KEHOACH_DATABASE_URL"] = args.db
    try:
        return args.handler(args)
    except commands.UserError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback for users
        if os.environ.get("KEHOACH_DEBUG"):
            traceback.print_exc()
        print(f"Lỗi không mong đợi ({type(error).__name__}): {error}", file=sys.stderr)
        print("Chạy lại với KEHOACH_DEBUG=1 để xem chi tiết.", file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
