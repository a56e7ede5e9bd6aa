"""listening retention mark: posts older than what retention deleted are not ingested again

Revision ID: listening_0003
Revises: listening_0002
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "listening_0003"
down_revision = "listening_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listening_retention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cutoff", loa.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_retention")),
    )


def downgrade() -> None:
    op.drop_table("listening_retention")
