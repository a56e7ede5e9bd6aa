"""answers: questions answered from the FAQ are counted (time, channel, entry), and a question group keeps when
it was closed

Revision ID: answers_0003
Revises: answers_0002
Create Date: 2026-12-07 18:10:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "answers_0003"
down_revision = "answers_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_faq_hits",
        sa.Column("answered_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["faq_entries.id"], name=op.f("fk_answer_faq_hits_entry_id_faq_entries"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_faq_hits")),
    )
    with op.batch_alter_table("answer_faq_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_faq_hits_answered_at"), ["answered_at"], unique=False)
    with op.batch_alter_table("answer_question_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", loa.db.UTCDateTime(), nullable=True))
    # groups closed before: answered when their entry was approved, dismissed at their last change
    op.execute(
        "UPDATE answer_question_groups SET closed_at = (SELECT reviewed_at FROM faq_entries "
        "WHERE faq_entries.id = answer_question_groups.entry_id) WHERE status = 'answered'"
    )
    op.execute(
        "UPDATE answer_question_groups SET closed_at = updated_at "
        "WHERE status = 'dismissed' OR (status = 'answered' AND closed_at IS NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("answer_question_groups", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("answer_faq_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_faq_hits_answered_at"))
    op.drop_table("answer_faq_hits")
