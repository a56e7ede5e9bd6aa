"""claims appearances and triage: a question about a claim is kept apart from an assertion of it

Revision ID: claims_0002
Revises: claims_0001
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "claims_0002"
down_revision = "claims_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim_appearances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="assertion"))
    with op.batch_alter_table("claim_triage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="assertion"))


def downgrade() -> None:
    with op.batch_alter_table("claim_triage", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("claim_appearances", schema=None) as batch_op:
        batch_op.drop_column("kind")
