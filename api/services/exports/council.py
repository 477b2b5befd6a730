"""A council session's results as .xlsx: per agenda item, how many agreed, disagreed and
abstained, and the outcome — the tallies the minutes print, never any member's choice
(ballots are stored without names and are never read back; this file does not even list
who voted). For whoever follows the session on its page: its council's members and the
people of its authority; anyone else is told the session does not exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ
from domain.catalogue import Catalogue
from domain.vocabulary import SessionStatus

from ...errors import Forbidden, NotFound
from ...i18n import translator
from ...principal import Principal
from ..council import followed_session, read_session
from .writer import Column, Kind, Table, workbook

VOTE_RULES = {
    "none": "Không biểu quyết tại Hội đồng",
    "majority": "Biểu quyết (quá bán)",
    "secret_ballot": "Bỏ phiếu kín",
}

COLUMNS = (
    Column("STT", Kind.NUMBER),
    Column("Mã đề nghị", Kind.NUMBER),
    Column("Đối tượng được đề nghị"),
    Column("Danh hiệu, hình thức"),
    Column("Hình thức biểu quyết"),
    Column("Tỷ lệ cần đạt"),
    Column("Đồng ý", Kind.NUMBER),
    Column("Không đồng ý", Kind.NUMBER),
    Column("Không biểu quyết", Kind.NUMBER),
    Column("Kết quả"),
)


async def session_results_workbook(
    session: AsyncSession, *, principal: Principal, session_id: int, catalogue: Catalogue
) -> bytes:
    try:
        row = await followed_session(session, principal=principal, session_id=session_id)
    except Forbidden:
        raise NotFound("Không có phiên họp này", "no such session") from None
    read = await read_session(session, session_row=row, catalogue=catalogue)
    t = translator("vi")
    counted = read.status != SessionStatus.OPEN  # no tally is shown while the ballot runs
    closed = (
        read.closed_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M") if read.closed_at else ""
    )
    table = Table(
        "Kết quả phiên họp",
        COLUMNS,
        title=[
            f"Kết quả biểu quyết — {read.title}",
            f"{t(f'status_{read.status.value}')}"
            + (f" lúc {closed}" if closed else "")
            + f"; thành viên: {read.member_count}; có mặt: {read.present_count}; "
            f"gửi ý kiến bằng văn bản: {read.written_count}; tỷ lệ tối thiểu: {read.quorum_text}",
        ],
    )
    rows = [
        (
            item.position,
            item.nomination_id,
            item.nominee_name,
            item.award_name,
            VOTE_RULES.get(item.vote_rule.value, item.vote_rule.value),
            item.threshold_text,
            item.agree if counted else None,
            item.disagree if counted else None,
            item.abstain if counted else None,
            "Rút khỏi chương trình" if item.withdrawn else t(f"result_{item.result.value}"),
        )
        for item in read.items
    ]
    return workbook(table, rows)
