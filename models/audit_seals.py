"""Seals of the audit trail: the heads of every chain at a moment, signed (issue 18)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AuditSeal(Base):
    """``heads`` is ``{chain_key: [chain_seq, hash]}``; ``root`` its SHA-256 as
    ``domain.audit_chain.seal_root`` computes it; ``signature`` the Ed25519 signature of
    the root's 64 hex characters (base64) by the key whose public PEM is ``public_key``.
    ``seal_key`` (the schedule's time) makes the sealing activity idempotent."""

    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    seal_key: Mapped[str] = mapped_column(String(96), unique=True)
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    chain_count: Mapped[int]
    event_count: Mapped[int]
    heads: Mapped[dict] = mapped_column(JSON, default=dict)
    root: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(Text)
    key_fingerprint: Mapped[str] = mapped_column(String(64))
