"""task.due_inferred: a deadline inferred from the plan period (not stated by the document)

A duty with no date in a plan with a period gets the period's last day as its deadline, so it
is reminded; the flag shows it as inferred (review page, task page, emails) until a coordinator
confirms or changes it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects: a batch rebuild on SQLite would drop the task table's
    # change-generation triggers (0007).
    op.add_column(
        "task", sa.Column("due_inferred", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.execute("ALTER TABLE task DROP COLUMN due_inferred")  # SQLite >= 3.35, PostgreSQL
