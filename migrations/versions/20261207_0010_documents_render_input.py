"""documents.render_input: what a generated document was rendered from (the public
notice's authority, nominations, period and key), so that it can be rendered again in
another format (the notice as a Word file, issue 17). NULL for the documents issued
before this revision and for the kinds that need none: the application derives an older
public notice's input from its nomination's audit events when it reads it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("render_input", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("render_input")
