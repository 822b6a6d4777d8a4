"""task.ocr_doubt: the task's dates and numbers that OCR read with low confidence

A scanned plan's task whose text holds a figure Tesseract was unsure of carries a note naming
it («15/6/2025», trang 3); the review page shows it beside the task until a coordinator
confirms or changes the deadline.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both dialects: a batch rebuild on SQLite would drop the task table's
    # change-generation triggers (0007).
    op.add_column("task", sa.Column("ocr_doubt", sa.String(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE task DROP COLUMN ocr_doubt")  # SQLite >= 3.35, PostgreSQL
