"""emergency: notices, approvals, one-click approval links, agency notices

Revision ID: emergency_0001
Revises: 0001_core
Create Date: 2026-12-07 15:30:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "emergency_0001"
down_revision = "0001_core"
branch_labels = ("emergency",)
depends_on = ("content_0001", "channels_0002")


def upgrade() -> None:
    op.create_table(
        "emergency_notices",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("commune_ids", sa.JSON(), nullable=False),
        sa.Column("expires_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("repeat_minutes", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("placed_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("ended_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_items.id"], name=op.f("fk_emergency_notices_item_id_content_items")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_emergency_notices_created_by_id_users")),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"], name=op.f("fk_emergency_notices_ended_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_notices")),
    )
    op.create_index(op.f("ix_emergency_notices_item_id"), "emergency_notices", ["item_id"])
    op.create_index(op.f("ix_emergency_notices_state"), "emergency_notices", ["state"])
    op.create_table(
        "emergency_approvals",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["emergency_notices.id"],
            name=op.f("fk_emergency_approvals_notice_id_emergency_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_emergency_approvals_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_approvals")),
        sa.UniqueConstraint("notice_id", "user_id", name=op.f("uq_emergency_approvals_notice_id")),
    )
    op.create_index(op.f("ix_emergency_approvals_notice_id"), "emergency_approvals", ["notice_id"])
    op.create_table(
        "emergency_links",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("used_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["emergency_notices.id"],
            name=op.f("fk_emergency_links_notice_id_emergency_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_emergency_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_links")),
        sa.UniqueConstraint("nonce", name=op.f("uq_emergency_links_nonce")),
    )
    op.create_index(op.f("ix_emergency_links_notice_id"), "emergency_links", ["notice_id"])
    op.create_table(
        "emergency_agency_notices",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("emailed", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["emergency_notices.id"],
            name=op.f("fk_emergency_agency_notices_notice_id_emergency_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_emergency_agency_notices_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_agency_notices")),
        sa.UniqueConstraint("notice_id", "agency_id", name=op.f("uq_emergency_agency_notices_notice_id")),
    )
    op.create_index(op.f("ix_emergency_agency_notices_notice_id"), "emergency_agency_notices", ["notice_id"])


def downgrade() -> None:
    op.drop_table("emergency_agency_notices")
    op.drop_table("emergency_links")
    op.drop_table("emergency_approvals")
    op.drop_table("emergency_notices")
