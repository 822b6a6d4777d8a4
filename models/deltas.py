"""The board's change log: what each committed write did to the facts the board counts.

Triggers (migration 0009) append, in the writer's transaction, one row per task row a
statement touched: the old row's (lead, plan, status, due, completed late) with sign -1 and the
new row's with sign +1, only when one of these differs. A write to a plan or a body, or a
TRUNCATE of tasks, appends a *reset* row (sign 0): what was kept recounts. Kept counts (see
``web.tallies``) read the rows after their position instead of recounting.

Position: on SQLite (one writer at a time) ``seq`` grows in commit order. On PostgreSQL it does
not (concurrent transactions commit in any order), so a row also carries its transaction id
(``xid``) and a position is a snapshot (``pg_current_snapshot()``): the rows after it are those
the snapshot does not see. The triggers prune old rows and record in ``task_delta_pruned`` up to
where (a ``seq`` on SQLite, a transaction id on PostgreSQL); a position before that recounts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Index, Integer, SmallInteger
from sqlmodel import Field, SQLModel

# Rows kept behind the newest one, and how often (every PRUNE_EVERY-th row on SQLite, about one
# statement in PRUNE_EVERY on PostgreSQL) the triggers prune what is older.
KEEP_ROWS = 50_000
PRUNE_EVERY = 1_000


class TaskDelta(SQLModel, table=True):
    __tablename__ = "task_delta"
    __table_args__ = (Index("ix_task_delta_xid", "xid"), {"sqlite_autoincrement": True})
    # INTEGER on SQLite: the rowid itself, never reused (AUTOINCREMENT), growing in commit order
    seq: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer(), "sqlite")
    )
    xid: int | None = Field(default=None, sa_type=BigInteger)
    sign: int = Field(sa_type=SmallInteger)  # -1 old row, +1 new row, 0 reset
    lead_id: int | None = None
    plan_id: int | None = None
    status: str | None = None
    due: date | None = None
    completed_late: bool | None = None


class TaskDeltaPruned(SQLModel, table=True):
    __tablename__ = "task_delta_pruned"
    slot: int = Field(primary_key=True)
    upto: int = Field(default=0, sa_type=BigInteger)
