"""The authenticated person behind a request, with roles resolved to authorities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level, Role, UnitKind
from models import Authority, Council, CouncilMember, RoleGrant, Unit, User
from workflows.contracts import Actor, RoleRef

from .queries import units as unit_queries

_AUTHORITY_ROLES = {
    Role.CHAIRMAN,
    Role.VICE_CHAIRMAN,
    Role.CLERK,
    Role.COUNCIL_MEMBER,
    Role.AUDITOR,
}


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    full_name: str
    email: str | None
    roles: tuple[RoleRef, ...]
    council_memberships: tuple[tuple[int, int], ...]  # (council_id, member_id)
    # Someone else chose the password: nothing but the change until the owner picks one.
    must_change_password: bool = False
    # Administers the whole deployment, without a role grant (the first administrator).
    deployment_admin: bool = False
    # The people's committee the person works under, from the units' data (the page header
    # and footer): "Ủy ban nhân dân phường …, thành phố …" and its short name.
    home_name: str = ""
    home_short_name: str = ""
    home_address: str = ""  # the committee's address, for the page footer
    # What an ``admin`` role grant administers (and so sees): the units at and below its
    # unit, and the authorities of those units. The deployment's administrators see all.
    admin_unit_ids: frozenset[int] = frozenset()
    admin_authority_ids: frozenset[int] = frozenset()
    # The proposing units whose nominations an ``admin`` grant sees beyond its authorities'
    # (a grant on an office, below any authority); a ward's or city's grant needs none: its
    # authorities already see every nomination of its units.
    admin_proposing_unit_ids: frozenset[int] = frozenset()
    # What an ``auditor`` grant audits: the authorities at and below its unit (a ward's
    # inspector its ward; a city's, the city and its wards), never another ward's.
    audited_authority_ids: frozenset[int] = frozenset()

    @property
    def actor(self) -> Actor:
        return Actor(
            user_id=self.user_id,
            name=self.full_name,
            roles=self.roles,
            council_memberships=self.council_memberships,
        )

    def has(self, role: Role) -> bool:
        return any(r.role == role for r in self.roles)

    @property
    def is_admin(self) -> bool:
        """Administers something: the whole deployment or a unit's subtree (what exactly:
        ``api/services/admin_scope.py``; what they see: ``sees_all`` and ``admin_*_ids``)."""
        return self.deployment_admin or self.has(Role.ADMIN)

    @property
    def sees_all(self) -> bool:
        """Sees every ward's records: the deployment's administrators only. An ``admin``
        role grant sees its own subtree (``admin_unit_ids``, ``admin_authority_ids``)."""
        return self.deployment_admin

    def authority_ids(self, *roles: Role) -> set[int]:
        return {
            r.authority_id
            for r in self.roles
            if r.authority_id is not None and (not roles or r.role in roles)
        }

    def unit_ids(self, role: Role) -> set[int]:
        return {r.unit_id for r in self.roles if r.role == role}

    def levels(self) -> set[Level]:
        return {r.level for r in self.roles}


async def load_principal(
    session: AsyncSession, user_id: int, *, issued_at: float | None = None
) -> Principal | None:
    """The user with their roles; None when unknown or deactivated, or when ``issued_at``
    (when a page session or a bearer token began, epoch seconds by the machine's clock) is
    not after the user's last sign-out."""
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if (
        issued_at is not None
        and user.signed_out_at is not None
        and (issued_at <= user.signed_out_at.timestamp())
    ):
        return None
    grants = (
        (await session.execute(select(RoleGrant).where(RoleGrant.user_id == user_id)))
        .scalars()
        .all()
    )
    unit_ids = {g.unit_id for g in grants}
    authorities = (
        (
            await session.execute(
                select(Authority).where(
                    or_(Authority.unit_id.in_(unit_ids), Authority.standing_unit_id.in_(unit_ids))
                )
            )
        )
        .scalars()
        .all()
        if unit_ids
        else []
    )
    by_unit = {a.unit_id: a.id for a in authorities}
    by_standing_unit = {a.standing_unit_id: a.id for a in authorities}
    roles = []
    for grant in sorted(grants, key=lambda g: (g.level.rank, g.role.value, g.unit_id)):
        authority_id = None
        if grant.role == Role.STANDING_OFFICER:
            authority_id = by_standing_unit.get(grant.unit_id)
        elif grant.role in _AUTHORITY_ROLES:
            authority_id = by_unit.get(grant.unit_id)
        roles.append(RoleRef(grant.role, grant.unit_id, grant.level, authority_id))
    memberships = (
        await session.execute(
            select(CouncilMember.council_id, CouncilMember.id)
            .join(Council, Council.id == CouncilMember.council_id)
            .where(CouncilMember.user_id == user_id, CouncilMember.active.is_(True))
        )
    ).all()
    home_name, home_short_name, home_address = (
        await _home_committee(session, roles[0].unit_id) if roles else ("", "", "")
    )
    admin_units: frozenset[int] = frozenset()
    admin_authorities: frozenset[int] = frozenset()
    admin_proposing: frozenset[int] = frozenset()
    admin_roots = {r.unit_id for r in roles if r.role == Role.ADMIN}
    if admin_roots and not user.deployment_admin:
        admin_units = frozenset(await unit_queries.units_under(session, root_ids=admin_roots))
        rows = await session.execute(
            select(Authority.id, Authority.unit_id).where(
                Authority.unit_id.in_(sorted(admin_units))
            )
        )
        authority_units = {unit_id: authority_id for authority_id, unit_id in rows}
        admin_authorities = frozenset(authority_units.values())
        below_authorities = admin_roots - set(authority_units)
        if below_authorities:
            admin_proposing = frozenset(
                await unit_queries.units_under(session, root_ids=below_authorities)
            )
    audited: frozenset[int] = frozenset()
    audit_roots = {r.unit_id for r in roles if r.role == Role.AUDITOR}
    if audit_roots and not user.deployment_admin:
        audited_units = await unit_queries.units_under(session, root_ids=audit_roots)
        audited = frozenset(
            (
                await session.execute(
                    select(Authority.id).where(Authority.unit_id.in_(sorted(audited_units)))
                )
            ).scalars()
        )
    return Principal(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        roles=tuple(roles),
        council_memberships=tuple((c, m) for c, m in memberships),
        must_change_password=user.must_change_password,
        deployment_admin=user.deployment_admin,
        home_name=home_name,
        home_short_name=home_short_name,
        home_address=home_address,
        admin_unit_ids=admin_units,
        admin_authority_ids=admin_authorities,
        admin_proposing_unit_ids=admin_proposing,
        audited_authority_ids=audited,
    )


_COMMITTEES = (UnitKind.PEOPLES_COMMITTEE, UnitKind.GOVERNMENT)


async def _home_committee(session: AsyncSession, unit_id: int) -> tuple[str, str, str]:
    """The name, short name and address of the nearest people's committee (or the
    government) at or above ``unit_id``; a ward's name is followed by the city's ("…,
    thành phố Hải Phòng")."""
    unit = await session.get(Unit, unit_id)
    for _ in range(8):  # the tree is a few levels deep; a cycle must not hang a page
        if unit is None or unit.kind in _COMMITTEES:
            break
        unit = await session.get(Unit, unit.parent_id) if unit.parent_id else None
    if unit is None or unit.kind not in _COMMITTEES:
        return "", "", ""
    name = unit.name
    parent = await session.get(Unit, unit.parent_id) if unit.parent_id else None
    if parent is not None and parent.kind == UnitKind.PEOPLES_COMMITTEE:
        name = f"{name}, {parent.name.removeprefix('Ủy ban nhân dân ')}"
    return name, unit.short_name or unit.name, unit.address
