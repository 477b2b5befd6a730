"""nominations.list_due_at and the list indexes: a page of the nominations list is read off
an index in its order (soonest due first, none last, newest first among equal) instead of
sorting every visible nomination.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 08:20:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# models.nominations.NO_DUE_MOMENT as it was when this migration was written.
NO_DUE_MOMENT = datetime(9999, 12, 31, tzinfo=UTC)
# SQLite adds a NOT NULL column only with a default (and drops a default only by copying
# the table): the same moment, written as SQLAlchemy stores datetimes there.
SQLITE_NO_DUE_MOMENT = '9999-12-31 00:00:00.000000'

LIST_INDEXES = {
    'ix_nominations_list': [],
    'ix_nominations_unit_list': ['proposing_unit_id'],
    'ix_nominations_origin_authority_list': ['origin_authority_id'],
    'ix_nominations_city_authority_list': ['city_authority_id'],
    'ix_nominations_central_authority_list': ['central_authority_id'],
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'list_due_at', models.base.UTCDateTime(timezone=True), nullable=not sqlite,
            server_default=SQLITE_NO_DUE_MOMENT if sqlite else None,
        ))
    nominations = sa.table(
        'nominations',
        sa.column('stage_due_at', models.base.UTCDateTime(timezone=True)),
        sa.column('list_due_at', models.base.UTCDateTime(timezone=True)),
    )
    op.execute(nominations.update().values(list_due_at=sa.func.coalesce(
        nominations.c.stage_due_at, sa.literal(NO_DUE_MOMENT, models.base.UTCDateTime(timezone=True))
    )))
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        if not sqlite:
            batch_op.alter_column('list_due_at', nullable=False)
        # Each is the leading column of its list index now.
        batch_op.drop_index('ix_nominations_origin_authority')
        batch_op.drop_index('ix_nominations_city_authority_id')
        batch_op.drop_index('ix_nominations_central_authority_id')
        for name, leading in LIST_INDEXES.items():
            batch_op.create_index(name, [*leading, 'list_due_at', sa.text('id DESC')], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        for name in LIST_INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index('ix_nominations_central_authority_id', ['central_authority_id'], unique=False)
        batch_op.create_index('ix_nominations_city_authority_id', ['city_authority_id'], unique=False)
        batch_op.create_index('ix_nominations_origin_authority', ['origin_authority_id'], unique=False)
    # Not in batch: on SQLite that copies the table, and dropping the old one fails on the
    # foreign keys that point at it (SQLite drops an unindexed column in place).
    op.drop_column('nominations', 'list_due_at')
