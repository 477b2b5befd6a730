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
from enum import StrEnum
from typing import Any

from fastapi import UploadFile
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit_chain import ChainProblem, check_chain, seal_root
from models.audit import latest_seal, stream_chains
from models.audit_seals import AuditSeal
from models.schemas.audit_seal import AuditSealRead
from models.schemas.common import DB_INT_MAX
from thidua.audit_seal_key import (
    fingerprint,
    load_public_pem,
    published_public_key,
    signature_valid,
)
from thidua.settings import Settings

from ..errors import InvalidInput

# A seal with the heads of every chain: about 100 bytes a chain, so a year's trail of a
# large deployment is a few MB.
SEAL_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


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


class SealTampering(StrEnum):
    EDITED = "edited"  # its heads do not give its root
    OTHER_KEY = "other_key"  # signed by a key other than the published one
    BAD_SIGNATURE = "bad_signature"
    NOT_IN_DATABASE = "not_in_database"  # an archived seal the database no longer holds


_SEAL_LINES = {
    SealTampering.EDITED: "its heads do not give its root (the seal was edited)",
    SealTampering.OTHER_KEY: "it names a key other than the published one",
    SealTampering.BAD_SIGNATURE: "its signature is not valid",
    SealTampering.NOT_IN_DATABASE: "the database no longer holds seal #{seal_id} as archived "
    "(seals were deleted or edited)",
}


@dataclass(frozen=True, slots=True)
class SealProblem:
    """What is wrong with the seal the trail is checked against (the page words it by
    ``kind``, the command prints ``line()``)."""

    kind: SealTampering
    seal_id: int

    def line(self) -> str:
        return _SEAL_LINES[self.kind].format(seal_id=self.seal_id)


@dataclass(slots=True)
class TrailReport:
    chains: int = 0
    events: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    seal: SealSummary | None = None
    seal_problems: list[SealProblem] = field(default_factory=list)
    archived: bool = False  # checked against a seal kept outside the database

    @property
    def intact(self) -> bool:
        return not self.problems and not self.seal_problems

    def lines(self) -> list[str]:
        return [
            *(f"seal: {p.line()}" for p in self.seal_problems),
            *(p.line() for p in self.problems),
        ]


def _check_seal(
    report: TrailReport,
    seal_id: int,
    heads: dict[str, list],
    root: str,
    signature: str,
    pem: str,
    settings,
) -> None:
    if seal_root(heads) != root:
        report.seal_problems.append(SealProblem(SealTampering.EDITED, seal_id))
    published = published_public_key(settings) if settings is not None else None
    stored = load_public_pem(pem)
    if published is not None and (stored is None or fingerprint(stored) != fingerprint(published)):
        report.seal_problems.append(SealProblem(SealTampering.OTHER_KEY, seal_id))
    key = published or stored
    if key is None or not signature_valid(key, root, signature):
        report.seal_problems.append(SealProblem(SealTampering.BAD_SIGNATURE, seal_id))


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
    report = TrailReport(archived=archived is not None)
    seal: Any = await latest_seal(session, with_heads=True)
    if archived is not None:
        stored = await session.get(AuditSeal, archived.id)
        if stored is None or stored.root != archived.root:
            report.seal_problems.append(SealProblem(SealTampering.NOT_IN_DATABASE, archived.id))
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
        _check_seal(report, seal.id, heads, seal.root, seal.signature, seal.public_key, settings)
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


def _heads_well_formed(heads: dict[str, list[int | str]]) -> bool:
    """Every head is ``[chain_seq, hash]``, as the portal publishes them."""
    return all(
        len(head) == 2 and isinstance(head[0], int) and isinstance(head[1], str)
        for head in heads.values()
    )


async def read_archived_seal(upload: UploadFile | None, *, field: str = "seal") -> AuditSealRead:
    """The seal an auditor saved from ``GET /api/v1/public/audit-seal?heads=true`` and
    uploads to check the trail against; a 422 naming ``field`` for no file, one larger
    than ``SEAL_UPLOAD_MAX_BYTES``, one that is not such a seal, or one without heads."""
    if upload is None or not upload.filename:
        raise InvalidInput(field, "Chưa chọn tệp dấu niêm phong", "No seal file chosen")
    data = await upload.read(SEAL_UPLOAD_MAX_BYTES + 1)
    if not data:
        raise InvalidInput(field, "Tệp dấu niêm phong rỗng", "The seal file is empty")
    if len(data) > SEAL_UPLOAD_MAX_BYTES:
        megabytes = SEAL_UPLOAD_MAX_BYTES / (1024 * 1024)
        raise InvalidInput(
            field,
            f"Tệp vượt quá dung lượng cho phép ({megabytes:g} MB)",
            f"The file is larger than the {megabytes:g} MB allowed",
        )
    return parse_archived_seal(data, field=field)


def parse_archived_seal(data: bytes, *, field: str = "seal") -> AuditSealRead:
    """A saved seal's JSON checked (the page's upload, ``thidua audit verify --seal``):
    ``InvalidInput`` naming ``field`` when it is not such a seal, has no heads, or heads
    that are not ``[chain_seq, hash]`` pairs."""
    try:
        seal = AuditSealRead.model_validate_json(data)
    except ValidationError:
        seal = None
    if seal is None or not 1 <= seal.id <= DB_INT_MAX:
        raise InvalidInput(
            field,
            "Tệp này không phải là dấu niêm phong đã lưu từ cổng công khai "
            "(bản JSON của /api/v1/public/audit-seal?heads=true)",
            "Not a seal saved from GET /api/v1/public/audit-seal?heads=true",
        )
    if not seal.heads:
        raise InvalidInput(
            field,
            "Dấu niêm phong này được lưu không kèm đầu các chuỗi: hãy lưu lại bản JSON "
            "kèm đầu các chuỗi (/api/v1/public/audit-seal?heads=true)",
            "The seal was saved without its heads: save it with ?heads=true",
        )
    if not _heads_well_formed(seal.heads):
        raise InvalidInput(
            field,
            "Đầu các chuỗi trong tệp không đúng dạng [thứ tự, mã băm]: tệp đã bị sửa hoặc "
            "không phải dấu niêm phong đã lưu",
            "The seal's heads are not [chain_seq, hash] pairs",
        )
    return seal
