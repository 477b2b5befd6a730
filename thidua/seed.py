"""Demo data from the real plan (shared/seed/ke-hoach-thi-dua-2026-2030.txt).

Phường Thạch Khôi (Hải Phòng, official ward code 11002), its offices and organisations
named in the plan, residential groups, the ward council, the city and central levels
above it, one demo user per role, some people with an award history, and the 2026–2030
campaign with its theme, six content areas and two stages.

The registry is the workbook ``thidua/demo/phuong-thach-khoi.xlsx`` (one sheet per kind
of the Excel import, the templates' headers), brought in by the same import an office
uses (``api.services.imports.service.run_import``), as a deployment administrator that
is the seed itself, not a user: its audit events name "Dữ liệu mẫu (thidua seed)" and no
account. To change the demo's units, people, accounts, councils or histories, edit the
workbook. This module adds only what no sheet holds: the demo password, the deployment
administrator, the heads of units, the accounts' people, the award history's
achievement keys, and the campaign.

Idempotent: the import matches every row by its natural key, and the rest is looked up
first; seeding twice changes nothing.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ImportProblems
from api.principal import Principal
from api.services.imports.cells import folded
from api.services.imports.labels import ROLE_LABELS
from api.services.imports.reader import read_workbook
from api.services.imports.service import run_import
from api.services.imports.sheet_kinds import SHEET_KINDS
from domain.vocabulary import Role
from models import (
    Authority,
    AwardRecord,
    Campaign,
    CampaignStage,
    ContentArea,
    Milestone,
    Person,
    Unit,
    User,
)
from models.audit import write_audit_event
from models.base import Base
from thidua.clock import Clock, SystemClock
from thidua.db import SessionFactory
from thidua.security import hash_password
from thidua.settings import Settings

log = logging.getLogger(__name__)
B = TypeVar("B", bound=Base)

WARD_CODE = 11002  # Phường Thạch Khôi in the `vietnam-provinces` package
DEMO_PASSWORD = "thidua2026"  # development only; printed by `thidua up`
DEMO_WORKBOOK = Path(__file__).resolve().parent / "demo" / "phuong-thach-khoi.xlsx"
# Who the import's audit events name: the seed, a deployment administrator that is no
# account (``write_audit_event`` keeps no user id that is not positive).
SEED_ACTOR = "Dữ liệu mẫu (thidua seed)"
# How the hash of an imported account that has no password yet begins
# (``api.services.accounts.unusable_password_hash``).
UNUSABLE = "!unusable:"

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


# What no sheet of the workbook holds.
# The heads of units (conflicts of interest in council votes, escalations): the unit's
# code and the full name of its head, a person of that unit in the people sheet.
HEADS_OF_UNITS = (
    ("ubnd-thach-khoi", "Tăng Văn Quân"),
    ("tk-vhxh", "Phạm Văn Đức"),
    ("tk-mttq", "Vũ Thị Lan"),
    ("tk-ban-xdd", "Đỗ Minh Tuấn"),
)
# The accounts that are a person of the registry: username, the person's full name and
# unit code.
ACCOUNT_PEOPLE = (
    ("canbo.vanphong", "Hoàng Văn Nam", "tk-van-phong"),
    ("canbo.tdp1", "Bùi Văn Khải", "tk-tdp-1"),
    ("thuongtruc", "Ngô Thị Mai", "tk-vhxh"),
    ("chutich", "Tăng Văn Quân", "ubnd-thach-khoi"),
    ("phochutich", "Lê Thị Thu Hà", "ubnd-thach-khoi"),
    ("uyvien.vhxh", "Phạm Văn Đức", "tk-vhxh"),
    ("uyvien.mttq", "Vũ Thị Lan", "tk-mttq"),
    ("uyvien.xdd", "Đỗ Minh Tuấn", "tk-ban-xdd"),
    ("canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv"),
)
# Administers the whole deployment (every ward); an ``admin`` role grant alone
# administers its unit's subtree only.
DEPLOYMENT_ADMINS = ("quantri",)
CAMPAIGN_UNIT = "ubnd-thach-khoi"  # the authority that launches the campaign
CAMPAIGN_LAUNCHED_BY = "thuongtruc"


def seed_principal() -> Principal:
    """The seed as the import's administrator: the whole deployment, no account."""
    return Principal(
        user_id=0,
        username="thidua-seed",
        full_name=SEED_ACTOR,
        email=None,
        roles=(),
        council_memberships=(),
        deployment_admin=True,
    )


@functools.cache
def demo_rows() -> dict[str, list[dict[str, Any]]]:
    """The workbook's rows by sheet kind ("users"), each row's values by column key, read
    as the import reads them."""
    workbook = read_workbook(DEMO_WORKBOOK.read_bytes(), SHEET_KINDS)
    return {sheet.kind.kind: [row.values for row in sheet.rows] for sheet in workbook.sheets}


def demo_users() -> list[tuple[str, str, str]]:
    """The workbook's accounts in its order: username, full name and their roles
    ("chairman, council_member"), for ``thidua up``'s banner."""
    by_label = {folded(label): role for role, labels in ROLE_LABELS.items() for label in labels}
    by_label |= {folded(role.value): role for role in Role}
    accounts: dict[str, tuple[str, list[str]]] = {}
    for values in demo_rows().get("users", []):
        _, roles = accounts.setdefault(str(values["username"]), (str(values["full_name"]), []))
        if values.get("role") is not None:
            roles.append(by_label[folded(str(values["role"]))].value)
    return [(username, name, ", ".join(roles)) for username, (name, roles) in accounts.items()]


async def _get_or_add(
    session: AsyncSession, model: type[B], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[B, bool]:
    row = (await session.execute(select(model).filter_by(**lookup))).scalar_one_or_none()
    if row is not None:
        return row, False
    row = model(**lookup, **values)
    session.add(row)
    await session.flush()
    return row, True


class DemoDataRefused(Exception):
    """The demo data (and its accounts with the published password) outside development."""


class DemoWorkbookRefused(Exception):
    """The demo workbook has a problem the import reports (an edit gone wrong)."""


async def _import_workbook(
    session: AsyncSession, settings: Settings, *, now: datetime
) -> dict[str, int]:
    """The workbook imported (all or nothing); how many records of each sheet it added.
    No mail: the demo accounts get the demo password, not a setup link."""
    quiet = settings.model_copy(update={"mail_enabled": False})
    try:
        report = await run_import(
            session,
            quiet,
            seed_principal(),
            data=DEMO_WORKBOOK.read_bytes(),
            filename=DEMO_WORKBOOK.name,
            apply=True,
            now=now,
        )
    except ImportProblems as refusal:
        problems = refusal.report.problems
        raise DemoWorkbookRefused(
            f"{DEMO_WORKBOOK} has {len(problems)} problem(s): "
            + "; ".join(
                f"{p.sheet} row {p.row} {p.column}: {p.message_en or p.message}"
                for p in problems[:10]
            )
        ) from None
    return {sheet.kind: sheet.created for sheet in report.sheets if sheet.created}


async def _units(session: AsyncSession) -> dict[str, Unit]:
    return {unit.code: unit for unit in (await session.execute(select(Unit))).scalars()}


async def _person(session: AsyncSession, unit: Unit, full_name: str) -> Person:
    found = (
        (
            await session.execute(
                select(Person).where(
                    Person.unit_id == unit.id,
                    Person.full_name == full_name,
                    Person.merged_into_id.is_(None),
                )
            )
        )
        .scalars()
        .all()
    )
    if len(found) != 1:
        raise DemoWorkbookRefused(
            f"{DEMO_WORKBOOK}: {len(found)} people named {full_name!r} in {unit.code}"
        )
    return found[0]


async def _user(session: AsyncSession, username: str) -> User:
    user = (
        await session.execute(select(User).where(User.username == username))
    ).scalar_one_or_none()
    if user is None:
        raise DemoWorkbookRefused(f"{DEMO_WORKBOOK}: no account {username!r}")
    return user


async def _audit(
    session: AsyncSession,
    subject_type: str,
    subject_id: int,
    action: str,
    changes: dict[str, list[Any]],
    *,
    now: datetime,
) -> None:
    """One audit event of the seed's own changes, naming the seed as the import does."""
    await write_audit_event(
        session,
        event_key=f"seed:{subject_type}:{subject_id}:{action}:{uuid.uuid4().hex}",
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        occurred_at=now,
        actor_name=SEED_ACTOR,
        actor_role=Role.ADMIN.value,
        changes=changes,
    )


async def _what_no_sheet_holds(
    session: AsyncSession, count: Callable[[str, bool], None], *, now: datetime
) -> dict[str, User]:
    """The demo password on the demo accounts that have none yet, the deployment's
    administrator, the heads of units, the accounts' people, the achievement keys; each
    change audited."""
    units = await _units(session)
    password_hash = None
    users: dict[str, User] = {}
    changed: dict[int, dict[str, list[Any]]] = {}  # user id → changes
    for username, _, _ in demo_users():
        user = await _user(session, username)
        users[username] = user
        if user.password_hash.startswith(UNUSABLE):  # just imported: no usable password yet
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user.password_hash = password_hash
            await _audit(
                session,
                "user",
                user.id,
                "demo_password_set",
                {"must_change_password": [user.must_change_password, False]},
                now=now,
            )
            user.must_change_password = False
            count("demo_passwords", True)
    for username in DEPLOYMENT_ADMINS:
        if not users[username].deployment_admin:
            users[username].deployment_admin = True
            changed.setdefault(users[username].id, {})["deployment_admin"] = [False, True]
            count("deployment_admins", True)
    for username, full_name, unit_code in ACCOUNT_PEOPLE:
        if users[username].person_id is None:
            person = await _person(session, units[unit_code], full_name)
            users[username].person_id = person.id
            changed.setdefault(users[username].id, {})["person_id"] = [None, person.id]
            count("accounts_linked", True)
    for user_id, changes in changed.items():
        await _audit(session, "user", user_id, "user_updated", changes, now=now)
    for unit_code, full_name in HEADS_OF_UNITS:
        unit = units[unit_code]
        if unit.head_person_id is None:
            unit.head_person_id = (await _person(session, unit, full_name)).id
            changes = {"head_person_id": [None, unit.head_person_id]}
            await _audit(session, "unit", unit.id, "unit_updated", changes, now=now)
            count("heads_of_units", True)
    # An award of the history is one achievement: the key a nomination naming the same
    # achievement is checked against (domain.eligibility, one achievement one award). The
    # awards sheet names its people by full name and unit code.
    for values in demo_rows().get("awards", []):
        person = await _person(session, units[str(values["unit"])], str(values["full_name"]))
        records = (
            await session.execute(
                select(AwardRecord).where(
                    AwardRecord.person_id == person.id,
                    AwardRecord.year == values["year"],
                    AwardRecord.decision_number == str(values["decision_number"]),
                    AwardRecord.achievement_key.is_(None),
                )
            )
        ).scalars()
        for record in records:
            record.achievement_key = f"{record.award_code}:{record.year}:person-{person.id}"
            changes = {"achievement_key": [None, record.achievement_key]}
            await _audit(
                session, "award_record", record.id, "award_record_updated", changes, now=now
            )
            count("achievement_keys", True)
    await session.flush()
    return users


async def seed_demo(
    factory: SessionFactory, *, settings: Settings, clock: Clock | None = None
) -> dict[str, int]:
    """Create the demo data where missing. Returns how many records of each kind were
    added (by the workbook's sheet kinds, then the rest).

    Refused in production (``DemoDataRefused``): every demo account has the password
    printed in the README; a production deployment starts empty (``thidua admin create``)."""
    from domain.catalogue import load_catalogue
    from thidua.catalogue_store import sync_award_types

    if settings.environment == "production":
        raise DemoDataRefused(
            f"the demo data (every account with the password '{DEMO_PASSWORD}') is not "
            "added in production: create the first administrator with `thidua admin create`"
        )
    now = (clock or SystemClock()).now()
    added: dict[str, int] = {}

    def count(kind: str, created: bool) -> None:
        if created:
            added[kind] = added.get(kind, 0) + 1

    catalogue = load_catalogue(settings.catalogue_dir, settings.city_override or None)
    async with factory() as session, session.begin():
        added["award_types"] = await sync_award_types(session, catalogue)
        added.update(await _import_workbook(session, settings, now=now))
        users = await _what_no_sheet_holds(session, count, now=now)

        unit = (await _units(session))[CAMPAIGN_UNIT]
        authority = (
            await session.execute(select(Authority).where(Authority.unit_id == unit.id))
        ).scalar_one()
        campaign, created = await _get_or_add(
            session,
            Campaign,
            {"code": CAMPAIGN_CODE},
            dict(
                authority_id=authority.id,
                name=CAMPAIGN_NAME,
                theme=CAMPAIGN_THEME,
                plan_reference="Kế hoạch số /KH-UBND năm 2026",
                start_year=2026,
                end_year=2030,
                status="planned",
                launched_by_user_id=users[CAMPAIGN_LAUNCHED_BY].id,
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


DEMO_USERS_HELP = demo_users()
