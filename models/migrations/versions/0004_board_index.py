"""task: a covering index for the overdue board and the scorecards

The board groups open, overdue tasks by body and plan; with (status, due, lead_id, plan_id,
completed_late) the database answers from the index alone instead of reading every task row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:10:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ["status", "due", "lead_id", "plan_id", "completed_late"]


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_board", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_board")
