"""plans tasks reports

Revision ID: plans_0001
Revises: 0001_core
Create Date: 2026-11-26 11:26:12.102853
"""

import sqlalchemy as sa
from alembic import op

import loa.db

revision = "plans_0001"
down_revision = "0001_core"
branch_labels = ("plans",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issuer", sa.JSON(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("preamble", sa.Text(), nullable=False),
        sa.Column("cited_documents", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("signer", sa.JSON(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_plans_content_hash")),
    )
    op.create_table(
        "plan_agency_groups",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("bodies", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_agency_groups_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_agency_groups")),
    )
    with op.batch_alter_table("plan_agency_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_agency_groups_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_items",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_items_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_tasks",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("recurrence", sa.String(length=10), nullable=False),
        sa.Column("completed_at", loa.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["plan_agency_groups.id"],
            name=op.f("fk_plan_tasks_group_id_plan_agency_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_tasks_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["plan_items.id"], name=op.f("fk_plan_tasks_theme_id_plan_items"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_tasks")),
    )
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_tasks_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_tasks_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_tasks_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_tasks_status"), ["status"], unique=False)

    op.create_table(
        "plan_progress_reports",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", loa.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_plan_progress_reports_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_plan_progress_reports_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_progress_reports_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_progress_reports")),
    )
    with op.batch_alter_table("plan_progress_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_progress_reports_task_id"), ["task_id"], unique=False)

    op.create_table(
        "plan_task_agencies",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_plan_task_agencies_agency_id_agencies")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_plan_task_agencies_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", "agency_id", name=op.f("pk_plan_task_agencies")),
    )
    op.create_table(
        "plan_task_events",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", loa.db.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_plan_task_events_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_task_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task_events")),
    )
    with op.batch_alter_table("plan_task_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_task_events_task_id"), ["task_id"], unique=False)

    op.create_table(
        "plan_attachments",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["plan_progress_reports.id"],
            name=op.f("fk_plan_attachments_report_id_plan_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_attachments")),
        sa.UniqueConstraint("report_id", "sha256", name=op.f("uq_plan_attachments_report_id")),
    )
    with op.batch_alter_table("plan_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_attachments_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_attachments_report_id"))

    op.drop_table("plan_attachments")
    with op.batch_alter_table("plan_task_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_task_events_task_id"))

    op.drop_table("plan_task_events")
    op.drop_table("plan_task_agencies")
    with op.batch_alter_table("plan_progress_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_progress_reports_task_id"))

    op.drop_table("plan_progress_reports")
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_tasks_status"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_group_id"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_due_on"))

    op.drop_table("plan_tasks")
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_plan_id"))

    op.drop_table("plan_items")
    with op.batch_alter_table("plan_agency_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_agency_groups_plan_id"))

    op.drop_table("plan_agency_groups")
    op.drop_table("plans")
