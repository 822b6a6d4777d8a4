"""Emails per second to a loopback aiosmtpd, with connection reuse and bounded concurrency.

Builds N rendered Vietnamese digests once (timed separately), then sends them with
``notifications.smtp.send_batch`` at each concurrency, counting the connections the server
saw and checking every Message-ID arrived exactly once. With ``--faults F`` a fraction F of
transactions meets a scripted fault (451 after the ".", a drop after the "." with or without
the message stored, a reply later than the timeout), failed messages are resent with the same
Message-ID until delivered, and it reports lost messages and duplicates against the
ambiguous outcomes that admit them.

    python bench/bench_smtp.py                          # 2000 messages, concurrency 1, 4, 8
    python bench/bench_smtp.py --messages 500 --faults 0.05 --concurrency 4
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from notifications.message import Mailbox, build_message  # noqa: E402 - root put on path first
from notifications.outcomes import Outcome  # noqa: E402
from notifications.render import render  # noqa: E402
from notifications.smtp import SmtpConfig, send_batch_blocking  # noqa: E402
from tests import notification_samples as samples  # noqa: E402
from tests.smtp_server import Delay, Drop, Reply, ScriptedSMTPServer  # noqa: E402

SENDER = Mailbox("kehoach@ubnd.test.vn", "Văn phòng HĐND và UBND huyện")
TIMEOUT = 1.0


def build_all(count: int) -> list[EmailMessage]:
    rendered = render("reminder_digest", samples.reminder_digest())
    now = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)
    return [
        build_message(
            rendered,
            sender=SENDER,
            recipients=[Mailbox(f"body{i % 300}@ubnd.test.vn", "Phòng Tài chính - Kế hoạch")],
            idempotency_key=f"bench:{i}",
            now=now,
        )
        for i in range(count)
    ]


def config(server: ScriptedSMTPServer) -> SmtpConfig:
    return SmtpConfig(host=server.host, port=server.port, sender=SENDER.address, timeout=TIMEOUT)


def run_clean(messages: list[EmailMessage], concurrency: int) -> None:
    server = ScriptedSMTPServer().start()
    try:
        started = time.perf_counter()
        outcomes = send_batch_blocking(messages, config(server), concurrency)
        elapsed = time.perf_counter() - started
        statuses = Counter(o.status for o in outcomes)
        ids = Counter(server.message_ids())
        once = sum(1 for m in messages if ids[m["Message-ID"]] == 1)
        print(
            f"concurrency {concurrency}: {len(messages)} messages in {elapsed:.2f} s = "
            f"{len(messages) / elapsed:.0f} emails/s over {server.connections} connection(s); "
            f"sent {statuses[Outcome.SENT]}, arrived exactly once {once}/{len(messages)}"
        )
    finally:
        server.stop()


def script_faults(server: ScriptedSMTPServer, count: int, rate: float, rnd: random.Random) -> None:
    faults = [
        Reply("451 4.3.0 Thử lại sau"),
        Drop(store=True),
        Drop(store=False),
        Delay(TIMEOUT * 1.5, store=True),
    ]
    plan = [rnd.choice(faults) if rnd.random() < rate else Delay(0) for _ in range(count)]
    server.script("DATA", *plan)


def run_faults(messages: list[EmailMessage], concurrency: int, rate: float, seed: int) -> None:
    rnd = random.Random(seed)
    server = ScriptedSMTPServer().start()
    try:
        # Enough scripted behaviours for the first pass and every resend.
        script_faults(server, len(messages) * 3, rate, rnd)
        pending, attempts, ambiguous, rounds = list(messages), 0, 0, 0
        tally: Counter[str] = Counter()
        while pending and rounds < 20:
            rounds += 1
            outcomes = send_batch_blocking(pending, config(server), concurrency)
            attempts += sum(1 for o in outcomes if o.status is not Outcome.SKIPPED)
            tally.update(o.status.value for o in outcomes)
            ambiguous += sum(1 for o in outcomes if o.status is Outcome.AMBIGUOUS)
            pending = [m for m, o in zip(pending, outcomes, strict=True) if o.retryable]
        ids = Counter(server.message_ids())
        lost = sum(1 for m in messages if ids[m["Message-ID"]] == 0)
        duplicates = sum(n - 1 for n in ids.values() if n > 1)
        print(
            f"faults {rate:.0%} at concurrency {concurrency}: {len(messages)} messages, "
            f"{attempts} attempts in {rounds} rounds; outcomes {dict(tally)}; lost {lost}, "
            f"duplicates {duplicates} (admitted by {ambiguous} ambiguous outcomes; "
            f"unexpected {max(0, duplicates - ambiguous)}), still pending {len(pending)}"
        )
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--faults", type=float, default=0.0, help="fraction of faulty DATA")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print("$ python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *sys.argv[1:]]))
    started = time.perf_counter()
    messages = build_all(args.messages)
    elapsed = time.perf_counter() - started
    size = len(messages[0].as_bytes())
    print(
        f"built {len(messages)} messages ({size} bytes each) in {elapsed:.2f} s = "
        f"{len(messages) / elapsed:.0f} messages/s (render once, build and encode each)"
    )
    for concurrency in args.concurrency:
        if args.faults:
            run_faults(messages, concurrency, args.faults, args.seed)
        else:
            run_clean(messages, concurrency)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
