"""Merging duplicates of the registry: a person, household or collective entered twice
(by hand and by an import, or by two units). Everything the duplicate is named in moves to
the record that is kept (award records, evaluations, initiatives, discipline and pending
matters, closed nominations, exemplars, accounts, household members); the duplicate keeps
its row for the history that named it, marked ``merged_into_id``, and leaves the lists
and look-ups.

Refused (409) while either record has a nomination under way: its workflow and dossier
name the subject, so it must end (or be withdrawn) first. Audited on both records.

Two merges of the same two records the other way round at the same moment: the second
waits for the first (row locks) and is refused, as a merge of a record already merged
away is (409)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NomineeKind
from models import Collective, Household, Person
from models.audit import lock_audit_chains
from models.schemas.registry_admin import MergeResult

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import registry_admin as queries
from .admin_scope import administered_unit_ids, in_scope
from .personal_data import mask_citizen_id
from .registry_audit import audit_registry_event
from .subjects import SUBJECT_VI

SUBJECT_TYPE = {
    NomineeKind.INDIVIDUAL: "person",
    NomineeKind.HOUSEHOLD: "household",
    NomineeKind.COLLECTIVE: "collective",
}
MODEL: dict[NomineeKind, type[Person] | type[Household] | type[Collective]] = {
    NomineeKind.INDIVIDUAL: Person,
    NomineeKind.HOUSEHOLD: Household,
    NomineeKind.COLLECTIVE: Collective,
}
Record = Person | Household | Collective


async def _record(session: AsyncSession, kind: NomineeKind, record_id: int) -> Record | None:
    if kind == NomineeKind.INDIVIDUAL:
        return await queries.person_by_id(session, person_id=record_id)
    if kind == NomineeKind.HOUSEHOLD:
        return await queries.household_by_id(session, household_id=record_id)
    return await queries.collective_by_id(session, collective_id=record_id)


def _unit_of(record: Record) -> int:
    if isinstance(record, Household):
        return record.residential_group_id
    return record.unit_id


def _name_of(record: Record) -> str:
    if isinstance(record, Person):
        return record.full_name
    if isinstance(record, Household):
        return f"hộ {record.head_name}"
    return record.name


async def merge(
    session: AsyncSession,
    principal: Principal,
    kind: NomineeKind,
    *,
    kept_id: int,
    duplicate_id: int,
    now: datetime,
) -> MergeResult:
    """Merges ``duplicate_id`` into ``kept_id``. The kept record outside one's scope: 404;
    the duplicate missing, outside one's scope, already merged or the kept one itself:
    422 naming ``duplicate_id``; an open nomination of either: 409 naming it."""
    scope = await administered_unit_ids(session, principal)
    what = SUBJECT_VI[kind]
    # Both rows locked before anything is checked: a merge of the two the other way round
    # at the same moment waits here for this one to commit, then finds its kept record
    # merged away and is refused, instead of passing the same checks and leaving each
    # record merged into the other. Rows first, in ascending id, then the audit chains.
    await queries.lock_records(session, model=MODEL[kind], ids=[kept_id, duplicate_id])
    kept = await _record(session, kind, kept_id)
    if kept is None or not in_scope(scope, _unit_of(kept)):
        raise NotFound(f"Không tìm thấy {what}", f"No such {kind.value}")
    if kept.merged_into_id is not None:
        raise Conflict(
            f"Hồ sơ {what} này đã được gộp vào hồ sơ khác",
            "This record was itself merged into another one",
        )
    if duplicate_id == kept_id:
        raise InvalidInput(
            "body.duplicate_id",
            "Không thể gộp một hồ sơ vào chính nó",
            "A record cannot be merged into itself",
        )
    duplicate = await _record(session, kind, duplicate_id)
    if duplicate is None or not in_scope(scope, _unit_of(duplicate)):
        raise InvalidInput("body.duplicate_id", f"Không có {what} này", f"No such {kind.value}")
    if duplicate.merged_into_id is not None:
        raise InvalidInput(
            "body.duplicate_id",
            f"Hồ sơ này đã được gộp vào hồ sơ mã {duplicate.merged_into_id}",
            f"This record was already merged into {duplicate.merged_into_id}",
        )
    open_ones = await queries.open_nominations(
        session, kind=kind, subject_ids=[kept.id, duplicate.id]
    )
    if open_ones:
        first = open_ones[0]
        raise Conflict(
            f"Không thể gộp khi còn đề nghị khen thưởng đang xử lý: đề nghị số {first.id} "
            f"({first.award_name}, năm {first.year}). Vui lòng chờ đề nghị kết thúc hoặc "
            "rút đề nghị trước khi gộp",
            f"Cannot merge while nomination {first.id} ({first.year}) is under way",
            nomination_ids=[n.id for n in open_ones],
        )

    filled = _fill_blanks(kept, duplicate)
    if isinstance(kept, Person) and isinstance(duplicate, Person) and "citizen_id" in filled:
        duplicate.citizen_id = None  # unique: free it before the kept record takes it
        await session.flush()
    for name, (_, new) in filled.items():
        setattr(kept, name, new)
    moved = await queries.move_subject_references(session, kind=kind, old=duplicate.id, new=kept.id)
    duplicate.merged_into_id = kept.id
    await session.flush()
    subject_type = SUBJECT_TYPE[kind]
    kept_changes: dict[str, Any] = {
        "merged_from": [None, {"id": duplicate.id, "name": _name_of(duplicate)}],
        **{f"moved_{name}": [0, count] for name, count in moved.items()},
        **{name: _audit_fill(name, old, new) for name, (old, new) in filled.items()},
    }
    # Both records' chains at once: a merge the other way round at the same moment takes
    # them in the same order instead of holding the other chain and waiting for this one.
    await lock_audit_chains(session, [(subject_type, kept.id), (subject_type, duplicate.id)])
    await audit_registry_event(
        session,
        principal,
        subject_type=subject_type,
        subject_id=kept.id,
        action=f"{subject_type}_merged",
        now=now,
        changes=kept_changes,
    )
    await audit_registry_event(
        session,
        principal,
        subject_type=subject_type,
        subject_id=duplicate.id,
        action=f"{subject_type}_merged_away",
        now=now,
        changes={"merged_into_id": [None, kept.id]},
    )
    return MergeResult(kept_id=kept.id, duplicate_id=duplicate.id, moved=moved)


def _fill_blanks(kept: Record, duplicate: Record) -> dict[str, tuple[Any, Any]]:
    """What the duplicate knows and the kept person does not (their identifiers, year of
    birth, household): taken over, field by field."""
    if not (isinstance(kept, Person) and isinstance(duplicate, Person)):
        return {}
    filled: dict[str, tuple[Any, Any]] = {}
    for name in ("citizen_id", "birth_date", "birth_year", "household_id"):
        mine, theirs = getattr(kept, name), getattr(duplicate, name)
        if mine is None and theirs is not None:
            filled[name] = (mine, theirs)
    their_date = duplicate.birth_date
    if their_date is not None and kept.birth_year not in (None, their_date.year):
        filled.pop("birth_date", None)  # the two disagree: the kept record's year stands
    return filled


def _audit_fill(name: str, old: Any, new: Any) -> list[Any]:
    if name == "citizen_id":
        return [None, mask_citizen_id(str(new))]
    if name == "birth_date":
        return [None, "(dữ liệu cá nhân)"]
    return [old, new]
