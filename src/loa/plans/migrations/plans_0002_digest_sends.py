"""plans: daily digests sent, one per agency and day

Revision ID: plans_0002
Revises: plans_0001
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "plans_0002"
down_revision = "plans_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_digest_sends",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("sent_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_plan_digest_sends_agency_id_agencies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_digest_sends")),
        sa.UniqueConstraint("day", "agency_id", name=op.f("uq_plan_digest_sends_day")),
    )
    with op.batch_alter_table("plan_digest_sends", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_digest_sends_agency_id"), ["agency_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_digest_sends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_digest_sends_agency_id"))
    op.drop_table("plan_digest_sends")
