"""The standing body edits a draft before signing (``edit_draft``): the title, the legal
grounds, the proposer line, the recipients, the order of awardees and a reason. The
audit names who edited and what; the title, proposer line and order go onto the
decision's row (the projection), the rest is held by the workflow and given to the
signing activity, so that the signed PDF says what the draft said. Who may edit, what,
and when, is refused in the validator."""

from __future__ import annotations

import pytest

from activities.documents.types import DraftText
from domain.vocabulary import DecisionStatus, Role
from workflows.decision import DecisionWorkflow
from workflows.decision_types import (
    EditDraftCommand,
    ResubmitCommand,
    SendBackCommand,
)

from .builders import CHAIRMAN, STANDING_OFFICER, UNIT_OFFICER, decision_input, nomination_input
from .conftest import StandInEnv, refused, through_council
from .test_acknowledgements import save_history
from .test_decision_workflow import awaiting_signature, sign_and_issue

pytestmark = pytest.mark.fast

GROUNDS = ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", "Căn cứ Kế hoạch số 12;"]


async def test_the_standing_body_edits_a_draft_and_the_signature_uses_the_edits(
    env: StandInEnv, request
):
    today = await env.today()
    nominations = [
        nomination_input(81, "giay_khen", today=today, nominee="Nguyễn Thị Hoa"),
        nomination_input(82, "giay_khen", today=today, nominee="Trần Văn Dũng"),
    ]
    await through_council(env, nominations, session_id=8)
    decision = await env.draft(decision_input(8, nominations, today=today))
    await awaiting_signature(decision)
    edit = DecisionWorkflow.edit_draft

    # Only the standing body edits; bad fields are refused by name, before any history.
    for someone in (UNIT_OFFICER, CHAIRMAN):
        refusal = await refused(decision.execute_update(edit, EditDraftCommand(someone, "X")))
        assert refusal.type == "Forbidden"
    for command, field in (
        (EditDraftCommand(STANDING_OFFICER, item_order=[81]), "item_order"),
        (EditDraftCommand(STANDING_OFFICER, item_order=[81, 81]), "item_order"),
        (EditDraftCommand(STANDING_OFFICER, item_order=[81, 99]), "item_order"),
        (EditDraftCommand(STANDING_OFFICER, title="  "), "title"),
        (EditDraftCommand(STANDING_OFFICER, title="x" * 501), "title"),
        (EditDraftCommand(STANDING_OFFICER, legal_grounds=["a\x00b"]), "legal_grounds"),
        (EditDraftCommand(STANDING_OFFICER, recipients=["x"] * 31), "recipients"),
        (EditDraftCommand(STANDING_OFFICER, proposer_text="a\nb"), "proposer_text"),
        (EditDraftCommand(STANDING_OFFICER, reason_text="a\x1bb"), "reason_text"),
    ):
        refusal = await refused(decision.execute_update(edit, command))
        assert refusal.type == "Invalid" and refusal.details == ({"field": field},), command

    # Edits are allowed while the draft is back with the standing body too.
    await decision.execute_update(
        DecisionWorkflow.send_back, SendBackCommand(CHAIRMAN, "Sửa căn cứ")
    )
    view = await decision.execute_update(
        edit,
        EditDraftCommand(
            STANDING_OFFICER,
            title="Về việc tặng Giấy khen năm 2026",
            legal_grounds=[*GROUNDS, "  "],
            proposer_text="Trưởng Ban Thi đua - Khen thưởng",
            recipients=["Như Điều 3;", "Lưu: VT."],
            item_order=[82, 81],
            reason_text="Xét thành tích xuất sắc năm 2026,",
        ),
    )

    assert view.status == DecisionStatus.RETURNED
    assert view.draft_text == DraftText(
        legal_grounds=GROUNDS,
        recipients=["Như Điều 3;", "Lưu: VT."],
        reason_text="Xét thành tích xuất sắc năm 2026,",
    )
    edited = env.stand_ins.decision_changes[-1]
    assert edited.action == "draft_edited"
    assert (edited.actor_user_id, edited.actor_role) == (
        STANDING_OFFICER.user_id,
        Role.STANDING_OFFICER,
    )
    assert edited.title == "Về việc tặng Giấy khen năm 2026"
    assert edited.proposer_text == "Trưởng Ban Thi đua - Khen thưởng"
    assert edited.item_order == [82, 81]
    assert "căn cứ" in edited.reason and "thứ tự khen thưởng" in edited.reason

    # A later edit of one field keeps the others.
    await decision.execute_update(edit, EditDraftCommand(STANDING_OFFICER, reason_text=""))
    await decision.execute_update(
        DecisionWorkflow.resubmit, ResubmitCommand(STANDING_OFFICER, "Đã sửa căn cứ")
    )
    await sign_and_issue(decision)

    (signed,) = env.stand_ins.signed
    assert signed.draft_text == DraftText(
        legal_grounds=GROUNDS, recipients=["Như Điều 3;", "Lưu: VT."], reason_text=""
    )
    # Signed: nothing more to edit.
    refusal = await refused(
        decision.execute_update(edit, EditDraftCommand(STANDING_OFFICER, title="Muộn"))
    )
    assert refusal.type == "WrongStage" and refusal.details == ({"stage": "issued"},)
    await decision.result()
    await save_history(request, decision)
