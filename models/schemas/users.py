"""Schemas of the JSON API's user administration: the accounts with their role grants, a
new account (its owner chooses the password through a one-time link), and a role grant
scoped to a unit."""

from __future__ import annotations

from domain.vocabulary import Level, Role

from .common import DbId, Line, Schema, ShortText


class UserCreate(Schema):
    username: ShortText
    full_name: ShortText
    email: Line | None = None


class RoleGrantCreate(Schema):
    role: Role
    unit_id: DbId


class RoleGrantRead(Schema):
    id: int
    role: Role
    unit_id: int
    unit_code: str
    unit_name: str
    level: Level


class UserRead(Schema):
    id: int
    username: str
    full_name: str
    email: str | None
    is_active: bool
    must_change_password: bool
    roles: list[RoleGrantRead]


class UserCreated(Schema):
    """A new account, and how its owner gets the link to choose a password: mailed (the
    address, masked; never the link) or, without an address or mail, from the operator."""

    user: UserRead
    setup_link_sent_to: str | None
    next_step: str
