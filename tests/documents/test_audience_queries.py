"""The audience of each stored document as ``document_audience`` reads it from the
database, on both backends: minutes travel with what their session forwarded (not with
what was withdrawn from its agenda), an issued submission goes to the level it was sent
to, an issued decision is published, a draft stays with its authority, and a public
notice is the public's only while it runs. The whole table through the real routes and
every demo role is tests/abuse/test_document_audience.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from api.services.document_audience import Audience, document_audience
from domain.vocabulary import DecisionKind, DecisionStatus, DocumentKind, ItemResult, Level, Stage
from models import AgendaItem, Authority, Document
from thidua.db import transaction

from .factories import add_closed_session, add_decision, add_nomination

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2027, 1, 6, 3, tzinfo=UTC)


def stored(kind: DocumentKind, key: str, **links) -> Document:
    return Document(
        kind=kind,
        title=key,
        document_key=key,
        sha256="0" * 64,
        size_bytes=1,
        storage_key=key,
        created_at=NOW,
        **links,
    )


async def test_each_kind_reads_its_audience_from_the_database(doc_factory, world):
    ward, city = world.authority.id, world.city_authority.id
    async with transaction(doc_factory) as session:
        central = Authority(
            level=Level.CENTRAL,
            unit_id=world.office.id,
            name="Thủ tướng Chính phủ",
            place_name="Hà Nội",
            head_title="THỦ TƯỚNG CHÍNH PHỦ",
            standing_unit_id=world.office.id,
        )
        session.add(central)
        await session.flush()
        central_id = central.id
        kept = await add_nomination(session, world, name="Nguyễn Thị Hoa")
        forwarded = await add_nomination(session, world, name="Đặng Thị Thủy")
        forwarded.city_authority_id = city
        withdrawn = await add_nomination(session, world, name="Lê Thị Mai")
        withdrawn.central_authority_id = central_id  # would widen the minutes if counted
        minuted = await add_closed_session(
            session,
            world,
            [
                (kept, (5, 0, 0), ItemResult.PASSED),
                (forwarded, (5, 0, 0), ItemResult.PASSED),
                (withdrawn, (0, 0, 0), ItemResult.PASSED),
            ],
        )
        (
            await session.execute(
                select(AgendaItem).where(
                    AgendaItem.session_id == minuted.id, AgendaItem.nomination_id == withdrawn.id
                )
            )
        ).scalar_one().withdrawn = True
        only_ward = await add_closed_session(session, world, [(kept, (5, 0, 0), ItemResult.PASSED)])
        submission = await add_decision(session, world, [forwarded], kind=DecisionKind.SUBMISSION)
        submission.status = DecisionStatus.ISSUED
        decision = await add_decision(session, world, [kept])
        decision.status, decision.issued_on = DecisionStatus.ISSUED, date(2027, 1, 5)
        draft = await add_decision(session, world, [kept])
        kept.stage, kept.public_notice_until = Stage.PUBLIC_NOTICE, NOW + timedelta(days=3)
        ended = await add_nomination(session, world, name="Bùi Văn Khải")
        ended.stage, ended.public_notice_until = Stage.PUBLIC_NOTICE, NOW - timedelta(days=1)
        documents = {
            "minutes": stored(DocumentKind.MINUTES, "m1", authority_id=ward, session_id=minuted.id),
            "minutes, ward only": stored(
                DocumentKind.MINUTES, "m2", authority_id=ward, session_id=only_ward.id
            ),
            "submission": stored(
                DocumentKind.SUBMISSION, "s", authority_id=ward, decision_id=submission.id
            ),
            "decision": stored(
                DocumentKind.DECISION, "d", authority_id=ward, decision_id=decision.id
            ),
            "draft": stored(DocumentKind.DECISION, "dr", authority_id=ward, decision_id=draft.id),
            "notice, running": stored(
                DocumentKind.PUBLIC_NOTICE, "n1", authority_id=ward, nomination_id=kept.id
            ),
            "notice, ended": stored(
                DocumentKind.PUBLIC_NOTICE, "n2", authority_id=ward, nomination_id=ended.id
            ),
        }
        session.add_all(documents.values())
        await session.flush()

        async def audience(name: str) -> Audience:
            return await document_audience(session, documents[name], now=NOW)

        assert await audience("minutes") == Audience.of_authorities(
            ward, city, council_id=world.council.id
        )
        assert await audience("minutes, ward only") == Audience.of_authorities(
            ward, council_id=world.council.id
        )
        assert await audience("submission") == Audience.of_authorities(ward, city)
        assert await audience("decision") == Audience(public=True)
        assert await audience("draft") == Audience.of_authorities(ward)
        assert await audience("notice, running") == Audience(public=True)
        notice_ended = await audience("notice, ended")
        assert not notice_ended.public and notice_ended.nomination is not None
        assert notice_ended.nomination.id == ended.id
