"""content: secret calendar subscription addresses (per channel or all channels), revocable

Revision ID: content_0003
Revises: content_0002
Create Date: 2026-12-07 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from loa.db import UTCDateTime

revision = "content_0003"
down_revision = "content_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("content_channels.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("content_calendar_feeds")
