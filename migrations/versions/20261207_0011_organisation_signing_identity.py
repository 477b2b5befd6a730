"""signing_identities.user_id nullable: an identity without a person is the
organisation's own (its certificate names the authority), applied by any clerk (văn thư)
of that authority when a signed document is issued (Decree 30/2020, issue 18).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_identities", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM signing_identities WHERE user_id IS NULL")
    with op.batch_alter_table("signing_identities", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
