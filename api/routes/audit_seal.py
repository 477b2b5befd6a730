"""The audit trail's last seal, public (issue 18): GET /api/v1/public/audit-seal."""

from __future__ import annotations

from fastapi import APIRouter

from models.audit import latest_seal
from models.schemas.audit_seal import AuditSealRead

from ..deps import ReadSessionDep
from ..errors import NotFound, error_responses

router = APIRouter(prefix="/api/v1/public", tags=["public portal"])


@router.get("/audit-seal", response_model=AuditSealRead, responses=error_responses(NotFound))
async def audit_seal(session: ReadSessionDep, heads: bool = False) -> AuditSealRead:
    """The newest seal of the audit trail (404 before the first); ``heads=true`` adds
    every chain's sealed head, to check a copy of the trail against."""
    seal = await latest_seal(session, with_heads=heads)
    if seal is None:
        raise NotFound("Chưa có dấu niêm phong nhật ký", "No audit seal yet")
    return AuditSealRead(
        id=seal.id,
        sealed_at=seal.sealed_at,
        root=seal.root,
        signature=seal.signature,
        public_key=seal.public_key,
        key_fingerprint=seal.key_fingerprint,
        chain_count=seal.chain_count,
        event_count=seal.event_count,
        heads=dict(seal.heads) if heads else None,
    )
