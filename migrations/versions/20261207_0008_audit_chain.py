"""Tamper-evident audit trail: every event is linked by hash to the one before it in its
subject's chain (audit_events.chain_key / chain_seq / prev_hash / hash), and the chains'
heads are sealed and signed (audit_seals). An existing trail is chained in the order it
was written (by id), so an upgraded database verifies.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from domain.audit_chain import chain_key, event_hash
from models.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 2000

# The columns as this migration knows them (not the ORM model, which may move on).
audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.BigInteger()),
    sa.column("event_key", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Integer()),
    sa.column("nomination_id", sa.Integer()),
    sa.column("actor_user_id", sa.Integer()),
    sa.column("actor_name", sa.String()),
    sa.column("actor_role", sa.String()),
    sa.column("action", sa.String()),
    sa.column("level", sa.String()),
    sa.column("from_stage", sa.String()),
    sa.column("to_stage", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("changes", sa.JSON()),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("recorded_at", UTCDateTime()),
    sa.column("chain_key", sa.String()),
    sa.column("chain_seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _chain_existing_events() -> None:
    """Number and hash every existing event, chain by chain in the order of their ids,
    ``BATCH`` rows at a time (a year's trail does not have to fit in memory)."""
    bind = op.get_bind()
    columns = [c for c in audit_events.c if c.name not in ("chain_key", "chain_seq", "hash")]
    update = (
        audit_events.update()
        .where(audit_events.c.id == sa.bindparam("row_id"))
        .values(
            chain_key=sa.bindparam("new_chain_key"),
            chain_seq=sa.bindparam("new_chain_seq"),
            prev_hash=sa.bindparam("new_prev_hash"),
            hash=sa.bindparam("new_hash"),
        )
    )
    heads: dict[str, tuple[int, str]] = {}
    last_id = 0
    while True:
        rows = (
            bind.execute(
                sa.select(*columns)
                .where(audit_events.c.id > last_id)
                .order_by(audit_events.c.id)
                .limit(BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        updates: list[dict[str, Any]] = []
        for row in rows:
            key = chain_key(row["subject_type"], row["subject_id"])
            seq, prev = heads.get(key, (0, ""))
            values = dict(row, chain_key=key, prev_hash=prev)
            digest = event_hash(values)
            heads[key] = (seq + 1, digest)
            updates.append(
                {
                    "row_id": row["id"],
                    "new_chain_key": key,
                    "new_chain_seq": seq + 1,
                    "new_prev_hash": prev,
                    "new_hash": digest,
                }
            )
        bind.execute(update, updates)
        last_id = rows[-1]["id"]


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_key", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("chain_key", existing_type=sa.String(length=96), nullable=False)
        batch_op.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_events_chain_key_chain_seq"), ["chain_key", "chain_seq"]
        )
    op.create_table(
        "audit_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seal_key", sa.String(length=96), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chain_count", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("heads", sa.JSON(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seals")),
        sa.UniqueConstraint("seal_key", name=op.f("uq_audit_seals_seal_key")),
    )


def downgrade() -> None:
    op.drop_table("audit_seals")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_chain_key_chain_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain_key")
