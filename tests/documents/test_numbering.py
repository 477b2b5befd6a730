"""Decision numbers: from 01 each year per authority and series, no gap and no
duplicate even when decisions are issued at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import activities.documents.activities as documents_module
from activities.numbering import allocate_number
from domain.vocabulary import DecisionStatus
from models import AwardRecord, Decision, Document
from thidua.db import transaction
from thidua.pki import ensure_dev_identities

from .factories import add_decision, add_nomination
from .helpers import issue


async def _allocate(
    factory, authority_id: int, *, series: str = "QĐ-UBND", year: int = 2027, hold: float = 0.0
) -> int:
    """Allocate in a transaction of its own, holding it open ``hold`` seconds before
    committing, so that concurrent callers really overlap."""
    async with transaction(factory) as session:
        number = await allocate_number(session, authority_id=authority_id, series=series, year=year)
        await asyncio.sleep(hold)
        return number


async def test_concurrent_allocations_get_consecutive_numbers(doc_factory, world):
    # The first number of the year (the counter row does not exist yet) is the race.
    numbers = await asyncio.gather(
        *(_allocate(doc_factory, world.authority.id, hold=0.05) for _ in range(8))
    )
    assert sorted(numbers) == list(range(1, 9))


async def test_each_year_series_and_authority_counts_from_one(doc_factory, world):
    authority = world.authority.id
    assert [await _allocate(doc_factory, authority, year=2026) for _ in range(3)] == [1, 2, 3]
    assert await _allocate(doc_factory, authority, year=2027) == 1
    assert await _allocate(doc_factory, authority, year=2026) == 4
    assert await _allocate(doc_factory, authority, series="TTr-UBND", year=2026) == 1
    assert await _allocate(doc_factory, world.city_authority.id, year=2026) == 1


async def test_a_failed_transaction_gives_its_number_back(doc_factory, world):
    assert await _allocate(doc_factory, world.authority.id) == 1
    with pytest.raises(RuntimeError):
        async with transaction(doc_factory) as session:
            assert (
                await allocate_number(
                    session, authority_id=world.authority.id, series="QĐ-UBND", year=2027
                )
                == 2
            )
            raise RuntimeError("the issue failed after numbering")
    assert await _allocate(doc_factory, world.authority.id) == 2


async def test_two_decisions_issued_at_the_same_moment_get_01_and_02(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        first = await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )
        second = await add_decision(
            session, world, [await add_nomination(session, world, name="Trần Văn Dũng")]
        )
    await ensure_dev_identities(doc_factory, doc_settings)

    issued = await asyncio.gather(
        issue(doc_factory, doc_settings, first.id, world.chairman),
        issue(doc_factory, doc_settings, second.id, world.chairman),
    )
    assert sorted(i.number_text for i in issued) == ["01/QĐ-UBND", "02/QĐ-UBND"]
    assert len({i.sha256 for i in issued}) == 2

    # A decision signed in the new year starts again at 01.
    async with transaction(doc_factory) as session:
        january = await add_decision(
            session, world, [await add_nomination(session, world, name="Lê Thị Thu Hường")]
        )
    next_year = await issue(
        doc_factory,
        doc_settings,
        january.id,
        world.chairman,
        signed_at=datetime(2028, 1, 2, 2, 0, tzinfo=UTC),
    )
    assert next_year.number_text == "01/QĐ-UBND"
    assert next_year.issued_on.year == 2028


async def test_the_year_is_the_year_in_vietnam(doc_factory, doc_settings, world):
    # 23:30 UTC on 31 December 2027 is 06:30 on 1 January 2028 in Vietnam.
    async with transaction(doc_factory) as session:
        decision = await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )
    await ensure_dev_identities(doc_factory, doc_settings)
    issued = await issue(
        doc_factory,
        doc_settings,
        decision.id,
        world.chairman,
        signed_at=datetime(2027, 12, 31, 23, 30, tzinfo=UTC),
    )
    assert issued.issued_on.isoformat() == "2028-01-01"
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        assert stored.year == 2028


async def test_a_retried_issue_returns_the_same_result_and_writes_nothing_twice(
    doc_factory, doc_settings, world, monkeypatch
):
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name=n)
            for n in ("Nguyễn Thị Hoa", "Trần Văn Dũng")
        ]
        decision = await add_decision(session, world, nominations)
        later = await add_decision(
            session, world, [await add_nomination(session, world, name="Vũ Thị Lan")]
        )
    await ensure_dev_identities(doc_factory, doc_settings)

    # The worker dies after the number was committed, while signing.
    real_sign = documents_module.sign_pdf

    def crash(*args, **kwargs):
        raise OSError("worker lost its disk while signing")

    monkeypatch.setattr(documents_module, "sign_pdf", crash)
    with pytest.raises(OSError):
        await issue(doc_factory, doc_settings, decision.id, world.chairman)
    async with doc_factory() as session:
        half_done = await session.get(Decision, decision.id)
        assert half_done.number_text == "01/QĐ-UBND"
        assert half_done.status == DecisionStatus.AWAITING_SIGNATURE
    monkeypatch.setattr(documents_module, "sign_pdf", real_sign)

    first = await issue(doc_factory, doc_settings, decision.id, world.chairman)
    again = await issue(doc_factory, doc_settings, decision.id, world.chairman)
    assert first == again
    assert first.number_text == "01/QĐ-UBND"  # the retry reused its number: no gap
    assert (
        await issue(doc_factory, doc_settings, later.id, world.chairman)
    ).number_text == "02/QĐ-UBND"

    async with doc_factory() as session:
        documents = await session.scalar(
            select(func.count()).select_from(Document).where(Document.decision_id == decision.id)
        )
        records = await session.scalar(
            select(func.count())
            .select_from(AwardRecord)
            .where(AwardRecord.decision_id == decision.id)
        )
    assert documents == 1
    assert records == 2
