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
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("due_inferred", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("due_inferred")
