"""Principles that are not one case each: tie-breaking for a capped quota, every award
answering for every kind of recipient, and bad requests."""

from __future__ import annotations

import pytest

from domain.eligibility import (
    QuotaContender,
    allocate_quota,
    check_eligibility,
    explain_quota_ranking,
    preference_tier,
    rank_for_quota,
)
from domain.rules import UnknownAward
from domain.thresholds import Threshold
from domain.vocabulary import AwardKind, Gender, NomineeKind

from .builders import collective, held, household, person, ratings, request

pytestmark = pytest.mark.fast

SEVENTY = Threshold(70, 100)


def individual(key: str, gender: Gender, score: float = 10) -> QuotaContender:
    return QuotaContender(key=key, kind=NomineeKind.INDIVIDUAL, score=score, gender=gender)


def group(key: str, members: int, women: int, score: float = 10) -> QuotaContender:
    return QuotaContender(
        key=key, kind=NomineeKind.COLLECTIVE, score=score, members=members, women=women
    )


def test_ties_go_to_women() -> None:
    ranked = rank_for_quota(
        [individual("anh-hung", Gender.MALE), individual("chi-lan", Gender.FEMALE)]
    )
    assert [c.key for c in ranked] == ["chi-lan", "anh-hung"]


def test_ties_between_collectives_go_to_those_with_70_percent_women() -> None:
    ranked = rank_for_quota(
        [group("to-1", 10, 6), group("to-2", 10, 7), group("to-3", 20, 13)], women_share=SEVENTY
    )
    assert [c.key for c in ranked] == [
        "to-2",
        "to-1",
        "to-3",
    ]  # 70% first; 60% and 65% keep their order


def test_preference_only_breaks_ties() -> None:
    ranked = rank_for_quota(
        [
            individual("chi-lan", Gender.FEMALE, score=8),
            individual("anh-hung", Gender.MALE, score=9),
        ]
    )
    assert [c.key for c in ranked] == ["anh-hung", "chi-lan"]


def test_women_and_collectives_with_70_percent_women_share_one_tier() -> None:
    # Decree 152 Art. 4 prefers women or collectives with ≥ 70% women, with no order
    # between the two: both are preferred alike, and the given order decides among them.
    entries = [
        group("phong", 10, 3),
        group("hoi-phu-nu", 10, 9),
        individual("chi-mai", Gender.FEMALE),
    ]
    assert [preference_tier(e, SEVENTY) for e in entries] == [1, 0, 0]
    assert [c.key for c in rank_for_quota(entries)] == ["hoi-phu-nu", "chi-mai", "phong"]


def test_inside_one_tier_the_earlier_submission_comes_first() -> None:
    later_woman = QuotaContender(
        key="chi-lan",
        kind=NomineeKind.INDIVIDUAL,
        gender=Gender.FEMALE,
        submitted="2026-12-03T02:00:00+00:00",
    )
    earlier_group = QuotaContender(
        key="hoi-phu-nu",
        kind=NomineeKind.COLLECTIVE,
        members=10,
        women=8,
        submitted="2026-12-02T02:00:00+00:00",
    )
    assert [c.key for c in rank_for_quota([later_woman, earlier_group])] == [
        "hoi-phu-nu",
        "chi-lan",
    ]


def test_the_ranking_says_why_one_candidate_comes_before_another() -> None:
    def contender(key, name, kind, score, submitted, **facts):
        return QuotaContender(
            key=key,
            name=name,
            kind=kind,
            score=score,
            submitted=f"2026-12-0{submitted}T02:00:00+00:00",
            **facts,
        )

    ranked = explain_quota_ranking(
        [
            contender("hung", "Lê Văn Hùng", NomineeKind.INDIVIDUAL, 4, 1, gender=Gender.MALE),
            contender("lan", "Nguyễn Thị Lan", NomineeKind.INDIVIDUAL, 4, 3, gender=Gender.FEMALE),
            contender("binh", "Trần Văn Bình", NomineeKind.INDIVIDUAL, 5, 4, gender=Gender.MALE),
            contender("hoi", "Chi hội Phụ nữ", NomineeKind.COLLECTIVE, 4, 2, members=10, women=8),
        ],
        seats=2,
        women_share=SEVENTY,
        article="NĐ 152/2025, Điều 4",
        score_vi="phiếu đồng ý",
        score_en="votes in favour",
    )
    assert [r.contender.key for r in ranked] == ["binh", "hoi", "lan", "hung"]
    assert [r.position for r in ranked] == [1, 2, 3, 4]
    assert [r.within_quota for r in ranked] == [True, True, False, False]
    assert [r.preference_vi for r in ranked] == ["", "Tập thể có 80% nữ (từ 70% trở lên)", "Nữ", ""]
    assert ranked[0].reason_vi == "Xếp trước Chi hội Phụ nữ: nhiều phiếu đồng ý hơn (5 so với 4)"
    assert ranked[1].reason_vi == (
        "Xếp trước Nguyễn Thị Lan: cùng 4 phiếu đồng ý, cùng được ưu tiên (nữ và tập thể có từ 70% nữ "
        "ngang nhau, NĐ 152/2025, Điều 4); hồ sơ nộp trước (09:00 02/12/2026, so với 09:00 03/12/2026)"
    )
    assert ranked[2].reason_vi == (
        "Xếp trước Lê Văn Hùng: cùng 4 phiếu đồng ý; ưu tiên: nữ (NĐ 152/2025, Điều 4)"
    )
    assert ranked[3].reason_vi == ""
    assert (
        ranked[2].reason_en
        == "ahead of Lê Văn Hùng: same 4 votes in favour; preferred: a woman (NĐ 152/2025, Điều 4)"
    )


def test_before_the_vote_the_ranking_rests_on_the_preference_alone() -> None:
    ranked = explain_quota_ranking(
        [
            QuotaContender(
                key="nam",
                name="Hoàng Văn Nam",
                kind=NomineeKind.INDIVIDUAL,
                gender=Gender.MALE,
                submitted="2026-12-01T02:00:00+00:00",
            ),
            QuotaContender(
                key="thuy",
                name="Đặng Thị Thủy",
                kind=NomineeKind.INDIVIDUAL,
                gender=Gender.FEMALE,
                submitted="2026-12-02T02:00:00+00:00",
            ),
        ],
        seats=1,
        women_share=SEVENTY,
        article="NĐ 152/2025, Điều 4",
    )
    assert [r.contender.key for r in ranked] == ["thuy", "nam"]
    assert ranked[0].reason_vi == "Xếp trước Hoàng Văn Nam: ưu tiên: nữ (NĐ 152/2025, Điều 4)"


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
    candidate = {
        NomineeKind.INDIVIDUAL: person(),
        NomineeKind.COLLECTIVE: collective(),
        NomineeKind.HOUSEHOLD: household(),
    }[kind]
    for override, catalogue in catalogues.items():
        for rule_set in catalogue.rule_sets:
            for code, award in rule_set.awards.items():
                verdict = check_eligibility(
                    request(candidate, code, rule_set.effective_from.year), rule_set
                )
                assert verdict.reasons[0].code == "recipient_kind"
                assert verdict.reasons[0].met is (kind in award.recipients), (
                    override,
                    rule_set.id,
                    code,
                )
                # A candidate with no history is never eligible for anything
                assert not verdict.eligible, (override, rule_set.id, code, kind)
                for reason in verdict.reasons:
                    assert reason.message_vi and reason.message_en and reason.article


def test_revoked_awards_are_listed_as_not_counted(catalogues) -> None:
    candidate = person(
        awards=[held("cstdcs", 2025, revoked=True), held("giay_khen", 2025, AwardKind.CAMPAIGN)]
    )
    verdict = check_eligibility(request(candidate, "ldtt"), catalogues[None].get("nd152-2025"))
    note = verdict.reason("merit_history_only")
    assert note.met
    assert "Chiến sĩ thi đua cơ sở 2025 (đã bị hủy bỏ)" in note.message_vi
    assert "(phong trào thi đua/chuyên đề)" in note.message_vi


def test_a_revoked_title_does_not_block_the_same_title_again(catalogues) -> None:
    candidate = person(evaluations=ratings("good", 2026), awards=[held("ldtt", 2026, revoked=True)])
    assert check_eligibility(
        request(candidate, "ldtt"), catalogues[None].get("nd152-2025")
    ).eligible


def test_an_award_unknown_to_the_rule_set_is_an_error(catalogues) -> None:
    with pytest.raises(UnknownAward) as caught:
        check_eligibility(
            request(person(), "anh_hung_lao_dong"), catalogues[None].get("nd152-2025")
        )
    assert (
        caught.value.message_vi
        == "Bộ quy tắc nd152-2025 không có danh hiệu/hình thức 'anh_hung_lao_dong'"
    )


def test_bang_khen_reasons_cite_point_d_of_article_74_1(catalogues) -> None:
    # Law 06/2022 Art. 74(1)(d): the reason cites the point, not only the clause.
    candidate = person(evaluations=ratings("excellent", 2025, 2026))
    for rule_set in catalogues[None].rule_sets:
        verdict = check_eligibility(
            request(candidate, "bang_khen_thanh_pho", rule_set.effective_from.year + 1), rule_set
        )
        assert (
            verdict.reason("excellent_with_initiatives").article == "Luật TĐKT 2022, Điều 74(1)(d)"
        )
