"""Emails per second: the project's drain beside a raw aiosmtplib loop, against one sink.

The sink is a loopback aiosmtpd (``tests/smtp_server.py``) running in its own process
(``--sink``), so the server's work does not share the bench's interpreter. For each number of
connections, in the same run:

* **drain**: N rendered Vietnamese digests queued in a fresh outbox (SQLite file by default,
  ``--database-url`` for PostgreSQL), then ``workflows.delivery.outbox.deliver`` claims them with a
  lease, builds each message, sends it over a pool of that many reused connections and
  commits each outcome (and its attempt row) as it comes — the guarantees as shipped;
* **raw**: the same messages, built beforehand (their build cost is printed apart), sent by
  a bare ``aiosmtplib`` loop (``send_message`` over the same number of connections), nothing
  recorded: the limit the sink and the client library allow on this machine.

It prints mails/s of each, the ratio, the connections the sink saw, and checks every
Message-ID arrived exactly once. With ``--faults F`` it instead runs the batch sender against
an in-process scripted server where a fraction F of transactions meets a fault (451 after the
".", a drop after the "." with or without the message stored, a reply later than the
timeout), resends failures with the same Message-ID until delivered, and reports lost
messages and duplicates against the ambiguous outcomes that admit them.

    python bench/bench_smtp.py                          # 2000 messages, 1 and 4 connections
    python bench/bench_smtp.py --messages 5000 --connections 4 8
    python bench/bench_smtp.py --messages 500 --faults 0.05 --connections 4

Peak memory: ``/usr/bin/time -v python bench/bench_smtp.py …`` and read "Maximum resident set
size" (the larger of the bench and its sink process, whose own figure the sink prints too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402 - root put on path first
from sqlalchemy import insert  # noqa: E402

from models.delivery import MessageStatus, OutboxMessage  # noqa: E402
from notifications.message import Mailbox, message_id_for  # noqa: E402
from notifications.outcomes import Outcome  # noqa: E402
from notifications.render import render  # noqa: E402
from notifications.smtp import SmtpConfig, send_batch_blocking  # noqa: E402
from tests import notification_samples as samples  # noqa: E402
from tests.smtp_server import Delay, Drop, Reply, ScriptedSMTPServer  # noqa: E402
from workflows.delivery.outbox import deliver, to_email  # noqa: E402
from workflows.runners.runtime import database  # noqa: E402

SENDER = Mailbox("kehoach@ubnd.test.vn", "Văn phòng HĐND và UBND huyện")
NOW = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)  # a Monday, 08:00 in Hà Nội
TIMEOUT = 1.0


def serve_sink() -> int:
    """``--sink``: serve on a free loopback port, print it, and when stdin closes print what
    arrived (as JSON) and exit."""
    server = ScriptedSMTPServer().start()
    print(server.port, flush=True)
    sys.stdin.read()
    ids = Counter(server.message_ids())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"connections": server.connections, "ids": dict(ids), "peak_kib": peak}),
        flush=True,
    )
    server.stop()
    return 0


class Sink:
    """The sink process, for one measured run."""

    host = "127.0.0.1"

    def __enter__(self) -> Sink:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sink"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def finish(self) -> dict:
        out, _ = self.process.communicate(timeout=120)
        return json.loads(out)

    def config(self) -> SmtpConfig:
        return SmtpConfig(host=self.host, port=self.port, sender=SENDER.address, timeout=30.0)


def rows_for(count: int) -> list[dict]:
    """Outbox rows as the sweep queues them: one rendered digest each, due now."""
    rendered = render("reminder_digest", samples.reminder_digest())
    domain = SENDER.address.rpartition("@")[2]
    return [
        {
            "key": f"bench:{i}",
            "message_id": message_id_for(f"bench:{i}", domain),
            "kind": "reminder_digest",
            "recipient": f"body{i % 300}@ubnd.test.vn",
            "subject": rendered.subject,
            "body_text": rendered.text,
            "body_html": rendered.html,
            "status": MessageStatus.PENDING.value,
            "next_attempt_at": NOW,
            "created_at": NOW,
        }
        for i in range(count)
    ]


def fresh_outbox(rows: list[dict], database_url: str | None, folder: Path):
    url = database_url or f"sqlite:///{folder / f'bench-{time.monotonic_ns()}.db'}"
    engine = database(url)
    with engine.begin() as conn:
        conn.execute(OutboxMessage.__table__.delete())  # type: ignore[attr-defined]
        conn.execute(insert(OutboxMessage), rows)
    return engine


async def raw_loop(messages: list[EmailMessage], config: SmtpConfig, connections: int) -> None:
    queue = deque(messages)

    async def one_connection() -> None:
        client = aiosmtplib.SMTP(hostname=config.host, port=config.port, timeout=config.timeout)
        async with client:
            while queue:
                await client.send_message(queue.popleft())

    await asyncio.gather(*(one_connection() for _ in range(connections)))


def timed(run) -> tuple[float, float]:
    """Wall and CPU seconds of ``run()`` (CPU: this process only, not the sink)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def check(arrived: dict, expected: set[str]) -> str:
    once = sum(1 for m in expected if arrived.get(m) == 1)
    return f"arrived exactly once {once}/{len(expected)}"


def run_side_by_side(
    rows: list[dict], connections: int, database_url: str | None, folder: Path
) -> None:
    count = len(rows)
    expected = {r["message_id"] for r in rows}
    engine = fresh_outbox(rows, database_url, folder)
    with Sink() as sink:
        config = sink.config()
        wall, cpu = timed(lambda: deliver(engine, config, NOW, concurrency=connections))
        got = sink.finish()
    drain_rate = count / wall
    print(
        f"  drain, {connections} connection(s): {count} mails in {wall:.2f} s = "
        f"{drain_rate:.0f} mails/s ({cpu / count * 1000:.2f} ms CPU per mail) over "
        f"{got['connections']} connection(s); {check(got['ids'], expected)}"
    )
    messages: list[EmailMessage] = []
    _, build_cpu = timed(
        lambda: messages.extend(to_email(OutboxMessage(**r), config, NOW) for r in rows)
    )
    print(
        f"  of which building each message (headers checked, encoded): "
        f"{build_cpu / count * 1000:.2f} ms CPU per mail"
    )
    with Sink() as sink:
        config = sink.config()
        wall, cpu = timed(lambda: asyncio.run(raw_loop(messages, config, connections)))
        got = sink.finish()
    raw_rate = count / wall
    print(
        f"  raw aiosmtplib, {connections} connection(s): {count} mails in {wall:.2f} s = "
        f"{raw_rate:.0f} mails/s ({cpu / count * 1000:.2f} ms CPU per mail) over "
        f"{got['connections']} connection(s); {check(got['ids'], expected)}; "
        f"sink peak {got['peak_kib'] / 1024:.0f} MiB"
    )
    print(f"  ratio drain/raw: {drain_rate / raw_rate:.2f}")


def config(server: ScriptedSMTPServer) -> SmtpConfig:
    return SmtpConfig(host=server.host, port=server.port, sender=SENDER.address, timeout=TIMEOUT)


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
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--database-url", help="outbox database (default: a new SQLite file)")
    parser.add_argument("--faults", type=float, default=0.0, help="fraction of faulty DATA")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sink", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink:
        return serve_sink()
    print("$ python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *sys.argv[1:]]))
    rows = rows_for(args.messages)
    size = len(rows[0]["body_text"].encode()) + len(rows[0]["body_html"].encode())
    print(f"{args.messages} queued digests ({size} bytes of text and HTML each)")
    if args.faults:
        messages = [
            to_email(OutboxMessage(**r), SmtpConfig("", 0, SENDER.address), NOW) for r in rows
        ]
        for connections in args.connections:
            run_faults(messages, connections, args.faults, args.seed)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for connections in args.connections:
            run_side_by_side(rows, connections, args.database_url, Path(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"bench process peak {peak / 1024:.0f} MiB (ru_maxrss)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
