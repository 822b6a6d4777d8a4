"""web: indexes for the task list and task page, and the change generation with its triggers

``ix_task_due_id`` serves the task list's order and keyset pages (due, id);
``ix_task_plan_board`` lets the board group by plan from the index alone; the task page's
"needed by" looks edges up by ``depends_on_id``.
``change_generation`` (see ``models.generation``) is bumped by triggers on every write to task,
task_partner, plan and agency, so pages keep counts until the next change instead of
recounting per request.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None

PLAN_BOARD = ["plan_id", "status", "due", "lead_id"]
TABLES = ("task", "task_partner", "plan", "agency")
PG_FUNCTION = """
CREATE FUNCTION kh_bump_change_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_generation (slot, n) VALUES (pg_backend_pid() % 64, 1)
    ON CONFLICT (slot) DO UPDATE SET n = change_generation.n + 1;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_due_id", ["due", "id"], unique=False)
        batch_op.create_index("ix_task_plan_board", PLAN_BOARD, unique=False)
    with op.batch_alter_table("task_edge", schema=None) as batch_op:
        batch_op.create_index("ix_task_edge_depends_on_id", ["depends_on_id"], unique=False)
    op.create_table(
        "change_generation",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("slot"),
    )
    op.execute("INSERT INTO change_generation (slot, n) VALUES (0, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER kh_generation_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kh_bump_change_generation()"
            )
        return
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER kh_generation_{table}_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE change_generation SET n = n + 1 WHERE slot = 0; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER kh_generation_{table} ON {table}")
        op.execute("DROP FUNCTION kh_bump_change_generation()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER kh_generation_{table}_{event}")
    op.drop_table("change_generation")
    with op.batch_alter_table("task_edge", schema=None) as batch_op:
        batch_op.drop_index("ix_task_edge_depends_on_id")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_plan_board")
        batch_op.drop_index("ix_task_due_id")
