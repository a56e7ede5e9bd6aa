"""channels: commune register (district code, own channel), broadcast levels and targets, devices and play reports

Revision ID: channels_0002
Revises: channels_0001
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "channels_0002"
down_revision = "channels_0001"
branch_labels = None
depends_on = ("content_0001",)


def upgrade() -> None:
    with op.batch_alter_table("channels_communes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_code", sa.String(length=10), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_channels_communes_channel_id_content_channels"), "content_channels", ["channel_id"], ["id"]
        )
    op.create_table(
        "channels_broadcasts",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("commune_ids", sa.JSON(), nullable=False),
        sa.Column("starts_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("expires_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("ended_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("repeat_minutes", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_channels_broadcasts_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_broadcasts")),
        sa.UniqueConstraint("item_id", name=op.f("uq_channels_broadcasts_item_id")),
    )
    op.create_table(
        "channels_devices",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("poll_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["channels_communes.id"],
            name=op.f("fk_channels_devices_commune_id_channels_communes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_devices")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_channels_devices_key_hash")),
    )
    op.create_index(op.f("ix_channels_devices_commune_id"), "channels_devices", ["commune_id"])
    op.create_table(
        "channels_device_beats",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["channels_devices.id"],
            name=op.f("fk_channels_device_beats_device_id_channels_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_channels_device_beats")),
    )
    op.create_table(
        "channels_plays",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("started_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("received_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["channels_devices.id"],
            name=op.f("fk_channels_plays_device_id_channels_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["channels_communes.id"],
            name=op.f("fk_channels_plays_commune_id_channels_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_items.id"], name=op.f("fk_channels_plays_item_id_content_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_plays")),
        sa.UniqueConstraint("device_id", "item_id", "started_at", name=op.f("uq_channels_plays_device_id")),
    )
    op.create_index(op.f("ix_channels_plays_device_id"), "channels_plays", ["device_id"])
    op.create_index(op.f("ix_channels_plays_commune_id"), "channels_plays", ["commune_id"])
    op.create_index(op.f("ix_channels_plays_item_id"), "channels_plays", ["item_id"])


def downgrade() -> None:
    op.drop_table("channels_plays")
    op.drop_table("channels_device_beats")
    op.drop_table("channels_devices")
    op.drop_table("channels_broadcasts")
    with op.batch_alter_table("channels_communes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_channels_communes_channel_id_content_channels"), type_="foreignkey")
        batch_op.drop_column("channel_id")
        batch_op.drop_column("district_code")
