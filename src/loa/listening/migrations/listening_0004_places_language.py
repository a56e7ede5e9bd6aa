"""listening places and language: each story's language and the places it names; daily counts and alerts per
district (and counts per language)

Revision ID: listening_0004
Revises: listening_0003
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "listening_0004"
down_revision = "listening_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listening_items") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=False, server_default="vi"))
        batch.add_column(sa.Column("places", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("listening_daily") as batch:
        batch.add_column(sa.Column("district", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=False, server_default=""))
        batch.drop_constraint("uq_listening_daily_day", type_="unique")
        batch.create_unique_constraint("uq_listening_daily_day", ["day", "topic", "district", "language"])
    with op.batch_alter_table("listening_alerts") as batch:
        batch.add_column(sa.Column("district", sa.String(length=120), nullable=False, server_default=""))
        batch.drop_constraint("uq_listening_alerts_topic", type_="unique")
        batch.create_unique_constraint("uq_listening_alerts_topic", ["topic", "day", "district"])


def downgrade() -> None:
    op.execute("DELETE FROM listening_alerts WHERE district <> ''")
    op.execute("DELETE FROM listening_daily WHERE district <> '' OR language <> ''")
    with op.batch_alter_table("listening_alerts") as batch:
        batch.drop_constraint("uq_listening_alerts_topic", type_="unique")
        batch.create_unique_constraint("uq_listening_alerts_topic", ["topic", "day"])
        batch.drop_column("district")
    with op.batch_alter_table("listening_daily") as batch:
        batch.drop_constraint("uq_listening_daily_day", type_="unique")
        batch.create_unique_constraint("uq_listening_daily_day", ["day", "topic"])
        batch.drop_column("language")
        batch.drop_column("district")
    with op.batch_alter_table("listening_items") as batch:
        batch.drop_column("places")
        batch.drop_column("language")
