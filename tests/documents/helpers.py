"""Issuing decisions in tests the way the worker does, and reading the stored file."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.documents import DocumentActivities, IssuedDecision, IssueDecisionInput
from domain.vocabulary import SignerCapacity
from models import Document, User
from tests.clock import fixed_clock
from thidua.db import SessionFactory
from thidua.files import FileStore
from thidua.settings import Settings

from .factories import rule_set_lookup

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
