"""Issuing decisions in tests the way the worker does, reading the stored file, and
changing a signed byte of it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pyhanko.pdf_utils.reader import PdfFileReader

from activities.documents.activities import DocumentActivities
from activities.documents.types import IssuedDecision, IssueDecisionInput
from domain.vocabulary import SignerCapacity
from models import Document, User
from tests.clock import fixed_clock
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore
from thidua.pki import ensure_dev_identities
from thidua.settings import Settings

from .factories import VIETNAMESE_NAMES, World, add_decision, add_nomination, rule_set_lookup

# 10:00 on 5 January 2027 in Vietnam.
SIGNED_AT = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)


def activities(factory: SessionFactory, settings: Settings) -> DocumentActivities:
    return DocumentActivities(factory, settings, rule_set_lookup, clock=fixed_clock())


async def issue(
    factory: SessionFactory,
    settings: Settings,
    decision_id: int,
    signer: User,
    capacity: SignerCapacity = SignerCapacity.CHAIRMAN,
    signed_at: datetime = SIGNED_AT,
) -> IssuedDecision:
    return await activities(factory, settings).issue_decision(
        IssueDecisionInput(
            decision_id=decision_id,
            signer_user_id=signer.id,
            capacity=capacity,
            signed_at=signed_at,
        )
    )


async def stored_pdf(factory: SessionFactory, settings: Settings, document_id: int) -> bytes:
    async with factory() as session:
        document = await session.get(Document, document_id)
        assert document is not None
        return FileStore(settings.files_dir).get(document.storage_key)


async def issued_pdf(
    factory: SessionFactory, settings: Settings, world: World
) -> tuple[bytes, str]:
    """A decision of three awardees issued by the vice-chairman: its signed PDF and number."""
    async with transaction(factory) as session:
        nominations = [
            await add_nomination(session, world, name=name) for name in VIETNAMESE_NAMES[:3]
        ]
        decision = await add_decision(session, world, nominations)
    await ensure_dev_identities(factory, settings)
    issued = await issue(factory, settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY)
    return await stored_pdf(factory, settings, issued.document_id), issued.number_text


def flip_one_signed_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first signed range (well away from the header)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    _, first_length, _, _ = reader.embedded_signatures[0].byte_range
    offset = first_length // 2
    changed = bytearray(pdf)
    changed[offset] = (changed[offset] + 1) % 256 or 1
    return bytes(changed)
