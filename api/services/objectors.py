"""Who may know who objected: the one rule every read of an objection or of its audit
event goes through (the nomination's JSON and page, its timeline, the auditor's page and
CSV, the standing body's lists).

A resident who objects to a commendation is protected the way a person who denounces is
(Law on Denunciation 2018: the denouncer's name, address and other personal information
are kept secret by whoever receives and resolves the denunciation; a TĐKT text saying so
directly was not found, law-digest "People who object"), and the objector's name and
contact are personal data given for one purpose (Decree 13/2023: processed for that
purpose only, and no more of it than needed). So:

- the standing body of the authority at which the objection was lodged, which resolves
  it and may need to reach the objector, knows the name and the contact;
- the auditor of an authority the nomination started at or reached knows them too (who
  did what, objections included, is what an auditor checks);
- nobody else: not the unit that proposed the nominee nor the nominee (whatever other
  role they hold: the conflict of interest wins), not the council members nor the
  chairmen (they weigh what the objection says, not who said it), not the system's
  administrators, not the public. They all still learn that an objection was lodged,
  what it says and how it was resolved; the public portal only that it was lodged and
  how it was resolved.

Mails never carry the objector's identity (a mail leaves the system): the notice
contexts of the workflows have no key for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level, NomineeKind, ReplyChannel, Role
from models import AuditEvent, Collective, Nomination, Objection, User
from models.schemas.nominations import ObjectionRead

from ..principal import Principal

# The audit action whose actor is the objector (``workflows/nomination.py``).
OBJECTOR_ACTIONS = frozenset({"objection_lodged"})
OBJECTOR_ROLE = "resident"


def handling_authority(nomination: Nomination, level: Level | None) -> int | None:
    """The authority that handled the nomination at ``level`` (None if it never did)."""
    if level is None:
        return None
    if level == nomination.level:
        return nomination.authority_id
    return {
        Level.WARD: nomination.origin_authority_id,
        Level.CITY: nomination.city_authority_id,
        Level.CENTRAL: nomination.central_authority_id,
    }.get(level)


def may_know_objector(
    principal: Principal,
    nomination: Nomination,
    level: Level | None,
    *,
    reader_person_id: int | None,
    nominee_unit_id: int | None = None,
) -> bool:
    """THE rule: may this person know who objected, at ``level``, to this nomination?

    ``reader_person_id``: the person record of the reader's account (a reader who is the
    nominee never knows); ``nominee_unit_id``: for a collective nominee, its unit (its
    officers are the nominee)."""
    if nomination.proposing_unit_id in principal.unit_ids(Role.UNIT_OFFICER):
        return False
    if reader_person_id is not None and reader_person_id == nomination.person_id:
        return False
    if nominee_unit_id is not None and nominee_unit_id in principal.unit_ids(Role.UNIT_OFFICER):
        return False
    reached = {
        nomination.origin_authority_id,
        nomination.city_authority_id,
        nomination.central_authority_id,
        nomination.authority_id,
    } - {None}
    if principal.authority_ids(Role.AUDITOR) & reached:
        return True
    handling = handling_authority(nomination, level)
    return handling is not None and handling in principal.authority_ids(Role.STANDING_OFFICER)


def records_reply(principal: Principal, nomination: Nomination, level: Level | None) -> bool:
    """Whether this person records how the objector was answered: the standing body of the
    authority that handled the objection (the auditor reads the record, never writes it).
    Only together with ``may_know_objector``: the reply goes to the objector."""
    handling = handling_authority(nomination, level)
    return handling is not None and handling in principal.authority_ids(Role.STANDING_OFFICER)


def names_objector(event: AuditEvent) -> bool:
    """Whether this audit event's actor is an objector."""
    return event.action in OBJECTOR_ACTIONS or event.actor_role == OBJECTOR_ROLE


@dataclass(frozen=True)
class ObjectorAccess:
    """What one reader may know of the objectors of one nomination, level by level."""

    levels: frozenset[Level]

    def sees(self, level: Level | None) -> bool:
        return level is not None and level in self.levels


class ObjectorScreen:
    """The rule applied for one reader over one request: looks up once who the reader is
    (their person record) and, per nomination, the nominee's unit; then answers per
    objection or audit event. Reads only."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self._session = session
        self._principal = principal
        self._person_id: int | None = None
        self._person_loaded = False
        self._access: dict[int, ObjectorAccess] = {}

    async def _reader_person_id(self) -> int | None:
        if not self._person_loaded:
            user = await self._session.get(User, self._principal.user_id)
            self._person_id = user.person_id if user is not None else None
            self._person_loaded = True
        return self._person_id

    async def access(self, nomination: Nomination) -> ObjectorAccess:
        cached = self._access.get(nomination.id)
        if cached is not None:
            return cached
        nominee_unit_id = None
        if nomination.subject_kind == NomineeKind.COLLECTIVE and nomination.collective_id:
            collective = await self._session.get(Collective, nomination.collective_id)
            nominee_unit_id = collective.unit_id if collective is not None else None
        person_id = await self._reader_person_id()
        access = ObjectorAccess(
            frozenset(
                level
                for level in Level
                if may_know_objector(
                    self._principal,
                    nomination,
                    level,
                    reader_person_id=person_id,
                    nominee_unit_id=nominee_unit_id,
                )
            )
        )
        self._access[nomination.id] = access
        return access

    async def hides_actor(self, event: AuditEvent) -> bool:
        """Whether this audit event's actor (an objector) must be withheld from the reader."""
        if not names_objector(event) or event.nomination_id is None:
            return False
        nomination = await self._session.get(Nomination, event.nomination_id)
        if nomination is None:
            return True
        return not (await self.access(nomination)).sees(event.level)

    async def objection_read(self, objection: Objection, nomination: Nomination) -> ObjectionRead:
        """The objection as this reader may read it: its content and resolution always,
        the objector's name and contact only where the rule allows (else None)."""
        known = (await self.access(nomination)).sees(objection.level)
        replied_by = (
            await self._session.get(User, objection.replied_by_user_id)
            if known and objection.replied_by_user_id
            else None
        )
        return ObjectionRead(
            key=objection.objection_key,
            level=objection.level,
            objector_name=objection.objector_name if known else None,
            objector_contact=objection.objector_contact if known else None,
            reason=objection.reason,
            lodged_at=objection.lodged_at,
            status=objection.status,
            resolution=objection.resolution,
            reply_channel=ReplyChannel(objection.reply_channel)
            if known and objection.reply_channel
            else None,
            reply_note=objection.reply_note if known and objection.reply_channel else None,
            replied_at=objection.replied_at if known else None,
            replied_by_name=replied_by.full_name if replied_by is not None else None,
            can_record_reply=known and records_reply(self._principal, nomination, objection.level),
        )


async def withheld_actors(
    session: AsyncSession, *, principal: Principal, events: list[AuditEvent]
) -> set[int]:
    """The ids of those ``events`` whose actor, an objector, this person may not know."""
    screen = ObjectorScreen(session, principal)
    return {event.id for event in events if await screen.hides_actor(event)}


async def known_objectors(
    session: AsyncSession, *, principal: Principal, objections: list[tuple[Objection, Nomination]]
) -> set[str]:
    """The keys of those objections whose objector this person may know."""
    screen = ObjectorScreen(session, principal)
    return {
        objection.objection_key
        for objection, nomination in objections
        if (await screen.access(nomination)).sees(objection.level)
    }
