"""Input and answer of the audit seal workflow and its activity (light module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AUDIT_SEAL_SCHEDULE_ID = "audit-seal"
AUDIT_SEAL_WORKFLOW_ID = "audit-seal"  # the schedule suffixes each run with its time


@dataclass
class SealAuditInput:
    """``seal_key`` makes the seal idempotent: one seal per scheduled run."""

    seal_key: str
    sealed_at: datetime


@dataclass
class SealAuditResult:
    seal_id: int
    root: str
    chain_count: int
    event_count: int
    created: bool = True
