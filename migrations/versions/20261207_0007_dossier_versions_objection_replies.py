"""A replaced dossier file is kept as an earlier version (dossier_items.replaced_by_id,
replaced_at); the reply given to a resident who objected is recorded (objections.reply_*).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 08:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dossier_items_replaced_by_id_dossier_items"),
            "dossier_items",
            ["replaced_by_id"],
            ["id"],
        )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reply_note", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("replied_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_objections_replied_by_user_id_users"),
            "users",
            ["replied_by_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_objections_replied_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("replied_by_user_id")
        batch_op.drop_column("replied_at")
        batch_op.drop_column("reply_note")
        batch_op.drop_column("reply_channel")
    with op.batch_alter_table("dossier_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_dossier_items_replaced_by_id_dossier_items"), type_="foreignkey"
        )
        batch_op.drop_column("replaced_at")
        batch_op.drop_column("replaced_by_id")
