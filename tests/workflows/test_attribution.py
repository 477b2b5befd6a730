"""The actor-of-every-event check itself (tests/workflows/attribution.py): a negative
control, so that the end-to-end flows that use it cannot pass by accident."""

from __future__ import annotations

import pytest

from models import AuditEvent
from workflows.engine_rules import ENGINE_RULES, ESCALATION, EngineRule

from .attribution import by_a_person, rule_of, unattributed

pytestmark = pytest.mark.fast


def event(**fields) -> AuditEvent:
    values = {
        "subject_type": "nomination",
        "action": "granted",
        "actor_user_id": None,
        "actor_name": "Hệ thống",
        "actor_role": "system",
        "reason": "",
    }
    values.update(fields)
    return AuditEvent(**values)


def test_what_the_trail_used_to_say_is_caught():
    # The ward chairman's signature, as the trail recorded it before issue 14.
    signed = event(reason="Quyết định số 01/QĐ-UBND ngày 01/07/2026")
    # A signer named without the office they acted in.
    no_office = event(actor_user_id=7, actor_name="Nguyễn Văn An", actor_role="")
    assert len(unattributed([signed, no_office])) == 2


def test_a_person_in_an_office_or_a_named_rule_passes():
    signer = event(actor_user_id=7, actor_name="Nguyễn Văn An", actor_role="chairman")
    resident = event(action="objection_lodged", actor_name="Trần Văn Bình", actor_role="resident")
    timer = event(action="escalated", reason=ESCALATION.cite("Quá hạn", "overdue"))
    assert by_a_person(signer) and by_a_person(resident) and not by_a_person(timer)
    assert rule_of(timer) == "escalation"
    assert unattributed([signer, resident, timer]) == []


def test_a_rule_the_engine_does_not_have_is_no_excuse():
    made_up = EngineRule("made_up", "không có", "none")
    assert "made_up" not in ENGINE_RULES
    assert len(unattributed([event(reason=made_up.cite("Tự động", "automatic"))])) == 1
