"""Document numbers: from 01 each calendar year, per issuing authority and series
(Decree 30/2020 Art. 15: "Số: 12/QĐ-UBND").

The counter is incremented inside the caller's transaction, so the number and the row
that uses it commit together: a transaction that fails gives its number back (no gap),
and two transactions issuing at the same moment are serialised by the counter row (no
duplicate) — by the row lock on PostgreSQL, by the write lock on SQLite (writer sessions
take it at BEGIN).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentCounter


async def _increment(
    session: AsyncSession, *, authority_id: int, series: str, year: int
) -> int | None:
    statement = (
        update(DocumentCounter)
        .where(
            DocumentCounter.authority_id == authority_id,
            DocumentCounter.series == series,
            DocumentCounter.year == year,
        )
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def allocate_number(
    session: AsyncSession, *, authority_id: int, series: str, year: int
) -> int:
    """The next number of ``series`` for ``authority_id`` in ``year`` (1 for the first).

    Runs inside the caller's transaction; the caller commits."""
    number = await _increment(session, authority_id=authority_id, series=series, year=year)
    if number is not None:
        return number
    # First number of the year. Two transactions may get here at once: the insert of one
    # of them wins, the other's does nothing (on PostgreSQL it waits for the winner to
    # commit first) and then increments the winner's row.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = (
        await session.execute(
            insert(DocumentCounter)
            .values(authority_id=authority_id, series=series, year=year, last_number=1)
            .on_conflict_do_nothing(index_elements=["authority_id", "series", "year"])
            .returning(DocumentCounter.last_number)
        )
    ).scalar_one_or_none()
    if inserted is not None:
        return inserted
    number = await _increment(session, authority_id=authority_id, series=series, year=year)
    if number is None:  # pragma: no cover - the row exists: the insert above conflicted
        raise RuntimeError(f"document counter {authority_id}/{series}/{year} vanished")
    return number


def format_number(number: int, series: str) -> str:
    """12, "QĐ-UBND" → "12/QĐ-UBND"; two digits at least ("01/QĐ-UBND")."""
    return f"{number:02d}/{series}"
