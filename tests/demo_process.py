"""``kehoach demo --serve`` as a newcomer starts it: a subprocess on a free loopback port, its
console read as it prints (the accounts and passwords are taken from there)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.processes import stop
from web.server import free_port

ACCOUNT = re.compile(r"^  (coordinator|agency|leader)\s+(\S+)  mật khẩu: (\S+)")
FOLDER = re.compile(r"^Dữ liệu tạm: (\S+) \(xóa khi dừng\)")
START_BOUND = 240  # seconds: import, publish, two sweeps and the server, on a loaded machine


@dataclass
class Demo:
    process: subprocess.Popen
    base: str
    lines: list[str] = field(default_factory=list)

    @property
    def console(self) -> str:
        return "\n".join(self.lines)

    @property
    def accounts(self) -> dict[str, tuple[str, str]]:
        """role -> (email, password), as printed."""
        found = (ACCOUNT.match(line) for line in list(self.lines))
        return {m[1]: (m[2], m[3]) for m in found if m}

    @property
    def folder(self) -> Path | None:
        found = [m[1] for line in list(self.lines) if (m := FOLDER.match(line))]
        return Path(found[0]) if found else None

    def wait_for(self, condition: Callable[[], bool], seconds: float = START_BOUND) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"condition not reached; the demo printed:\n{self.console}")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            return httpx.get(f"{self.base}/login", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False


@contextmanager
def running_demo(workdir: Path, *options: str) -> Iterator[Demo]:
    """The demo started in ``workdir`` with no KEHOACH_* setting of the caller's; once it
    answers, yielded; stopped with SIGINT (as Ctrl-C) at the end if still running."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "demo", "--serve", "--port", str(port), *options],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    demo = Demo(process, f"http://127.0.0.1:{port}")

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            demo.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        demo.wait_for(lambda: demo.folder is not None and demo.answers())
        yield demo
    finally:
        stop(process, signal.SIGINT, seconds=60)
        reader.join(timeout=10)
