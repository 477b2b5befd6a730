"""The catalogue files: what they say, how the city override changes them, that rules
change by editing data only, and that a malformed file is refused with its file and key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import temporalio.converter

from domain.calendar import Duration
from domain.catalogue import CatalogueError, load_catalogue
from domain.eligibility import EligibilityRequest, Verdict, check_eligibility
from domain.rules import AwardRule, ExtensionRule, UnknownAward, UnknownRuleSet
from domain.thresholds import Threshold
from domain.vocabulary import Level, NomineeKind, VoteRule
from thidua.catalogue_store import get_catalogue

from .builders import collective, members, person, ratings, request, titles
from .conftest import CATALOGUE_DIR, replace_once

pytestmark = pytest.mark.fast

AWARD_CODES = {
    "ldtt",
    "cstdcs",
    "ttldtt",
    "tdp_van_hoa",
    "gd_van_hoa",
    "giay_khen",
    "ttldxs",
    "cstd_thanh_pho",
    "bang_khen_thanh_pho",
    "co_thi_dua_thanh_pho",
    "bang_khen_thu_tuong",
    "cstd_toan_quoc",
    "huan_chuong_ld_hang_ba",
}
WARD_DECIDED = {"ldtt", "cstdcs", "ttldtt", "tdp_van_hoa", "gd_van_hoa", "giay_khen"}
CITY_DECIDED = {"ttldxs", "cstd_thanh_pho", "bang_khen_thanh_pho", "co_thi_dua_thanh_pho"}
CENTRAL_DECIDED = {"bang_khen_thu_tuong", "cstd_toan_quoc", "huan_chuong_ld_hang_ba"}
DISTRICT_DECIDED_BEFORE_REFORM = {"cstdcs", "ttldtt", "tdp_van_hoa"}  # Law Art. 80(2)


# -- the real catalogue ------------------------------------------------------------------


def test_two_rule_sets_in_date_order(catalogues) -> None:
    catalogue = catalogues[None]
    assert [r.id for r in catalogue.rule_sets] == ["nd98-2023", "nd152-2025"]
    nd98, nd152 = catalogue.rule_sets
    assert (nd98.effective_from, nd98.effective_to) == (date(2024, 1, 1), date(2025, 6, 30))
    assert (nd152.effective_from, nd152.effective_to) == (date(2025, 7, 1), None)
    for rule_set in catalogue.rule_sets:
        assert set(rule_set.awards) == AWARD_CODES
        assert rule_set.base_salary_vnd == 2_340_000
        assert rule_set.reminder_working_days == (3, 0)
        assert rule_set.women_preference_share == Threshold(70, 100)
        assert rule_set.override is None


def test_the_rule_set_in_force_on_a_date(catalogues) -> None:
    catalogue = catalogues[None]
    assert catalogue.in_force(date(2024, 3, 1)).id == "nd98-2023"
    assert catalogue.in_force(date(2025, 6, 30)).id == "nd98-2023"
    assert catalogue.in_force(date(2025, 7, 1)).id == "nd152-2025"
    assert catalogue.in_force(date(2030, 12, 31)).id == "nd152-2025"
    with pytest.raises(UnknownRuleSet) as caught:
        catalogue.in_force(date(2023, 12, 31))
    assert "2023-12-31" in caught.value.message_en
    assert "31/12/2023" in caught.value.message_vi


def test_lookups(catalogues) -> None:
    catalogue = catalogues[None]
    assert catalogue.get("nd152-2025").title.startswith("Nghị định 152/2025")
    assert catalogue.award("nd152-2025", "cstdcs").name_vi == "Chiến sĩ thi đua cơ sở"
    with pytest.raises(UnknownRuleSet, match="nd99"):
        catalogue.get("nd99")
    with pytest.raises(UnknownAward) as caught:
        catalogue.award("nd152-2025", "anh_hung")
    assert "anh_hung" in caught.value.message_vi
    assert set(catalogue.award_codes) == AWARD_CODES


def test_chains_run_from_the_ward_to_the_deciding_level(catalogues) -> None:
    nd98, nd152 = catalogues[None].rule_sets
    for code, award in nd152.awards.items():
        levels = [step.level for step in award.chain]
        if code in WARD_DECIDED:
            assert levels == [Level.WARD] and award.deciding_level == Level.WARD
            assert award.deciding_authority_vi == "Chủ tịch Ủy ban nhân dân phường"
        elif code in CITY_DECIDED:
            assert levels == [Level.WARD, Level.CITY] and award.deciding_level == Level.CITY
        else:
            assert code in CENTRAL_DECIDED
            assert levels == [Level.WARD, Level.CITY, Level.CENTRAL]
    # Before 1 July 2025 the district decided CSTĐCS, TTLĐTT and TDP văn hóa and sat
    # between the ward and the city.
    for code, award in nd98.awards.items():
        levels = [step.level for step in award.chain]
        if code in DISTRICT_DECIDED_BEFORE_REFORM:
            assert levels == [Level.WARD, Level.DISTRICT]
            assert award.deciding_authority_vi == "Chủ tịch Ủy ban nhân dân quận"
        elif code in WARD_DECIDED:
            assert levels == [Level.WARD]
        else:
            assert levels[:3] == [Level.WARD, Level.DISTRICT, Level.CITY]


def test_councils_and_ballots(catalogues) -> None:
    nd152 = catalogues[None].get("nd152-2025")
    cstdcs = nd152.awards["cstdcs"].level_rule(Level.WARD).council
    assert cstdcs.vote == VoteRule.SECRET_BALLOT
    assert cstdcs.threshold == Threshold(80, 100)
    assert cstdcs.threshold.met_by(4, 5) and not cstdcs.threshold.met_by(3, 5)  # of ALL members
    assert cstdcs.quorum == Threshold(2, 3)
    for code in ("cstd_thanh_pho", "cstd_toan_quoc"):
        city = nd152.awards[code].level_rule(Level.CITY).council
        assert (city.vote, city.threshold, city.quorum) == (
            VoteRule.SECRET_BALLOT,
            Threshold(90, 100),
            Threshold(80, 100),
        )
    assert nd152.awards["ldtt"].chain[0].council.vote == VoteRule.MAJORITY
    assert nd152.awards["ldtt"].chain[0].council.threshold == Threshold(1, 2, strict=True)
    assert nd152.awards["gd_van_hoa"].chain[0].council.vote == VoteRule.NONE
    nd98 = catalogues[None].get("nd98-2023")
    assert nd98.awards["cstdcs"].level_rule(Level.DISTRICT).council.threshold == Threshold(80, 100)


def test_time_limits_and_public_notice(catalogues) -> None:
    nd152 = catalogues[None].get("nd152-2025")
    for code in ("ldtt", "cstdcs"):
        assert nd152.awards[code].chain[0].processing == Duration(20, working=True)
        assert nd152.awards[code].chain[0].public_notice is None
    for code in ("gd_van_hoa", "tdp_van_hoa"):
        ward = nd152.awards[code].chain[0]
        assert ward.processing == Duration(10, working=False)
        assert ward.public_notice == Duration(10, working=False)
    for code in ("cstd_toan_quoc", "huan_chuong_ld_hang_ba"):
        assert nd152.awards[code].level_rule(Level.CITY).public_notice == Duration(10, working=True)
    central = nd152.awards["bang_khen_thu_tuong"].level_rule(Level.CENTRAL)
    assert central.completeness_check == Duration(5, working=True)  # returned within 5 working days
    assert central.processing == Duration(20, working=True)


def test_dossiers(catalogues) -> None:
    nd152 = catalogues[None].get("nd152-2025")
    items = nd152.dossier_items
    for code in (
        "to_trinh",
        "bao_cao_thanh_tich",
        "bien_ban_binh_xet",
        "xac_nhan_sang_kien",
        "ket_qua_danh_gia",
        "danh_sach_ho_gia_dinh",
    ):
        assert items[code].name_vi and items[code].name_en
    ward = nd152.awards["cstdcs"].chain[0]
    assert ward.missing_dossier({"to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"}) == (
        ("xac_nhan_sang_kien", "ket_qua_danh_gia"),
    )
    assert (
        ward.missing_dossier(
            {"to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "ket_qua_danh_gia"}
        )
        == ()
    )
    assert ward.missing_dossier({"ket_qua_danh_gia"}) == (
        ("to_trinh",),
        ("bao_cao_thanh_tich",),
        ("bien_ban_binh_xet",),
    )
    assert "danh_sach_ho_gia_dinh" in nd152.awards["gd_van_hoa"].chain[0].required_dossier


def test_cash_and_legal_bases(catalogues) -> None:
    nd152 = catalogues[None].get("nd152-2025")
    base = nd152.base_salary_vnd
    assert nd152.awards["cstdcs"].cash_vnd(NomineeKind.INDIVIDUAL, base) == 2_340_000
    assert nd152.awards["ldtt"].cash_vnd(NomineeKind.INDIVIDUAL, base) == 702_000
    assert nd152.awards["ttldtt"].cash_vnd(NomineeKind.COLLECTIVE, base) == 1_872_000
    assert nd152.awards["giay_khen"].cash_vnd(NomineeKind.COLLECTIVE, base) == 1_404_000
    assert (
        nd152.awards["gd_van_hoa"].cash_vnd(NomineeKind.HOUSEHOLD, base) is None
    )  # none found [U]
    bases = " ".join(nd152.legal_bases)
    for text in (
        "72/2025/QH15",
        "06/2022/QH15",
        "152/2025/NĐ-CP",
        "129/2025/NĐ-CP",
        "15/2025/TT-BNV",
    ):
        assert text in bases
    assert all(line.startswith("Căn cứ") and line.endswith(";") for line in nd152.legal_bases)
    assert "98/2023/NĐ-CP" in " ".join(catalogues[None].get("nd98-2023").legal_bases)


# -- the city override -------------------------------------------------------------------


def test_hai_phong_changes_dossiers_and_time_limits_only(catalogues) -> None:
    base, city = catalogues[None].get("nd152-2025"), catalogues["hai-phong"].get("nd152-2025")
    assert city.override == "hai-phong"
    assert city.source_files == ("catalogue/nd152-2025.yaml", "catalogue/overrides/hai-phong.yaml")
    assert city.legal_bases[: len(base.legal_bases)] == base.legal_bases
    assert "3998/QĐ-UBND" in city.legal_bases[-1]

    assert city.awards["ldtt"].chain[0].required_dossier == (
        "to_trinh",
        "bao_cao_thanh_tich",
        "bien_ban_binh_xet",
        "ket_qua_danh_gia",
    )
    assert city.awards["cstdcs"].chain[0].completeness_check == Duration(2, working=True)
    assert city.awards["cstdcs"].chain[0].resubmission == Duration(5, working=True)
    assert city.awards["giay_khen"].chain[0].processing == Duration(15, working=True)
    assert base.awards["giay_khen"].chain[0].processing == Duration(20, working=True)
    for code, award in city.awards.items():
        assert award.criteria == base.awards[code].criteria
        assert award.cash_multiples == base.awards[code].cash_multiples
        for step, base_step in zip(award.chain, base.awards[code].chain, strict=True):
            assert step.council == base_step.council  # thresholds are set by law
    # The override applies to Decree 152 only
    assert catalogues["hai-phong"].get("nd98-2023") == catalogues[None].get("nd98-2023")


# -- rules are data ----------------------------------------------------------------------


def test_changing_a_threshold_needs_only_the_data_file(catalogue_copy: Path, catalogues) -> None:
    rule_file = catalogue_copy / "nd152-2025.yaml"
    replace_once(
        rule_file,
        'member_title_share: {award: ldtt, at_least: "≥70%"}   # [S: BN86 Art. 4.2]',
        'member_title_share: {award: ldtt, at_least: "≥60%"}   # changed',
    )
    replace_once(
        rule_file,
        'council: {vote: secret_ballot, threshold: "≥80%", quorum: "≥2/3"}',
        'council: {vote: secret_ballot, threshold: "≥75%", quorum: "≥2/3"}',
    )
    changed = load_catalogue(catalogue_copy).get("nd152-2025")

    council = changed.awards["cstdcs"].chain[0].council
    assert council.threshold == Threshold(75, 100)
    assert council.threshold.met_by(3, 4)  # would fail at 80%

    six_of_ten = request(
        collective(evaluations=ratings("good", 2026), years=[members(2026, 10, ldtt=6)]), "ttldtt"
    )
    assert check_eligibility(six_of_ten, changed).eligible
    verdict = check_eligibility(six_of_ten, catalogues[None].get("nd152-2025"))
    assert not verdict.eligible
    assert "yêu cầu ≥ 70%" in verdict.reason("member_title_share").message_vi


NEW_AWARD = """
  tdp_tieu_bieu:
    name_vi: Tổ dân phố tiêu biểu
    name_en: Exemplary Residential Group
    category: title
    kind: merit
    recipients: [collective]
    deciding_level: ward
    deciding_authority_vi: Chủ tịch Ủy ban nhân dân phường
    deciding_authority_en: Chairman of the ward People's Committee
    legal_basis: ["Quy định thí điểm của phường"]
    yearly: true
    cash: {collective: 1.0}
    criteria:
      - consecutive_titles: {award: tdp_van_hoa, count: 3}
    chain:
      - level: ward
        required_dossier: [to_trinh, bao_cao_thanh_tich, bien_ban_binh_xet]
"""


def test_adding_an_award_needs_only_the_data_file(catalogue_copy: Path) -> None:
    rule_file = catalogue_copy / "nd152-2025.yaml"
    rule_file.write_text(rule_file.read_text(encoding="utf-8") + NEW_AWARD, encoding="utf-8")
    catalogue = load_catalogue(catalogue_copy, "hai-phong")
    award = catalogue.award("nd152-2025", "tdp_tieu_bieu")
    assert award.name_vi == "Tổ dân phố tiêu biểu"
    assert award.chain[0].processing == Duration(20, working=True)  # from level_defaults

    group = "Tổ dân phố số 5"
    three_years = request(
        collective(group, awards=titles("tdp_van_hoa", 2024, 2025, 2026)), "tdp_tieu_bieu"
    )
    two_years = request(
        collective(group, awards=titles("tdp_van_hoa", 2025, 2026)), "tdp_tieu_bieu"
    )
    rule_set = catalogue.get("nd152-2025")
    assert check_eligibility(three_years, rule_set).eligible
    verdict = check_eligibility(two_years, rule_set)
    assert not verdict.eligible
    assert (
        "Cần 3 năm liên tục đạt Tổ dân phố văn hóa"
        in verdict.reason("consecutive_titles").message_vi
    )


def test_a_quota_set_by_an_override_caps_the_award(catalogue_copy: Path) -> None:
    replace_once(
        catalogue_copy / "overrides" / "hai-phong.yaml",
        "  cstdcs:\n    chain:",
        '  cstdcs:\n    quota: {at_most: "≤15%", of: ldtt, article: "Quy định thí điểm của thành phố"}\n    chain:',
    )
    rule_set = load_catalogue(catalogue_copy, "hai-phong").get("nd152-2025")
    from domain.eligibility import QuotaContext

    candidate = person(evaluations=ratings("excellent", 2026), awards=titles("ldtt", 2026))
    seat_left = check_eligibility(
        request(candidate, "cstdcs", quota=QuotaContext(pool=20, already_granted=2)), rule_set
    )
    assert seat_left.eligible
    assert "3 trên 20" in seat_left.reason("quota").message_vi
    full = check_eligibility(
        request(candidate, "cstdcs", quota=QuotaContext(pool=20, already_granted=3)), rule_set
    )
    assert [r.code for r in full.unmet] == ["quota"]
    assert full.reason("quota").article == "Quy định thí điểm của thành phố"
    unknown = check_eligibility(request(candidate, "cstdcs"), rule_set)
    assert [r.code for r in unknown.unmet] == ["quota"]


def test_whether_written_opinions_count_toward_the_quorum_is_a_rule_value(
    catalogue_copy: Path, catalogues
) -> None:
    # Not settled by the texts found (law-digest §3, §10): a value of each rule set, which
    # the city may set; the default keeps the engine's behaviour (present members only).
    for catalogue in catalogues.values():
        assert [r.quorum_counts_written_opinions for r in catalogue.rule_sets] == [False, False]
    replace_once(
        catalogue_copy / "overrides" / "hai-phong.yaml",
        "applies_to: [nd152-2025]\n",
        "applies_to: [nd152-2025]\nquorum_counts_written_opinions: true\n",
    )
    city = load_catalogue(catalogue_copy, "hai-phong")
    assert city.get("nd152-2025").quorum_counts_written_opinions is True
    assert city.get("nd98-2023").quorum_counts_written_opinions is False  # not an override target
    replace_once(
        catalogue_copy / "nd98-2023.yaml",
        "quorum_counts_written_opinions: false\n",
        "quorum_counts_written_opinions: true\n",
    )
    assert load_catalogue(catalogue_copy).get("nd98-2023").quorum_counts_written_opinions is True
    replace_once(
        catalogue_copy / "nd98-2023.yaml",
        "quorum_counts_written_opinions: true\n",
        "quorum_counts_written_opinions: có\n",
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy)
    assert caught.value.key == "quorum_counts_written_opinions"


def test_how_far_a_deadline_may_be_extended_is_a_rule_value(
    catalogue_copy: Path, catalogues
) -> None:
    # No source allows open-ended extensions (law-digest §10): once per time limit, by at
    # most the limit itself, unless the city sets otherwise.
    for catalogue in catalogues.values():
        assert {r.deadline_extensions for r in catalogue.rule_sets} == {ExtensionRule(1, 100)}
    rule = ExtensionRule(times=1, percent_of_limit=100)
    ask = {"time_limit": "processing", "limit_working_days": 20}
    assert rule.refusal(**ask, times_used=0, days_used=0, requested=20) is None
    too_long = rule.refusal(**ask, times_used=0, days_used=0, requested=21)
    assert too_long is not None and not too_long.too_often
    assert too_long.message_vi.startswith("Chỉ được gia hạn thêm tối đa 20 ngày làm việc")
    again = rule.refusal(**ask, times_used=1, days_used=5, requested=1)
    assert again is not None and again.too_often and "đã được gia hạn 1 lần" in again.message_vi
    never = ExtensionRule(times=0).refusal(**ask, times_used=0, days_used=0, requested=1)
    assert never is not None and "không được gia hạn" in never.message_vi
    halves = ExtensionRule(times=2, percent_of_limit=50)
    assert halves.refusal(**ask, times_used=1, days_used=6, requested=4) is None
    assert halves.refusal(**ask, times_used=1, days_used=6, requested=5) is not None

    replace_once(
        catalogue_copy / "overrides" / "hai-phong.yaml",
        "applies_to: [nd152-2025]\n",
        "applies_to: [nd152-2025]\ndeadline_extensions: {times: 2, percent_of_limit: 50}\n",
    )
    city = load_catalogue(catalogue_copy, "hai-phong")
    assert city.get("nd152-2025").deadline_extensions == ExtensionRule(2, 50)
    assert city.get("nd98-2023").deadline_extensions == ExtensionRule(1, 100)
    replace_once(catalogue_copy / "nd98-2023.yaml", "  times: 1\n", "  times: -1\n")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy)
    assert caught.value.key == "deadline_extensions.times"


# -- malformed files ---------------------------------------------------------------------


@dataclass(frozen=True)
class Malformed:
    id: str
    file: str  # relative to the catalogue folder
    old: str
    new: str
    key: str  # the key path the error must name ("line" for YAML syntax errors)
    problem: str  # a fragment of the problem
    override: str | None = None


MALFORMED = [
    Malformed(
        "threshold-typo",
        "nd152-2025.yaml",
        'council: {vote: secret_ballot, threshold: "≥80%", quorum: "≥2/3"}',
        'council: {vote: secret_ballot, threshold: "≥ 8O%", quorum: "≥2/3"}',
        "awards.cstdcs.chain[0].council.threshold",
        "'≥ 8O%' is not a threshold such as '≥80%'",
    ),
    Malformed(
        "misspelt-key",
        "nd152-2025.yaml",
        'council: {vote: secret_ballot, threshold: "≥80%", quorum: "≥2/3"}',
        'council: {vote: secret_ballot, threshhold: "≥80%", quorum: "≥2/3"}',
        "awards.cstdcs.chain[0].council.threshhold",
        "unknown key",
    ),
    Malformed(
        "missing-key",
        "nd152-2025.yaml",
        "    name_en: Advanced Worker\n",
        "",
        "awards.ldtt.name_en",
        "missing",
    ),
    Malformed(
        "wrong-type",
        "nd152-2025.yaml",
        "base_salary_vnd: 2340000",
        "base_salary_vnd: hai triệu",
        "base_salary_vnd",
        "expected a whole number",
    ),
    Malformed(
        "unknown-award-in-criteria",
        "nd152-2025.yaml",
        "title_in_year: {award: ldtt}",
        "title_in_year: {award: ldt}",
        "awards.cstdcs.criteria[0].title_in_year.award",
        "unknown award code 'ldt'",
    ),
    Malformed(
        "unknown-dossier-item",
        "nd152-2025.yaml",
        "required_dossier: [to_trinh, bao_cao_thanh_tich, bien_ban_binh_xet]   # [S: Cần Thơ]",
        "required_dossier: [to_trinhh, bao_cao_thanh_tich, bien_ban_binh_xet]   # [S: Cần Thơ]",
        "awards.ldtt.chain[0].required_dossier[0]",
        "unknown dossier item 'to_trinhh'",
    ),
    Malformed(
        "bad-duration-in-defaults",
        "nd152-2025.yaml",
        "    processing: 20 working days           # [S] from",
        "    processing: twenty working days   # [S] from",
        "level_defaults.ward.processing",
        "is not a duration such as '20 working days'",
    ),
    Malformed(
        "bad-duration-at-a-step",
        "nd152-2025.yaml",
        "processing: 10 days               # decision within 10 days [S: NĐ 86] §4–5",
        "processing: 10 ngày",
        "awards.tdp_van_hoa.chain[0].processing",
        "'10 ngày' is not a duration",
    ),
    Malformed(
        "chain-stops-short",
        "nd152-2025.yaml",
        """      - level: city
        # ≥90% of ALL members, secret ballot [S: NĐ 98 Art. 30(7); HN71 still applies it, U after 7/2025] §3
        council: {vote: secret_ballot, threshold: "≥90%", quorum: "≥80%"}
        required_dossier: [to_trinh, bao_cao_thanh_tich, bien_ban_hoi_dong, xac_nhan_sang_kien]
""",
        "",
        "awards.cstd_thanh_pho.chain",
        "the chain ends at ward but the award is decided at city",
    ),
    Malformed(
        "overlapping-dates",
        "nd152-2025.yaml",
        "effective_from: 2025-07-01",
        "effective_from: 2025-06-01",
        "effective_from",
        "overlaps rule set nd98-2023",
    ),
    Malformed(
        "unknown-vote",
        "nd152-2025.yaml",
        "council: {vote: none}             # group meeting",
        "council: {vote: unanimous}  # group meeting",
        "awards.gd_van_hoa.chain[0].council.vote",
        "is not one of: none, majority, secret_ballot",
    ),
    Malformed(
        "unknown-predicate",
        "nd152-2025.yaml",
        "- no_discipline: {at_least: reprimand}",
        "- no_dicipline: {at_least: reprimand}",
        "awards.ldtt.criteria[1].no_dicipline",
        "unknown predicate",
    ),
    Malformed(
        "collective-predicate-for-individuals",
        "nd152-2025.yaml",
        "- no_discipline: {at_least: reprimand}",
        '- member_share: {of: women, at_least: "≥50%"}',
        "awards.ldtt.criteria[1]",
        "'member_share' applies to collective only",
    ),
    Malformed(
        "duplicate-reason-code",
        "nd152-2025.yaml",
        "            code: research\n",
        "            code: initiative\n",
        "awards.cstdcs.criteria[1].any_of[2]",
        "duplicate reason code 'initiative'",
    ),
    Malformed(
        "id-not-file-name",
        "nd152-2025.yaml",
        "id: nd152-2025",
        "id: nd152",
        "id",
        "must match the file name",
    ),
    Malformed(
        "yaml-syntax",
        "nd152-2025.yaml",
        'council: {vote: secret_ballot, threshold: "≥80%", quorum: "≥2/3"}',
        'council: {vote: secret_ballot, threshold: "≥80%", quorum: "≥2/3"',
        "line",
        "not valid YAML",
    ),
    Malformed(
        "duplicate-key",
        "nd152-2025.yaml",
        "    short_name: LĐTT\n",
        "    short_name: LĐTT\n    short_name: LĐTT 2\n",
        "line",
        "duplicate key 'short_name'",
    ),
    Malformed(
        "nd98-date",
        "nd98-2023.yaml",
        "effective_to: 2025-06-30",
        "effective_to: 30/06/2025",
        "effective_to",
        "expected a date such as 2025-07-01",
    ),
    Malformed(
        "dossier-item-name",
        "dossier-items.yaml",
        "    name_en: Opinion of the Party committee",
        "",
        "items.y_kien_cap_uy.name_en",
        "missing",
    ),
    Malformed(
        "override-unknown-award",
        "overrides/hai-phong.yaml",
        "  giay_khen:\n",
        "  giay_khenn:\n",
        "awards.giay_khenn",
        "unknown award 'giay_khenn' in rule set nd152-2025",
        "hai-phong",
    ),
    Malformed(
        "override-changes-a-threshold",
        "overrides/hai-phong.yaml",
        "        resubmission: 5 working days          # [U]",
        '        resubmission: 5 working days\n        council: {vote: secret_ballot, threshold: "≥70%", quorum: "≥2/3"}',
        "awards.cstdcs.chain.ward.council",
        "cannot change council votes or thresholds",
        "hai-phong",
    ),
    Malformed(
        "override-changes-criteria",
        "overrides/hai-phong.yaml",
        "  ldtt:\n    chain:",
        "  ldtt:\n    criteria: []\n    chain:",
        "awards.ldtt.criteria",
        "criteria, thresholds and cash are set by law",
        "hai-phong",
    ),
    Malformed(
        "override-touches-a-city-award",
        "overrides/hai-phong.yaml",
        "  ldtt:\n",
        "  cstd_thanh_pho:\n    chain:\n      city:\n        processing: 30 working days\n  ldtt:\n",
        "awards.cstd_thanh_pho",
        "titles a ward decides only",
        "hai-phong",
    ),
    Malformed(
        "override-bad-duration",
        "overrides/hai-phong.yaml",
        "processing: 15 working days",
        "processing: 15 wd",
        "awards.giay_khen.chain.ward.processing",
        "'15 wd' is not a duration",
        "hai-phong",
    ),
]


@pytest.mark.parametrize("bad", MALFORMED, ids=[m.id for m in MALFORMED])
def test_a_malformed_file_is_refused_naming_file_and_key(
    bad: Malformed, catalogue_copy: Path
) -> None:
    replace_once(catalogue_copy / bad.file, bad.old, bad.new)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy, bad.override)
    error = caught.value
    assert error.file == f"catalogue/{bad.file}"
    if bad.key == "line":
        assert error.key.startswith("line ")
    else:
        assert error.key == bad.key
    assert bad.problem in error.problem
    assert str(error).startswith(f"catalogue/{bad.file}: {error.key}: ")


def test_an_unknown_override_is_refused(catalogue_copy: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(catalogue_copy, "ha-noi")
    assert caught.value.file == "catalogue/overrides/ha-noi.yaml"
    assert "known: hai-phong" in caught.value.problem


def test_the_engine_refuses_to_start_on_a_malformed_catalogue(catalogue_copy: Path) -> None:
    replace_once(
        catalogue_copy / "nd152-2025.yaml",
        "kind: merit\n    recipients: [individual]\n    deciding_level: ward\n"
        "    deciding_authority_vi: Chủ tịch Ủy ban nhân dân phường\n    deciding_authority_en: Chairman of the ward "
        'People\'s Committee\n    legal_basis: ["Luật TĐKT 2022, Điều 24"',
        "kind: merits\n    recipients: [individual]\n    deciding_level: ward\n"
        "    deciding_authority_vi: Chủ tịch Ủy ban nhân dân phường\n    deciding_authority_en: Chairman of the ward "
        'People\'s Committee\n    legal_basis: ["Luật TĐKT 2022, Điều 24"',
    )
    with pytest.raises(
        CatalogueError, match=r"catalogue/nd152-2025.yaml: awards.ldtt.kind: 'merits' is not one of"
    ):
        get_catalogue(str(catalogue_copy), "hai-phong")


def test_get_catalogue_loads_once() -> None:
    first = get_catalogue(str(CATALOGUE_DIR), "hai-phong")
    assert get_catalogue(str(CATALOGUE_DIR), "hai-phong") is first
    assert first.override == "hai-phong"
    assert get_catalogue(str(CATALOGUE_DIR), "").override is None


# -- workflow payloads -------------------------------------------------------------------


def test_award_rules_and_verdicts_travel_through_temporal_payloads(catalogues) -> None:
    """Workflows receive award rules and eligibility inputs and outputs as payloads:
    Temporal's default converter must rebuild them unchanged."""
    converter = temporalio.converter.DataConverter.default.payload_converter
    for rule_set in catalogues["hai-phong"].rule_sets:
        for award in rule_set.awards.values():
            (back,) = converter.from_payloads(converter.to_payloads([award]), [AwardRule])
            assert back == award
    req = request(person(evaluations=ratings("excellent", 2026)), "cstdcs", batch=["ldtt"])
    verdict = check_eligibility(req, catalogues[None].get("nd152-2025"))
    (req_back, verdict_back) = converter.from_payloads(
        converter.to_payloads([req, verdict]), [EligibilityRequest, Verdict]
    )
    assert req_back == req
    assert verdict_back == verdict
