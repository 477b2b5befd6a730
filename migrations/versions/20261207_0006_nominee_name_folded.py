"""nominations.nominee_name_folded: the nominee's name without diacritics, in lower case,
so that name searches find "Nguyễn Văn A" typed as "Nguyen Van A" or "NGUYỄN VĂN A" on
both databases, off an index (a pg_trgm GIN index on PostgreSQL, a plain one on SQLite).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 06:20:00.000000
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "ix_nominations_nominee_name_folded"
BATCH = 2000


def fold(text: str) -> str:
    """``domain.text.fold`` as it was when this migration was written (frozen here: a
    migration must fill the column the same way whatever the application becomes)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "nominee_name_folded", sa.String(length=255), server_default="", nullable=False
            )
        )
    nominations = sa.table(
        "nominations",
        sa.column("id", sa.Integer()),
        sa.column("nominee_name", sa.String()),
        sa.column("nominee_name_folded", sa.String()),
    )
    fill = (
        nominations.update()
        .where(nominations.c.id == sa.bindparam("row_id"))
        .values(nominee_name_folded=sa.bindparam("folded"))
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(nominations.c.id, nominations.c.nominee_name)
            .where(nominations.c.id > last_id)
            .order_by(nominations.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(fill, [{"row_id": i, "folded": fold(name or "")[:255]} for i, name in rows])
        last_id = rows[-1][0]
    if bind.dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        INDEX,
        "nominations",
        ["nominee_name_folded"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"nominee_name_folded": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="nominations")
    # Not in batch: on SQLite that copies the table, and dropping the old one fails on the
    # foreign keys that point at it (SQLite drops an unindexed column in place). The
    # pg_trgm extension stays: other objects may use it.
    op.drop_column("nominations", "nominee_name_folded")
