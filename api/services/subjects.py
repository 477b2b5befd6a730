"""Who may see a person, collective or household of the registry (one rule for the
lookups, the award histories and the eligibility checks of stored subjects).

A unit officer sees the subjects of their own units; the standing officers, chairman,
vice-chairmen, council members and auditors of a ward authority see every unit of that
ward (the ward's people's committee and the units below it, i.e. the units whose
``ward_authority_of`` is that authority); a unit's administrator the units below it; the
deployment's administrators see all. Asking for a subject
one may not see gives 403 whether it exists or not; an administrator gets 404 for one
that does not exist.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.eligibility import Candidate
from domain.vocabulary import NomineeKind, Role
from models.schemas.catalogue import SUBJECT_ID_FIELD
from models.schemas.registry import SubjectRead
from thidua.catalogue_store import load_candidate

from ..errors import Forbidden, InvalidInput, NotFound
from ..principal import Principal
from ..queries import registry as queries
from .access import AUTHORITY_ROLES

SUBJECT_VI = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}


async def visible_unit_ids(session: AsyncSession, principal: Principal) -> frozenset[int] | None:
    """The units whose people, collectives and households ``principal`` may see; None
    for a deployment administrator (everything)."""
    if principal.sees_all:
        return None
    visible = set(principal.unit_ids(Role.UNIT_OFFICER)) | principal.admin_unit_ids
    authority_ids = principal.authority_ids(*AUTHORITY_ROLES)
    if authority_ids:
        visible.update(await queries.ward_unit_ids(session, authority_ids=authority_ids))
        # City and central reviewers: the units whose nominations reached them, so that
        # they can read a forwarded nominee's history.
        visible.update(await queries.forwarded_unit_ids(session, authority_ids=authority_ids))
    return frozenset(visible)


async def unit_scope(
    session: AsyncSession, principal: Principal, unit_id: int | None
) -> frozenset[int] | None:
    """The units a lookup may list: the visible ones, narrowed to ``unit_id`` when given
    (403 for a unit one may not see)."""
    visible = await visible_unit_ids(session, principal)
    if unit_id is None:
        return visible
    if visible is not None and unit_id not in visible:
        raise Forbidden("Bạn không có quyền xem đơn vị này", "You may not see this unit")
    return frozenset({unit_id})


async def visible_subject(
    session: AsyncSession,
    principal: Principal,
    kind: NomineeKind,
    subject_id: int,
    *,
    field: str | None = None,
) -> SubjectRead:
    """The subject if ``principal`` may see it. Otherwise 403, also when it does not
    exist (no existence leaks); an administrator is told it does not exist: 404, or a
    422 naming ``field`` when the id came in a request body."""
    row = await queries.subject_row(session, kind=kind, subject_id=subject_id)
    visible = await visible_unit_ids(session, principal)
    if row is None:
        if visible is None:
            what_vi = SUBJECT_VI[kind]
            if field:
                raise InvalidInput(
                    field, f"Không có {what_vi} mã {subject_id}", f"no {kind.value} {subject_id}"
                )
            raise NotFound(
                f"Không tìm thấy {what_vi} mã {subject_id}", f"no {kind.value} {subject_id}"
            )
        raise Forbidden()
    name, unit_id, unit_name = row
    if visible is not None and unit_id not in visible:
        raise Forbidden()
    return SubjectRead(kind=kind, id=subject_id, name=name, unit_id=unit_id, unit_name=unit_name)


async def visible_candidate(
    session: AsyncSession, principal: Principal, kind: NomineeKind, subject_id: int, *, year: int
) -> Candidate:
    """The eligibility input of a stored subject ``principal`` may see (see
    ``visible_subject``; a missing one is named as ``subject.<id field>``)."""
    await visible_subject(
        session, principal, kind, subject_id, field=f"subject.{SUBJECT_ID_FIELD[kind]}"
    )
    return await load_candidate(session, kind=kind, subject_id=subject_id, year=year)
