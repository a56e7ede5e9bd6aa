"""answers question groups: an approved entry written apart is offered as a waiting group's answer

Revision ID: answers_0002
Revises: answers_0001
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "answers_0002"
down_revision = "answers_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer_question_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_entry_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_answer_question_groups_offered_entry_id_faq_entries"),
            "faq_entries",
            ["offered_entry_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_question_groups", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_answer_question_groups_offered_entry_id_faq_entries"), type_="foreignkey"
        )
        batch_op.drop_column("offered_entry_id")
