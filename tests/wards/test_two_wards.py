"""Issue 15's acceptance case: two wards in one deployment, under one city. Each ward's
officers, standing body, chairman and administrator see their own ward's nominations,
people, audit trail and documents, never the other ward's; a nomination of ward A
forwarded to the city is seen there (by the city's standing body), and still not by ward
B. Each signed-in person's header names their own ward, from the units' data.

Ward A is the seeded Thạch Khôi (itself imported from the demo workbook); ward B (Lê Thanh
Nghị) is imported beside it from Excel through the API, as a real ward is put in: its
people's committee and offices, its deciding body (header lines proposed from its name,
standing unit, the city above) with its council, its people, accounts and ratings.
End to end through the API, the pages, the workflows (time-skipping Temporal server) and
the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import secrets
import time
from dataclasses import dataclass

import httpx
from openpyxl import Workbook
from sqlalchemy import select

from api.deps import SESSION_COOKIE, session_signer
from api.services.imports.council_sheets import COUNCIL_ROLE_LABELS
from api.services.imports.history_sheets import RATING_LABELS
from api.services.imports.labels import (
    GENDER_LABELS,
    LEVEL_LABELS,
    ROLE_LABELS,
    UNIT_KIND_LABELS,
    first_label,
)
from api.services.imports.sheet_kinds import sheet_kind
from api.services.imports.subjects import SUBJECT_LABELS
from domain.vocabulary import (
    CouncilRole,
    DocumentKind,
    Gender,
    Level,
    NomineeKind,
    NoticeDelivery,
    Rating,
    Role,
    Stage,
    UnitKind,
)
from models import (
    Authority,
    Document,
    Notice,
    User,
)
from tests.documents.pdftools import pdf_text
from thidua.security import hash_password

MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
B_PERSON = "Trần Thị Bích"
B_HOUSEHOLD = "Hoàng Văn Lộc"
A_HOUSEHOLD = "Nguyễn Văn Tâm"
DEPLOYMENT = "Thi đua - Khen thưởng thành phố Hải Phòng"
HOUSEHOLD_ITEMS = ["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"]
A_PERSON = "Đặng Thị Thủy"


@dataclass
class WardB:
    committee: int
    standing_unit: int
    office: int
    authority: int


def sheet(kind_name: str, rows: list[dict[str, object]]) -> list[list[object]]:
    """One sheet as an office fills the template: its headers, then one row per record."""
    kind = sheet_kind(kind_name)
    assert kind is not None, kind_name
    return [[c.header for c in kind.columns]] + [
        [row.get(c.key) for c in kind.columns] for row in rows
    ]


def ward_b_workbook(city_code: str) -> bytes:
    """Ward B as its administrator brings it in from Excel (the import's own sheets)."""
    ward_kind, office_kind = (
        first_label(UNIT_KIND_LABELS, UnitKind.PEOPLES_COMMITTEE),
        (first_label(UNIT_KIND_LABELS, UnitKind.OFFICE)),
    )
    ward = first_label(LEVEL_LABELS, Level.WARD)
    unit_rows: list[dict[str, object]] = [
        dict(
            code="ubnd-le-thanh-nghi",
            name="Ủy ban nhân dân phường Lê Thanh Nghị",
            short_name="UBND phường Lê Thanh Nghị",
            kind=ward_kind,
            level=ward,
            parent=city_code,
            address="Số 2 Lê Thanh Nghị, phường Lê Thanh Nghị",
        ),
        *(
            dict(code=code, name=name, kind=kind, level=ward, parent="ubnd-le-thanh-nghi")
            for code, name, kind in (
                ("ltn-vhxh", "Phòng Văn hóa - Xã hội phường Lê Thanh Nghị", office_kind),
                ("ltn-van-phong", "Văn phòng HĐND và UBND phường Lê Thanh Nghị", office_kind),
                (
                    "ltn-tdp-1",
                    "Tổ dân phố số 1 phường Lê Thanh Nghị",
                    first_label(UNIT_KIND_LABELS, UnitKind.RESIDENTIAL_GROUP),
                ),
            )
        ),
    ]
    accounts = [
        ("canbo.b", "Lý Văn Bình", Role.UNIT_OFFICER, "ltn-van-phong"),
        ("canbo.b", "Lý Văn Bình", Role.UNIT_OFFICER, "ltn-tdp-1"),
        ("thuongtruc.b", "Hà Thị Lan", Role.STANDING_OFFICER, "ltn-vhxh"),
        ("chutich.b", "Vương Văn Phúc", Role.CHAIRMAN, "ubnd-le-thanh-nghi"),
        ("chutich.b", "Vương Văn Phúc", Role.COUNCIL_MEMBER, "ubnd-le-thanh-nghi"),
        ("quantri.b", "Quản trị phường Lê Thanh Nghị", Role.ADMIN, "ubnd-le-thanh-nghi"),
        # Ward B's inspector, and the city's (who audits the city and the wards below it).
        ("kiemtra.b", "Đinh Văn Kiểm", Role.AUDITOR, "ubnd-le-thanh-nghi"),
        ("kiemtra.tp", "Thanh tra thành phố", Role.AUDITOR, city_code),
        # Ward A's own administrator (the demo's "quantri" administers the deployment), and
        # an administrator of one of its offices only.
        ("quantri.a", "Quản trị ubnd-thach-khoi", Role.ADMIN, "ubnd-thach-khoi"),
        ("quantri.vp", "Quản trị tk-van-phong", Role.ADMIN, "tk-van-phong"),
    ]
    person = dict(full_name=B_PERSON, unit="ltn-van-phong")
    book = Workbook()
    sheets = {
        "units": unit_rows,
        "authorities": [
            dict(unit="ubnd-le-thanh-nghi", standing_unit="ltn-vhxh", parent=city_code)
        ],
        "households": [
            dict(head_name=B_HOUSEHOLD, address="Số 9 ngõ 4", residential_group="ltn-tdp-1")
        ],
        "people": [
            dict(
                **person,
                gender=first_label(GENDER_LABELS, Gender.FEMALE),
                birth_year=1985,
                position="Chuyên viên Văn phòng",
            )
        ],
        "users": [
            dict(username=u, full_name=n, role=first_label(ROLE_LABELS, r), unit=unit)
            for u, n, r, unit in accounts
        ],
        "ratings": [
            dict(
                **person,
                subject_kind=first_label(SUBJECT_LABELS, NomineeKind.INDIVIDUAL),
                year=year,
                rating=first_label(RATING_LABELS, rating),
            )
            for year, rating in ((2025, Rating.GOOD), (2026, Rating.EXCELLENT))
        ],
        "council_members": [
            dict(
                committee="ubnd-le-thanh-nghi",
                username="chutich.b",
                council_role=first_label(COUNCIL_ROLE_LABELS, CouncilRole.CHAIR),
                title="Chủ tịch UBND phường - Chủ tịch Hội đồng",
            )
        ],
    }
    for index, (kind_name, rows) in enumerate(sheets.items()):
        kind = sheet_kind(kind_name)
        assert kind is not None
        page = book.active if index == 0 else book.create_sheet()
        assert page is not None
        page.title = kind.title
        for values in sheet(kind_name, rows):
            page.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def add_ward_b(harness) -> WardB:
    """Ward B beside the seeded ward, under the same city, brought in as a real ward is:
    the deployment's administrator imports its Excel lists through the API (a dry run,
    then applied); its people then choose their passwords (done here directly)."""
    data = ward_b_workbook("ubnd-tp-hai-phong")
    for apply in ("false", "true"):
        response = await harness.http.post(
            "/api/v1/imports",
            files={"file": ("phuong-le-thanh-nghi.xlsx", data, "application/octet-stream")},
            data={"apply": apply},
            headers=harness.headers("quantri"),
        )
        assert response.status_code == 200, response.text
        assert response.json()["problems"] == [], response.json()["problems"]
    assert response.json()["applied"] is True
    password = hash_password("thidua2026")
    async with harness.factory() as session, session.begin():
        imported = (
            await session.execute(
                select(User).where(
                    User.username.in_(
                        {
                            "canbo.b",
                            "thuongtruc.b",
                            "chutich.b",
                            "quantri.b",
                            "quantri.a",
                            "quantri.vp",
                            "kiemtra.b",
                            "kiemtra.tp",
                        }
                    )
                )
            )
        ).scalars()
        for user in imported:
            user.password_hash, user.must_change_password = password, False
    await harness.load_ids()
    async with harness.factory() as session:
        committee = harness.ids.units["ubnd-le-thanh-nghi"]
        authority = (
            await session.execute(select(Authority.id).where(Authority.unit_id == committee))
        ).scalar_one()
    return WardB(
        committee,
        harness.ids.units["ltn-vhxh"],
        harness.ids.units["ltn-van-phong"],
        authority,
    )


async def accept(harness, nomination_id: int, standing: str = "thuongtruc") -> dict:
    return await harness.ok(standing, f"/api/v1/nominations/{nomination_id}/accept", {"note": ""})


async def forward_to_the_city(harness, nomination_id: int) -> dict:
    """Ward A's standing body accepts, its council passes, its chairman signs the
    submission (tờ trình) that sends the dossier to the city."""
    await accept(harness, nomination_id)
    session = await harness.convene([nomination_id])
    for member in MEMBERS:
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_SUBMISSION)
    submission = await harness.draft_decision([nomination_id], kind="submission")
    signed = await harness.sign(submission["id"], "chutich")
    await harness.wait_stage(nomination_id, Stage.RECEPTION)
    return signed


async def seen_nominations(harness, username: str) -> set[int]:
    response = await harness.get(username, "/api/v1/nominations", params={"page_size": 200})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def browser(harness, username: str) -> httpx.AsyncClient:
    """A signed-in browser (a page session, as ``POST /login`` mints it)."""
    http = harness.http_client()
    value = session_signer(harness.settings).dumps(
        {"uid": harness.ids.users[username], "sid": secrets.token_urlsafe(16), "iat": time.time()}
    )
    http.cookies.set(SESSION_COOKIE, value, domain="testserver.local")
    return http


async def audit_nominees(harness, username: str) -> set[str]:
    """The nominees named in the audit trail this person reads (its CSV export)."""
    async with browser(harness, username) as http:
        export = await http.get("/audit/export.csv")
    assert export.status_code == 200, export.text[:300]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    column = rows[0].index("Đối tượng")
    return {row[column].lstrip("'") for row in rows[1:]}


async def test_each_ward_sees_its_own_and_the_city_what_was_forwarded(harness):
    ward_b = await add_ward_b(harness)
    local_a = (await harness.nominate(person=A_PERSON))["id"]
    local_b = (
        await harness.nominate(
            unit_user="canbo.b", unit_code="ltn-van-phong", person=B_PERSON, award_code="giay_khen"
        )
    )["id"]
    row_b = await harness.nomination(local_b)
    assert row_b.origin_authority_id == ward_b.authority  # ward B's own standing body
    forwarded = (
        await harness.nominate(award_code="bang_khen_thanh_pho", attestations=["city_influence"])
    )["id"]
    signed = await forward_to_the_city(harness, forwarded)

    # ---- nominations -------------------------------------------------------------------
    ward_a = {"canbo.vanphong", "thuongtruc", "chutich", "quantri.a"}
    for username in ward_a:
        seen = await seen_nominations(harness, username)
        assert {local_a, forwarded} <= seen and local_b not in seen, username
        refused = await harness.get(username, f"/api/v1/nominations/{local_b}")
        assert refused.status_code == 403, username
    for username in ("canbo.b", "thuongtruc.b", "chutich.b", "quantri.b"):
        assert await seen_nominations(harness, username) == {local_b}, username
        for other in (local_a, forwarded):
            assert (await harness.get(username, f"/api/v1/nominations/{other}")).status_code == 403
        assert (await harness.get(username, f"/api/v1/nominations/{local_b}")).status_code == 200
    # The city's standing body: the forwarded dossier only, not what stayed in the wards.
    city = await seen_nominations(harness, "thanhpho")
    assert forwarded in city and not {local_a, local_b} & city
    assert (await harness.get("thanhpho", f"/api/v1/nominations/{forwarded}")).status_code == 200
    # An office's administrator: that office's nominations (both were proposed there).
    assert await seen_nominations(harness, "quantri.vp") == {local_a, forwarded}
    # The deployment's administrator sees every ward's.
    assert {local_a, local_b, forwarded} <= await seen_nominations(harness, "quantri")

    # ---- people ----------------------------------------------------------------------------
    bich = harness.ids.people[B_PERSON]
    thuy = harness.ids.people[A_PERSON]
    for username in ("thuongtruc", "chutich", "quantri.a"):
        assert (await harness.get(username, f"/api/v1/people/{bich}")).status_code == 403
        assert (await harness.get(username, f"/api/v1/people/{thuy}")).status_code == 200
        names = await harness.get(username, "/api/v1/people", params={"q": "Trần Thị Bích"})
        assert names.status_code == 200 and names.json()["items"] == [], username
    for username in ("canbo.b", "thuongtruc.b", "chutich.b", "quantri.b"):
        assert (await harness.get(username, f"/api/v1/people/{thuy}")).status_code == 403
        assert (await harness.get(username, f"/api/v1/people/{bich}")).status_code == 200
    assert (
        await harness.get(
            "quantri.b", "/api/v1/people", params={"unit_id": harness.ids.units["tk-van-phong"]}
        )
    ).status_code == 403

    # ---- the audit trail ---------------------------------------------------------------
    assert B_PERSON not in await audit_nominees(harness, "quantri.a")
    assert A_PERSON in await audit_nominees(harness, "quantri.a")
    assert await audit_nominees(harness, "quantri.b") == {B_PERSON}

    # ---- auditors: each their own ward; the city's, the city and the wards below it ----
    assert await seen_nominations(harness, "kiemtra.b") == {local_b}
    assert {local_a, forwarded} <= await seen_nominations(harness, "kiemtra")
    assert local_b not in await seen_nominations(harness, "kiemtra")
    assert {local_a, local_b, forwarded} <= await seen_nominations(harness, "kiemtra.tp")
    # Another ward's nomination is refused exactly as a number that does not exist.
    for username, other in (("kiemtra", local_b), ("kiemtra.b", local_a)):
        refused = await harness.get(username, f"/api/v1/nominations/{other}")
        absent = await harness.get(username, "/api/v1/nominations/987654321")
        assert (refused.status_code, refused.json()) == (absent.status_code, absent.json())
    assert await audit_nominees(harness, "kiemtra.b") == {B_PERSON}
    assert A_PERSON in await audit_nominees(harness, "kiemtra")
    assert B_PERSON not in await audit_nominees(harness, "kiemtra")

    # ---- documents: the submission that went to the city ------------------------------
    document = f"/api/v1/documents/{signed['document_id']}/pdf"
    for username in ("chutich", "quantri.a", "thanhpho", "kiemtra", "kiemtra.tp"):
        assert (await harness.get(username, document)).status_code == 200, username
    for username in ("chutich.b", "thuongtruc.b", "quantri.b", "kiemtra.b"):
        assert (await harness.get(username, document)).status_code == 404, username

    # ---- mails that could not be delivered: each administrator their own accounts' ------
    async with harness.factory() as session, session.begin():
        for username in ("chutich", "chutich.b"):
            session.add(
                Notice(
                    notice_key=f"test-failed-{username}",
                    user_id=harness.ids.users[username],
                    kind="reminder",
                    subject=f"Nhắc việc {username}",
                    body_text="Nhắc việc",
                    email_to=f"{username}@example.vn",
                    delivery=NoticeDelivery.FAILED,
                )
            )
    failed_path = "/api/v1/admin/notices/failed"
    for username, expected in (
        ("quantri.a", {"chutich"}),
        ("quantri.b", {"chutich.b"}),
        ("quantri", {"chutich", "chutich.b"}),
    ):
        failed = await harness.get(username, failed_path)
        assert failed.status_code == 200, failed.text
        assert {n["username"] for n in failed.json()["items"]} == expected, username
    assert (await harness.get("chutich.b", failed_path)).status_code == 403

    # ---- whose pages: each header names the person's own ward -------------------------
    async with browser(harness, "chutich.b") as http:
        home = (await http.get("/")).text
    assert "Ủy ban nhân dân phường Lê Thanh Nghị, thành phố Hải Phòng" in home
    assert "Thạch Khôi" not in home
    async with browser(harness, "chutich") as http:
        home = (await http.get("/")).text
    assert "Thạch Khôi" in home and "Lê Thanh Nghị" not in home


async def household_on_notice(harness, unit_user: str, unit_code: str, household: str) -> int:
    """A family's "Gia đình văn hóa" accepted by its ward: posted for public comment."""
    created = await harness.nominate(
        unit_user=unit_user,
        unit_code=unit_code,
        award_code="gd_van_hoa",
        person=None,
        household=household,
        items=HOUSEHOLD_ITEMS,
        attestations=["gdvh_standards"],
    )
    standing = "thuongtruc.b" if unit_user == "canbo.b" else "thuongtruc"
    await accept(harness, created["id"], standing)
    await harness.wait_stage(created["id"], Stage.PUBLIC_NOTICE)
    return created["id"]


async def test_the_portal_lets_a_resident_choose_a_ward(harness):
    harness.settings.deployment_name = DEPLOYMENT
    await add_ward_b(harness)
    notice_a = await household_on_notice(harness, "canbo.tdp1", "tk-tdp-1", A_HOUSEHOLD)
    notice_b = await household_on_notice(harness, "canbo.b", "ltn-tdp-1", B_HOUSEHOLD)

    async with harness.http_client() as resident:
        login = await resident.get("/login")
        assert DEPLOYMENT in login.text
        every = await resident.get("/cong-khai")
        assert DEPLOYMENT in every.text and 'id="ward-choice"' in every.text
        assert (
            'value="ubnd-le-thanh-nghi"' in every.text and 'value="ubnd-thach-khoi"' in every.text
        )
        assert f'id="notice-{notice_a}"' in every.text and f'id="notice-{notice_b}"' in every.text
        # Each notice names its ward.
        article_b = every.text.split(f'id="notice-{notice_b}"')[1].split("</article>")[0]
        assert "Ủy ban nhân dân phường Lê Thanh Nghị" in article_b

        ward_b = await resident.get("/cong-khai", params={"phuong": "ubnd-le-thanh-nghi"})
        assert f'id="notice-{notice_b}"' in ward_b.text
        assert f'id="notice-{notice_a}"' not in ward_b.text
        assert '<p id="chosen-ward">Ủy ban nhân dân phường Lê Thanh Nghị</p>' in ward_b.text
        by_id = await resident.get(
            "/cong-khai", params={"phuong": str(harness.ids.units["ubnd-thach-khoi"])}
        )
        assert f'id="notice-{notice_a}"' in by_id.text
        assert f'id="notice-{notice_b}"' not in by_id.text
        unknown = await resident.get("/cong-khai", params={"phuong": "khong-co"})
        assert unknown.status_code == 200 and f'id="notice-{notice_b}"' in unknown.text

    # Ward B's public notice is headed with ward B's name, from its authority's data.
    document_id = None
    for _ in range(300):  # the notice's PDF is issued by an activity, soon after
        async with harness.factory() as session:
            document_id = (
                await session.execute(
                    select(Document.id).where(
                        Document.kind == DocumentKind.PUBLIC_NOTICE,
                        Document.nomination_id == notice_b,
                    )
                )
            ).scalar_one_or_none()
        if document_id is not None:
            break
        await asyncio.sleep(0.05)
    assert document_id is not None, "ward B's public notice was never issued"
    pdf = await harness.get(None, f"/api/v1/documents/{document_id}/pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "PHƯỜNG LÊ THANH NGHỊ" in text and "THẠCH KHÔI" not in text
