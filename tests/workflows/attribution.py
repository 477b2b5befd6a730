"""Who did each step (issue 14): every audit event names the person who acted, in the
office they acted in, or, when the engine acted by itself (a timer, a tally, an
acknowledgement that never came), the rule it applied."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import AuditEvent, User
from thidua.seed import SEED_ACTOR

# "… (quy tắc escalation: …) / … (rule escalation: …)": how an event cites its rule.
RULE_CITED = re.compile(r"\(quy tắc ([a-z_]+): .+\) / .+\(rule \1: .+\)", re.DOTALL)


def rule_of(event: AuditEvent) -> str | None:
    found = RULE_CITED.search(event.reason or "")
    return found.group(1) if found else None


def by_a_person(event: AuditEvent) -> bool:
    """A signed-in user in a named office, or a resident (no account) who gave a name."""
    if event.actor_role in ("", "system") or not event.actor_name:
        return False
    return event.actor_user_id is not None or event.actor_role == "resident"


def by_the_seed(event: AuditEvent) -> bool:
    """The demo data brought in by ``thidua seed`` (thidua/seed.py): its import names the
    seed, a deployment administrator that is no account."""
    return event.actor_name == SEED_ACTOR and event.actor_user_id is None


def unattributed(events: list[AuditEvent]) -> list[str]:
    """The events that name neither a person, nor a rule of the engine, nor the seed."""
    from workflows.engine_rules import ENGINE_RULES

    return [
        f"{e.subject_type}:{e.action} actor={e.actor_name!r} role={e.actor_role!r} "
        f"reason={e.reason!r}"
        for e in events
        if not by_a_person(e) and rule_of(e) not in ENGINE_RULES and not by_the_seed(e)
    ]


async def all_events(harness) -> list[AuditEvent]:
    async with harness.factory() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars())


async def assert_every_event_attributed(harness) -> list[AuditEvent]:
    """Every audit event written so far (nominations, sessions, decisions) names a person
    or a rule; returns them for closer checks."""
    events = await all_events(harness)
    assert events
    missing = unattributed(events)
    assert not missing, "events naming neither a person nor a rule:\n" + "\n".join(missing)
    return events


async def full_name(harness, username: str) -> str:
    async with harness.factory() as session:
        user = await session.get(User, harness.ids.users[username])
        assert user is not None
        return user.full_name


def nomination_event(events: list[AuditEvent], nomination_id: int, action: str) -> AuditEvent:
    found = [e for e in events if e.nomination_id == nomination_id and e.action == action]
    assert found, f"no {action} event for nomination {nomination_id}"
    return found[-1]
