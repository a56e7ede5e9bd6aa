"""claims: registry, sources, workflow events, appearances, triage queue

Revision ID: claims_0001
Revises: 0001_core
Create Date: 2026-11-26 11:50:33.893314
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "claims_0001"
down_revision = "0001_core"
branch_labels = ("claims",)
depends_on = None


def upgrade() -> None:

    op.create_table(
        "claims",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("original_language", sa.String(length=10), nullable=False),
        sa.Column("phrasings", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paused_from", sa.String(length=20), nullable=False),
        sa.Column("first_seen_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("last_seen_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("concluded_by_id", sa.Integer(), nullable=True),
        sa.Column("concluded_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("spoken_text", sa.Text(), nullable=False),
        sa.Column("social_text", sa.Text(), nullable=False),
        sa.Column("content_item_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_claims_author_id_users")),
        sa.ForeignKeyConstraint(["concluded_by_id"], ["users.id"], name=op.f("fk_claims_concluded_by_id_users")),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"], name=op.f("fk_claims_published_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("key", name=op.f("uq_claims_key")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_status"), ["status"], unique=False)

    op.create_table(
        "claim_appearances",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("seen_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_appearances_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_appearances")),
    )
    with op.batch_alter_table("claim_appearances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_appearances_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_appearances_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "claim_events",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_claim_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_events_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_events")),
    )
    with op.batch_alter_table("claim_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_events_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "claim_sources",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("url", sa.String(length=600), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_sources_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_sources")),
    )
    with op.batch_alter_table("claim_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_sources_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "claim_triage",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.Column("checkworthiness", sa.Float(), nullable=False),
        sa.Column("suggested_claim_id", sa.Integer(), nullable=True),
        sa.Column("suggested_score", sa.Float(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_triage_claim_id_claims"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_claim_triage_decided_by_id_users")),
        sa.ForeignKeyConstraint(
            ["suggested_claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_triage_suggested_claim_id_claims"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_triage")),
        sa.UniqueConstraint("text_hash", name=op.f("uq_claim_triage_text_hash")),
    )
    with op.batch_alter_table("claim_triage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_triage_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_triage_status"), ["status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("claim_triage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_triage_status"))
        batch_op.drop_index(batch_op.f("ix_claim_triage_priority"))

    op.drop_table("claim_triage")
    with op.batch_alter_table("claim_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_sources_claim_id"))

    op.drop_table("claim_sources")
    with op.batch_alter_table("claim_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_events_claim_id"))

    op.drop_table("claim_events")
    with op.batch_alter_table("claim_appearances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_appearances_seen_at"))
        batch_op.drop_index(batch_op.f("ix_claim_appearances_claim_id"))

    op.drop_table("claim_appearances")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_status"))

    op.drop_table("claims")
