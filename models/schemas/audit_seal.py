"""The audit trail's published seal (issue 18): what anyone may check a trail against."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AuditSealRead(BaseModel):
    """The last seal. ``root`` is the SHA-256 of the canonical ``heads``; ``signature``
    (base64) is Ed25519 over the 64 ASCII hex characters of ``root`` by ``public_key``
    (PEM). ``heads`` (``{chain_key: [chain_seq, hash]}``) only when asked for."""

    id: int
    sealed_at: datetime
    root: str
    signature: str
    algorithm: str = "Ed25519"
    public_key: str
    key_fingerprint: str = Field(description="SHA-256 of the raw 32-byte public key")
    chain_count: int
    event_count: int
    heads: dict[str, list[int | str]] | None = None
