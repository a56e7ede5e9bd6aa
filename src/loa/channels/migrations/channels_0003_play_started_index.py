"""channels plays: an index on the start time (the situation room sums a period's airtime)

Revision ID: channels_0003
Revises: channels_0002
Create Date: 2026-12-07 18:45:00
"""

from alembic import op

revision = "channels_0003"
down_revision = "channels_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channels_plays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channels_plays_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels_plays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channels_plays_started_at"))
