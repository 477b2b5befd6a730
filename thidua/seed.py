"""Demo data from the real plan (shared/seed/ke-hoach-thi-dua-2026-2030.txt).

Phường Thạch Khôi (Hải Phòng, official ward code 11002), its offices and organisations
named in the plan, residential groups, the ward council, the city and central levels
above it, one demo user per role, some people with an award history, and the 2026–2030
campaign with its theme, six content areas and two stages.

Idempotent: every row is looked up by a natural key first; seeding twice changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import vietnam_provinces
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import (
    AwardKind,
    CouncilRole,
    Gender,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
    Role,
    UnitKind,
)
from models import (
    Authority,
    AwardRecord,
    Campaign,
    CampaignStage,
    Collective,
    ContentArea,
    Council,
    CouncilMember,
    EvaluationResult,
    Household,
    Initiative,
    Milestone,
    Person,
    RoleGrant,
    Unit,
    User,
)
from thidua.db import SessionFactory
from thidua.security import hash_password
from thidua.settings import Settings

log = logging.getLogger(__name__)

WARD_CODE = 11002  # Phường Thạch Khôi in the `vietnam-provinces` package
DEMO_PASSWORD = "thidua2026"  # development only; printed by `thidua up`

CAMPAIGN_CODE = "thach-khoi-2026-2030"
CAMPAIGN_NAME = (
    "Phát động thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội hằng năm và "
    "giai đoạn 5 năm (2026 - 2030) theo Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của "
    "Đảng và Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ I (nhiệm kỳ 2025 - 2030)"
)
CAMPAIGN_THEME = (
    "Kỷ cương, trách nhiệm; chủ động, kịp thời; tăng tốc, sáng tạo; hiệu quả, bền vững, quyết "
    "tâm xây dựng thành phố phát triển nhanh, toàn diện"
)
CONTENT_AREAS = [
    (
        "kinh-te",
        "Thi đua thúc đẩy kinh tế phát triển nhanh, bền vững",
        "Cơ cấu lại nền kinh tế gắn với khoa học - công nghệ, đổi mới sáng tạo, chuyển đổi số và "
        "chuyển đổi xanh; hoàn thành vượt mức chỉ tiêu tăng trưởng (GRDP), thu ngân sách.",
    ),
    (
        "ha-tang",
        "Thi đua xây dựng kết cấu hạ tầng đồng bộ, hiện đại và phát triển",
        "Đẩy nhanh tiến độ các công trình, dự án trọng điểm; giải phóng mặt bằng; tỷ lệ giải ngân "
        "vốn đầu tư công hằng năm từ 95% trở lên.",
    ),
    (
        "cai-cach-hanh-chinh",
        "Thi đua cải cách hành chính, cải thiện môi trường đầu tư kinh doanh",
        "Đơn giản hóa thủ tục hành chính, dịch vụ công trực tuyến toàn trình; nâng cao các chỉ số "
        "PPCI, PAR INDEX, PAPI, SIPAS.",
    ),
    (
        "van-hoa-xa-hoi",
        "Thi đua phát triển văn hóa - xã hội, thực hiện tốt an sinh xã hội",
        'Phong trào "Toàn dân đoàn kết xây dựng đời sống văn hóa"; giáo dục, y tế; giảm nghèo '
        "bền vững, việc làm, chăm lo gia đình chính sách.",
    ),
    (
        "quoc-phong-an-ninh",
        "Thi đua bảo đảm quốc phòng, an ninh, giữ vững trật tự an toàn xã hội",
        "Thế trận quốc phòng toàn dân gắn với thế trận an ninh nhân dân; phòng ngừa tội phạm, "
        "tai nạn giao thông, cháy nổ.",
    ),
    (
        "xay-dung-dang",
        "Thi đua xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; tổ chức bộ máy tinh gọn, "
        "hiệu lực, hiệu quả.",
    ),
]
STAGES = [
    (
        1,
        "Chặng 1 (2026 - 2028)",
        "Thi đua khởi động, tăng tốc thực hiện thắng lợi các mục tiêu",
        "Tạo bước đột phá trong cải cách hành chính, đầu tư hạ tầng và tháo gỡ khó khăn cho sản xuất "
        "kinh doanh. Sơ kết giữa nhiệm kỳ vào cuối năm 2028.",
        2026,
        2028,
    ),
    (
        2,
        "Chặng 2 (2029 - 2030)",
        "Thi đua về đích, hoàn thành xuất sắc các chỉ tiêu Nghị quyết Đại hội",
        "Dồn lực hoàn thành vượt mức toàn bộ các chỉ tiêu kinh tế - xã hội giai đoạn 5 năm. Tổng kết "
        "phong trào thi đua vào cuối năm 2030.",
        2029,
        2030,
    ),
]
MILESTONES = [
    ("mid_term_review", "Sơ kết giữa nhiệm kỳ (chặng 1)", 1, date(2028, 12, 15)),
    ("final_review", "Tổng kết phong trào thi đua giai đoạn 2026 - 2030", 2, date(2030, 12, 15)),
]


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: UnitKind
    level: Level
    parent: str | None
    official_code: str | None = None


def _ward_names() -> tuple[str, str]:
    ward = vietnam_provinces.Ward.from_code(WARD_CODE)
    province = vietnam_provinces.Province.from_code(ward.province_code)
    return ward.name, province.name  # "Phường Thạch Khôi", "Thành phố Hải Phòng"


def unit_specs() -> list[UnitSpec]:
    ward_name, city_name = _ward_names()
    place = ward_name.removeprefix("Phường ")
    city_place = city_name.removeprefix("Thành phố ")
    return [
        UnitSpec(
            "chinh-phu",
            "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam",
            "Chính phủ",
            UnitKind.GOVERNMENT,
            Level.CENTRAL,
            None,
        ),
        UnitSpec(
            "ban-tdkt-tw",
            "Ban Thi đua - Khen thưởng Trung ương (Bộ Nội vụ)",
            "Ban TĐKT Trung ương",
            UnitKind.OFFICE,
            Level.CENTRAL,
            "chinh-phu",
        ),
        UnitSpec(
            "ubnd-tp-hai-phong",
            f"Ủy ban nhân dân thành phố {city_place}",
            f"UBND TP {city_place}",
            UnitKind.PEOPLES_COMMITTEE,
            Level.CITY,
            "chinh-phu",
            "31",
        ),
        UnitSpec(
            "so-noi-vu-hp",
            f"Sở Nội vụ thành phố {city_place} (Ban Thi đua - Khen thưởng)",
            "Sở Nội vụ",
            UnitKind.DEPARTMENT,
            Level.CITY,
            "ubnd-tp-hai-phong",
        ),
        UnitSpec(
            "ubnd-thach-khoi",
            f"Ủy ban nhân dân phường {place}",
            f"UBND phường {place}",
            UnitKind.PEOPLES_COMMITTEE,
            Level.WARD,
            "ubnd-tp-hai-phong",
            str(WARD_CODE),
        ),
        UnitSpec(
            "tk-vhxh",
            "Phòng Văn hóa - Xã hội",
            "Phòng VH-XH",
            UnitKind.OFFICE,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-van-phong",
            "Văn phòng HĐND và UBND phường",
            "Văn phòng",
            UnitKind.OFFICE,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-kinh-te",
            "Phòng Kinh tế, Hạ tầng và Đô thị",
            "Phòng KT-HT-ĐT",
            UnitKind.OFFICE,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-ttdv",
            "Trung tâm dịch vụ sự nghiệp công",
            "TT DVSNC",
            UnitKind.PUBLIC_SERVICE,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-mttq",
            "Ủy ban Mặt trận Tổ quốc Việt Nam phường",
            "UB MTTQ phường",
            UnitKind.ORGANISATION,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-ban-xdd",
            "Ban Xây dựng Đảng Đảng ủy phường",
            "Ban XD Đảng",
            UnitKind.PARTY,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-hoi-phu-nu",
            "Hội Liên hiệp Phụ nữ phường",
            "Hội LHPN",
            UnitKind.ORGANISATION,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-doan-tn",
            "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường",
            "Đoàn TN",
            UnitKind.ORGANISATION,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        UnitSpec(
            "tk-th-thach-khoi",
            f"Trường Tiểu học {place}",
            f"TH {place}",
            UnitKind.SCHOOL,
            Level.WARD,
            "ubnd-thach-khoi",
        ),
        *[
            UnitSpec(
                f"tk-tdp-{n}",
                f"Tổ dân phố số {n}",
                f"TDP {n}",
                UnitKind.RESIDENTIAL_GROUP,
                Level.WARD,
                "ubnd-thach-khoi",
            )
            for n in range(1, 7)
        ],
    ]


# Authorities: (unit code, standing unit code, header lines, place, head title, parent)
def authority_specs() -> list[dict]:
    ward_name, city_name = _ward_names()
    place = ward_name.removeprefix("Phường ")
    city_place = city_name.removeprefix("Thành phố ")
    return [
        dict(
            unit="chinh-phu",
            standing="ban-tdkt-tw",
            level=Level.CENTRAL,
            name="Thủ tướng Chính phủ",
            header=["THỦ TƯỚNG CHÍNH PHỦ"],
            place="Hà Nội",
            head_title="THỦ TƯỚNG CHÍNH PHỦ",
            decision_code="QĐ-TTg",
            submission_code="TTr-BNV",
            parent=None,
        ),
        dict(
            unit="ubnd-tp-hai-phong",
            standing="so-noi-vu-hp",
            level=Level.CITY,
            name=f"Ủy ban nhân dân thành phố {city_place}",
            header=["ỦY BAN NHÂN DÂN", f"THÀNH PHỐ {city_place.upper()}"],
            place=city_place,
            head_title=f"CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ {city_place.upper()}",
            decision_code="QĐ-UBND",
            submission_code="TTr-UBND",
            parent="chinh-phu",
        ),
        dict(
            unit="ubnd-thach-khoi",
            standing="tk-vhxh",
            level=Level.WARD,
            name=f"Ủy ban nhân dân phường {place}",
            header=["ỦY BAN NHÂN DÂN", f"PHƯỜNG {place.upper()}"],
            place=place,
            head_title=f"CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG {place.upper()}",
            decision_code="QĐ-UBND",
            submission_code="TTr-UBND",
            parent="ubnd-tp-hai-phong",
        ),
    ]


@dataclass(frozen=True)
class PersonSpec:
    key: str
    full_name: str
    gender: Gender
    birth_year: int
    position: str
    unit: str
    household: str | None = None
    is_official: bool = True


PEOPLE = [
    # Ward leadership and council (the chairman's name is the plan's signatory)
    PersonSpec(
        "chutich", "Tăng Văn Quân", Gender.MALE, 1975, "Chủ tịch UBND phường", "ubnd-thach-khoi"
    ),
    PersonSpec(
        "phochutich",
        "Lê Thị Thu Hà",
        Gender.FEMALE,
        1979,
        "Phó Chủ tịch UBND phường",
        "ubnd-thach-khoi",
    ),
    PersonSpec(
        "truongphong-vhxh",
        "Phạm Văn Đức",
        Gender.MALE,
        1982,
        "Trưởng phòng Văn hóa - Xã hội",
        "tk-vhxh",
    ),
    PersonSpec(
        "chutich-mttq",
        "Vũ Thị Lan",
        Gender.FEMALE,
        1970,
        "Chủ tịch Ủy ban MTTQ Việt Nam phường",
        "tk-mttq",
    ),
    PersonSpec(
        "truongban-xdd",
        "Đỗ Minh Tuấn",
        Gender.MALE,
        1978,
        "Trưởng Ban Xây dựng Đảng Đảng ủy phường",
        "tk-ban-xdd",
    ),
    # Officers who use the engine
    PersonSpec(
        "canbo-vhxh",
        "Ngô Thị Mai",
        Gender.FEMALE,
        1990,
        "Công chức Văn hóa - Xã hội (phụ trách TĐKT)",
        "tk-vhxh",
    ),
    PersonSpec(
        "canbo-vanphong",
        "Hoàng Văn Nam",
        Gender.MALE,
        1988,
        "Chánh Văn phòng HĐND và UBND phường",
        "tk-van-phong",
    ),
    PersonSpec(
        "totruong-tdp1",
        "Bùi Văn Khải",
        Gender.MALE,
        1965,
        "Tổ trưởng Tổ dân phố số 1",
        "tk-tdp-1",
        "ho-bui-van-khai",
        is_official=False,
    ),
    # Nominees with a history
    PersonSpec(
        "nguyen-thi-hoa",
        "Nguyễn Thị Hoa",
        Gender.FEMALE,
        1985,
        "Chuyên viên Văn phòng HĐND và UBND phường",
        "tk-van-phong",
    ),
    PersonSpec(
        "tran-van-minh",
        "Trần Văn Minh",
        Gender.MALE,
        1987,
        "Công chức Địa chính - Xây dựng",
        "tk-kinh-te",
    ),
    PersonSpec(
        "le-thi-huong", "Lê Thị Hương", Gender.FEMALE, 1983, "Giáo viên", "tk-th-thach-khoi"
    ),
    PersonSpec(
        "pham-quoc-bao",
        "Phạm Quốc Bảo",
        Gender.MALE,
        1992,
        "Viên chức Trung tâm dịch vụ sự nghiệp công",
        "tk-ttdv",
    ),
    PersonSpec(
        "dang-thi-thuy",
        "Đặng Thị Thủy",
        Gender.FEMALE,
        1986,
        "Chuyên viên Văn phòng HĐND và UBND phường",
        "tk-van-phong",
    ),
]

HOUSEHOLDS = [
    ("ho-bui-van-khai", "Bùi Văn Khải", "Số 12, Tổ dân phố số 1", "tk-tdp-1"),
    ("ho-nguyen-van-tam", "Nguyễn Văn Tâm", "Số 5, Tổ dân phố số 1", "tk-tdp-1"),
    ("ho-tran-thi-nga", "Trần Thị Nga", "Số 21, Tổ dân phố số 2", "tk-tdp-2"),
]


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    person: str | None
    roles: tuple[tuple[Role, str], ...]  # (role, unit code)
    email: str | None = None
    # Administers the whole deployment (every ward); an ``admin`` role grant alone
    # administers its unit's subtree only.
    deployment_admin: bool = False


def user_specs() -> list[UserSpec]:
    return [
        UserSpec(
            "canbo.vanphong",
            "Hoàng Văn Nam",
            "canbo-vanphong",
            ((Role.UNIT_OFFICER, "tk-van-phong"),),
            "vanphong@thachkhoi.example.vn",
        ),
        UserSpec(
            "canbo.tdp1",
            "Bùi Văn Khải",
            "totruong-tdp1",
            ((Role.UNIT_OFFICER, "tk-tdp-1"),),
            "tdp1@thachkhoi.example.vn",
        ),
        UserSpec(
            "canbo.truonghoc",
            "Lê Văn Hùng",
            None,
            ((Role.UNIT_OFFICER, "tk-th-thach-khoi"),),
            "truonghoc@thachkhoi.example.vn",
        ),
        UserSpec(
            "thuongtruc",
            "Ngô Thị Mai",
            "canbo-vhxh",
            ((Role.STANDING_OFFICER, "tk-vhxh"),),
            "vhxh@thachkhoi.example.vn",
        ),
        UserSpec(
            "chutich",
            "Tăng Văn Quân",
            "chutich",
            ((Role.CHAIRMAN, "ubnd-thach-khoi"), (Role.COUNCIL_MEMBER, "ubnd-thach-khoi")),
            "chutich@thachkhoi.example.vn",
        ),
        UserSpec(
            "phochutich",
            "Lê Thị Thu Hà",
            "phochutich",
            ((Role.VICE_CHAIRMAN, "ubnd-thach-khoi"), (Role.COUNCIL_MEMBER, "ubnd-thach-khoi")),
            "phochutich@thachkhoi.example.vn",
        ),
        UserSpec(
            "uyvien.vhxh",
            "Phạm Văn Đức",
            "truongphong-vhxh",
            ((Role.COUNCIL_MEMBER, "ubnd-thach-khoi"), (Role.STANDING_OFFICER, "tk-vhxh")),
            "truongphong.vhxh@thachkhoi.example.vn",
        ),
        UserSpec(
            "uyvien.mttq",
            "Vũ Thị Lan",
            "chutich-mttq",
            ((Role.COUNCIL_MEMBER, "ubnd-thach-khoi"),),
            "mttq@thachkhoi.example.vn",
        ),
        UserSpec(
            "uyvien.xdd",
            "Đỗ Minh Tuấn",
            "truongban-xdd",
            ((Role.COUNCIL_MEMBER, "ubnd-thach-khoi"),),
            "xdd@thachkhoi.example.vn",
        ),
        UserSpec(
            "kiemtra",
            "Trịnh Văn Sơn",
            None,
            ((Role.AUDITOR, "ubnd-thach-khoi"),),
            "kiemtra@thachkhoi.example.vn",
        ),
        UserSpec(
            "quantri",
            "Quản trị hệ thống",
            None,
            ((Role.ADMIN, "ubnd-thach-khoi"),),
            "quantri@thachkhoi.example.vn",
            deployment_admin=True,
        ),
        # City level (Hải Phòng)
        UserSpec(
            "thanhpho",
            "Nguyễn Văn Thành",
            None,
            ((Role.STANDING_OFFICER, "so-noi-vu-hp"),),
            "tdkt@haiphong.example.vn",
        ),
        UserSpec(
            "chutich.tp",
            "Đinh Công Phú",
            None,
            ((Role.CHAIRMAN, "ubnd-tp-hai-phong"), (Role.COUNCIL_MEMBER, "ubnd-tp-hai-phong")),
            "chutich@haiphong.example.vn",
        ),
        UserSpec(
            "uyvien.tp1",
            "Mai Thị Quyên",
            None,
            ((Role.COUNCIL_MEMBER, "ubnd-tp-hai-phong"),),
            "uyvien1@haiphong.example.vn",
        ),
        UserSpec(
            "uyvien.tp2",
            "Lương Văn Hải",
            None,
            ((Role.COUNCIL_MEMBER, "ubnd-tp-hai-phong"),),
            "uyvien2@haiphong.example.vn",
        ),
        # Public service centre: publishes exemplary models (replication)
        UserSpec(
            "canbo.ttdv",
            "Phạm Quốc Bảo",
            "pham-quoc-bao",
            ((Role.UNIT_OFFICER, "tk-ttdv"),),
            "ttdv@thachkhoi.example.vn",
        ),
        # Central level
        UserSpec(
            "trunguong",
            "Phan Thị Bích",
            None,
            ((Role.STANDING_OFFICER, "ban-tdkt-tw"),),
            "bantdkt@noivu.example.vn",
        ),
        UserSpec(
            "thutuong",
            "Thủ tướng Chính phủ (demo)",
            None,
            ((Role.CHAIRMAN, "chinh-phu"), (Role.COUNCIL_MEMBER, "chinh-phu")),
            "vpcp@chinhphu.example.vn",
        ),
        UserSpec(
            "uyvien.tw1",
            "Hồ Văn Trung",
            None,
            ((Role.COUNCIL_MEMBER, "chinh-phu"),),
            "uyvien1@noivu.example.vn",
        ),
        UserSpec(
            "uyvien.tw2",
            "Tạ Thị Ánh",
            None,
            ((Role.COUNCIL_MEMBER, "chinh-phu"),),
            "uyvien2@noivu.example.vn",
        ),
    ]


# Councils: authority unit → [(username, council role, title)]
COUNCILS = {
    "ubnd-thach-khoi": (
        "Hội đồng Thi đua - Khen thưởng phường Thạch Khôi",
        [
            ("chutich", CouncilRole.CHAIR, "Chủ tịch UBND phường - Chủ tịch Hội đồng"),
            (
                "phochutich",
                CouncilRole.VICE_CHAIR,
                "Phó Chủ tịch UBND phường - Phó Chủ tịch Hội đồng",
            ),
            (
                "uyvien.vhxh",
                CouncilRole.SECRETARY,
                "Trưởng phòng Văn hóa - Xã hội - Ủy viên thường trực",
            ),
            ("uyvien.mttq", CouncilRole.MEMBER, "Chủ tịch Ủy ban MTTQ Việt Nam phường - Ủy viên"),
            ("uyvien.xdd", CouncilRole.MEMBER, "Trưởng Ban Xây dựng Đảng - Ủy viên"),
        ],
    ),
    "ubnd-tp-hai-phong": (
        "Hội đồng Thi đua - Khen thưởng thành phố Hải Phòng",
        [
            ("chutich.tp", CouncilRole.CHAIR, "Chủ tịch UBND thành phố - Chủ tịch Hội đồng"),
            ("uyvien.tp1", CouncilRole.SECRETARY, "Giám đốc Sở Nội vụ - Phó Chủ tịch thường trực"),
            ("uyvien.tp2", CouncilRole.MEMBER, "Ủy viên"),
        ],
    ),
    "chinh-phu": (
        "Hội đồng Thi đua - Khen thưởng Trung ương",
        [
            ("thutuong", CouncilRole.CHAIR, "Chủ tịch Hội đồng"),
            ("uyvien.tw1", CouncilRole.SECRETARY, "Bộ trưởng Bộ Nội vụ - Phó Chủ tịch thường trực"),
            ("uyvien.tw2", CouncilRole.MEMBER, "Ủy viên"),
        ],
    ),
}

# Award history: (person key, award code, year, kind, decision number, date, authority)
AWARD_HISTORY = [
    (
        "nguyen-thi-hoa",
        "ldtt",
        2024,
        AwardKind.MERIT,
        "25/QĐ-UBND",
        date(2025, 1, 10),
        "Chủ tịch UBND phường Thạch Khôi (trước sắp xếp)",
    ),
    (
        "nguyen-thi-hoa",
        "cstdcs",
        2024,
        AwardKind.MERIT,
        "112/QĐ-UBND",
        date(2025, 1, 20),
        "Chủ tịch UBND thành phố Hải Dương (cấp huyện, trước 01/7/2025)",
    ),
    (
        "nguyen-thi-hoa",
        "ldtt",
        2025,
        AwardKind.MERIT,
        "08/QĐ-UBND",
        date(2026, 1, 9),
        "Chủ tịch UBND phường Thạch Khôi",
    ),
    (
        "nguyen-thi-hoa",
        "cstdcs",
        2025,
        AwardKind.MERIT,
        "09/QĐ-UBND",
        date(2026, 1, 9),
        "Chủ tịch UBND phường Thạch Khôi",
    ),
    (
        "tran-van-minh",
        "ldtt",
        2025,
        AwardKind.MERIT,
        "08/QĐ-UBND",
        date(2026, 1, 9),
        "Chủ tịch UBND phường Thạch Khôi",
    ),
    (
        "le-thi-huong",
        "ldtt",
        2024,
        AwardKind.MERIT,
        "25/QĐ-UBND",
        date(2025, 1, 10),
        "Chủ tịch UBND phường Thạch Khôi (trước sắp xếp)",
    ),
    (
        "le-thi-huong",
        "ldtt",
        2025,
        AwardKind.MERIT,
        "08/QĐ-UBND",
        date(2026, 1, 9),
        "Chủ tịch UBND phường Thạch Khôi",
    ),
]

EVALUATIONS = [
    ("nguyen-thi-hoa", 2024, Rating.EXCELLENT),
    ("nguyen-thi-hoa", 2025, Rating.EXCELLENT),
    ("nguyen-thi-hoa", 2026, Rating.EXCELLENT),
    ("tran-van-minh", 2025, Rating.GOOD),
    ("tran-van-minh", 2026, Rating.EXCELLENT),
    ("le-thi-huong", 2024, Rating.GOOD),
    ("le-thi-huong", 2025, Rating.GOOD),
    ("le-thi-huong", 2026, Rating.GOOD),
    ("pham-quoc-bao", 2026, Rating.GOOD),
    ("dang-thi-thuy", 2026, Rating.EXCELLENT),
    ("canbo-vhxh", 2026, Rating.GOOD),
]

INITIATIVES = [
    (
        "tran-van-minh",
        "Số hóa hồ sơ địa chính và tra cứu trực tuyến tại bộ phận một cửa phường",
        2026,
        InitiativeScope.BASE,
        "Hội đồng sáng kiến phường Thạch Khôi",
    ),
    (
        "nguyen-thi-hoa",
        "Quy trình tiếp nhận, trả kết quả thủ tục hành chính liên thông điện tử",
        2026,
        InitiativeScope.CITY,
        "Hội đồng sáng kiến thành phố Hải Phòng",
    ),
]


async def _get_or_add(
    session: AsyncSession, model, lookup: dict, values: dict
) -> tuple[object, bool]:
    row = (await session.execute(select(model).filter_by(**lookup))).scalar_one_or_none()
    if row is not None:
        return row, False
    row = model(**lookup, **values)
    session.add(row)
    await session.flush()
    return row, True


class DemoDataRefused(Exception):
    """The demo data (and its accounts with the published password) outside development."""


async def seed_demo(factory: SessionFactory, *, settings: Settings) -> dict[str, int]:
    """Create the demo data where missing. Returns how many rows of each kind were added.

    Refused in production (``DemoDataRefused``): every demo account has the password
    printed in the README; a production deployment starts empty (``thidua admin create``)."""
    from domain.catalogue import load_catalogue
    from thidua.catalogue_store import sync_award_types

    if settings.environment == "production":
        raise DemoDataRefused(
            f"the demo data (every account with the password '{DEMO_PASSWORD}') is not "
            "added in production: create the first administrator with `thidua admin create`"
        )
    added: dict[str, int] = {}

    def count(kind: str, created: bool) -> None:
        if created:
            added[kind] = added.get(kind, 0) + 1

    catalogue = load_catalogue(settings.catalogue_dir, settings.city_override or None)
    async with factory() as session, session.begin():
        added["award_types"] = await sync_award_types(session, catalogue)

        units: dict[str, Unit] = {}
        for spec in unit_specs():
            parent_id = units[spec.parent].id if spec.parent else None
            unit, created = await _get_or_add(
                session,
                Unit,
                {"code": spec.code},
                dict(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    level=spec.level,
                    parent_id=parent_id,
                    official_code=spec.official_code,
                ),
            )
            units[spec.code] = unit
            count("units", created)
            if (
                spec.kind
                in (
                    UnitKind.OFFICE,
                    UnitKind.SCHOOL,
                    UnitKind.RESIDENTIAL_GROUP,
                    UnitKind.PUBLIC_SERVICE,
                    UnitKind.ORGANISATION,
                )
                and spec.level == Level.WARD
            ):
                _, created = await _get_or_add(
                    session, Collective, {"unit_id": unit.id}, dict(name=spec.name)
                )
                count("collectives", created)

        authorities: dict[str, Authority] = {}
        for spec in authority_specs():
            parent = authorities[spec["parent"]].id if spec["parent"] else None
            authority, created = await _get_or_add(
                session,
                Authority,
                {"unit_id": units[spec["unit"]].id},
                dict(
                    level=spec["level"],
                    name=spec["name"],
                    header_lines=spec["header"],
                    place_name=spec["place"],
                    head_title=spec["head_title"],
                    decision_code=spec["decision_code"],
                    submission_code=spec["submission_code"],
                    standing_unit_id=units[spec["standing"]].id,
                    parent_authority_id=parent,
                ),
            )
            authorities[spec["unit"]] = authority
            count("authorities", created)

        households: dict[str, Household] = {}
        for key, head, address, group in HOUSEHOLDS:
            household, created = await _get_or_add(
                session,
                Household,
                {"head_name": head, "residential_group_id": units[group].id},
                dict(address=address),
            )
            households[key] = household
            count("households", created)

        people: dict[str, Person] = {}
        for spec in PEOPLE:
            person, created = await _get_or_add(
                session,
                Person,
                {"full_name": spec.full_name, "unit_id": units[spec.unit].id},
                dict(
                    gender=spec.gender,
                    birth_year=spec.birth_year,
                    position=spec.position,
                    household_id=households[spec.household].id if spec.household else None,
                    is_official=spec.is_official,
                ),
            )
            people[spec.key] = person
            count("people", created)
        # Heads of units: conflicts of interest in council votes, escalations.
        for unit_code, person_key in (
            ("ubnd-thach-khoi", "chutich"),
            ("tk-vhxh", "truongphong-vhxh"),
            ("tk-mttq", "chutich-mttq"),
            ("tk-ban-xdd", "truongban-xdd"),
        ):
            if units[unit_code].head_person_id is None:
                units[unit_code].head_person_id = people[person_key].id

        users: dict[str, User] = {}
        password_hash = None
        for spec in user_specs():
            existing = (
                await session.execute(select(User).where(User.username == spec.username))
            ).scalar_one_or_none()
            if existing is None:
                password_hash = password_hash or hash_password(DEMO_PASSWORD)
                existing = User(
                    username=spec.username,
                    full_name=spec.full_name,
                    email=spec.email,
                    password_hash=password_hash,
                    person_id=people[spec.person].id if spec.person else None,
                    deployment_admin=spec.deployment_admin,
                )
                session.add(existing)
                await session.flush()
                count("users", True)
            if spec.deployment_admin and not existing.deployment_admin:
                existing.deployment_admin = True  # a demo seeded before it administered all
            users[spec.username] = existing
            for role, unit_code in spec.roles:
                unit = units[unit_code]
                _, created = await _get_or_add(
                    session,
                    RoleGrant,
                    {"user_id": existing.id, "role": role, "unit_id": unit.id},
                    dict(level=unit.level),
                )
                count("role_grants", created)

        for unit_code, (name, members) in COUNCILS.items():
            council, created = await _get_or_add(
                session, Council, {"authority_id": authorities[unit_code].id}, dict(name=name)
            )
            count("councils", created)
            for username, council_role, title in members:
                _, created = await _get_or_add(
                    session,
                    CouncilMember,
                    {"council_id": council.id, "user_id": users[username].id},
                    dict(council_role=council_role, title=title),
                )
                count("council_members", created)

        for key, code, year, kind, number, decided_on, authority_text in AWARD_HISTORY:
            _, created = await _get_or_add(
                session,
                AwardRecord,
                {
                    "subject_kind": NomineeKind.INDIVIDUAL,
                    "person_id": people[key].id,
                    "award_code": code,
                    "year": year,
                },
                dict(
                    kind=kind,
                    decision_number=number,
                    decision_date=decided_on,
                    deciding_authority=authority_text,
                    achievement_key=f"{code}:{year}:person-{people[key].id}",
                ),
            )
            count("award_records", created)

        for key, year, rating in EVALUATIONS:
            _, created = await _get_or_add(
                session,
                EvaluationResult,
                {"subject_kind": NomineeKind.INDIVIDUAL, "person_id": people[key].id, "year": year},
                dict(rating=rating),
            )
            count("evaluations", created)

        for key, title, year, scope, recognised_by in INITIATIVES:
            _, created = await _get_or_add(
                session,
                Initiative,
                {"person_id": people[key].id, "title": title},
                dict(year=year, scope=scope, recognised_by=recognised_by),
            )
            count("initiatives", created)

        campaign, created = await _get_or_add(
            session,
            Campaign,
            {"code": CAMPAIGN_CODE},
            dict(
                authority_id=authorities["ubnd-thach-khoi"].id,
                name=CAMPAIGN_NAME,
                theme=CAMPAIGN_THEME,
                plan_reference="Kế hoạch số /KH-UBND năm 2026",
                start_year=2026,
                end_year=2030,
                status="planned",
                launched_by_user_id=users["thuongtruc"].id,
            ),
        )
        count("campaigns", created)
        for position, (code, title, description) in enumerate(CONTENT_AREAS, start=1):
            _, created = await _get_or_add(
                session,
                ContentArea,
                {"campaign_id": campaign.id, "code": code},
                dict(title=title, description=description, position=position),
            )
            count("content_areas", created)
        for position, name, motto, focus, start, end in STAGES:
            _, created = await _get_or_add(
                session,
                CampaignStage,
                {"campaign_id": campaign.id, "position": position},
                dict(name=name, motto=motto, focus=focus, start_year=start, end_year=end),
            )
            count("campaign_stages", created)
        for code, title, stage_position, due in MILESTONES:
            _, created = await _get_or_add(
                session,
                Milestone,
                {"campaign_id": campaign.id, "code": code},
                dict(title=title, stage_position=stage_position, due_on=due),
            )
            count("milestones", created)

    return {kind: n for kind, n in added.items() if n}


DEMO_USERS_HELP = [
    (spec.username, spec.full_name, ", ".join(r.value for r, _ in spec.roles))
    for spec in user_specs()
]
