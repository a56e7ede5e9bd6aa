"""content schedules: missed slots keep their reason

Revision ID: content_0002
Revises: content_0001
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "content_0002"
down_revision = "content_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("missed_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    op.execute("UPDATE content_schedules SET status = 'cancelled' WHERE status = 'missed'")
    with op.batch_alter_table("content_schedules", schema=None) as batch_op:
        batch_op.drop_column("missed_reason")
