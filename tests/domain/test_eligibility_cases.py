"""The eligibility engine against the real catalogue: one case per rule it encodes.

Each case names the article it encodes, the rule set (and city override) it runs under,
the candidate's facts, and the expected verdict: eligible or not, exactly which top-level
reasons fail, and fragments the reasons must say. Every title and form of the catalogue
is covered under both rule sets; chains cross the 1 July 2025 boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.eligibility import EligibilityRequest, Reason, check_eligibility
from domain.vocabulary import AwardKind, Gender

from .builders import (
    collective,
    held,
    household,
    initiative,
    members,
    pending,
    person,
    ratings,
    request,
    titles,
)

pytestmark = pytest.mark.fast

ND98 = "nd98-2023"
ND152 = "nd152-2025"
HAI_PHONG = "hai-phong"


@dataclass(frozen=True)
class Case:
    id: str
    article: str  # the article the case encodes; some reason of the verdict cites it
    rule_set: str
    request: EligibilityRequest
    eligible: bool
    unmet: frozenset[str] = frozenset()  # exactly the top-level reasons that fail
    says: tuple[str, ...] = ()  # fragments some reason message must contain (vi or en)
    override: str | None = None


def case(
    id: str,
    article: str,
    rule_set: str,
    req: EligibilityRequest,
    *,
    eligible: bool,
    unmet: tuple[str, ...] = (),
    says: tuple[str, ...] = (),
    override: str | None = None,
) -> Case:
    return Case(id, article, rule_set, req, eligible, frozenset(unmet), says, override)


GOOD_2026 = ratings("good", 2026)
EXCELLENT_2026 = ratings("excellent", 2026)

CASES: list[Case] = [
    # -- Lao động tiên tiến (Law Art. 24) -----------------------------------------------
    case(
        "ldtt-good-rating",
        "Luật TĐKT 2022, Điều 24(1)",
        ND152,
        request(person(evaluations=GOOD_2026), "ldtt"),
        eligible=True,
        says=("Năm 2026 đạt Hoàn thành tốt nhiệm vụ",),
    ),
    case(
        "ldtt-only-completed",
        "Luật TĐKT 2022, Điều 24(1)",
        ND152,
        request(person(evaluations=ratings("completed", 2026)), "ldtt"),
        eligible=False,
        unmet=("rating",),
        says=("năm 2026 chỉ đạt Hoàn thành nhiệm vụ",),
    ),
    case(
        "ldtt-no-evaluation",
        "Luật TĐKT 2022, Điều 24(1)",
        ND152,
        request(person(evaluations=ratings("excellent", 2025)), "ldtt"),
        eligible=False,
        unmet=("rating",),
        says=("chưa có kết quả đánh giá năm 2026",),
    ),
    case(
        "ldtt-disciplined-that-year",
        "Luật TĐKT 2022, Điều 24(1)",
        ND152,
        request(person(evaluations=GOOD_2026, discipline={2026: "reprimand"}), "ldtt"),
        eligible=False,
        unmet=("no_discipline",),
        says=("Bị kỷ luật mức khiển trách năm 2026",),
    ),
    case(
        "ldtt-already-held-this-year",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        request(
            person(evaluations=GOOD_2026, awards=[held("ldtt", 2026, ref="QĐ số 5/QĐ-UBND")]),
            "ldtt",
        ),
        eligible=False,
        unmet=("yearly_title_once",),
        says=("Đã được tặng Lao động tiên tiến năm 2026",),
    ),
    case(
        "ldtt-not-for-collectives",
        "Luật TĐKT 2022, Điều 24",
        ND152,
        request(collective(evaluations=GOOD_2026), "ldtt"),
        eligible=False,
        unmet=("recipient_kind",),
        says=("chỉ xét tặng cho cá nhân",),
    ),
    case(
        "ldtt-nd98-2024",
        "Luật TĐKT 2022, Điều 24(1)",
        ND98,
        request(person(evaluations=ratings("good", 2024)), "ldtt", 2024),
        eligible=True,
    ),
    case(
        "ldtt-hai-phong",
        "Luật TĐKT 2022, Điều 24(1)",
        ND152,
        request(person(evaluations=GOOD_2026), "ldtt"),
        eligible=True,
        override=HAI_PHONG,
    ),
    # -- Chiến sĩ thi đua cơ sở (Law Art. 23) ---------------------------------------------
    case(
        "cstdcs-excellent-with-ldtt-in-batch",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(person(evaluations=EXCELLENT_2026), "cstdcs", batch=["ldtt"]),
        eligible=True,
        says=("Đạt Lao động tiên tiến năm 2026 (đề nghị cùng đợt)",),
    ),
    case(
        "cstdcs-initiative-instead-of-excellent",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(
            person(
                evaluations=GOOD_2026,
                awards=titles("ldtt", 2026),
                initiatives=[initiative(7, 2026, title="Số hóa hồ sơ một cửa")],
            ),
            "cstdcs",
            initiative_id=7,
        ),
        eligible=True,
        says=("“Số hóa hồ sơ một cửa” (2026)",),
    ),
    case(
        "cstdcs-research-project",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(
            person(
                evaluations=GOOD_2026,
                awards=titles("ldtt", 2026),
                initiatives=[initiative(8, 2026, research=True)],
            ),
            "cstdcs",
        ),
        eligible=True,
    ),
    case(
        "cstdcs-initiative-already-used",
        "Công văn 5007/BNV-TĐKT (2023)",
        ND152,
        request(
            person(
                evaluations=GOOD_2026,
                awards=titles("ldtt", 2026),
                initiatives=[initiative(9, 2026, used=True)],
            ),
            "cstdcs",
            initiative_id=9,
        ),
        eligible=False,
        unmet=("excellent_or_initiative", "initiative_once"),
        says=("đã được dùng làm căn cứ cho một khen thưởng khác",),
    ),
    case(
        "cstdcs-initiative-already-used-names-the-award",
        "Công văn 5007/BNV-TĐKT (2023)",
        ND152,
        request(
            person(
                evaluations=GOOD_2026,
                awards=titles("ldtt", 2026),
                initiatives=[
                    initiative(10, 2026, grounded=("giay_khen", 2026, "QĐ số 30/QĐ-UBND"))
                ],
            ),
            "cstdcs",
            initiative_id=10,
        ),
        eligible=False,
        unmet=("excellent_or_initiative", "initiative_once"),
        says=(
            "“Sáng kiến 10” (2026) đã được dùng làm căn cứ cho Giấy khen của Chủ tịch Ủy ban nhân dân phường "
            "năm 2026 (QĐ số 30/QĐ-UBND)",
            "already used: “Sáng kiến 10” (2026) for Certificate of Merit of the ward chairman (Giấy khen) 2026",
        ),
    ),
    case(
        "cstdcs-without-ldtt",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(person(evaluations=EXCELLENT_2026), "cstdcs"),
        eligible=False,
        unmet=("title_in_year",),
        says=("Cần đạt Lao động tiên tiến năm 2026",),
    ),
    case(
        "cstdcs-ldtt-revoked",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(
            person(evaluations=EXCELLENT_2026, awards=[held("ldtt", 2026, revoked=True)]), "cstdcs"
        ),
        eligible=False,
        unmet=("title_in_year",),
        says=("2026: đã bị hủy bỏ",),
    ),
    case(
        "cstdcs-complaint-pending",
        "NĐ 152/2025, Điều 4",
        ND152,
        request(
            person(
                evaluations=EXCELLENT_2026, awards=titles("ldtt", 2026), pending_matters=[pending()]
            ),
            "cstdcs",
        ),
        eligible=False,
        unmet=("no_pending_matters",),
        says=("khiếu nại, tố cáo từ 2026-10-01",),
    ),
    case(
        "cstdcs-nd98-district-2024",
        "Luật TĐKT 2022, Điều 23",
        ND98,
        request(
            person(evaluations=ratings("excellent", 2024), awards=titles("ldtt", 2024)),
            "cstdcs",
            2024,
        ),
        eligible=True,
    ),
    case(
        "cstdcs-hai-phong",
        "Luật TĐKT 2022, Điều 23",
        ND152,
        request(person(evaluations=EXCELLENT_2026), "cstdcs", batch=["ldtt"]),
        eligible=True,
        override=HAI_PHONG,
    ),
    # -- Tập thể lao động tiên tiến (Law Art. 28) -----------------------------------------
    case(
        "ttldtt-80-percent-ldtt",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(collective(evaluations=GOOD_2026, years=[members(2026, 10, ldtt=8)]), "ttldtt"),
        eligible=True,
        says=("8/10 thành viên (80%) đạt Lao động tiên tiến năm 2026",),
    ),
    case(
        "ttldtt-exactly-70-percent",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(collective(evaluations=GOOD_2026, years=[members(2026, 10, ldtt=7)]), "ttldtt"),
        eligible=True,
    ),
    case(
        "ttldtt-69-percent",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(collective(evaluations=GOOD_2026, years=[members(2026, 100, ldtt=69)]), "ttldtt"),
        eligible=False,
        unmet=("member_title_share",),
        says=("69 of 100 members (69%)",),
    ),
    case(
        "ttldtt-member-warned",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(
            collective(evaluations=GOOD_2026, years=[members(2026, 10, ldtt=9, worst="warning")]),
            "ttldtt",
        ),
        eligible=False,
        unmet=("no_member_discipline",),
        says=("Có thành viên bị kỷ luật mức cảnh cáo",),
    ),
    case(
        "ttldtt-member-reprimand-only",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(
            collective(evaluations=GOOD_2026, years=[members(2026, 10, ldtt=9, worst="reprimand")]),
            "ttldtt",
        ),
        eligible=True,
    ),
    case(
        "ttldtt-no-member-figures",
        "Luật TĐKT 2022, Điều 28",
        ND152,
        request(collective(evaluations=GOOD_2026), "ttldtt"),
        eligible=False,
        unmet=("member_title_share", "no_member_discipline"),
        says=("Chưa có số liệu thành viên",),
    ),
    case(
        "ttldtt-nd98-district",
        "Luật TĐKT 2022, Điều 28",
        ND98,
        request(
            collective(evaluations=ratings("good", 2025), years=[members(2025, 12, ldtt=10)]),
            "ttldtt",
            2025,
        ),
        eligible=True,
    ),
    # -- Tổ dân phố văn hóa (Law Art. 30, Decree 86/2023) -------------------------------
    case(
        "tdp-van-hoa-standards-confirmed",
        "Luật TĐKT 2022, Điều 30",
        ND152,
        request(collective("Tổ dân phố số 3"), "tdp_van_hoa", attested=["tdp_standards"]),
        eligible=True,
    ),
    case(
        "tdp-van-hoa-not-confirmed",
        "Luật TĐKT 2022, Điều 30",
        ND152,
        request(collective("Tổ dân phố số 3"), "tdp_van_hoa"),
        eligible=False,
        unmet=("tdp_standards",),
        says=("Chưa có xác nhận của đơn vị",),
    ),
    case(
        "tdp-van-hoa-nd98-district",
        "Luật TĐKT 2022, Điều 30",
        ND98,
        request(collective("Tổ dân phố số 3"), "tdp_van_hoa", 2024, attested=["tdp_standards"]),
        eligible=True,
    ),
    # -- Gia đình văn hóa (Law Art. 31, Decree 86/2023) ---------------------------------
    case(
        "gdvh-standards-confirmed",
        "NĐ 86/2023/NĐ-CP",
        ND152,
        request(household(), "gd_van_hoa", attested=["gdvh_standards"]),
        eligible=True,
    ),
    case(
        "gdvh-already-this-year",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        request(
            household(awards=titles("gd_van_hoa", 2026)), "gd_van_hoa", attested=["gdvh_standards"]
        ),
        eligible=False,
        unmet=("yearly_title_once",),
    ),
    case(
        "gdvh-not-for-individuals",
        "Luật TĐKT 2022, Điều 31",
        ND152,
        request(person(), "gd_van_hoa", attested=["gdvh_standards"]),
        eligible=False,
        unmet=("recipient_kind",),
        says=("chỉ xét tặng cho hộ gia đình",),
    ),
    case(
        "gdvh-nd98-ward",
        "NĐ 86/2023/NĐ-CP",
        ND98,
        request(household(), "gd_van_hoa", 2024, attested=["gdvh_standards"]),
        eligible=True,
    ),
    case(
        "gdvh-hai-phong",
        "NĐ 86/2023/NĐ-CP",
        ND152,
        request(household(), "gd_van_hoa", attested=["gdvh_standards"]),
        eligible=True,
        override=HAI_PHONG,
    ),
    # -- Giấy khen of the ward chairman (Law Art. 75) ------------------------------------
    case(
        "giay-khen-movement-achievement",
        "Luật TĐKT 2022, Điều 75(1)",
        ND152,
        request(
            person(),
            "giay_khen",
            kind=AwardKind.CAMPAIGN,
            attested=["exemplary", "movement_achievement"],
        ),
        eligible=True,
    ),
    case(
        "giay-khen-sudden-achievement",
        "Luật TĐKT 2022, Điều 75(1), (2)",
        ND152,
        request(
            person(),
            "giay_khen",
            kind=AwardKind.SUDDEN,
            attested=["exemplary", "sudden_achievement"],
        ),
        eligible=True,
        says=("Loại hình khen thưởng: đột xuất",),
    ),
    case(
        "giay-khen-exemplary-only",
        "Luật TĐKT 2022, Điều 75(1), (2)",
        ND152,
        request(person(), "giay_khen", attested=["exemplary"]),
        eligible=False,
        unmet=("achievement",),
        says=("Chưa đáp ứng tiêu chuẩn nào trong",),
    ),
    case(
        "giay-khen-same-achievement-again",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        request(
            person(awards=[held("giay_khen", 2026, AwardKind.SUDDEN, key="cuu-nguoi-2026-08")]),
            "giay_khen",
            kind=AwardKind.SUDDEN,
            key="cuu-nguoi-2026-08",
            attested=["exemplary", "sudden_achievement"],
        ),
        eligible=False,
        unmet=("one_achievement_one_award",),
        says=("đã được khen thưởng bằng Giấy khen",),
    ),
    case(
        "giay-khen-household-contribution",
        "Luật TĐKT 2022, Điều 75(3)",
        ND152,
        request(household(), "giay_khen", attested=["household_contribution"]),
        eligible=True,
    ),
    case(
        "giay-khen-collective-unity",
        "Luật TĐKT 2022, Điều 75(2)",
        ND152,
        request(
            collective(), "giay_khen", attested=["exemplary_collective", "movement_achievement"]
        ),
        eligible=True,
    ),
    case(
        "giay-khen-not-a-service-award",
        "Luật TĐKT 2022, Điều 8",
        ND152,
        request(
            person(),
            "giay_khen",
            kind=AwardKind.SERVICE,
            attested=["exemplary", "movement_achievement"],
        ),
        eligible=False,
        unmet=("award_kind",),
    ),
    case(
        "giay-khen-nd98",
        "Luật TĐKT 2022, Điều 75(1)",
        ND98,
        request(person(), "giay_khen", 2025, attested=["exemplary", "movement_achievement"]),
        eligible=True,
    ),
    case(
        "giay-khen-hai-phong",
        "Luật TĐKT 2022, Điều 75(3)",
        ND152,
        request(household(), "giay_khen", attested=["household_movement"]),
        eligible=True,
        override=HAI_PHONG,
    ),
    # -- Tập thể lao động xuất sắc (Law Art. 27) ------------------------------------------
    case(
        "ttldxs-all-standards",
        "Luật TĐKT 2022, Điều 27",
        ND152,
        request(
            collective(
                evaluations=EXCELLENT_2026,
                years=[members(2026, 10, ldtt=8, cstdcs=1, completed=10)],
            ),
            "ttldxs",
        ),
        eligible=True,
    ),
    case(
        "ttldxs-one-member-not-completed",
        "Luật TĐKT 2022, Điều 27",
        ND152,
        request(
            collective(
                evaluations=EXCELLENT_2026, years=[members(2026, 10, ldtt=8, cstdcs=1, completed=9)]
            ),
            "ttldxs",
        ),
        eligible=False,
        unmet=("member_share",),
        says=("9/10 thành viên (90%) hoàn thành nhiệm vụ trở lên",),
    ),
    case(
        "ttldxs-without-cstdcs",
        "Luật TĐKT 2022, Điều 27",
        ND152,
        request(
            collective(evaluations=EXCELLENT_2026, years=[members(2026, 10, ldtt=8, completed=10)]),
            "ttldxs",
        ),
        eligible=False,
        unmet=("member_title_count",),
    ),
    case(
        "ttldxs-nd98",
        "Luật TĐKT 2022, Điều 27",
        ND98,
        request(
            collective(
                evaluations=ratings("excellent", 2024),
                years=[members(2024, 10, ldtt=7, cstdcs=2, completed=10)],
            ),
            "ttldxs",
            2024,
        ),
        eligible=True,
    ),
    # -- Chiến sĩ thi đua thành phố (Law Art. 22) ---------------------------------------
    case(
        "cstd-tp-chain-across-1-july-2025",
        "Luật TĐKT 2022, Điều 22",
        ND152,
        # CSTĐCS 2024 decided by the district under NĐ 98, then 2025 and 2026 by the ward
        request(
            person(
                awards=titles("cstdcs", 2024, 2025, 2026),
                initiatives=[initiative(11, 2025, "city", title="Phần mềm quản lý hộ tịch")],
            ),
            "cstd_thanh_pho",
            initiative_id=11,
        ),
        eligible=True,
        says=("Đạt Chiến sĩ thi đua cơ sở 3 năm liên tục: năm 2024, 2025 và 2026",),
    ),
    case(
        "cstd-tp-third-year-in-batch",
        "Luật TĐKT 2022, Điều 22",
        ND152,
        request(
            person(awards=titles("cstdcs", 2024, 2025), initiatives=[initiative(12, 2026, "city")]),
            "cstd_thanh_pho",
            batch=["ldtt", "cstdcs"],
        ),
        eligible=True,
        says=("năm 2026 đề nghị cùng đợt",),
    ),
    case(
        "cstd-tp-only-two-years",
        "Luật TĐKT 2022, Điều 22",
        ND152,
        request(
            person(awards=titles("cstdcs", 2025, 2026), initiatives=[initiative(13, 2026, "city")]),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=(
            "Cần 3 năm liên tục đạt Chiến sĩ thi đua cơ sở (đến năm 2026); mới có năm 2025 và 2026",
            "needs 3 consecutive years of Grassroots Emulation Fighter (CSTĐCS) (up to 2026); has 2025 and 2026 only",
        ),
    ),
    case(
        "cstd-tp-chain-broken-by-sudden-award",
        "NĐ 152/2025, Điều 4",
        ND152,
        # 2025 brought a sudden Giấy khen, not a CSTĐCS: sudden awards never fill a merit chain
        request(
            person(
                awards=[*titles("cstdcs", 2024, 2026), held("giay_khen", 2025, AwardKind.SUDDEN)],
                initiatives=[initiative(14, 2026, "city")],
            ),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=(
            "mới có năm 2026; các năm không liền mạch: 2024",
            "Giấy khen của Chủ tịch Ủy ban nhân dân phường 2025 (đột xuất)",
        ),
    ),
    case(
        "cstd-tp-campaign-record-not-counted",
        "NĐ 152/2025, Điều 4",
        ND152,
        request(
            person(
                awards=[*titles("cstdcs", 2024, 2026), held("cstdcs", 2025, AwardKind.CAMPAIGN)],
                initiatives=[initiative(15, 2026, "city")],
            ),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=("2025: khen thưởng phong trào thi đua/chuyên đề",),
    ),
    case(
        "cstd-tp-revoked-year-breaks-chain",
        "Luật TĐKT 2022, Điều 22",
        ND152,
        request(
            person(
                awards=[*titles("cstdcs", 2024, 2026), held("cstdcs", 2025, revoked=True)],
                initiatives=[initiative(16, 2026, "city")],
            ),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=("2025: revoked",),
    ),
    case(
        "cstd-tp-base-initiative-is-not-enough",
        "Luật TĐKT 2022, Điều 22",
        ND152,
        request(
            person(
                awards=titles("cstdcs", 2024, 2025, 2026),
                initiatives=[initiative(17, 2026, "base")],
            ),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("initiative",),
        says=("Cần 1 sáng kiến hoặc đề tài cấp thành phố trở lên trong các năm 2024–2026",),
    ),
    case(
        "cstd-tp-years-already-rewarded",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        # 2023–2025 grounded a CSTĐ thành phố in 2025; 2026 alone cannot ground another
        request(
            person(
                awards=[*titles("cstdcs", 2023, 2024, 2025, 2026), held("cstd_thanh_pho", 2025)],
                initiatives=[initiative(18, 2026, "city")],
            ),
            "cstd_thanh_pho",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=(
            "các năm 2023, 2024, 2025 đã dùng để xét Chiến sĩ thi đua thành phố năm 2025, không tính lại",
        ),
    ),
    case(
        "cstd-tp-nd98-2024",
        "Luật TĐKT 2022, Điều 22",
        ND98,
        request(
            person(
                awards=titles("cstdcs", 2022, 2023, 2024),
                initiatives=[initiative(19, 2023, "city")],
            ),
            "cstd_thanh_pho",
            2024,
        ),
        eligible=True,
    ),
    # -- Bằng khen of the city chairman (Law Art. 74) ------------------------------------
    case(
        "bk-tp-two-consecutive-cstdcs",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(person(awards=titles("cstdcs", 2025, 2026)), "bang_khen_thanh_pho"),
        eligible=True,
    ),
    case(
        "bk-tp-excellent-two-years-two-initiatives",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(
            person(
                evaluations=ratings("excellent", 2025, 2026),
                initiatives=[initiative(21, 2025), initiative(22, 2026)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=True,
    ),
    case(
        "bk-tp-one-initiative-only",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(
            person(
                evaluations=ratings("excellent", 2025, 2026), initiatives=[initiative(23, 2026)]
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=False,
        unmet=("individual_grounds",),
        says=(
            "cần 2 sáng kiến hoặc đề tài cấp cơ sở trở lên trong thời gian đó (các năm 2025–2026)",
        ),
    ),
    # Art. 74(1)(d): "từ 02 năm trở lên" liên tục HTXSNV, the 2 initiatives "trong thời gian đó"
    case(
        "bk-tp-excellent-four-years-initiatives-early-in-the-run",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(
            person(
                evaluations=ratings("excellent", 2023, 2024, 2025, 2026),
                initiatives=[initiative(26, 2023), initiative(27, 2024)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=True,
        says=("4 năm liên tục (năm 2023, 2024, 2025 và 2026), trong thời gian đó có 2 sáng kiến",),
    ),
    case(
        "bk-tp-initiative-before-the-excellent-run",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(
            person(
                evaluations=[*ratings("good", 2023), *ratings("excellent", 2024, 2025, 2026)],
                initiatives=[initiative(28, 2023), initiative(29, 2025)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=False,
        unmet=("individual_grounds",),
        says=("trong thời gian đó (các năm 2024–2026) chưa dùng làm căn cứ khen thưởng; mới có 1",),
    ),
    # Art. 5(2)(c): the excellent years that grounded an earlier Bằng khen do not count again
    # (the CSTĐCS route already guards this with after_last_award)
    case(
        "bk-tp-excellent-years-already-grounded-a-bang-khen",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2025)],
                evaluations=ratings("excellent", 2024, 2025, 2026),
                initiatives=[initiative(30, 2026), initiative(31, 2026)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=False,
        unmet=("individual_grounds",),
        says=(
            "các năm 2024, 2025 đã dùng để xét Bằng khen của Chủ tịch Ủy ban nhân dân thành phố năm 2025, "
            "không tính lại",
        ),
    ),
    case(
        "bk-tp-excellent-run-after-an-earlier-bang-khen",
        "Luật TĐKT 2022, Điều 74(1)(d)",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2024)],
                evaluations=ratings("excellent", 2023, 2024, 2025, 2026),
                initiatives=[initiative(32, 2025), initiative(33, 2026)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=True,
        says=("2 năm liên tục (năm 2025 và 2026)",),
    ),
    case(
        "bk-tp-sudden-bang-khen-does-not-use-the-years",
        "NĐ 152/2025, Điều 4",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2025, AwardKind.SUDDEN)],
                evaluations=ratings("excellent", 2025, 2026),
                initiatives=[initiative(34, 2025), initiative(35, 2026)],
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=True,
    ),
    case(
        "bk-tp-nd98-excellent-years-already-grounded-a-bang-khen",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND98,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2023)],
                evaluations=ratings("excellent", 2023, 2024),
                initiatives=[initiative(36, 2024), initiative(37, 2024)],
            ),
            "bang_khen_thanh_pho",
            2024,
        ),
        eligible=False,
        unmet=("individual_grounds",),
        says=("không tính lại",),
    ),
    case(
        "bk-tp-collective-excellent-years-already-grounded-a-bang-khen",
        "Luật TĐKT 2022, Điều 5(2)(c)",
        ND152,
        request(
            collective(
                awards=[held("bang_khen_thanh_pho", 2025)],
                evaluations=ratings("excellent", 2025, 2026),
            ),
            "bang_khen_thanh_pho",
        ),
        eligible=False,
        unmet=("collective_grounds",),
        says=("không tính lại",),
    ),
    case(
        "bk-tp-collective-two-ttldxs",
        "Luật TĐKT 2022, Điều 74(2)",
        ND152,
        request(collective(awards=titles("ttldxs", 2025, 2026)), "bang_khen_thanh_pho"),
        eligible=True,
    ),
    case(
        "bk-tp-household-contribution",
        "Luật TĐKT 2022, Điều 74(3)",
        ND152,
        request(household(), "bang_khen_thanh_pho", attested=["household_large_contribution"]),
        eligible=True,
    ),
    case(
        "bk-tp-nd98",
        "Luật TĐKT 2022, Điều 74(1)",
        ND98,
        request(person(awards=titles("cstdcs", 2023, 2024)), "bang_khen_thanh_pho", 2024),
        eligible=True,
    ),
    # -- Cờ thi đua of the city (Law Art. 26) -------------------------------------------
    case(
        "co-thi-dua-cluster-leader",
        "Luật TĐKT 2022, Điều 26",
        ND152,
        request(
            collective(evaluations=EXCELLENT_2026),
            "co_thi_dua_thanh_pho",
            attested=["cluster_leader"],
        ),
        eligible=True,
    ),
    case(
        "co-thi-dua-not-excellent",
        "Luật TĐKT 2022, Điều 26",
        ND152,
        request(
            collective(evaluations=GOOD_2026), "co_thi_dua_thanh_pho", attested=["cluster_leader"]
        ),
        eligible=False,
        unmet=("rating",),
    ),
    case(
        "co-thi-dua-nd98",
        "Luật TĐKT 2022, Điều 26",
        ND98,
        request(
            collective(evaluations=ratings("excellent", 2024)),
            "co_thi_dua_thanh_pho",
            2024,
            attested=["cluster_leader"],
        ),
        eligible=True,
    ),
    # -- Bằng khen of the Prime Minister (Law Art. 73) -----------------------------------
    case(
        "bk-ttg-merit-record",
        "Luật TĐKT 2022, Điều 73",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2021)],
                evaluations=ratings("excellent", 2022, 2023, 2024, 2025, 2026),
                initiatives=[initiative(30 + y, y) for y in range(2022, 2027)],
            ),
            "bang_khen_thu_tuong",
        ),
        eligible=True,
    ),
    case(
        "bk-ttg-city-merit-was-sudden",
        "NĐ 152/2025, Điều 4",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thanh_pho", 2021, AwardKind.SUDDEN)],
                evaluations=ratings("excellent", 2022, 2023, 2024, 2025, 2026),
                initiatives=[initiative(40 + y, y) for y in range(2022, 2027)],
            ),
            "bang_khen_thu_tuong",
        ),
        eligible=False,
        unmet=("individual_grounds",),
        says=("2021: sudden achievement award",),
    ),
    case(
        "bk-ttg-national-movement",
        "Luật TĐKT 2022, Điều 73",
        ND152,
        request(
            person(), "bang_khen_thu_tuong", kind=AwardKind.CAMPAIGN, attested=["national_movement"]
        ),
        eligible=True,
    ),
    case(
        "bk-ttg-nd98-collective",
        "Luật TĐKT 2022, Điều 73",
        ND98,
        request(
            collective(), "bang_khen_thu_tuong", 2024, attested=["collective_national_movement"]
        ),
        eligible=True,
    ),
    # -- Chiến sĩ thi đua toàn quốc (Law Art. 21) ---------------------------------------
    case(
        "cstd-tq-two-city-titles",
        "Luật TĐKT 2022, Điều 21",
        ND152,
        request(
            person(
                awards=titles("cstd_thanh_pho", 2023, 2026),
                initiatives=[initiative(50, 2026, "national")],
            ),
            "cstd_toan_quoc",
        ),
        eligible=True,
        says=("2 lần liên tục",),
    ),
    case(
        "cstd-tq-one-city-title",
        "Luật TĐKT 2022, Điều 21",
        ND152,
        request(
            person(
                awards=titles("cstd_thanh_pho", 2026),
                initiatives=[initiative(51, 2026, "national")],
            ),
            "cstd_toan_quoc",
        ),
        eligible=False,
        unmet=("consecutive_titles",),
        says=("Cần 2 lần liên tục đạt Chiến sĩ thi đua thành phố, mỗi lần cách nhau 3 năm",),
    ),
    case(
        "cstd-tq-nd98",
        "Luật TĐKT 2022, Điều 21",
        ND98,
        request(
            person(
                awards=titles("cstd_thanh_pho", 2021, 2024),
                initiatives=[initiative(52, 2024, "national")],
            ),
            "cstd_toan_quoc",
            2024,
        ),
        eligible=True,
    ),
    # -- Huân chương Lao động hạng Ba (Law Art. 44) --------------------------------------
    case(
        "hcld3-merit-record",
        "Luật TĐKT 2022, Điều 44",
        ND152,
        request(
            person(
                awards=[held("bang_khen_thu_tuong", 2021)],
                evaluations=ratings("excellent", 2022, 2023, 2024, 2025, 2026),
            ),
            "huan_chuong_ld_hang_ba",
        ),
        eligible=True,
    ),
    case(
        "hcld3-invention",
        "Luật TĐKT 2022, Điều 44",
        ND152,
        request(person(), "huan_chuong_ld_hang_ba", attested=["invention"]),
        eligible=True,
    ),
    case(
        "hcld3-not-for-households",
        "Luật TĐKT 2022, Điều 44",
        ND152,
        request(household(), "huan_chuong_ld_hang_ba"),
        eligible=False,
        unmet=("recipient_kind",),
    ),
    case(
        "hcld3-inspection-pending",
        "NĐ 152/2025, Điều 4",
        ND152,
        request(
            collective(pending_matters=[pending("inspection", "Thanh tra tài chính 2026")]),
            "huan_chuong_ld_hang_ba",
            attested=["collective_movement_5y"],
        ),
        eligible=False,
        unmet=("no_pending_matters",),
        says=("inspection since 2026-10-01",),
    ),
    case(
        "hcld3-nd98",
        "Luật TĐKT 2022, Điều 44",
        ND98,
        request(
            person(gender=Gender.MALE),
            "huan_chuong_ld_hang_ba",
            2024,
            kind=AwardKind.SUDDEN,
            attested=["sudden_feat"],
        ),
        eligible=True,
    ),
]


def _walk(reasons: tuple[Reason, ...]):
    for reason in reasons:
        yield reason
        yield from _walk(reason.details)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, catalogues) -> None:
    rule_set = catalogues[case.override].get(case.rule_set)
    verdict = check_eligibility(case.request, rule_set)
    reasons = list(_walk(verdict.reasons))
    explained = "\n".join(
        f"{'✓' if r.met else '✗'} {r.code}: {r.message_vi} | {r.message_en}" for r in reasons
    )

    assert verdict.eligible is case.eligible, explained
    assert {reason.code for reason in verdict.unmet} == case.unmet, explained
    assert verdict.rule_set_id == case.rule_set
    assert verdict.award_code == case.request.award_code
    # The case's article is one the verdict cites.
    assert any(case.article in reason.article for reason in reasons), explained
    # Every reason is readable in both languages and cites its article.
    assert all(r.message_vi and r.message_en and r.article for r in reasons)
    for fragment in case.says:
        assert any(fragment in r.message_vi or fragment in r.message_en for r in reasons), (
            fragment,
            explained,
        )


def test_cases_cover_every_award_in_both_rule_sets_and_the_override(catalogues) -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    for rule_set in catalogues[None].rule_sets:
        covered = {c.request.award_code for c in CASES if c.rule_set == rule_set.id}
        assert covered == set(rule_set.awards), (
            f"{rule_set.id} lacks cases for {set(rule_set.awards) - covered}"
        )
    assert any(c.override == HAI_PHONG for c in CASES)
    assert any(c.eligible for c in CASES) and any(not c.eligible for c in CASES)
