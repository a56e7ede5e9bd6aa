"""content schedules: an index on the publication time (the situation room counts a period's publications)

Revision ID: content_0004
Revises: content_0003
Create Date: 2026-12-07 18:45:00
"""

from alembic import op

revision = "content_0004"
down_revision = "content_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_schedules_published_at"), ["published_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("content_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_schedules_published_at"))
