"""Types that cross the boundary between workflows, activities and the API.

Light on purpose: dataclasses and enums only, importable inside the workflow sandbox.
New fields always get defaults so that running workflows keep replaying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from domain.vocabulary import Level, Role

P = TypeVar("P")


@dataclass(frozen=True)
class SignalName(Generic[P]):
    """A signal of another workflow: its name and the one dataclass it carries.

    The constant lives in the receiver's types module, beside its other types, so the
    sender needs neither the receiver's workflow module nor a string literal
    (``workflows.common.signal_workflow`` sends it). tests/workflows/test_signal_names.py
    checks that each one names a real ``@workflow.signal`` of its receiver taking
    ``payload``."""

    receiver: str  # the receiving workflow type
    name: str
    payload: type[P]


@dataclass(frozen=True)
class RoleRef:
    role: Role
    unit_id: int
    level: Level
    # The deciding authority this role acts for: the authority whose unit is ``unit_id``
    # (chairman, vice-chairman, council member, auditor) or whose standing body it is
    # (standing officer). None for a unit officer.
    authority_id: int | None = None


@dataclass(frozen=True)
class Actor:
    """Who sends a command. Built by the API from the authenticated user; workflows
    check permissions on it in their update validators."""

    user_id: int
    name: str
    roles: tuple[RoleRef, ...] = ()
    # Council memberships: (council_id, member_id)
    council_memberships: tuple[tuple[int, int], ...] = ()

    def has(self, role: Role, unit_id: int | None = None) -> bool:
        return any(r.role == role and (unit_id is None or r.unit_id == unit_id) for r in self.roles)

    def acts_for(self, role: Role, authority_id: int) -> bool:
        return any(r.role == role and r.authority_id == authority_id for r in self.roles)

    def member_id_in(self, council_id: int) -> int | None:
        for council, member in self.council_memberships:
            if council == council_id:
                return member
        return None

    def role_label(self, role: Role | None = None) -> str:
        if role is not None:
            return role.value
        return self.roles[0].role.value if self.roles else ""


@dataclass(frozen=True)
class ActedBy:
    """Who did a step that one workflow reports to another (the officer who convened a
    session or drafted a document, the person who signed it, removed an item or cancelled
    it), so that the receiver's audit trail names that person, never "system"."""

    user_id: int
    name: str
    role: str = ""  # the office they acted in (a Role value)
    # A signature: "KT. CHỦ TỊCH" when a vice-chairman signs on the chairman's behalf,
    # and the chairman who delegated the signature.
    capacity: str = ""
    on_behalf_of: str = ""

    @classmethod
    def of(cls, actor: Actor, role: Role) -> ActedBy:
        return cls(user_id=actor.user_id, name=actor.name, role=role.value)


SYSTEM_ACTOR = Actor(user_id=0, name="Hệ thống")
PUBLIC_ACTOR_ID = -1  # a resident on the public portal (no account)


@dataclass(frozen=True)
class Recipient:
    """A user, or every active user holding ``role`` at ``unit_id``."""

    user_id: int | None = None
    role: Role | None = None
    unit_id: int | None = None


@dataclass
class NoticeRequest:
    """Tell people something: an inbox entry each, and a mail where they have an address.

    ``key`` identifies the notice; the per-recipient key is ``f"{key}:u{user_id}"``, so a
    retried activity never sends twice."""

    key: str
    kind: str  # the template under templates/mail/<kind>.{txt,html}
    recipients: list[Recipient]
    nomination_id: int | None = None
    context: dict[str, str] = field(default_factory=dict)


@dataclass
class NoticeResult:
    inbox_created: int = 0
    mailed: int = 0
    skipped_duplicates: int = 0


@dataclass
class FailedNoticesInput:
    key: str
    error: str
