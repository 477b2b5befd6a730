"""The minutes (biên bản) of a closed council session as its template reads them: who
attended, the tallies of each agenda item (never a member's choices: the ballot is
secret), and the absent members' written opinions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date, vietnam_date
from domain.numerals import vn_number
from domain.vocabulary import BallotMode, CouncilRole, ItemResult, SessionStatus, VoteRule
from models import (
    AgendaItem,
    Authority,
    AwardType,
    BallotReceipt,
    Council,
    CouncilMember,
    CouncilSession,
    Nomination,
    User,
)

from .types import DocumentError, WrittenOpinion

_COUNCIL_ROLE_NAMES = {
    CouncilRole.CHAIR: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilRole.SECRETARY: "Ủy viên thường trực (Thư ký)",
    CouncilRole.MEMBER: "Ủy viên",
}
_RESULT_NAMES = {
    ItemResult.PASSED: "Đạt",
    ItemResult.FAILED: "Không đạt",
    ItemResult.NOT_DECIDED: "Chưa xem xét",
    ItemResult.PENDING: "Chưa có kết quả",
}


def _threshold_text(rule: VoteRule, threshold: float) -> str:
    """The share of ALL members that must agree (the minutes say so once, above)."""
    if rule == VoteRule.MAJORITY:
        return "Trên 50%"
    if rule == VoteRule.NONE:
        return "Không biểu quyết"
    percent = threshold * 100
    return f"Từ {vn_number(percent, 0 if percent % 1 == 0 else 1)}% trở lên"


async def minutes_context(
    session: AsyncSession, session_id: int, written_opinions: list[WrittenOpinion] | None = None
) -> tuple[dict[str, Any], CouncilSession]:
    """The context of ``minutes.html`` and the session; raises ``DocumentError``."""
    council_session = await session.get(CouncilSession, session_id)
    if council_session is None:
        raise DocumentError(
            "CouncilSessionNotFound",
            f"Không có phiên họp Hội đồng số {session_id}",
            f"No council session {session_id}",
        )
    if council_session.status == SessionStatus.OPEN:
        raise DocumentError(
            "CouncilSessionOpen",
            "Phiên họp chưa kết thúc: chưa lập được biên bản",
            "The session is still open: no minutes yet",
        )
    council = await session.get(Council, council_session.council_id)
    authority = await session.get(Authority, council_session.authority_id)
    assert council is not None and authority is not None
    members = (
        await session.execute(
            select(CouncilMember, User.full_name)
            .join(User, User.id == CouncilMember.user_id)
            .where(CouncilMember.council_id == council.id, CouncilMember.active.is_(True))
            .order_by(CouncilMember.id)
        )
    ).all()
    role_order = [
        CouncilRole.CHAIR,
        CouncilRole.VICE_CHAIR,
        CouncilRole.SECRETARY,
        CouncilRole.MEMBER,
    ]
    members = sorted(members, key=lambda row: (role_order.index(row[0].council_role), row[0].id))
    receipts = {
        r.member_id: r.mode
        for r in (
            await session.execute(
                select(BallotReceipt).where(BallotReceipt.session_id == session_id)
            )
        ).scalars()
    }
    items = (
        await session.execute(
            select(AgendaItem, Nomination, AwardType.name_vi)
            .join(Nomination, Nomination.id == AgendaItem.nomination_id)
            .join(AwardType, AwardType.code == Nomination.award_code)
            .where(AgendaItem.session_id == session_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    ).all()
    member_count = council_session.member_count or len(members)
    present = council_session.present_count or sum(
        1 for mode in receipts.values() if mode == BallotMode.IN_PERSON
    )
    written = council_session.written_count or sum(
        1 for mode in receipts.values() if mode == BallotMode.WRITTEN
    )
    attendance = {BallotMode.IN_PERSON: "Có mặt", BallotMode.WRITTEN: "Ý kiến bằng văn bản"}
    member_rows = [
        {
            "name": name,
            "role": _COUNCIL_ROLE_NAMES[member.council_role],
            "title": member.title,
            "attendance": attendance[receipts[member.id]] if member.id in receipts else "Vắng mặt",
        }
        for member, name in members
    ]
    # In the order of the members' list; a section of its own, apart from the tallies.
    opinions = {o.member_id: o.text for o in written_opinions or ()}
    opinion_rows = [
        {"name": name, "text": opinions[member.id]}
        for member, name in members
        if member.id in opinions
    ]
    agenda = []
    for item, nomination, award_name in items:
        share = item.agree / member_count * 100 if member_count else 0
        agenda.append(
            {
                "position": item.position,
                "nominee": nomination.nominee_name,
                "award": award_name,
                "agree": item.agree,
                "disagree": item.disagree,
                "abstain": item.abstain,
                "share": vn_number(share, 1),
                "threshold": _threshold_text(item.vote_rule, item.threshold),
                "secret": item.vote_rule == VoteRule.SECRET_BALLOT,
                "result": _RESULT_NAMES[item.result],
                "passed": item.result == ItemResult.PASSED,
            }
        )
    chair = next((r for m, r in members if m.council_role == CouncilRole.CHAIR), "")
    secretary = next((r for m, r in members if m.council_role == CouncilRole.SECRETARY), "")
    held = council_session.opened_at or council_session.closed_at or council_session.closes_at
    closed = council_session.closed_at or council_session.closes_at
    held_local = held.astimezone(VIETNAM_TZ)
    context = {
        # The council speaks under its committee: "ỦY BAN NHÂN DÂN / PHƯỜNG … / HỘI ĐỒNG …"
        "header_lines": [
            *(authority.header_lines or [authority.name.upper()]),
            "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        ],
        "council_name": council.name,
        "session_title": council_session.title,
        "place_date": format_vn_long_date(authority.place_name, vietnam_date(closed)),
        "held_at": f"{held_local:%H} giờ {held_local:%M} ngày {format_vn_date(held_local)}",
        "closed_at": format_vn_date(closed),
        "authority_name": authority.name,
        "member_count": member_count,
        "present": present,
        "written": written,
        "absent": max(member_count - present - written, 0),
        "quorate": council_session.status == SessionStatus.CLOSED,
        "quorum": vn_number(council_session.quorum_fraction * 100, 0),
        "members": member_rows,
        "written_opinions": opinion_rows,
        "agenda": agenda,
        "passed_count": sum(1 for a in agenda if a["passed"]),
        "chair": chair,
        "secretary": secretary,
        "document_title": f"Biên bản họp {council.name} - {council_session.title}",
    }
    return context, council_session
