"""A quota set by the city override, on the standing body's agenda pages.

Hải Phòng sets no quota by default. Here a copy of the catalogue gives CSTĐCS a cap of 50%
of a unit's LĐTT holders: the Văn phòng has three (Hoàng Văn Nam, Đặng Thị Thủy, Nguyễn
Thị Hoa), so one seat. Decree 152/2025 Art. 4 prefers women and collectives with ≥ 70%
women alike (one tier); a tie left inside the tier goes to the earlier submission. The
pages rank the unit's candidates and say why each comes before the next.

The same copy lets absent members' written opinions count toward the quorum (a rule value
the override may set): 3 present + 2 written of 5 members meet the ≥ 2/3 quorum that 3
present alone do not."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from sqlalchemy import select

from domain.vocabulary import AwardKind, NomineeKind, Rating, SessionStatus, Stage
from models import AwardRecord, CouncilSession, EvaluationResult

from ..domain.conftest import CATALOGUE_DIR, replace_once

VAN_PHONG = ("Hoàng Văn Nam", "Đặng Thị Thủy", "Nguyễn Thị Hoa")  # in this order of submission


def city_catalogue(tmp_path: Path, *, written_opinions_count: bool = False) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    override = target / "overrides" / "hai-phong.yaml"
    replace_once(
        override,
        "  cstdcs:\n    chain:",
        '  cstdcs:\n    quota: {at_most: "50%", of: ldtt, article: "Quy định thí điểm của thành phố"}\n    chain:',
    )
    if written_opinions_count:
        replace_once(
            override,
            "applies_to: [nd152-2025]\n",
            "applies_to: [nd152-2025]\nquorum_counts_written_opinions: true\n",
        )
    return target


async def cstdcs_candidates(harness, tmp_path: Path, **catalogue) -> dict[str, int]:
    """The three of the Văn phòng hold LĐTT 2026 and were rated excellent; each is
    proposed for CSTĐCS 2026, accepted, and awaits the council."""
    harness.settings.catalogue_dir = city_catalogue(tmp_path, **catalogue)
    people = {name: harness.ids.people[name] for name in VAN_PHONG}
    async with harness.factory() as session, session.begin():
        for person_id in people.values():
            session.add(
                AwardRecord(
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=person_id,
                    award_code="ldtt",
                    kind=AwardKind.MERIT,
                    year=2026,
                    decision_number="15/QĐ-UBND",
                )
            )
        session.add(
            EvaluationResult(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=people["Hoàng Văn Nam"],
                year=2026,
                rating=Rating.EXCELLENT,
            )
        )
    nominations = {}
    for name in VAN_PHONG:
        created = await harness.nominate(award_code="cstdcs", person=name)
        await harness.ok("thuongtruc", f"/api/v1/nominations/{created['id']}/accept", {"note": ""})
        nominations[name] = created["id"]
    for nomination_id in nominations.values():
        await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    return nominations


async def closed(harness, session_id: int, timeout: float = 15.0) -> CouncilSession:
    """The session once its tally is recorded (the projection is written by an activity)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with harness.factory() as db:
            row = (
                await db.execute(select(CouncilSession).where(CouncilSession.id == session_id))
            ).scalar_one()
        if row.status != SessionStatus.OPEN:
            return row
        assert asyncio.get_running_loop().time() < deadline, f"session {session_id} is still open"
        await asyncio.sleep(0.1)


def ranking(page: str) -> list[tuple[int, str, str]]:
    """(nomination id, within or beyond the quota, why it comes before the next)."""
    section = page.split('class="card quota-ranking"')[1].split("</section>")[0]
    return [
        (int(nomination), within, re.sub(r"\s+", " ", why).strip())
        for nomination, within, why in re.findall(
            r'<tr data-nomination="(\d+)" data-within="(yes|no)">.*?<td class="why"[^>]*>(.*?)</td>',
            section,
            re.S,
        )
    ]


async def test_the_convening_page_ranks_a_capped_award_and_says_why(harness, people, tmp_path):
    ids = await cstdcs_candidates(harness, tmp_path)
    nam, thuy, hoa = (ids[name] for name in VAN_PHONG)
    page = await people("thuongtruc").get("/council-sessions")
    assert page.status_code == 200
    assert "Thứ tự xét theo chỉ tiêu" in page.text
    assert "Chiến sĩ thi đua cơ sở — Văn phòng HĐND và UBND phường, năm 2026" in page.text
    assert "1 suất: tối đa 50% của 3 người đạt Lao động tiên tiến; đã tặng 0" in page.text
    rows = ranking(page.text)
    assert [row[0] for row in rows] == [thuy, hoa, nam]
    assert [row[1] for row in rows] == ["yes", "no", "no"]
    # Both women are preferred alike; Đặng Thị Thủy's dossier came first.
    assert rows[0][2].startswith(
        "Xếp trước Nguyễn Thị Hoa: cùng được ưu tiên (nữ và tập thể có từ 70% nữ "
        "ngang nhau, NĐ 152/2025, Điều 4); hồ sơ nộp trước ("
    )
    assert rows[1][2] == "Xếp trước Hoàng Văn Nam: ưu tiên: nữ (NĐ 152/2025, Điều 4)"
    assert rows[2][2] == ""


async def test_written_opinions_make_the_quorum_and_the_votes_rank_the_seats(
    harness, people, tmp_path
):
    ids = await cstdcs_candidates(harness, tmp_path, written_opinions_count=True)
    nam, thuy, hoa = (ids[name] for name in VAN_PHONG)
    session = await harness.convene([nam, thuy, hoa])
    agree_all = {nam: "agree", thuy: "agree", hoa: "agree"}
    for member in ("chutich", "phochutich", "uyvien.vhxh"):
        await harness.vote(session["id"], member, agree_all)
    await harness.vote(session["id"], "uyvien.mttq", agree_all, mode="written")
    await harness.vote(
        session["id"],
        "uyvien.xdd",
        {nam: "agree", thuy: "disagree", hoa: "disagree"},
        mode="written",
    )
    row = await closed(harness, session["id"])  # the last sheet closes the session
    # 3 present of 5 miss ≥ 2/3; with the 2 written opinions counted the session is quorate.
    assert (row.present_count, row.written_count, row.status.value) == (3, 2, "closed")

    page = await people("thuongtruc").get(f"/council-sessions/{session['id']}")
    rows = ranking(page.text)
    assert [row[0] for row in rows] == [nam, thuy, hoa]
    assert [row[1] for row in rows] == ["yes", "no", "no"]
    assert rows[0][2] == "Xếp trước Đặng Thị Thủy: nhiều phiếu đồng ý hơn (5 so với 4)"
    assert rows[1][2].startswith("Xếp trước Nguyễn Thị Hoa: cùng 4 phiếu đồng ý, cùng được ưu tiên")
