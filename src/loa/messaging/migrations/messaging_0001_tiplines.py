"""messaging: senders (keyed hashes), inbound and outbound messages, subscriptions, follow-ups, notices, rate slots

Revision ID: messaging_0001
Revises: 0001_core
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "messaging_0001"
down_revision = "0001_core"
branch_labels = ("messaging",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messaging_senders",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_senders")),
        sa.UniqueConstraint("platform", "key", name=op.f("uq_messaging_senders_platform")),
    )
    op.create_index(op.f("ix_messaging_senders_last_seen_at"), "messaging_senders", ["last_seen_at"], unique=False)
    op.create_table(
        "messaging_inbound",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("received_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["messaging_senders.id"],
            name=op.f("fk_messaging_inbound_sender_id_messaging_senders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_inbound")),
        sa.UniqueConstraint("platform", "message_key", name=op.f("uq_messaging_inbound_platform")),
    )
    op.create_index(op.f("ix_messaging_inbound_platform"), "messaging_inbound", ["platform"], unique=False)
    op.create_index(op.f("ix_messaging_inbound_sender_id"), "messaging_inbound", ["sender_id"], unique=False)
    op.create_index(op.f("ix_messaging_inbound_received_at"), "messaging_inbound", ["received_at"], unique=False)
    op.create_table(
        "messaging_outbound",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("tried_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("sent_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["messaging_inbound.id"],
            name=op.f("fk_messaging_outbound_inbound_id_messaging_inbound"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["messaging_senders.id"],
            name=op.f("fk_messaging_outbound_sender_id_messaging_senders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_outbound")),
    )
    op.create_index(op.f("ix_messaging_outbound_platform"), "messaging_outbound", ["platform"], unique=False)
    op.create_index(op.f("ix_messaging_outbound_status"), "messaging_outbound", ["status"], unique=False)
    op.create_index(op.f("ix_messaging_outbound_created_at"), "messaging_outbound", ["created_at"], unique=False)
    op.create_table(
        "messaging_subscriptions",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("last_bulletin", sa.String(length=40), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["messaging_senders.id"],
            name=op.f("fk_messaging_subscriptions_sender_id_messaging_senders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_subscriptions")),
        sa.UniqueConstraint("sender_id", name=op.f("uq_messaging_subscriptions_sender_id")),
    )
    op.create_index(op.f("ix_messaging_subscriptions_district"), "messaging_subscriptions", ["district"], unique=False)
    op.create_table(
        "messaging_followups",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("answer_ref", sa.Integer(), nullable=True),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["messaging_senders.id"],
            name=op.f("fk_messaging_followups_sender_id_messaging_senders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_followups")),
        sa.UniqueConstraint("sender_id", "kind", "ref_id", name=op.f("uq_messaging_followups_sender_id")),
    )
    op.create_index(op.f("ix_messaging_followups_sender_id"), "messaging_followups", ["sender_id"], unique=False)
    op.create_index(op.f("ix_messaging_followups_created_at"), "messaging_followups", ["created_at"], unique=False)
    op.create_index(op.f("ix_messaging_followups_due_at"), "messaging_followups", ["due_at"], unique=False)
    op.create_table(
        "messaging_notices",
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_notices")),
    )
    op.create_index(op.f("ix_messaging_notices_sent_at"), "messaging_notices", ["sent_at"], unique=False)
    op.create_table(
        "messaging_rate_slots",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("platform", name=op.f("pk_messaging_rate_slots")),
    )


def downgrade() -> None:
    op.drop_table("messaging_rate_slots")
    op.drop_index(op.f("ix_messaging_notices_sent_at"), table_name="messaging_notices")
    op.drop_table("messaging_notices")
    op.drop_index(op.f("ix_messaging_followups_due_at"), table_name="messaging_followups")
    op.drop_index(op.f("ix_messaging_followups_created_at"), table_name="messaging_followups")
    op.drop_index(op.f("ix_messaging_followups_sender_id"), table_name="messaging_followups")
    op.drop_table("messaging_followups")
    op.drop_index(op.f("ix_messaging_subscriptions_district"), table_name="messaging_subscriptions")
    op.drop_table("messaging_subscriptions")
    op.drop_index(op.f("ix_messaging_outbound_created_at"), table_name="messaging_outbound")
    op.drop_index(op.f("ix_messaging_outbound_status"), table_name="messaging_outbound")
    op.drop_index(op.f("ix_messaging_outbound_platform"), table_name="messaging_outbound")
    op.drop_table("messaging_outbound")
    op.drop_index(op.f("ix_messaging_inbound_received_at"), table_name="messaging_inbound")
    op.drop_index(op.f("ix_messaging_inbound_sender_id"), table_name="messaging_inbound")
    op.drop_index(op.f("ix_messaging_inbound_platform"), table_name="messaging_inbound")
    op.drop_table("messaging_inbound")
    op.drop_index(op.f("ix_messaging_senders_last_seen_at"), table_name="messaging_senders")
    op.drop_table("messaging_senders")
