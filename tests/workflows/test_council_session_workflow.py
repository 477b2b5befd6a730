"""The council session workflow, fast: real nominations on its agenda, its activities stood
in for. One ballot sheet per member, the quorum of members present, the threshold of all
members, the close (by every member having voted, by the standing body, or by the
deadline) and what each nomination hears."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.vocabulary import BallotMode, Choice, ItemResult, Role, SessionStatus, Stage
from workflows.contracts import Recipient
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import BallotSheet, CloseCommand
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import NominationInput, ReviewCommand

from .builders import (
    CHAIRMAN,
    COUNCIL,
    MTTQ_CHAIR,
    SCHOOL,
    STANDING_OFFICER,
    UNIT_OFFICER,
    VICE_CHAIRMAN,
    WARD,
    YOUTH_SECRETARY,
    nomination_input,
    session_input,
)
from .conftest import StandInEnv, on_time, refused, settled, wait_stage

pytestmark = pytest.mark.fast

AGREE, DISAGREE, ABSTAIN = Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN


async def awaiting_council(env: StandInEnv, *nominations: NominationInput) -> list:
    handles = []
    for nomination in nominations:
        handle = await env.submit(nomination)
        accepted = await handle.execute_update(
            NominationWorkflow.accept_dossier, ReviewCommand(STANDING_OFFICER)
        )
        assert accepted.stage == Stage.AWAITING_COUNCIL
        handles.append(handle)
    return handles


def sheet(
    actor,
    choices: dict[int, Choice],
    mode: BallotMode = BallotMode.IN_PERSON,
    written_opinion: str = "",
) -> BallotSheet:
    return BallotSheet(actor, mode, {str(k): v for k, v in choices.items()}, written_opinion)


async def test_a_secret_ballot_passes_what_four_fifths_of_all_members_agree_to(env: StandInEnv):
    today = await env.today()
    hoa = nomination_input(11, "cstdcs", today=today, nominee="Nguyễn Thị Hoa")
    dung = nomination_input(12, "cstdcs", today=today, nominee="Trần Văn Dũng")
    hoa_handle, dung_handle = await awaiting_council(env, hoa, dung)
    # The youth secretary is Dũng's brother: recused from his item.
    session = await env.convene(
        session_input(
            1,
            [hoa, dung],
            closes_at=await env.now() + timedelta(days=2),
            today=today,
            recused={12: [5]},
        )
    )
    await wait_stage(hoa_handle, Stage.IN_COUNCIL)
    await wait_stage(dung_handle, Stage.IN_COUNCIL)
    (opened,) = await env.notices("ballot_open")
    assert opened.recipients == [Recipient(user_id=a.user_id) for a in COUNCIL.values()]

    cast = CouncilSessionWorkflow.cast_ballot
    refusal = await refused(
        session.execute_update(cast, sheet(UNIT_OFFICER, {11: AGREE, 12: AGREE}))
    )
    assert refusal.type == "Forbidden"
    refusal = await refused(session.execute_update(cast, sheet(CHAIRMAN, {11: AGREE})))
    assert refusal.type == "Invalid" and refusal.details == ({"field": "choices.12"},)
    refusal = await refused(
        session.execute_update(cast, sheet(YOUTH_SECRETARY, {11: AGREE, 12: AGREE}))
    )
    assert refusal.type == "Invalid" and refusal.details == ({"field": "choices.12"},)

    receipt = await session.execute_update(cast, sheet(CHAIRMAN, {11: AGREE, 12: AGREE}))
    assert (receipt.member_id, receipt.mode) == (1, BallotMode.IN_PERSON)
    refusal = await refused(
        session.execute_update(cast, sheet(CHAIRMAN, {11: DISAGREE, 12: DISAGREE}))
    )
    assert refusal.type == "Conflict"
    await session.execute_update(cast, sheet(VICE_CHAIRMAN, {11: AGREE, 12: AGREE}))
    await session.execute_update(cast, sheet(STANDING_OFFICER, {11: AGREE, 12: DISAGREE}))
    await session.execute_update(
        cast,
        sheet(
            MTTQ_CHAIR,
            {11: AGREE, 12: ABSTAIN},
            BallotMode.WRITTEN,
            "Vắng mặt do đi công tác; đồng ý với đề nghị khen thưởng chị Hoa",
        ),
    )
    # The last sheet closes the session: every member has voted.
    await session.execute_update(cast, sheet(YOUTH_SECRETARY, {11: DISAGREE}))
    closed = await session.result()

    assert closed.status == SessionStatus.CLOSED
    assert (closed.present_count, closed.written_count, closed.voted_member_ids) == (
        4,
        1,
        [1, 2, 3, 4, 5],
    )
    tallies = {t.nomination_id: t for t in closed.tallies}
    assert (tallies[11].result, tallies[11].agree, tallies[11].disagree) == (
        ItemResult.PASSED,
        4,
        1,
    )
    assert (tallies[12].result, tallies[12].agree, tallies[12].disagree, tallies[12].abstain) == (
        ItemResult.FAILED,
        2,
        1,
        1,
    )

    # The records: who voted and how (in person, in writing), never what they chose.
    changes = env.stand_ins.session_changes
    assert [c.action for c in changes] == ["opened"] + ["ballot_cast"] * 5 + ["closed"]
    assert all(c.tallies == [] for c in changes[:-1])
    assert [(c.receipt.member_id, c.receipt.mode) for c in changes[1:-1] if c.receipt] == [
        (1, BallotMode.IN_PERSON),
        (2, BallotMode.IN_PERSON),
        (3, BallotMode.IN_PERSON),
        (4, BallotMode.WRITTEN),
        (5, BallotMode.IN_PERSON),
    ]
    assert changes[-1].status == SessionStatus.CLOSED and len(changes[-1].tallies) == 2
    assert [m.session_id for m in env.stand_ins.minutes] == [1]
    (told,) = await env.notices("session_closed")
    assert told.recipients == [Recipient(role=Role.STANDING_OFFICER, unit_id=WARD.standing_unit_id)]

    passed = await wait_stage(hoa_handle, Stage.AWAITING_DECISION)
    assert passed.waiting_on_role == Role.STANDING_OFFICER
    outcome = await dung_handle.result()
    assert outcome.stage == Stage.REFUSED
    # The engine decided by the vote threshold: the reason names that rule.
    assert outcome.reason.startswith(
        "Hội đồng không thông qua: 2/5 đồng ý, 1 không đồng ý, 1 không biểu quyết "
        "(ngưỡng từ 80% tổng số thành viên Hội đồng trở lên) (quy tắc vote_threshold: "
    )
    assert "(rule vote_threshold: " in outcome.reason
    assert "(threshold at least 80% of all council members)" in outcome.reason
    (refusal_notice,) = await env.notices("refused")
    assert refusal_notice.recipients == [Recipient(role=Role.UNIT_OFFICER, unit_id=SCHOOL.unit_id)]


async def test_without_a_quorum_present_at_the_deadline_nothing_is_decided(env: StandInEnv):
    today = await env.today()
    nomination = nomination_input(13, "giay_khen", today=today)
    (handle,) = await awaiting_council(env, nomination)
    closes_at = await env.now() + timedelta(days=3)
    session = await env.convene(session_input(2, [nomination], closes_at=closes_at, today=today))
    await wait_stage(handle, Stage.IN_COUNCIL)

    cast = CouncilSessionWorkflow.cast_ballot
    await session.execute_update(cast, sheet(CHAIRMAN, {13: AGREE}))
    await session.execute_update(cast, sheet(VICE_CHAIRMAN, {13: AGREE}))
    await session.execute_update(cast, sheet(STANDING_OFFICER, {13: AGREE}, BallotMode.WRITTEN))
    refusal = await refused(
        session.execute_update(CouncilSessionWorkflow.close, CloseCommand(UNIT_OFFICER))
    )
    assert refusal.type == "Forbidden"

    # A day before the deadline, the members who have not voted are reminded.
    reminder_at = closes_at - timedelta(hours=24)
    await env.sleep_until(reminder_at - timedelta(minutes=1))
    await settled(session)
    assert env.stand_ins.notices_of("ballot_reminder") == []
    await env.sleep_until(reminder_at + timedelta(minutes=1))
    (reminder,) = await env.notices("ballot_reminder")
    assert reminder.recipients == [
        Recipient(user_id=MTTQ_CHAIR.user_id),
        Recipient(user_id=YOUTH_SECRETARY.user_id),
    ]

    await env.sleep_until(closes_at + timedelta(minutes=1))
    closed = await session.result()
    assert closed.status == SessionStatus.INQUORATE
    assert [t.result for t in closed.tallies] == [ItemResult.NOT_DECIDED]
    inquorate = env.stand_ins.session_changes[-1]
    assert inquorate.action == "inquorate" and on_time(inquorate.occurred_at, closes_at)

    back = await wait_stage(handle, Stage.AWAITING_COUNCIL)
    assert back.waiting_on_role == Role.STANDING_OFFICER
    assert env.stand_ins.actions(13)[-1] == "council_inquorate"


async def test_the_standing_body_closes_early_and_the_members_who_voted_decide(env: StandInEnv):
    today = await env.today()
    nomination = nomination_input(14, "giay_khen", today=today)
    (handle,) = await awaiting_council(env, nomination)
    session = await env.convene(
        session_input(3, [nomination], closes_at=await env.now() + timedelta(days=5), today=today)
    )
    await wait_stage(handle, Stage.IN_COUNCIL)

    cast = CouncilSessionWorkflow.cast_ballot
    for actor, choice in (
        (CHAIRMAN, AGREE),
        (VICE_CHAIRMAN, AGREE),
        (STANDING_OFFICER, AGREE),
        (MTTQ_CHAIR, DISAGREE),
    ):
        await session.execute_update(cast, sheet(actor, {14: choice}))
    closed = await session.execute_update(
        CouncilSessionWorkflow.close, CloseCommand(STANDING_OFFICER, "Đã đủ số thành viên dự họp")
    )

    # 4 of 5 present (quorum ≥ 2/3); 3 of 5 agree (> 1/2 of all members).
    assert closed.status == SessionStatus.CLOSED
    (tally,) = closed.tallies
    assert (tally.result, tally.agree, tally.disagree, tally.threshold) == (
        ItemResult.PASSED,
        3,
        1,
        "> 1/2",
    )
    await session.result()
    await wait_stage(handle, Stage.AWAITING_DECISION)
    assert env.stand_ins.actions(14)[-2:] == ["placed_on_agenda", "council_passed"]
