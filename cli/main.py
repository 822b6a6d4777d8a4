"""``kehoach`` command line. Imports are lazy so ``--help`` stays fast (and never loads Prefect)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from cli import corrections, demo, followup, plans
from cli.helpers import UserError

EXIT_USAGE, EXIT_INPUT, EXIT_DOCUMENT, EXIT_UNEXPECTED = 2, 2, 3, 1

# argparse's own phrases (Python 3.11+), put into Vietnamese; anything else is kept as is.
_ARGPARSE_PHRASES = (
    (r"the following arguments are required: ", "thiếu tham số bắt buộc: "),
    (r"one of the arguments (.+) is required", r"cần một trong các tham số \1"),
    (r"unrecognized arguments: ", "tham số không nhận ra: "),
    (r"invalid choice: (.+) \(choose from (.+)\)", r"không có lựa chọn \1 (chọn một trong: \2)"),
    (r"invalid (int|float) value: ", "không phải là số: "),
    (r"expected one argument", "thiếu giá trị"),
    (r"not allowed with argument ", "không dùng cùng với "),
    (r"ambiguous option: (\S+) could match (.+)", r"tùy chọn \1 không rõ, có thể là \2"),
    (r"\bargument ", "tham số "),
)


def usage_error(detail: str, prog: str = "kehoach") -> NoReturn:
    """One Vietnamese line on stderr and exit 2: what is wrong, and where to read more."""
    for pattern, replacement in _ARGPARSE_PHRASES:
        detail = re.sub(pattern, replacement, detail)
    print(f"Lệnh không hợp lệ: {detail}. Xem: {prog} --help", file=sys.stderr)
    sys.exit(EXIT_USAGE)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Vietnamese help headings and one Vietnamese line for a usage error; the
    subcommand parsers are of this class too (``add_subparsers`` uses the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        usage_error(message, self.prog)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kehoach",
        description="kehoach: biến Kế hoạch thành nhiệm vụ, nhắc hạn và báo cáo tiến độ.",
    )
    parser.add_argument("--db", help="SQLAlchemy URL (mặc định: tệp SQLite trong KEHOACH_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = add("extract", plans.extract, "Trích xuất kế hoạch từ tệp .txt/.docx/.pdf (không lưu)")
    p.add_argument("file", help="tệp kế hoạch .txt, .docx hoặc .pdf")
    p.add_argument(
        "--format", choices=["json", "text"], default="text", help="dạng in ra (mặc định text)"
    )
    p = add("import", plans.import_, "Nhập kế hoạch vào CSDL dưới dạng dự thảo")
    p.add_argument("file", help="tệp kế hoạch .txt, .docx hoặc .pdf")
    add("plans", plans.plans, "Liệt kê các kế hoạch")
    p = add("tasks", plans.tasks, "Liệt kê nhiệm vụ")
    p.add_argument("--plan", type=int, help="chỉ nhiệm vụ của kế hoạch này")
    p.add_argument("--agency", help="tên cơ quan (chủ trì hoặc phối hợp)")
    p.add_argument("--due-before", help="hạn trước ngày (dd/mm/yyyy hoặc yyyy-mm-dd)")
    p.add_argument("--all", action="store_true", help="kể cả nhiệm vụ đã bỏ")
    p = add("task", corrections.task, "Sửa nhiệm vụ: lead, partners, due, add, drop")
    tsub = p.add_subparsers(dest="action", required=True, metavar="VIỆC")
    t = tsub.add_parser("lead", help="giao lại cơ quan chủ trì")
    t.add_argument("id", type=int, help="số nhiệm vụ")
    t.add_argument("agency", help="tên cơ quan chủ trì mới")
    t = tsub.add_parser("partners", help="đặt danh sách cơ quan phối hợp")
    t.add_argument("id", type=int, help="số nhiệm vụ")
    t.add_argument("agencies", nargs="*", help="tên các cơ quan phối hợp (bỏ trống: không có)")
    t = tsub.add_parser("due", help="đổi hạn (dd/mm/yyyy, hoặc 'none')")
    t.add_argument("id", type=int, help="số nhiệm vụ")
    t.add_argument("date", help="hạn mới (dd/mm/yyyy), hoặc 'none' để bỏ hạn")
    t = tsub.add_parser("add", help="thêm nhiệm vụ")
    t.add_argument("plan", type=int, help="số kế hoạch")
    t.add_argument("text", help="nội dung nhiệm vụ")
    t.add_argument("--lead", required=True, help="cơ quan chủ trì")
    t.add_argument("--due", help="hạn (dd/mm/yyyy)")
    t.add_argument("--section", default="bổ sung", help="mục của kế hoạch (mặc định: bổ sung)")
    t = tsub.add_parser("drop", help="bỏ nhiệm vụ (giữ lịch sử)")
    t.add_argument("id", type=int, help="số nhiệm vụ")
    t = tsub.add_parser("history", help="lịch sử thay đổi")
    t.add_argument("id", type=int, help="số nhiệm vụ")
    p = add("agencies", plans.agencies, "Liệt kê cơ quan đã lưu")
    p.add_argument("--unregistered", action="store_true", help="chỉ cơ quan chưa đăng ký")
    p = add("merge", corrections.merge, "Gộp cơ quan chưa đăng ký vào cơ quan đã biết")
    p.add_argument("source", help="tên cơ quan chưa đăng ký cần gộp")
    p.add_argument("--into", required=True, help="tên cơ quan đã biết nhận phần gộp")
    p = add("publish", corrections.publish, "Ban hành (công bố) kế hoạch để bắt đầu nhắc hạn")
    p.add_argument("plan", type=int, help="số kế hoạch")
    p.add_argument(
        "--force", action="store_true", help="ban hành cả khi còn nhiệm vụ chưa có cơ quan chủ trì"
    )
    add("migrate", plans.migrate, "Nâng cấp lược đồ CSDL")
    p = add("demo", demo.demo, "Nhập và công bố kế hoạch mẫu kèm theo, rồi liệt kê nhiệm vụ")
    p.add_argument("--sample", default=None, help="tệp kế hoạch (mặc định: mẫu kèm theo)")
    p.add_argument(
        "--sweep-at",
        default=None,
        help="thời điểm chạy thử lượt nhắc việc (mặc định 2022-06-20T08:05; với --serve: ngày "
        "trang web hiển thị, mặc định 2022-12-19T08:05)",
    )
    p.add_argument(
        "--serve",
        action="store_true",
        help="trong CSDL tạm: gửi thư của lượt nhắc việc vào hộp thư chạy thử, rồi mở trang web "
        "với tài khoản cho ba vai trò (dừng: Ctrl-C)",
    )
    p.add_argument("--host", default="127.0.0.1", help="với --serve: địa chỉ (mặc định 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=None, help="với --serve: cổng (mặc định: một cổng trống)"
    )
    followup.register(sub, add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # point at the subcommand's help, not the main one
        where = [parser.prog, args.command, getattr(args, "action", None)]
        usage_error(f"unrecognized arguments: {' '.join(extra)}", " ".join(w for w in where if w))
    if args.db:
        os.environ["KEHOACH_DATABASE_URL"] = args.db
    try:
        return args.handler(args)
    except UserError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        if os.environ.get("KEHOACH_DEBUG") and error.__cause__ is not None:
            print(f"Chi tiết kỹ thuật: {_technical(error.__cause__)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback for users
        if os.environ.get("KEHOACH_DEBUG"):
            traceback.print_exc()
        problem = database_problem(error)
        if problem:
            print(f"Lỗi: {problem}", file=sys.stderr)
            return EXIT_INPUT
        print(f"Lỗi không mong đợi ({type(error).__name__}): {error}", file=sys.stderr)
        print("Chạy lại với KEHOACH_DEBUG=1 để xem chi tiết.", file=sys.stderr)
        return EXIT_UNEXPECTED


def _technical(cause: BaseException) -> str:
    """The library's own words behind a user error (its cause's cause, for a document)."""
    inner = cause.__cause__ if cause.__cause__ is not None else cause
    return f"{type(inner).__name__}: {inner}"


def database_problem(error: Exception) -> str | None:
    """One Vietnamese line for a database URL that cannot be used, naming it (password
    hidden); None when ``error`` is something else."""
    from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

    if not isinstance(error, ArgumentError | InterfaceError | OperationalError):
        return None
    from config.settings import get_settings

    url = get_settings().effective_database_url
    shown = _hide_password(url)
    setting = "--db hoặc KEHOACH_DATABASE_URL"
    if isinstance(error, ArgumentError):
        if _usable_url(url):
            return None  # a programming error, not the address
        return (
            f"Địa chỉ cơ sở dữ liệu «{shown}» không hợp lệ ({setting}); cần dạng "
            "sqlite:////đường/dẫn/kehoach.db hoặc postgresql+psycopg://người_dùng@máy:5432/tên_csdl."
        )
    if _busy(error):
        return (
            f"Cơ sở dữ liệu «{shown}» đang bận: một tiến trình khác (kehoach serve, một lệnh "
            "kehoach khác hoặc bản sao lưu) đang ghi vào và chưa xong; đợi nó xong rồi chạy lại "
            "lệnh này."
        )
    return (
        f"Không làm việc được với cơ sở dữ liệu «{shown}»: máy chủ không chạy hoặc không cho "
        f"kết nối, sai tài khoản, hoặc tệp không mở được. Kiểm tra {setting}."
    )


# PostgreSQL: lock_not_available (lock_timeout, NOWAIT); SQLite says it in words.
_BUSY_SQLSTATES = frozenset({"55P03"})
_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")


def _busy(error: Exception) -> bool:
    """The database answered, but another writer held it longer than we wait."""
    cause = getattr(error, "orig", None) or error
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return any(words in str(cause).lower() for words in _BUSY_WORDS)


def _usable_url(url: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        make_url(url).get_dialect()
    except Exception:
        return False
    return True


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: hide whatever sits between "user:" and "@"
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


if __name__ == "__main__":
    sys.exit(main())
