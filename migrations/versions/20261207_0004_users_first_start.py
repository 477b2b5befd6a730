"""users.must_change_password and users.deployment_admin: the first administrator of an
empty deployment, and a password someone else chose changed at its owner's first login.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A server default: the accounts that exist keep working as they are (no forced
    # change, no deployment-wide administration) on both databases.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('deployment_admin', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deployment_admin')
        batch_op.drop_column('must_change_password')
