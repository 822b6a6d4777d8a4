"""Stopping a server a test started, the way its user would."""

from __future__ import annotations

import signal
import subprocess


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, seconds: float = 20) -> None:
    """``sig`` (SIGTERM for a service, SIGINT for Ctrl-C) if it still runs; killed if it has not
    stopped within ``seconds``."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
