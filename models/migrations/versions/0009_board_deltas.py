"""board: the task change log the board's kept counts follow (``models.deltas``)

Triggers append to ``task_delta``, in the writer's transaction, the old and the new facts of
every task row a statement changes (lead, plan, status, due, completed late), and a reset row
for any write to a plan or a body; they prune rows ``KEEP_ROWS`` behind the newest, noting how
far in ``task_delta_pruned``. SQLite: row triggers. PostgreSQL: statement triggers reading the
transition tables, each row stamped with its transaction id.

The lead re-chains this after 0008 at merge time.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 03:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KEEP_ROWS = 50_000  # models.deltas.KEEP_ROWS, frozen here as this revision wrote it
PRUNE_EVERY = 1_000
FACTS = "lead_id, plan_id, status, due, completed_late"
RESETS = ("plan", "agency")


def _facts(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in FACTS.split(","))


def _differ(a: str, b: str) -> str:
    return f"({_facts(a)}) IS DISTINCT FROM ({_facts(b)})"


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER kh_delta_task_insert AFTER INSERT ON task BEGIN
        INSERT INTO task_delta (sign, {FACTS}) VALUES (1, {_facts("NEW")}); END""",
    f"""CREATE TRIGGER kh_delta_task_update AFTER UPDATE OF {FACTS} ON task
        WHEN {" OR ".join(f"OLD.{c.strip()} IS NOT NEW.{c.strip()}" for c in FACTS.split(","))}
        BEGIN INSERT INTO task_delta (sign, {FACTS})
        VALUES (-1, {_facts("OLD")}), (1, {_facts("NEW")}); END""",
    f"""CREATE TRIGGER kh_delta_task_delete AFTER DELETE ON task BEGIN
        INSERT INTO task_delta (sign, {FACTS}) VALUES (-1, {_facts("OLD")}); END""",
    f"""CREATE TRIGGER kh_delta_prune AFTER INSERT ON task_delta
        WHEN NEW.seq % {PRUNE_EVERY} = 0 BEGIN
        UPDATE task_delta_pruned SET upto = NEW.seq - {KEEP_ROWS}
            WHERE slot = 0 AND upto < NEW.seq - {KEEP_ROWS};
        DELETE FROM task_delta WHERE seq <= NEW.seq - {KEEP_ROWS}; END""",
] + [
    f"""CREATE TRIGGER kh_delta_{table}_{event.lower()} AFTER {event} ON {table} BEGIN
        INSERT INTO task_delta (sign) VALUES (0); END"""
    for table in RESETS
    for event in ("INSERT", "UPDATE", "DELETE")
]

XID = "pg_current_xact_id()::text::bigint"
PG_FUNCTIONS = [
    f"""CREATE FUNCTION kh_task_delta_prune() RETURNS void LANGUAGE plpgsql AS $$
DECLARE horizon bigint;
BEGIN
    SELECT xid INTO horizon FROM task_delta ORDER BY seq DESC OFFSET {KEEP_ROWS} LIMIT 1;
    IF horizon IS NULL THEN RETURN; END IF;
    -- only transactions already over: one still running may yet commit rows below it
    horizon := least(horizon, pg_snapshot_xmin(pg_current_snapshot())::text::bigint);
    -- the horizon row first: two pruners wait there, never on each other's deleted rows
    UPDATE task_delta_pruned SET upto = horizon WHERE slot = 0 AND upto < horizon;
    DELETE FROM task_delta WHERE xid < horizon;
END $$""",
    f"""CREATE FUNCTION kh_task_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_delta (xid, sign, {FACTS})
        SELECT {XID}, 1, {_facts("n")} FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO task_delta (xid, sign, {FACTS})
        SELECT {XID}, -1, {_facts("o")} FROM old_rows o;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO task_delta (xid, sign, {FACTS})
        SELECT {XID}, -1, {_facts("o")} FROM old_rows o WHERE NOT EXISTS (
            SELECT 1 FROM new_rows n WHERE n.id = o.id AND NOT {_differ("o", "n")})
        UNION ALL
        SELECT {XID}, 1, {_facts("n")} FROM new_rows n WHERE NOT EXISTS (
            SELECT 1 FROM old_rows o WHERE o.id = n.id AND NOT {_differ("o", "n")});
    ELSE
        INSERT INTO task_delta (xid, sign) VALUES ({XID}, 0);
    END IF;
    IF random() < {1 / PRUNE_EVERY} THEN PERFORM kh_task_delta_prune(); END IF;
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION kh_task_delta_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_delta (xid, sign) VALUES ({XID}, 0);
    RETURN NULL;
END $$""",
]
PG_TRIGGERS = [
    "CREATE TRIGGER kh_delta_task_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION kh_task_delta()",
    "CREATE TRIGGER kh_delta_task_update AFTER UPDATE ON task "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION kh_task_delta()",
    "CREATE TRIGGER kh_delta_task_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION kh_task_delta()",
    "CREATE TRIGGER kh_delta_task_truncate AFTER TRUNCATE ON task "
    "FOR EACH STATEMENT EXECUTE FUNCTION kh_task_delta()",
] + [
    f"CREATE TRIGGER kh_delta_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION kh_task_delta_reset()"
    for table in RESETS
]
PG_TRIGGER_TABLES = {
    "kh_delta_task_insert": "task",
    "kh_delta_task_update": "task",
    "kh_delta_task_delete": "task",
    "kh_delta_task_truncate": "task",
    **{f"kh_delta_{table}": table for table in RESETS},
}


def upgrade() -> None:
    op.create_table(
        "task_delta",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=True),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("completed_late", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_task_delta_xid", "task_delta", ["xid"], unique=False)
    op.create_table(
        "task_delta_pruned",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("upto", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("slot"),
    )
    op.execute("INSERT INTO task_delta_pruned (slot, upto) VALUES (0, 0)")
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_FUNCTIONS + PG_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in PG_TRIGGER_TABLES.items():
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for function in ("kh_task_delta()", "kh_task_delta_reset()", "kh_task_delta_prune()"):
            op.execute(f"DROP FUNCTION {function}")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {statement.split()[2]}")
    op.drop_table("task_delta_pruned")
    op.drop_index("ix_task_delta_xid", table_name="task_delta")
    op.drop_table("task_delta")
