"""The exemplars' .xlsx (and the list it shares with ``/campaigns/{id}/exemplars`` and the
JSON list) costs the same few statements whatever its length: the unit, the subject and
the adoption count of every row come joined, not read row by row. Read back with
openpyxl, each row names its subject and counts its adoptions, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import event, select

from api.services.exports.exemplars import exemplars_workbook
from domain.vocabulary import ExemplarStage, ExemplarSubjectKind
from models import Campaign, Collective, Exemplar, ExemplarAdoption, Household, Person, Unit, User
from thidua.seed import CAMPAIGN_CODE

MOMENT = datetime(2026, 5, 4, 9, tzinfo=UTC)


@contextmanager
def counted(engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` while the block runs."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _world(session) -> dict:
    campaign = (
        await session.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
    ).scalar_one()
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    return {
        "campaign": campaign,
        "unit": units["tk-tdp-1"],
        "adopters": [u.id for code, u in sorted(units.items()) if code != "tk-tdp-1"][:3],
        "user": (
            await session.execute(select(User.id).where(User.username == "canbo.tdp1"))
        ).scalar_one(),
        "person": (await session.execute(select(Person).order_by(Person.id).limit(1))).scalar_one(),
        "household": (
            await session.execute(select(Household).order_by(Household.id).limit(1))
        ).scalar_one(),
        "collective": (
            await session.execute(select(Collective).order_by(Collective.id).limit(1))
        ).scalar_one(),
    }


async def _add(session, world: dict, count: int, start: int) -> None:
    """``count`` models about, in turn, a person, a household, a collective and a good
    practice; the n-th adopted by n % 4 units (at most three)."""
    subjects = [
        {"subject_kind": ExemplarSubjectKind.INDIVIDUAL, "person_id": world["person"].id},
        {"subject_kind": ExemplarSubjectKind.HOUSEHOLD, "household_id": world["household"].id},
        {
            "subject_kind": ExemplarSubjectKind.COLLECTIVE,
            "collective_id": world["collective"].id,
        },
        {"subject_kind": ExemplarSubjectKind.PRACTICE},
    ]
    for number in range(start, start + count):
        exemplar = Exemplar(
            campaign_id=world["campaign"],
            title=f"Mô hình số {number}",
            proposing_unit_id=world["unit"].id,
            proposed_by_user_id=world["user"],
            stage=ExemplarStage.NURTURING,
            workflow_id=f"exemplar-count-{number}",
            **subjects[number % 4],
        )
        session.add(exemplar)
        await session.flush()
        for unit_id in world["adopters"][: number % 4]:
            session.add(
                ExemplarAdoption(
                    exemplar_id=exemplar.id,
                    unit_id=unit_id,
                    adopted_on=date(2026, 5, 1),
                    reported_by_user_id=world["user"],
                    recorded_at=MOMENT,
                )
            )
    await session.flush()


async def _export(session, engine, campaign: int) -> tuple[int, bytes]:
    session.expunge_all()  # nothing read earlier answers from the identity map
    with counted(engine) as statements:
        data = await exemplars_workbook(session, campaign_id=campaign, stage=None, unit_id=None)
    return len(statements), data


def _rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet) and sheet.freeze_panes
    header = int(sheet.freeze_panes[1:]) - 1
    assert [c.value for c in sheet[header]][:4] == ["Mã", "Tên điển hình", "Loại", "Đối tượng"]
    return [r for r in sheet.iter_rows(min_row=header + 1, values_only=True) if r[0] is not None]


async def test_the_export_costs_the_same_statements_for_4_rows_as_for_40(session, engine):
    world = await _world(session)
    await _add(session, world, 4, 0)
    few, _ = await _export(session, engine, world["campaign"])
    await _add(session, world, 36, 4)
    many, data = await _export(session, engine, world["campaign"])
    assert many == few <= 6, (few, many)

    rows = {r[1]: r for r in _rows(data) if str(r[1]).startswith("Mô hình số ")}
    assert len(rows) == 40
    for number in range(40):
        row = rows[f"Mô hình số {number}"]
        subject, unit, adoptions = row[3], row[4], row[10]
        assert (
            subject
            == [
                world["person"].full_name,
                f"Hộ gia đình ông/bà {world['household'].head_name}",
                world["collective"].name,
                None,  # a good practice is about no one: the cell is left empty
            ][number % 4]
        ), number
        assert unit == world["unit"].name
        assert adoptions == number % 4, number
