"""channels: commune loudspeaker stations and broadcast slots

Revision ID: channels_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "channels_0001"
down_revision = "0001_core"
branch_labels = ("channels",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels_communes",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("district", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_communes")),
        sa.UniqueConstraint("district", "name", name=op.f("uq_channels_communes_district")),
    )
    op.create_table(
        "channels_broadcast_slots",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["channels_communes.id"],
            name=op.f("fk_channels_broadcast_slots_commune_id_channels_communes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_broadcast_slots")),
        sa.UniqueConstraint("commune_id", "start", name=op.f("uq_channels_broadcast_slots_commune_id")),
    )
    op.create_index(op.f("ix_channels_broadcast_slots_commune_id"), "channels_broadcast_slots", ["commune_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_channels_broadcast_slots_commune_id"), table_name="channels_broadcast_slots")
    op.drop_table("channels_broadcast_slots")
    op.drop_table("channels_communes")
