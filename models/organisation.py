"""Who is who: administrative units, deciding authorities, people, households,
collectives, users with their scoped roles, and councils."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.text import fold
from domain.vocabulary import CouncilRole, Gender, Level, Role, UnitKind

from .base import Base, TimestampMixin, enum_column


class Unit(Base, TimestampMixin):
    """An administrative unit: a people's committee, an office, an organisation, a school,
    a residential group. Units form a tree (ward → its offices and groups; city → ward)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))
    level: Mapped[Level] = mapped_column(enum_column(Level), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Official administrative code where one exists (e.g. ward 11002 in vietnam-provinces)
    official_code: Mapped[str | None] = mapped_column(String(16))
    # Where the unit sits, for page footers, documents and mails ("Số 1 Lê Lợi, …").
    address: Mapped[str] = mapped_column(String(255), default="", server_default="")
    head_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", use_alter=True), default=None
    )

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")


class Authority(Base, TimestampMixin):
    """A deciding body at one level: the people's committee whose chairman decides awards,
    with its standing body, its council, and the level above it it forwards to."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[Level] = mapped_column(enum_column(Level))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    name: Mapped[str] = mapped_column(String(255))  # "Ủy ban nhân dân phường Thạch Khôi"
    # Decree 30/2020 header lines, e.g. ["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"]
    header_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    place_name: Mapped[str] = mapped_column(String(120))  # "Thạch Khôi", for "…, ngày …"
    # Title of the head who signs, e.g. "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI"
    head_title: Mapped[str] = mapped_column(String(255))
    decision_code: Mapped[str] = mapped_column(String(32), default="QĐ-UBND")
    submission_code: Mapped[str] = mapped_column(String(32), default="TTr-UBND")
    standing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    parent_authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="raise")
    standing_unit: Mapped[Unit] = relationship(foreign_keys=[standing_unit_id], lazy="raise")


# ---- folded search columns ----------------------------------------------------------------
# The registry's names kept as ``domain.text.fold`` gives them, so that the pickers and
# admin lists find "Nguyễn Văn A" from "Nguyen Van A", "NGUYỄN VĂN A" or "nguyễn văn a"
# and sort by given name in SQL, on both databases and off an index (trigram GIN on
# PostgreSQL, see ``api.queries.search.contains_words``). The ORM sets them before every
# INSERT and UPDATE (``_fold_*`` below: the admin services, the Excel import, the seed,
# merges), a Core INSERT without them folds the names (the column defaults); a bulk
# UPDATE of a name must name them too. Migration 0009 folded the rows already there;
# should ``fold`` ever change, a migration must fold them again.

FOLDED_LENGTH = 255


def folded(text: str | None, length: int = FOLDED_LENGTH) -> str:
    """``text`` folded, cut to the column's length (folding may lengthen: "ß" → "ss")."""
    return fold(text or "")[:length]


def given_name_folded(name: str | None) -> str:
    """The folded given name (the last word): Vietnamese lists go by it."""
    words = fold(name or "").split()
    return words[-1][:FOLDED_LENGTH] if words else ""


def household_search_folded(head_name: str | None, address: str | None) -> str:
    """What a household search matches: the head's name and the address, folded."""
    return folded(f"{head_name or ''} {address or ''}", 2 * FOLDED_LENGTH + 1)


def _param(context: DefaultExecutionContext, name: str) -> Any:
    return context.get_current_parameters().get(name)


def _name_default(source: str):  # noqa: ANN202 - a column default
    return lambda context: folded(_param(context, source))


def _given_name_default(source: str):  # noqa: ANN202 - a column default
    return lambda context: given_name_folded(_param(context, source))


def _household_search_default(context: DefaultExecutionContext) -> str:
    return household_search_folded(_param(context, "head_name"), _param(context, "address"))


class Household(Base, TimestampMixin):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    residential_group_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # A duplicate merged into another household: kept for the history it was named in,
    # never listed or nominated again.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), default=None)
    # Folded forms (see "folded search columns" above): the head's name; head's name and
    # address (what the pickers search); the head's given name (the order of the lists).
    name_folded: Mapped[str] = mapped_column(
        String(FOLDED_LENGTH), default=_name_default("head_name"), server_default=""
    )
    search_folded: Mapped[str] = mapped_column(
        String(2 * FOLDED_LENGTH + 1), default=_household_search_default, server_default=""
    )
    given_name_folded: Mapped[str] = mapped_column(
        String(FOLDED_LENGTH), default=_given_name_default("head_name"), server_default=""
    )


class Person(Base, TimestampMixin):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    birth_year: Mapped[int | None]
    # Personal data under Decree 13/2023: masked on pages, shown only to the roles that
    # need them (``api.services.personal_data``); reading them is audited.
    birth_date: Mapped[date | None] = mapped_column(default=None)
    citizen_id: Mapped[str | None] = mapped_column(String(12), unique=True, default=None)
    position: Mapped[str] = mapped_column(String(255), default="")  # chức vụ
    # Where the person works or lives; their unit proposes them.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    is_official: Mapped[bool] = mapped_column(default=True)  # cán bộ, công chức, viên chức
    # A duplicate merged into another person (see ``Household.merged_into_id``).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    # Folded forms of the full name (see "folded search columns" above): the whole name
    # (what the pickers search) and the given name (the order of the lists).
    name_folded: Mapped[str] = mapped_column(
        String(FOLDED_LENGTH), default=_name_default("full_name"), server_default=""
    )
    given_name_folded: Mapped[str] = mapped_column(
        String(FOLDED_LENGTH), default=_given_name_default("full_name"), server_default=""
    )


class Collective(Base, TimestampMixin):
    """A collective that can be nominated (tập thể): an office, a school, a residential
    group. Linked to its unit so members are the people of that unit."""

    __tablename__ = "collectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # A duplicate merged into another collective (see ``Household.merged_into_id``).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("collectives.id"), default=None)
    # The name folded (see "folded search columns" above).
    name_folded: Mapped[str] = mapped_column(
        String(FOLDED_LENGTH), default=_name_default("name"), server_default=""
    )


class User(Base, TimestampMixin):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    last_login_at: Mapped[datetime | None]
    # Logging out ends every page session of the user started before this moment: the
    # session cookie is signed, not stored, so the server remembers when to stop trusting it.
    signed_out_at: Mapped[datetime | None]
    # Set for an account whose password someone else chose (an import, an administrator):
    # until its owner picks their own, every page leads to the change and the JSON API
    # answers 403 ``password_change_required``.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The deployment's administrator(s): they administer every unit, and exist before any
    # unit does (``thidua admin create`` on an empty database). Role grants stay per unit.
    deployment_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )


class RoleGrant(Base):
    """One role of a user, scoped to a unit (and so to that unit's level)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level))

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")


class Council(Base, TimestampMixin):
    """Hội đồng Thi đua - Khen thưởng of one authority."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    rules_note: Mapped[str] = mapped_column(Text, default="")  # quy chế hoạt động

    members: Mapped[list[CouncilMember]] = relationship(back_populates="council", lazy="raise")


class CouncilMember(Base):
    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    council_role: Mapped[CouncilRole] = mapped_column(enum_column(CouncilRole))
    # What the member is outside the council, e.g. "Chủ tịch Ủy ban MTTQ phường"
    title: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # The term of office (nhiệm kỳ) and, for a member appointed mid-term, whom they replace.
    term_start: Mapped[date | None] = mapped_column(default=None)
    term_end: Mapped[date | None] = mapped_column(default=None)
    replaces_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_members.id"), default=None
    )

    council: Mapped[Council] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


Index("ix_people_full_name", Person.full_name)

# Name searches (``api.queries.search.contains_words``): trigram GIN indexes on
# PostgreSQL serve ``LIKE '%…%'``; on SQLite plain ones, which a substring LIKE scans
# instead of the table. The lists' order (given name, name, id) reads off a btree.
for _table, _column in (
    (Person, Person.name_folded),
    (Household, Household.name_folded),
    (Household, Household.search_folded),
    (Collective, Collective.name_folded),
):
    Index(
        f"ix_{_table.__tablename__}_{_column.key}",
        _column,
        postgresql_using="gin",
        postgresql_ops={_column.key: "gin_trgm_ops"},
    )
Index(
    "ix_people_given_name_folded",
    Person.given_name_folded,
    Person.name_folded,
    Person.id,
)
Index(
    "ix_households_given_name_folded",
    Household.given_name_folded,
    Household.name_folded,
    Household.id,
)
# The trigram operators come with pg_trgm (migrations 0006 and 0009 create it too); these
# tables are created before ``nominations``, whose own listener would come too late.
for _model in (Household, Person, Collective):
    event.listen(
        _model.__table__,
        "before_create",
        DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
    )


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _fold_person(_mapper, _connection, person: Person) -> None:
    person.name_folded = folded(person.full_name)
    person.given_name_folded = given_name_folded(person.full_name)


@event.listens_for(Household, "before_insert")
@event.listens_for(Household, "before_update")
def _fold_household(_mapper, _connection, household: Household) -> None:
    household.name_folded = folded(household.head_name)
    household.search_folded = household_search_folded(household.head_name, household.address)
    household.given_name_folded = given_name_folded(household.head_name)


@event.listens_for(Collective, "before_insert")
@event.listens_for(Collective, "before_update")
def _fold_collective(_mapper, _connection, collective: Collective) -> None:
    collective.name_folded = folded(collective.name)
