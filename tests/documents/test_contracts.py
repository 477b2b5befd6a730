"""The activity inputs and outputs travel through the engine's Temporal data converter
unchanged (dates, datetimes and enums included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from activities.documents.types import (
    DocumentRef,
    IssuedDecision,
    IssueDecisionInput,
    IssueMinutesInput,
    PublicNoticeInput,
    WrittenOpinion,
)
from domain.vocabulary import SignerCapacity
from thidua.settings import Settings
from thidua.temporal_client import data_converter

pytestmark = pytest.mark.fast

VALUES = [
    IssueDecisionInput(
        decision_id=7,
        signer_user_id=3,
        capacity=SignerCapacity.DEPUTY,
        signed_at=datetime(2027, 1, 5, 3, 0, tzinfo=UTC),
    ),
    IssuedDecision(
        decision_id=7,
        number_text="01/QĐ-UBND",
        document_id=9,
        sha256="ab" * 32,
        issued_on=date(2027, 1, 5),
    ),
    IssueMinutesInput(session_id=4),
    IssueMinutesInput(
        session_id=4, written_opinions=[WrittenOpinion(member_id=5, text="Nhất trí.")]
    ),
    PublicNoticeInput(
        authority_id=1,
        nomination_ids=[3, 5],
        starts_at=datetime(2026, 12, 1, 1, tzinfo=UTC),
        ends_at=datetime(2026, 12, 14, 10, tzinfo=UTC),
        key="nomination-3-ward",
    ),
    DocumentRef(document_id=9, sha256="cd" * 32),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
async def test_round_trip_through_the_engine_converter(value):
    converter = data_converter(Settings(environment="test"))
    try:
        payloads = await converter.encode([value])
    except TypeError as exc:  # pragma: no cover - the message tells the fix
        pytest.fail(
            f"the engine's payload converter cannot encode {type(value).__name__}: {exc} "
            "(teach thidua.temporal_client's JSON converter about datetime.date)"
        )
    (decoded,) = await converter.decode(payloads, [type(value)])
    assert decoded == value
    assert type(decoded) is type(value)
