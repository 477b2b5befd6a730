"""An administrator's councils (Hội đồng Thi đua - Khen thưởng): a council for an
authority that has none, its name and rules, and its members: a member added with their
council role, title and term of office, edited, ended (the row stays: the member's
ballots in past sessions name it), or replaced mid-term (the new member names whom they
replace; the member replaced ends the day before). One chairman of the council at a time.

A council belongs to its authority's unit: only whoever administers that unit sees or
changes it (``api.services.admin_scope``; anything else answers like a missing id). Every
change is audited with who acted and the old and new values.

Sessions already convened keep their roll: the council session workflow was given its
members when it was convened, and a change here never reaches it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ
from domain.text import control_character
from domain.vocabulary import CouncilRole, Role
from models import Authority, Council, CouncilMember, User
from models.audit import write_audit_event

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import council_admin as queries
from .admin_scope import administered_unit_ids, in_scope, sees_account

ROLE_VI = {
    CouncilRole.CHAIR: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilRole.SECRETARY: "Ủy viên thường trực (thư ký)",
    CouncilRole.MEMBER: "Ủy viên",
}
MEMBER_FIELDS = ("council_role", "title", "term_start", "term_end")


@dataclass(frozen=True)
class CouncilView:
    council: Council
    authority: Authority
    members: list[tuple[CouncilMember, User]]  # active first, then past ones


def vietnam_today(now: datetime) -> date:
    return now.astimezone(VIETNAM_TZ).date()


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CouncilRole):
        return value.value
    return value


async def _audit(
    session: AsyncSession,
    principal: Principal,
    council: Council,
    *,
    action: str,
    now: datetime,
    changes: dict[str, list[object]],
    reason: str = "",
) -> None:
    await write_audit_event(
        session,
        event_key=f"council:{council.id}:{action}:{uuid.uuid4().hex}",
        subject_type="council",
        subject_id=council.id,
        action=action,
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        reason=reason,
        changes={key: [_json(old), _json(new)] for key, (old, new) in changes.items()},
    )


def _member_values(member: CouncilMember) -> dict[str, object]:
    return {
        "member_id": member.id,
        "user_id": member.user_id,
        "council_role": member.council_role,
        "title": member.title,
        "active": member.active,
        "term_start": member.term_start,
        "term_end": member.term_end,
        "replaces_member_id": member.replaces_member_id,
    }


def _one_line(field: str, value: str, *, required: bool, limit: int = 255) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise InvalidInput(field, "Vui lòng nhập trường này", "This field is required")
    if len(value) > limit or control_character(value) is not None:
        raise InvalidInput(
            field, f"Tối đa {limit} ký tự, không có ký tự điều khiển", f"At most {limit} characters"
        )
    return value


def _check_term(start: date | None, end: date | None, *, field: str = "term_end") -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            field,
            "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu",
            "The term cannot end before it starts",
        )


# ---- reading -------------------------------------------------------------------------------


async def list_councils(session: AsyncSession, principal: Principal) -> list[CouncilView]:
    """The councils of the authorities whose units ``principal`` administers."""
    scope = await administered_unit_ids(session, principal)
    rows = await queries.councils(session, unit_ids=scope)
    members: dict[int, list[tuple[CouncilMember, User]]] = {}
    for member, user in await queries.members_of(session, council_ids=[c.id for c, _ in rows]):
        members.setdefault(member.council_id, []).append((member, user))
    return [CouncilView(c, a, members.get(c.id, [])) for c, a in rows]


async def authorities_without_council(
    session: AsyncSession, principal: Principal
) -> list[Authority]:
    """The authorities one administers that have no council yet (the page's create form)."""
    scope = await administered_unit_ids(session, principal)
    return await queries.authorities_without_council(session, unit_ids=scope)


async def member_choices(session: AsyncSession, principal: Principal) -> list[User]:
    """The active accounts a member may be chosen from (the pages' pickers): those
    ``principal`` sees."""
    scope = await administered_unit_ids(session, principal)
    users = await queries.active_users(session)
    granted = await queries.granted_unit_ids(session, user_ids=[u.id for u in users])
    return [u for u in users if sees_account(scope, u, granted.get(u.id, set()))]


async def _council(
    session: AsyncSession, principal: Principal, council_id: int
) -> tuple[Council, Authority]:
    scope = await administered_unit_ids(session, principal)
    found = await queries.council_with_authority(session, council_id=council_id)
    if found is None or not in_scope(scope, found[1].unit_id):
        raise NotFound("Không tìm thấy hội đồng", "No such council")
    return found


async def council_view(session: AsyncSession, principal: Principal, council_id: int) -> CouncilView:
    council, authority = await _council(session, principal, council_id)
    return CouncilView(
        council, authority, await queries.members_of(session, council_ids=[council.id])
    )


async def _member(
    session: AsyncSession, principal: Principal, council_id: int, member_id: int
) -> tuple[Council, CouncilMember]:
    council, _ = await _council(session, principal, council_id)
    member = await queries.member_by_id(session, member_id=member_id)
    if member is None or member.council_id != council.id:
        raise NotFound("Không tìm thấy thành viên hội đồng", "No such council member")
    return council, member


async def _active_user(session: AsyncSession, principal: Principal, user_id: int) -> User:
    """An active account ``principal`` sees (``admin_scope.sees_account``); else 422
    naming ``user_id``, as for an account that does not exist."""
    scope = await administered_unit_ids(session, principal)
    user = await queries.user_by_id(session, user_id=user_id)
    if (
        user is None
        or not user.is_active
        or not sees_account(
            scope,
            user,
            (await queries.granted_unit_ids(session, user_ids=[user.id])).get(user.id, set()),
        )
    ):
        raise InvalidInput(
            "user_id",
            "Không có tài khoản đang hoạt động này",
            "No such active account",
        )
    return user


async def _no_other_chair(
    session: AsyncSession, council: Council, *, except_member_id: int | None = None
) -> None:
    chair = await queries.active_chair(session, council_id=council.id)
    if chair is not None and chair.id != except_member_id:
        raise Conflict(
            "Hội đồng đã có Chủ tịch Hội đồng đang đương nhiệm: hãy kết thúc hoặc thay thế "
            "người đó trước",
            "The council already has an active chairman: end or replace them first",
            field="council_role",
        )


async def _not_yet_member(session: AsyncSession, council: Council, user: User) -> None:
    existing = await queries.membership(session, council_id=council.id, user_id=user.id)
    if existing is None:
        return
    if existing.active:
        raise Conflict(
            f"{user.full_name} đang là thành viên của hội đồng này",
            f"{user.full_name} is already a member of this council",
            field="user_id",
        )
    raise Conflict(
        f"{user.full_name} đã từng là thành viên của hội đồng này (mỗi tài khoản một dòng "
        "thành viên): hãy sửa thành viên cũ thay vì thêm mới",
        f"{user.full_name} was a member of this council before (one row per account): "
        "edit that membership instead",
        field="user_id",
    )


# ---- the council ---------------------------------------------------------------------------


async def create_council(
    session: AsyncSession,
    principal: Principal,
    *,
    authority_id: int,
    name: str,
    rules_note: str,
    now: datetime,
) -> CouncilView:
    """A council for an authority one administers that has none. An unknown authority
    (or one outside one's scope): 422 naming ``authority_id``; one that has a council: 409."""
    scope = await administered_unit_ids(session, principal)
    authority = await queries.authority_by_id(session, authority_id=authority_id)
    if authority is None or not in_scope(scope, authority.unit_id):
        raise InvalidInput("authority_id", "Không có cơ quan này", "No such authority")
    if await queries.council_of_authority(session, authority_id=authority.id) is not None:
        raise Conflict(
            f"{authority.name} đã có hội đồng",
            f"{authority.name} already has a council",
            field="authority_id",
        )
    name = _one_line("name", name, required=True)
    council = Council(authority_id=authority.id, name=name, rules_note=rules_note.strip())
    session.add(council)
    await session.flush()
    await _audit(
        session,
        principal,
        council,
        action="council_created",
        now=now,
        changes={
            "authority_id": [None, authority.id],
            "name": ["", council.name],
            "rules_note": ["", council.rules_note],
        },
    )
    return CouncilView(council, authority, [])


async def update_council(
    session: AsyncSession,
    principal: Principal,
    *,
    council_id: int,
    values: dict[str, Any],
    now: datetime,
) -> CouncilView:
    """Change the name and/or the rules note (only the keys given)."""
    council, _ = await _council(session, principal, council_id)
    changes: dict[str, list[object]] = {}
    if values.get("name") is not None:
        name = _one_line("name", str(values["name"]), required=True)
        if name != council.name:
            changes["name"] = [council.name, name]
            council.name = name
    if values.get("rules_note") is not None:
        note = str(values["rules_note"]).strip()
        if note != council.rules_note:
            changes["rules_note"] = [council.rules_note, note]
            council.rules_note = note
    if changes:
        await session.flush()
        await _audit(
            session, principal, council, action="council_updated", now=now, changes=changes
        )
    return await council_view(session, principal, council.id)


# ---- members -------------------------------------------------------------------------------


async def add_member(
    session: AsyncSession,
    principal: Principal,
    *,
    council_id: int,
    user_id: int,
    council_role: CouncilRole,
    title: str,
    term_start: date,
    term_end: date | None,
    now: datetime,
) -> CouncilView:
    """A new member. An unknown or deactivated account: 422 naming ``user_id``; one who is
    or was a member: 409; a second active chairman: 409 naming ``council_role``."""
    council, _ = await _council(session, principal, council_id)
    user = await _active_user(session, principal, user_id)
    title = _one_line("title", title, required=False)
    _check_term(term_start, term_end)
    await _not_yet_member(session, council, user)
    if council_role == CouncilRole.CHAIR:
        await _no_other_chair(session, council)
    member = CouncilMember(
        council_id=council.id,
        user_id=user.id,
        council_role=council_role,
        title=title,
        active=True,
        term_start=term_start,
        term_end=term_end,
    )
    session.add(member)
    await session.flush()
    await _audit(
        session,
        principal,
        council,
        action="council_member_added",
        now=now,
        changes={key: [None, value] for key, value in _member_values(member).items()},
    )
    return await council_view(session, principal, council.id)


async def update_member(
    session: AsyncSession,
    principal: Principal,
    *,
    council_id: int,
    member_id: int,
    values: dict[str, Any],
    now: datetime,
) -> CouncilView:
    """Change a member's council role, title or term (only the keys given; ``term_end``
    may be None: an open term). Making someone chairman while another is: 409."""
    council, member = await _member(session, principal, council_id, member_id)
    new: dict[str, Any] = {key: getattr(member, key) for key in MEMBER_FIELDS}
    for key in MEMBER_FIELDS:
        if key in values and (values[key] is not None or key == "term_end"):
            new[key] = values[key]
    new["title"] = _one_line("title", str(new["title"] or ""), required=False)
    _check_term(new["term_start"], new["term_end"])
    if new["council_role"] == CouncilRole.CHAIR and member.active:
        await _no_other_chair(session, council, except_member_id=member.id)
    changes = {
        key: [getattr(member, key), new[key]]
        for key in MEMBER_FIELDS
        if getattr(member, key) != new[key]
    }
    if not changes:
        return await council_view(session, principal, council.id)
    for key in changes:
        setattr(member, key, new[key])
    await session.flush()
    await _audit(
        session,
        principal,
        council,
        action="council_member_updated",
        now=now,
        changes={"member_id": [member.id, member.id], **changes},
    )
    return await council_view(session, principal, council.id)


def _end(member: CouncilMember, last_day: date) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {
        "member_id": [member.id, member.id],
        "active": [True, False],
    }
    if member.term_end != last_day:
        changes["term_end"] = [member.term_end, last_day]
    member.active = False
    member.term_end = last_day
    return changes


def _must_be_active(member: CouncilMember) -> None:
    if not member.active:
        raise Conflict(
            "Thành viên này đã thôi tham gia hội đồng", "This membership has already ended"
        )


async def end_membership(
    session: AsyncSession,
    principal: Principal,
    *,
    council_id: int,
    member_id: int,
    term_end: date,
    now: datetime,
) -> CouncilView:
    """The member leaves the council after ``term_end``. The row stays (their ballots in
    past sessions name it). Already ended: 409."""
    council, member = await _member(session, principal, council_id, member_id)
    _must_be_active(member)
    _check_term(member.term_start, term_end)
    changes = _end(member, term_end)
    await session.flush()
    await _audit(
        session, principal, council, action="council_member_ended", now=now, changes=changes
    )
    return await council_view(session, principal, council.id)


async def replace_member(
    session: AsyncSession,
    principal: Principal,
    *,
    council_id: int,
    member_id: int,
    user_id: int,
    starts_on: date,
    council_role: CouncilRole | None,
    title: str,
    term_end: date | None,
    now: datetime,
) -> tuple[CouncilView, CouncilMember]:
    """Mid-term replacement: the member replaced ends the day before ``starts_on``; the
    new one (role and end of term the replaced member's unless given) names whom they
    replace. Returns the council and the new member."""
    council, old = await _member(session, principal, council_id, member_id)
    _must_be_active(old)
    if old.term_start is not None and starts_on <= old.term_start:
        raise InvalidInput(
            "starts_on",
            "Ngày bắt đầu của người thay thế phải sau ngày bắt đầu nhiệm kỳ của người được thay",
            "The replacement must start after the replaced member's term started",
        )
    user = await _active_user(session, principal, user_id)
    title = _one_line("title", title, required=False)
    role = council_role or old.council_role
    end = term_end if term_end is not None else old.term_end
    _check_term(starts_on, end)
    await _not_yet_member(session, council, user)
    if role == CouncilRole.CHAIR:
        await _no_other_chair(session, council, except_member_id=old.id)
    ended = _end(old, starts_on - timedelta(days=1))
    await session.flush()
    await _audit(
        session,
        principal,
        council,
        action="council_member_ended",
        now=now,
        changes=ended,
        reason="replaced",
    )
    new = CouncilMember(
        council_id=council.id,
        user_id=user.id,
        council_role=role,
        title=title,
        active=True,
        term_start=starts_on,
        term_end=end,
        replaces_member_id=old.id,
    )
    session.add(new)
    await session.flush()
    await _audit(
        session,
        principal,
        council,
        action="council_member_replaced",
        now=now,
        changes={key: [None, value] for key, value in _member_values(new).items()},
    )
    return await council_view(session, principal, council.id), new


async def chains_of_deactivation(session: AsyncSession, user: User) -> list[tuple[str, int]]:
    """The audit chains deactivating ``user`` appends to: the account's own and those of
    the councils it leaves (``end_memberships_of_deactivated``), to lock them first."""
    memberships = await queries.active_memberships_of_user(session, user_id=user.id)
    return [("user", user.id), *(("council", member.council_id) for member in memberships)]


async def end_memberships_of_deactivated(
    session: AsyncSession, principal: Principal, *, user: User, now: datetime
) -> int:
    """A deactivated account leaves every council it sits on, its term ending today (in
    Vietnam) unless it ended earlier; each ending audited (reason ``user_deactivated``).
    Returns how many memberships ended."""
    today = vietnam_today(now)
    ended = 0
    for member in await queries.active_memberships_of_user(session, user_id=user.id):
        # Today, unless the term already ended earlier (kept), never before it started.
        last_day = today if member.term_end is None else min(member.term_end, today)
        if member.term_start is not None and last_day < member.term_start:
            last_day = member.term_start
        changes = _end(member, last_day)
        await session.flush()
        council = await queries.council_by_id(session, council_id=member.council_id)
        assert council is not None  # a foreign key
        await _audit(
            session,
            principal,
            council,
            action="council_member_ended",
            now=now,
            changes=changes,
            reason="user_deactivated",
        )
        ended += 1
    return ended
