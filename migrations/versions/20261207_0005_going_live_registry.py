"""The registry a ward brings in from Excel: a unit's address, a person's date of birth
and citizen ID (personal data, Decree 13/2023), merged duplicates (people, households,
collectives), a council member's term and whom they replace, an initiative's
recognition decision.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address", sa.String(length=255), server_default="", nullable=False)
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("citizen_id", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_people_citizen_id"), ["citizen_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_people_merged_into_id_people"), "people", ["merged_into_id"], ["id"]
        )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_households_merged_into_id_households"),
            "households",
            ["merged_into_id"],
            ["id"],
        )
    with op.batch_alter_table("collectives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_collectives_merged_into_id_collectives"),
            "collectives",
            ["merged_into_id"],
            ["id"],
        )
    with op.batch_alter_table("council_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("term_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("replaces_member_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_council_members_replaces_member_id_council_members"),
            "council_members",
            ["replaces_member_id"],
            ["id"],
        )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decision_number", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("decision_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_column("decision_date")
        batch_op.drop_column("decision_number")
    with op.batch_alter_table("council_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_council_members_replaces_member_id_council_members"),
            type_="foreignkey",
        )
        batch_op.drop_column("replaces_member_id")
        batch_op.drop_column("term_end")
        batch_op.drop_column("term_start")
    with op.batch_alter_table("collectives", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_collectives_merged_into_id_collectives"), type_="foreignkey"
        )
        batch_op.drop_column("merged_into_id")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_households_merged_into_id_households"), type_="foreignkey"
        )
        batch_op.drop_column("merged_into_id")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_people_merged_into_id_people"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_people_citizen_id"), type_="unique")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("citizen_id")
        batch_op.drop_column("birth_date")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("address")
