"""The administration of histories in the JSON API (administrators, within their scope):
a person's, collective's or household's yearly ratings, award records from before the
engine (each with its decision: number, date, deciding authority) and a person's
initiatives with their recognition level. Imported award records are corrected or
revoked (the row stays), never deleted; records the engine wrote are not edited here.
Every change is audited with the old and new values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from domain.vocabulary import NomineeKind
from models.schemas.common import DbId, Line
from models.schemas.history_admin import (
    AwardRecordCreate,
    AwardRecordRevoke,
    AwardRecordUpdate,
    HistoryAwardRead,
    HistoryInitiativeRead,
    InitiativeCreate,
    InitiativeUpdate,
    RatingCreate,
    RatingRead,
    RatingUpdate,
    SubjectHistoryRead,
    SubjectMatchRead,
)

from ..deps import ClockDep, CurrentUser, SessionDep
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services import history_admin

router = APIRouter(prefix="/api/v1/admin", tags=["administration"])

READ_ERRORS = error_responses(Unauthorized, Forbidden, NotFound)
CHANGE_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, Conflict, InvalidInput)


@router.get(
    "/history/subjects",
    response_model=list[SubjectMatchRead],
    responses=error_responses(Unauthorized, Forbidden),
)
async def search_subjects(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[Line, Query(max_length=100)] = "",
    kind: NomineeKind | None = None,
) -> list[SubjectMatchRead]:
    """The people, collectives and households one administers whose name holds ``q``
    (accents and case ignored), by name; at most 50."""
    return await history_admin.search_subjects(session, user, query=q, kind=kind)


@router.get(
    "/history/{kind}/{subject_id}", response_model=SubjectHistoryRead, responses=READ_ERRORS
)
async def subject_history(
    kind: NomineeKind, subject_id: DbId, user: CurrentUser, session: SessionDep
) -> SubjectHistoryRead:
    """The subject's ratings, award records (revoked ones marked; ``editable`` false for
    those the engine wrote) and, for a person, initiatives; newest first."""
    return await history_admin.subject_history(session, user, kind, subject_id)


# ---- yearly ratings ----------------------------------------------------------------------


@router.post(
    "/history/{kind}/{subject_id}/ratings",
    response_model=RatingRead,
    status_code=201,
    responses=CHANGE_ERRORS,
)
async def create_rating(
    kind: NomineeKind,
    subject_id: DbId,
    body: RatingCreate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> RatingRead:
    """A person's or collective's rating for a year (a household: 422 naming ``kind``;
    a year already rated: 409 naming ``year``)."""
    return await history_admin.create_rating(
        session, user, kind=kind, subject_id=subject_id, body=body, now=clock.now()
    )


@router.patch("/ratings/{rating_id}", response_model=RatingRead, responses=CHANGE_ERRORS)
async def update_rating(
    rating_id: DbId, body: RatingUpdate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> RatingRead:
    """Change a rating (only the fields sent)."""
    return await history_admin.update_rating(
        session,
        user,
        rating_id=rating_id,
        values=body.model_dump(exclude_unset=True),
        now=clock.now(),
    )


@router.delete("/ratings/{rating_id}", status_code=204, responses=READ_ERRORS)
async def delete_rating(
    rating_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> None:
    """Delete a rating entered by mistake (its values stay in the audit trail)."""
    await history_admin.delete_rating(session, user, rating_id=rating_id, now=clock.now())


# ---- award records -----------------------------------------------------------------------


@router.post(
    "/history/{kind}/{subject_id}/awards",
    response_model=HistoryAwardRead,
    status_code=201,
    responses=CHANGE_ERRORS,
)
async def create_award_record(
    kind: NomineeKind,
    subject_id: DbId,
    body: AwardRecordCreate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HistoryAwardRead:
    """An award from before the engine with the decision that granted it (all required).
    An award not in the catalogue: 422 naming ``award_code``; the same award, year and
    decision again: 409."""
    return await history_admin.create_award_record(
        session, user, kind=kind, subject_id=subject_id, body=body, now=clock.now()
    )


@router.patch("/awards/{record_id}", response_model=HistoryAwardRead, responses=CHANGE_ERRORS)
async def update_award_record(
    record_id: DbId,
    body: AwardRecordUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HistoryAwardRead:
    """Correct an imported record (only the fields sent). One the engine wrote, or a
    revoked one: 409."""
    return await history_admin.update_award_record(
        session,
        user,
        record_id=record_id,
        values=body.model_dump(exclude_unset=True),
        now=clock.now(),
    )


@router.post("/awards/{record_id}/revoke", response_model=HistoryAwardRead, responses=CHANGE_ERRORS)
async def revoke_award_record(
    record_id: DbId,
    body: AwardRecordRevoke,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HistoryAwardRead:
    """Revoke an imported record with a reason and a basis: it stays in the history,
    marked, and no longer grounds awards. One the engine wrote, or already revoked: 409."""
    return await history_admin.revoke_award_record(
        session, user, record_id=record_id, reason=body.reason, basis=body.basis, now=clock.now()
    )


# ---- initiatives -------------------------------------------------------------------------


@router.post(
    "/people/{person_id}/initiatives",
    response_model=HistoryInitiativeRead,
    status_code=201,
    responses=CHANGE_ERRORS,
)
async def create_initiative(
    person_id: DbId,
    body: InitiativeCreate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HistoryInitiativeRead:
    """A person's recognised initiative or research project, with its recognition level
    and decision. The same decision number of the same issuer again: 409 naming
    ``decision_number``."""
    return await history_admin.create_initiative(
        session, user, person_id=person_id, body=body, now=clock.now()
    )


@router.patch(
    "/initiatives/{initiative_id}", response_model=HistoryInitiativeRead, responses=CHANGE_ERRORS
)
async def update_initiative(
    initiative_id: DbId,
    body: InitiativeUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HistoryInitiativeRead:
    """Correct an initiative (only the fields sent)."""
    return await history_admin.update_initiative(
        session,
        user,
        initiative_id=initiative_id,
        values=body.model_dump(exclude_unset=True),
        now=clock.now(),
    )
