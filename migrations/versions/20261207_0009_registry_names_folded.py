"""people.name_folded / given_name_folded, households.name_folded / search_folded /
given_name_folded, collectives.name_folded: the registry's names without diacritics, in
lower case, so that the people, household and collective pickers and admin lists search
and sort by given name in SQL on both databases, off an index (pg_trgm GIN indexes on
PostgreSQL, plain ones on SQLite; a btree for the order by given name).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:30:00.000000
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 2000
LENGTH = 255


def fold(text: str) -> str:
    """``domain.text.fold`` as it was when this migration was written (frozen here: a
    migration must fill the columns the same way whatever the application becomes)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _given(name: str) -> str:
    words = fold(name).split()
    return words[-1][:LENGTH] if words else ""


# table -> (source columns, {folded column: (length, how it is computed from the sources)})
Fill = Callable[..., str]
COLUMNS: dict[str, tuple[tuple[str, ...], dict[str, tuple[int, Fill]]]] = {
    "people": (
        ("full_name",),
        {
            "name_folded": (LENGTH, lambda name: fold(name)[:LENGTH]),
            "given_name_folded": (LENGTH, _given),
        },
    ),
    "households": (
        ("head_name", "address"),
        {
            "name_folded": (LENGTH, lambda name, _address: fold(name)[:LENGTH]),
            "search_folded": (
                2 * LENGTH + 1,
                lambda name, address: fold(f"{name} {address}")[: 2 * LENGTH + 1],
            ),
            "given_name_folded": (LENGTH, lambda name, _address: _given(name)),
        },
    ),
    "collectives": (
        ("name",),
        {"name_folded": (LENGTH, lambda name: fold(name)[:LENGTH])},
    ),
}
# (index, table, column) searched with LIKE '%…%': trigram GIN on PostgreSQL
SEARCHED = [
    ("ix_people_name_folded", "people", "name_folded"),
    ("ix_households_name_folded", "households", "name_folded"),
    ("ix_households_search_folded", "households", "search_folded"),
    ("ix_collectives_name_folded", "collectives", "name_folded"),
]
# (index, table): the lists' order, given name then name then id
ORDERED = [
    ("ix_people_given_name_folded", "people"),
    ("ix_households_given_name_folded", "households"),
]


def _fill(bind, table_name: str) -> None:
    sources, targets = COLUMNS[table_name]
    table = sa.table(
        table_name,
        sa.column("id", sa.Integer()),
        *(sa.column(name, sa.String()) for name in (*sources, *targets)),
    )
    fill = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(f"v_{name}") for name in targets})
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, *(table.c[name] for name in sources))
            .where(table.c.id > last_id)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            fill,
            [
                {
                    "row_id": row[0],
                    **{
                        f"v_{name}": compute(*(value or "" for value in row[1:]))
                        for name, (_length, compute) in targets.items()
                    },
                }
                for row in rows
            ],
        )
        last_id = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    for table_name, (_sources, targets) in COLUMNS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name, (length, _compute) in targets.items():
                batch_op.add_column(
                    sa.Column(name, sa.String(length=length), server_default="", nullable=False)
                )
        _fill(bind, table_name)
    if bind.dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, table_name, column in SEARCHED:
        op.create_index(
            index,
            table_name,
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
    for index, table_name in ORDERED:
        op.create_index(index, table_name, ["given_name_folded", "name_folded", "id"])


def downgrade() -> None:
    for index, table_name in ORDERED:
        op.drop_index(index, table_name=table_name)
    for index, table_name, _column in SEARCHED:
        op.drop_index(index, table_name=table_name)
    # Not in batch (see 0006): SQLite drops an unindexed column in place. pg_trgm stays.
    for table_name, (_sources, targets) in COLUMNS.items():
        for name in targets:
            op.drop_column(table_name, name)
