"""listening import chunks prepared by other workers

Revision ID: listening_0002
Revises: listening_0001
Create Date: 2026-12-09 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "listening_0002"
down_revision = "listening_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listening_import_chunks",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["listening_imports.id"],
            name=op.f("fk_listening_import_chunks_import_id_listening_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_import_chunks")),
        sa.UniqueConstraint("import_id", "number", name=op.f("uq_listening_import_chunks_import_id")),
    )


def downgrade() -> None:
    op.drop_table("listening_import_chunks")
