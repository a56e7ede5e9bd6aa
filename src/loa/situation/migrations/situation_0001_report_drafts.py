"""situation: the periodic report's edited drafts

Revision ID: situation_0001
Revises: 0001_core
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "situation_0001"
down_revision = "0001_core"
branch_labels = ("situation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "situation_report_drafts",
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("edited_by", sa.String(length=60), nullable=False),
        sa.Column("mailed_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_situation_report_drafts")),
        sa.UniqueConstraint("start", "end", name=op.f("uq_situation_report_drafts_start")),
    )


def downgrade() -> None:
    op.drop_table("situation_report_drafts")
