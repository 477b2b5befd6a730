"""Verifying the tamper-evident audit trail (issue 18): ``thidua audit verify`` and the
auditors' page /audit/verify.

Every chain is recomputed from the stored rows (``domain.audit_chain.check_chain``) and
held against the last seal: its root must be the hash of its heads, its signature valid
for the published key, and no sealed chain may be shorter than it was sealed (that is how
the deletion of a chain's newest events shows). One problem is reported per chain: the
first, since everything after a broken link is suspect anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit_chain import ChainProblem, check_chain, seal_root
from models.audit import latest_seal, stream_chains
from models.audit_seals import AuditSeal
from models.schemas.audit_seal import AuditSealRead
from thidua.audit_seal_key import (
    fingerprint,
    load_public_pem,
    published_public_key,
    signature_valid,
)
from thidua.settings import Settings


@dataclass(frozen=True, slots=True)
class SealSummary:
    id: int
    sealed_at: datetime
    root: str
    signature: str
    public_key: str
    key_fingerprint: str
    chain_count: int
    event_count: int


@dataclass(slots=True)
class TrailReport:
    chains: int = 0
    events: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    seal: SealSummary | None = None
    seal_problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems and not self.seal_problems

    def lines(self) -> list[str]:
        return [*(f"seal: {p}" for p in self.seal_problems), *(p.line() for p in self.problems)]


def _check_seal(
    report: TrailReport, heads: dict[str, list], root: str, signature: str, pem: str, settings
) -> None:
    if seal_root(heads) != root:
        report.seal_problems.append("its heads do not give its root (the seal was edited)")
    published = published_public_key(settings) if settings is not None else None
    stored = load_public_pem(pem)
    if published is not None and (stored is None or fingerprint(stored) != fingerprint(published)):
        report.seal_problems.append("it names a key other than the published one")
    key = published or stored
    if key is None or not signature_valid(key, root, signature):
        report.seal_problems.append("its signature is not valid")


async def verify_trail(
    session: AsyncSession,
    *,
    settings: Settings | None = None,
    archived: AuditSealRead | None = None,
) -> TrailReport:
    """Recompute the whole trail; ``settings`` locates the published seal key (without
    it, the key stored with the seal is used).

    ``archived``: a seal kept outside the database (the public portal's
    ``GET /api/v1/public/audit-seal?heads=true``, saved by an auditor or anyone): the
    trail is checked against it instead of the database's last seal, so that someone who
    can write to the database cannot hide deleted events by deleting or editing the seals
    that came after (the database must still hold that seal, unchanged)."""
    report = TrailReport()
    seal: Any = await latest_seal(session, with_heads=True)
    if archived is not None:
        stored = await session.get(AuditSeal, archived.id)
        if stored is None or stored.root != archived.root:
            report.seal_problems.append(
                f"the database no longer holds seal #{archived.id} as archived "
                "(seals were deleted or edited)"
            )
        seal = archived
    heads: dict[str, list] = {}
    if seal is not None:
        heads = dict(seal.heads or {})
        report.seal = SealSummary(
            id=seal.id,
            sealed_at=seal.sealed_at,
            root=seal.root,
            signature=seal.signature,
            public_key=seal.public_key,
            key_fingerprint=seal.key_fingerprint,
            chain_count=seal.chain_count,
            event_count=seal.event_count,
        )
        _check_seal(report, heads, seal.root, seal.signature, seal.public_key, settings)
    seen: set[str] = set()
    async for key, events in stream_chains(session):
        seen.add(key)
        report.chains += 1
        report.events += len(events)
        problem = check_chain(key, events, heads.get(key))
        if problem is not None:
            report.problems.append(problem)
    for key in sorted(set(heads) - seen):  # a sealed chain that vanished entirely
        problem = check_chain(key, [], heads[key])
        if problem is not None:
            report.problems.append(problem)
    return report
