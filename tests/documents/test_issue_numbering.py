"""Document numbers as the signing activity takes them, run as Temporal runs it
(``ActivityEnvironment``) on SQLite: one number per document, kept when the activity is
retried; decisions and submissions numbered in their own series; from 01 again each
calendar year of signing (Decree 30/2020 Art. 15)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from temporalio.testing import ActivityEnvironment

from activities.documents.types import IssueDecisionInput
from domain.vocabulary import DecisionKind, SignerCapacity
from thidua.db import transaction
from thidua.pki import ensure_dev_identities

from .factories import add_decision, add_nomination
from .helpers import activities

pytestmark = [pytest.mark.fast, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

LAST_DAY_OF_2027 = datetime(2027, 12, 31, 8, 0, tzinfo=UTC)  # 15:00 in Vietnam
FIRST_WORKING_DAY_OF_2028 = datetime(2028, 1, 3, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam


def attempt(number: int) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, activity_type="issue_decision", attempt=number)
    return env


async def test_each_document_takes_one_number_of_its_series_and_year(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        hoa, dung, lan, nam = [
            await add_nomination(session, world, name=name)
            for name in ("Nguyễn Thị Hoa", "Trần Văn Dũng", "Lê Thị Lan", "Đỗ Văn Nam")
        ]
        first = await add_decision(session, world, [hoa])
        submission = await add_decision(
            session,
            world,
            [dung],
            kind=DecisionKind.SUBMISSION,
            title="Tờ trình đề nghị tặng Bằng khen",
        )
        second = await add_decision(session, world, [lan])
        next_year = await add_decision(session, world, [nam])
    await ensure_dev_identities(doc_factory, doc_settings)
    documents = activities(doc_factory, doc_settings)

    def signing(decision, signed_at=LAST_DAY_OF_2027) -> IssueDecisionInput:
        return IssueDecisionInput(
            decision_id=decision.id,
            signer_user_id=world.chairman.id,
            capacity=SignerCapacity.CHAIRMAN,
            signed_at=signed_at,
        )

    issued = await attempt(1).run(documents.issue_decision, signing(first))
    retried = await attempt(2).run(documents.issue_decision, signing(first))
    forwarded = await attempt(1).run(documents.issue_decision, signing(submission))
    following = await attempt(1).run(documents.issue_decision, signing(second))
    new_year = await attempt(1).run(
        documents.issue_decision, signing(next_year, FIRST_WORKING_DAY_OF_2028)
    )

    assert (issued.number_text, issued.issued_on) == ("01/QĐ-UBND", date(2027, 12, 31))
    assert retried == issued
    assert forwarded.number_text == "01/TTr-UBND"
    assert following.number_text == "02/QĐ-UBND"
    assert (new_year.number_text, new_year.issued_on) == ("01/QĐ-UBND", date(2028, 1, 3))
