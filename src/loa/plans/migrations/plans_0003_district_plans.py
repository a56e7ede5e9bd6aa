"""plans: district plans (a plan's parent plan and owning agency; a task's source task and local units)

Revision ID: plans_0003
Revises: plans_0002
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "plans_0003"
down_revision = "plans_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plans_parent_id_plans"), "plans", ["parent_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(batch_op.f("fk_plans_agency_id_agencies"), "agencies", ["agency_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_plans_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_agency_id"), ["agency_id"], unique=False)
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_task_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("units", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_tasks_source_task_id_plan_tasks"),
            "plan_tasks",
            ["source_task_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_plan_tasks_source_task_id"), ["source_task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_tasks_source_task_id"))
        batch_op.drop_constraint(batch_op.f("fk_plan_tasks_source_task_id_plan_tasks"), type_="foreignkey")
        batch_op.drop_column("units")
        batch_op.drop_column("source_task_id")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_agency_id"))
        batch_op.drop_index(batch_op.f("ix_plans_parent_id"))
        batch_op.drop_constraint(batch_op.f("fk_plans_agency_id_agencies"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_plans_parent_id_plans"), type_="foreignkey")
        batch_op.drop_column("agency_id")
        batch_op.drop_column("parent_id")
