"""A decision's page names each nomination it decides. Whoever may open a nomination
follows a link to it; the clerk (văn thư) reads decisions but not nominations (least
privilege), so their decision and issuing pages show the name without a link to a page
that would answer 403."""

from __future__ import annotations

import pytest

from domain.vocabulary import DecisionStatus
from tests.pages.test_decision_pages import awaiting_decision, wait_status

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_the_clerk_reads_the_nominee_without_a_link_the_standing_body_follows_it(
    harness, people
):
    nomination_id = await awaiting_decision(harness)
    standing = people("thuongtruc")
    drafted = await standing.post(
        "/decisions",
        {"kind": "decision", "nomination_ids": [str(nomination_id)]},
        csrf_from="/decisions",
    )
    assert drafted.status_code == 303
    page = drafted.headers["location"]
    decision_id = int(page.rsplit("/", 1)[1])
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
    link = f'href="/nominations/{nomination_id}"'

    shown = await standing.get(page)
    assert shown.status_code == 200
    assert f"{link}>Nguyễn Thị Hoa</a>" in shown.text

    clerk = people("vanthu")
    assert (await clerk.get(f"/nominations/{nomination_id}")).status_code == 403
    shown = await clerk.get(page)
    assert shown.status_code == 200, shown.text[:2000]
    assert "Nguyễn Thị Hoa" in shown.text and link not in shown.text

    # Signed, the decision waits in the clerk's issuing queue: named there, not linked.
    signed = await people("chutich").post(f"/decisions/{decision_id}/sign", {}, csrf_from=page)
    assert signed.status_code == 303
    await wait_status(harness, decision_id, DecisionStatus.SIGNED)
    queue = await clerk.get("/issuing")
    assert f'action="/decisions/{decision_id}/issue"' in queue.text
    assert "Nguyễn Thị Hoa" in queue.text and link not in queue.text
