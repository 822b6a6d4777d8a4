"""Right after a change, requests that miss together compute the aggregate once."""

from __future__ import annotations

import threading
import time
from datetime import date

from web.snapshots import Snapshots


def test_requests_missing_at_once_wait_for_one_computation():
    kept, calls, results = Snapshots(), [], []

    def slow_count(_session, n: int) -> int:
        calls.append(n)
        time.sleep(0.2)
        return n * 2

    def ask() -> None:
        results.append(kept.get(None, (7,), date(2024, 5, 15), slow_count, 21))  # type: ignore[arg-type]

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [21] and results == [42] * 8
    assert kept.misses == 1 and kept.hits == 7
    assert kept.get(None, (8,), date(2024, 5, 15), slow_count, 21) == 42  # type: ignore[arg-type]
    assert calls == [21, 21]  # a new generation counts again
