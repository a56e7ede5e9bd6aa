"""bulletins: statistics imports, points per unit/day/metric, bulletin drafts

Revision ID: bulletins_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "bulletins_0001"
down_revision = "0001_core"
branch_labels = ("bulletins",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulletin_imports",
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_bulletin_imports_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_imports")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_bulletin_imports_content_hash")),
    )
    op.create_table(
        "bulletins",
        sa.Column("unit_code", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_item_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_bulletins_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("unit_code", "day", name=op.f("uq_bulletins_unit_code")),
    )
    op.create_table(
        "bulletin_points",
        sa.Column("unit_code", sa.String(length=10), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("daily", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["bulletin_imports.id"],
            name=op.f("fk_bulletin_points_import_id_bulletin_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_points")),
        sa.UniqueConstraint("unit_code", "metric", "day", name=op.f("uq_bulletin_points_unit_code")),
    )
    with op.batch_alter_table("bulletin_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulletin_points_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulletin_points_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulletin_points_unit_code"), ["unit_code"], unique=False)


def downgrade() -> None:
    op.drop_table("bulletin_points")
    op.drop_table("bulletins")
    op.drop_table("bulletin_imports")
