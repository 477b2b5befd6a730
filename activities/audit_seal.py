"""The audit seal activity (issue 18): the heads of every chain, signed, stored once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from temporalio import activity

from domain.audit_chain import seal_root
from models import AuditSeal
from models.audit import chain_heads, insert_ignoring_conflict
from thidua.audit_seal_key import ensure_seal_key, fingerprint, public_pem, sign_root
from thidua.db import SessionFactory, transaction
from thidua.settings import Settings
from workflows.audit_seal_types import SealAuditInput, SealAuditResult


class AuditSealActivities:
    """Regular: ``seal_audit_trail`` (idempotent by ``seal_key``)."""

    def __init__(self, session_factory: SessionFactory, settings: Settings) -> None:
        self._factory = session_factory
        self._settings = settings

    @activity.defn
    async def seal_audit_trail(self, request: SealAuditInput) -> SealAuditResult:
        return await seal_audit_trail(self._factory, self._settings, request)


async def seal_audit_trail(
    factory: SessionFactory, settings: Settings, request: SealAuditInput
) -> SealAuditResult:
    """Seal the trail as it stands; a second call with the same key returns the first
    seal."""
    key = await asyncio.to_thread(ensure_seal_key, settings)
    async with transaction(factory) as session:
        existing = await session.scalar(
            select(AuditSeal).where(AuditSeal.seal_key == request.seal_key)
        )
        if existing is None:
            heads = await chain_heads(session)
            root = seal_root(heads)
            public = key.public_key()
            await insert_ignoring_conflict(
                session,
                AuditSeal,
                dict(
                    seal_key=request.seal_key,
                    sealed_at=request.sealed_at,
                    chain_count=len(heads),
                    event_count=sum(seq for seq, _ in heads.values()),
                    heads={k: [seq, digest] for k, (seq, digest) in sorted(heads.items())},
                    root=root,
                    signature=sign_root(key, root),
                    public_key=public_pem(public),
                    key_fingerprint=fingerprint(public),
                ),
                ["seal_key"],
            )
            existing = await session.scalar(
                select(AuditSeal).where(AuditSeal.seal_key == request.seal_key)
            )
            created = True
        else:
            created = False
        assert existing is not None
        return SealAuditResult(
            seal_id=existing.id,
            root=existing.root,
            chain_count=existing.chain_count,
            event_count=existing.event_count,
            created=created,
        )
