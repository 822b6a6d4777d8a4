"""The change generation: a number that grows with every committed write to what pages count.

Triggers (migration 0007) bump it in the same transaction as any INSERT, UPDATE or DELETE on
``task``, ``task_partner``, ``plan`` and ``agency``, whoever writes (web, CLI, scheduler, Prefect
workers), so a page may keep a count or an aggregate for as long as the generation is unchanged.
On SQLite (one writer at a time) a single slot is bumped per row. On PostgreSQL a statement-level
trigger bumps the slot of the writing backend (``pg_backend_pid() % 64``): concurrent writers
rarely wait on each other's row lock. The generation is the sum over the slots; every commit
makes it larger, so two different states never share one.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class ChangeGeneration(SQLModel, table=True):
    __tablename__ = "change_generation"
    slot: int = Field(primary_key=True)
    n: int = Field(default=0, sa_type=BigInteger)
