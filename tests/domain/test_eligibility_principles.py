"""Principles that are not one case each: tie-breaking for a capped quota, every award
answering for every kind of recipient, and bad requests."""

from __future__ import annotations

import pytest

from domain.eligibility import (
    QuotaContender,
    allocate_quota,
    check_eligibility,
    preference_tier,
    rank_for_quota,
)
from domain.rules import UnknownAward
from domain.thresholds import Threshold
from domain.vocabulary import AwardKind, Gender, NomineeKind

from .builders import collective, held, household, person, ratings, request

SEVENTY = Threshold(70, 100)


def individual(key: str, gender: Gender, score: float = 10) -> QuotaContender:
    return QuotaContender(key=key, kind=NomineeKind.INDIVIDUAL, score=score, gender=gender)


def group(key: str, members: int, women: int, score: float = 10) -> QuotaContender:
    return QuotaContender(key=key, kind=NomineeKind.COLLECTIVE, score=score, members=members, women=women)


def test_ties_go_to_women() -> None:
    ranked = rank_for_quota([individual("anh-hung", Gender.MALE), individual("chi-lan", Gender.FEMALE)])
    assert [c.key for c in ranked] == ["chi-lan", "anh-hung"]


def test_ties_between_collectives_go_to_those_with_70_percent_women() -> None:
    ranked = rank_for_quota([group("to-1", 10, 6), group("to-2", 10, 7), group("to-3", 20, 13)], women_share=SEVENTY)
    assert [c.key for c in ranked] == ["to-2", "to-1", "to-3"]  # 70% first; 60% and 65% keep their order


def test_preference_only_breaks_ties() -> None:
    ranked = rank_for_quota([individual("chi-lan", Gender.FEMALE, score=8), individual("anh-hung", Gender.MALE, score=9)])
    assert [c.key for c in ranked] == ["anh-hung", "chi-lan"]


def test_women_come_before_collectives_then_the_rest() -> None:
    entries = [group("phong", 10, 3), group("hoi-phu-nu", 10, 9), individual("chi-mai", Gender.FEMALE)]
    assert [preference_tier(e, SEVENTY) for e in entries] == [2, 1, 0]
    assert [c.key for c in rank_for_quota(entries)] == ["chi-mai", "hoi-phu-nu", "phong"]


def test_allocate_a_capped_quota() -> None:
    entries = [
        individual("anh-binh", Gender.MALE, 9),
        individual("anh-hung", Gender.MALE, 8),
        individual("chi-lan", Gender.FEMALE, 8),
    ]
    selected, waiting = allocate_quota(entries, 2)
    assert [c.key for c in selected] == ["anh-binh", "chi-lan"]
    assert [c.key for c in waiting] == ["anh-hung"]
    assert allocate_quota(entries, 0) == ((), tuple(rank_for_quota(entries)))


def test_the_women_share_comes_from_the_rule_set(catalogues) -> None:
    rule_set = catalogues[None].get("nd152-2025")
    assert rule_set.women_preference_share == SEVENTY
    assert rule_set.article("tie_break") == "NĐ 152/2025, Điều 4"


@pytest.mark.parametrize("kind", list(NomineeKind))
def test_every_award_answers_for_every_kind_of_recipient(catalogues, kind: NomineeKind) -> None:
    candidate = {NomineeKind.INDIVIDUAL: person(), NomineeKind.COLLECTIVE: collective(), NomineeKind.HOUSEHOLD: household()}[kind]
    for override, catalogue in catalogues.items():
        for rule_set in catalogue.rule_sets:
            for code, award in rule_set.awards.items():
                verdict = check_eligibility(request(candidate, code, rule_set.effective_from.year), rule_set)
                assert verdict.reasons[0].code == "recipient_kind"
                assert verdict.reasons[0].met is (kind in award.recipients), (override, rule_set.id, code)
                # A candidate with no history is never eligible for anything
                assert not verdict.eligible, (override, rule_set.id, code, kind)
                for reason in verdict.reasons:
                    assert reason.message_vi and reason.message_en and reason.article


def test_revoked_awards_are_listed_as_not_counted(catalogues) -> None:
    candidate = person(awards=[held("cstdcs", 2025, revoked=True), held("giay_khen", 2025, AwardKind.CAMPAIGN)])
    verdict = check_eligibility(request(candidate, "ldtt"), catalogues[None].get("nd152-2025"))
    note = verdict.reason("merit_history_only")
    assert note.met
    assert "Chiến sĩ thi đua cơ sở 2025 (đã bị hủy bỏ)" in note.message_vi
    assert "(phong trào thi đua/chuyên đề)" in note.message_vi


def test_a_revoked_title_does_not_block_the_same_title_again(catalogues) -> None:
    candidate = person(evaluations=ratings("good", 2026), awards=[held("ldtt", 2026, revoked=True)])
    assert check_eligibility(request(candidate, "ldtt"), catalogues[None].get("nd152-2025")).eligible


def test_an_award_unknown_to_the_rule_set_is_an_error(catalogues) -> None:
    with pytest.raises(UnknownAward) as caught:
        check_eligibility(request(person(), "anh_hung_lao_dong"), catalogues[None].get("nd152-2025"))
    assert caught.value.message_vi == "Bộ quy tắc nd152-2025 không có danh hiệu/hình thức 'anh_hung_lao_dong'"
