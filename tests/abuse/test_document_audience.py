"""Every document and file the application serves, read as every role: exactly the
readers that the domain names get it (200); everyone else gets, byte for byte, what the
same route answers for an id that does not exist — a refusal never tells that something
exists. Then the pages: no page links a document its reader may not open.

The read routes are not listed by hand: they are every GET route under /api/v1 that
answers with a file rather than a JSON record (no response model), so a new file route
without cases here fails this test. The readers of each case (``CASES``) are written
from the domain (shared/domain/DOMAIN.md, the README's "what you can do"), not read from
the code under test; the table they follow is in ``api/services/document_audience.py``.

One prepared world, through the real engine: a Giấy khen decided at the ward (council
session 1, with the other unit's collective still awaiting its signature), a Bằng khen
of the city forwarded by a submission (council session 2) and decided at the city
(council session 3: the city's first decision is 01/QĐ-UBND, like the ward's), a
household on public notice, a campaign report, and a dossier file of each unit.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from sqlalchemy import select

from domain.vocabulary import DocumentKind, Stage
from models import Campaign, CouncilSession, DecisionItem, Document
from thidua.seed import CAMPAIGN_CODE

from ..pages.conftest import Person

pytestmark = [
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
    pytest.mark.timeout(360),
]

UNIT = "canbo.vanphong"  # officer of the unit that proposes the Giấy khen and the Bằng khen
OTHER_UNIT = "canbo.tdp1"  # officer of another unit (a collective, a household)
STANDING = "thuongtruc"  # the ward's standing body
MEMBER = "uyvien.mttq"  # a member of the ward's council, nothing more
CHAIRMAN = "chutich"  # chairman of the ward (and of its council)
VICE = "phochutich"  # vice-chairman of the ward (a council member)
CITY_STANDING = "thanhpho"
CITY_CHAIRMAN = "chutich.tp"
CITY_MEMBER = "uyvien.tp1"
CENTRAL_STANDING = "trunguong"
AUDITOR = "kiemtra"
ADMIN = "quantri"
ANONYMOUS = None
ROLES: tuple[str | None, ...] = (
    UNIT,
    OTHER_UNIT,
    STANDING,
    MEMBER,
    CHAIRMAN,
    VICE,
    CITY_STANDING,
    CITY_CHAIRMAN,
    CITY_MEMBER,
    CENTRAL_STANDING,
    AUDITOR,
    ADMIN,
    ANONYMOUS,
)

# The readers, from the domain: the people of an authority (its standing body, leaders
# and council) read what it handles; the deployment's administrator reads everything, the
# ward's auditor (kiemtra) what the ward's people read and what its nominations carry.
WARD = (STANDING, MEMBER, CHAIRMAN, VICE)
CITY = (CITY_STANDING, CITY_CHAIRMAN, CITY_MEMBER)
ALL_DOCUMENTS = (AUDITOR, ADMIN)
SIGNED_IN = tuple(r for r in ROLES if r is not None)
STATISTICS_READERS = (
    STANDING,
    CHAIRMAN,
    VICE,
    CITY_STANDING,
    CITY_CHAIRMAN,
    CENTRAL_STANDING,
    *ALL_DOCUMENTS,
)
EVERYONE = ROLES

WARD_MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
CITY_MEMBERS = ("chutich.tp", "uyvien.tp1", "uyvien.tp2")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MISSING_ID = 987_654_321
PDF_START = b"%PDF-"
PK_ZIP = b"PK"  # an .xlsx workbook is a zip archive
DOCUMENT_LINK = re.compile(
    r'(?:href|data)="(/api/v1/(?:documents/\d+/pdf|decisions/\d+/preview\.pdf|'
    r"decision-items/\d+/certificate\.pdf|nominations/\d+/dossier-items/\d+/file|"
    r"decisions/\d+/awardees\.xlsx|council-sessions/\d+/results\.xlsx|"
    r'documents/\d+/(?:notice|minutes)\.docx))"'
)


def file_routes(app) -> set[str]:
    """Every GET route under /api/v1 that answers with a file (no JSON response model)."""

    def walk(routes):
        for route in routes:
            if isinstance(route, fastapi_routing._IncludedRouter):
                yield from walk(route.original_router.routes)
            else:
                yield route

    return {
        route.path
        for route in walk(app.routes)
        if isinstance(route, APIRoute)
        and route.path.startswith("/api/v1/")
        and "GET" in route.methods
        and route.response_model is None
    }


def missing(route: str) -> str:
    """The route with every id one that does not exist."""
    return re.sub(r"{\w+}", str(MISSING_ID), route)


@dataclass
class Case:
    name: str
    route: str
    path: str
    readers: tuple[str | None, ...]
    starts_with: bytes = PDF_START  # what a reader's answer begins with (an .xlsx: PK_ZIP)


# ---------------------------------------------------------------------------------------
# The world


async def until(probe, what: str, timeout: float = 20.0):
    """The first truthy value of ``probe()`` (the projections are written by activities)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.05)


async def minutes_of(h, session_id: int) -> int:
    async def probe():
        async with h.factory() as db:
            row = await db.get(CouncilSession, session_id)
            return row.minutes_document_id if row else None

    return await until(probe, f"the minutes of session {session_id}")


async def item_of(h, decision_id: int) -> int:
    async with h.factory() as db:
        return (
            await db.execute(select(DecisionItem.id).where(DecisionItem.decision_id == decision_id))
        ).scalar_one()


async def notice_document(h, nomination_id: int) -> int:
    async def probe():
        async with h.factory() as db:
            return (
                await db.execute(
                    select(Document.id).where(
                        Document.kind == DocumentKind.PUBLIC_NOTICE,
                        Document.nomination_id == nomination_id,
                    )
                )
            ).scalar_one_or_none()

    return await until(probe, f"the public notice of nomination {nomination_id}")


async def with_file(h, username: str, nomination_id: int) -> int:
    response = await h.http.post(
        f"/api/v1/nominations/{nomination_id}/dossier-items",
        headers=h.headers(username),
        data={"item_code": "to_trinh"},
        files={"file": ("to-trinh.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def through_council(
    h, nomination_ids: list[int], *, members, standing=STANDING, then=Stage.AWAITING_DECISION
) -> int:
    session = await h.convene(nomination_ids, standing=standing)
    for member in members:
        await h.vote(session["id"], member, {i: "agree" for i in nomination_ids})
    for nomination_id in nomination_ids:
        await h.wait_stage(nomination_id, then)
    return session["id"]


async def assembled(h, decision_id: int, reader: str) -> None:
    async def probe():
        response = await h.get(reader, f"/api/v1/decisions/{decision_id}")
        return response.json()["status"] == "awaiting_signature"

    await until(probe, f"decision {decision_id} assembled")


@dataclass
class World:
    giay_khen: int  # the unit's nominee, granted at the ward
    collective: int  # the other unit's collective, its decision awaiting signature
    forwarded: int  # the unit's nominee for the city's Bằng khen, granted at the city
    household: int  # the other unit's household, on public notice
    ward_session: int
    forwarding_session: int
    city_session: int
    ward_decision: dict
    draft_decision: int
    submission: dict
    city_decision: dict
    unit_file: int
    other_unit_file: int
    notice_document: int
    report_document: int


async def build_world(h) -> World:
    ids = h.ids
    # A Giấy khen at the ward, with a dossier file; the other unit's collective beside it.
    giay_khen = (await h.nominate(submit=False))["id"]
    unit_file = await with_file(h, UNIT, giay_khen)
    await h.ok(UNIT, f"/api/v1/nominations/{giay_khen}/submit", {})
    await h.wait_recorded(giay_khen)
    collective = (
        await h.nominate(unit_user=OTHER_UNIT, unit_code="tk-tdp-1", collective_unit="tk-tdp-1")
    )["id"]
    # A Bằng khen of the city chairman: forwarded by the ward, decided by the city.
    forwarded = (
        await h.nominate(
            award_code="bang_khen_thanh_pho",
            person="Đặng Thị Thủy",
            items=["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"],
            attestations=["city_movement"],
        )
    )["id"]
    for nomination_id in (giay_khen, collective, forwarded):
        await h.ok(STANDING, f"/api/v1/nominations/{nomination_id}/accept", {})

    ward_session = await through_council(h, [giay_khen, collective], members=WARD_MEMBERS)
    forwarding_session = await through_council(
        h, [forwarded], members=WARD_MEMBERS, then=Stage.AWAITING_SUBMISSION
    )

    decision = await h.draft_decision([giay_khen])
    ward_decision = await h.sign(decision["id"])
    draft_decision = (await h.draft_decision([collective]))["id"]
    await assembled(h, draft_decision, STANDING)
    submission_draft = await h.draft_decision([forwarded], kind="submission")
    submission = await h.sign(submission_draft["id"])
    await h.wait_stage(giay_khen, Stage.GRANTED)
    at_city = await h.wait_stage(forwarded, Stage.RECEPTION)
    assert at_city.city_authority_id == ids.authorities["city"], "forwarded to the city"

    await h.ok(CITY_STANDING, f"/api/v1/nominations/{forwarded}/accept", {})
    await h.wait_stage(forwarded, Stage.AWAITING_COUNCIL)
    city_session = await through_council(
        h, [forwarded], members=CITY_MEMBERS, standing=CITY_STANDING
    )
    city_draft = await h.draft_decision([forwarded], standing=CITY_STANDING)
    city_decision = await h.sign(city_draft["id"], signer=CITY_CHAIRMAN)
    await h.wait_stage(forwarded, Stage.GRANTED)

    # The other unit's household, posted for comment, with a dossier file.
    household = (
        await h.nominate(
            unit_user=OTHER_UNIT,
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            person=None,
            household="Bùi Văn Khải",
            items=["danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
            attestations=["gdvh_standards"],
            submit=False,
        )
    )["id"]
    other_unit_file = await with_file(h, OTHER_UNIT, household)
    await h.ok(OTHER_UNIT, f"/api/v1/nominations/{household}/submit", {})
    await h.wait_recorded(household)
    await h.ok(STANDING, f"/api/v1/nominations/{household}/accept", {})
    await h.wait_stage(household, Stage.PUBLIC_NOTICE)

    async with h.factory() as db:
        campaign_id = (
            await db.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
    report = await h.ok(STANDING, f"/api/v1/campaigns/{campaign_id}/reports", {}, status=201)

    return World(
        giay_khen=giay_khen,
        collective=collective,
        forwarded=forwarded,
        household=household,
        ward_session=ward_session,
        forwarding_session=forwarding_session,
        city_session=city_session,
        ward_decision=ward_decision,
        draft_decision=draft_decision,
        submission=submission,
        city_decision=city_decision,
        unit_file=unit_file,
        other_unit_file=other_unit_file,
        notice_document=await notice_document(h, household),
        report_document=report["document_id"],
    )


async def cases_of(h, w: World) -> list[Case]:
    documents = "/api/v1/documents/{document_id}/pdf"
    preview = "/api/v1/decisions/{decision_id}/preview.pdf"
    certificate = "/api/v1/decision-items/{item_id}/certificate.pdf"
    dossier = "/api/v1/nominations/{nomination_id}/dossier-items/{item_id}/file"

    def document(name: str, document_id: int, readers) -> Case:
        return Case(name, documents, f"/api/v1/documents/{document_id}/pdf", readers)

    def xlsx(name: str, route: str, readers, path: str | None = None) -> Case:
        return Case(name, route, path or route, readers, starts_with=PK_ZIP)

    results = "/api/v1/council-sessions/{session_id}/results.xlsx"
    awardees = "/api/v1/decisions/{decision_id}/awardees.xlsx"
    async with h.factory() as db:
        campaign_id = (
            await db.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()

    return [
        # Decisions are published (DOMAIN.md, the chain, step 7): the ward's and the city's.
        document("ward decision", w.ward_decision["document_id"], EVERYONE),
        document("city decision", w.city_decision["document_id"], EVERYONE),
        # A submission is correspondence between authorities: the ward that signs it and
        # the city that takes it as its tờ trình; not the units, not the public.
        document("submission", w.submission["document_id"], (*WARD, *CITY, *ALL_DOCUMENTS)),
        # Minutes: the session's council and its authority; they travel with what the
        # session forwarded (README: the lower council's minutes go up with it).
        document(
            "minutes, ward session",
            await minutes_of(h, w.ward_session),
            (*WARD, *ALL_DOCUMENTS),
        ),
        document(
            "minutes, ward session that forwarded",
            await minutes_of(h, w.forwarding_session),
            (*WARD, *CITY, *ALL_DOCUMENTS),
        ),
        # The ward's auditor audits the ward, not the city: the city's own minutes are not
        # theirs (as the city session's page and tallies are not).
        document("minutes, city session", await minutes_of(h, w.city_session), (*CITY, ADMIN)),
        # Posted for comment: anyone may read it while the notice runs.
        document("public notice, posted", w.notice_document, EVERYONE),
        # The campaign's review: the report page shows its figures to everyone signed in.
        document("campaign report", w.report_document, SIGNED_IN),
        # The draft the chairman will sign: the people of the deciding authority.
        Case(
            "draft decision preview",
            preview,
            f"/api/v1/decisions/{w.draft_decision}/preview.pdf",
            (*WARD, *ALL_DOCUMENTS),
        ),
        # The draft as a Word file (issue 17): exactly the preview's readers.
        Case(
            "draft decision as Word",
            "/api/v1/decisions/{decision_id}/draft.docx",
            f"/api/v1/decisions/{w.draft_decision}/draft.docx",
            (*WARD, *ALL_DOCUMENTS),
            starts_with=PK_ZIP,
        ),
        # The minutes as a Word file: exactly the stored minutes' readers.
        Case(
            "minutes as Word, ward session",
            "/api/v1/documents/{document_id}/minutes.docx",
            f"/api/v1/documents/{await minutes_of(h, w.ward_session)}/minutes.docx",
            (*WARD, *ALL_DOCUMENTS),
            starts_with=PK_ZIP,
        ),
        # The public notice as a Word file: exactly the stored notice's readers (anyone
        # while it runs; its nomination's readers afterwards, below).
        Case(
            "public notice as Word, posted",
            "/api/v1/documents/{document_id}/notice.docx",
            f"/api/v1/documents/{w.notice_document}/notice.docx",
            EVERYONE,
            starts_with=PK_ZIP,
        ),
        # A certificate and a dossier file belong to one nomination: whoever may see it.
        Case(
            "certificate, ward",
            certificate,
            f"/api/v1/decision-items/{await item_of(h, w.ward_decision['decision_id'])}"
            "/certificate.pdf",
            (UNIT, *WARD, *ALL_DOCUMENTS),
        ),
        Case(
            "certificate, city",
            certificate,
            f"/api/v1/decision-items/{await item_of(h, w.city_decision['decision_id'])}"
            "/certificate.pdf",
            (UNIT, *WARD, *CITY, *ALL_DOCUMENTS),
        ),
        Case(
            "dossier file of the unit",
            dossier,
            f"/api/v1/nominations/{w.giay_khen}/dossier-items/{w.unit_file}/file",
            (UNIT, *WARD, *ALL_DOCUMENTS),
        ),
        Case(
            "dossier file of the other unit",
            dossier,
            f"/api/v1/nominations/{w.household}/dossier-items/{w.other_unit_file}/file",
            (OTHER_UNIT, *WARD, *ALL_DOCUMENTS),
        ),
        # The lists as .xlsx (issue 17): a list is everyone's who signs in, each seeing
        # the rows the list shows them; the audit trail is its auditors'.
        xlsx("nominations list", "/api/v1/nominations.xlsx", SIGNED_IN),
        xlsx("deadlines board", "/api/v1/boards/deadlines.xlsx", SIGNED_IN),
        xlsx("audit trail", "/api/v1/audit.xlsx", ALL_DOCUMENTS),
        xlsx(
            "registrations",
            "/api/v1/campaigns/{campaign_id}/registrations.xlsx",
            SIGNED_IN,
            f"/api/v1/campaigns/{campaign_id}/registrations.xlsx",
        ),
        xlsx(
            "exemplars",
            "/api/v1/campaigns/{campaign_id}/exemplars.xlsx",
            SIGNED_IN,
            f"/api/v1/campaigns/{campaign_id}/exemplars.xlsx",
        ),
        # A session's tallies: whoever follows the session on its page (its council, the
        # people of its authority, its auditors; the ward's auditor does not follow the
        # city's sessions), as the session page itself.
        xlsx(
            "results, ward session",
            results,
            (*WARD, *ALL_DOCUMENTS),
            f"/api/v1/council-sessions/{w.ward_session}/results.xlsx",
        ),
        xlsx(
            "results, city session",
            results,
            (*CITY, ADMIN),
            f"/api/v1/council-sessions/{w.city_session}/results.xlsx",
        ),
        # The awardee list for the finance office: whoever reads the decision itself.
        xlsx(
            "awardees, ward decision",
            awardees,
            EVERYONE,
            f"/api/v1/decisions/{w.ward_decision['decision_id']}/awardees.xlsx",
        ),
        xlsx(
            "awardees, draft decision",
            awardees,
            (*WARD, *ALL_DOCUMENTS),
            f"/api/v1/decisions/{w.draft_decision}/awardees.xlsx",
        ),
        xlsx(
            "awardees, submission",
            awardees,
            (*WARD, *CITY, *ALL_DOCUMENTS),
            f"/api/v1/decisions/{w.submission['decision_id']}/awardees.xlsx",
        ),
        # The year's statistics (issue 17): the standing bodies, the chairmen and
        # vice-chairmen, the auditors and the administrators, each of their own territory.
        xlsx("statistics", "/api/v1/statistics.xlsx", STATISTICS_READERS),
        Case(
            "statistics report",
            "/api/v1/statistics.pdf",
            "/api/v1/statistics.pdf",
            STATISTICS_READERS,
        ),
        # The blank import templates: for whoever administers (an unknown kind is the
        # missing id).
        Case(
            "import template",
            "/api/v1/imports/templates/{kind}.xlsx",
            "/api/v1/imports/templates/units.xlsx",
            (ADMIN,),
            starts_with=PK_ZIP,
        ),
    ]


# ---------------------------------------------------------------------------------------
# Reading


def shown(response) -> str:
    if response.content.startswith(PDF_START):
        return f"{response.status_code} (a PDF)"
    if response.content.startswith(PK_ZIP):
        return f"{response.status_code} (a workbook)"
    return f"{response.status_code} {response.text[:120]}"


@dataclass
class Reads:
    h: object
    problems: list[str]
    tried: int = 0

    async def get(self, username: str | None, path: str):
        h = self.h
        return await h.http.get(path, headers=h.headers(username) if username else {})

    async def check(self, case: Case) -> None:
        for role in ROLES:
            response = await self.get(role, case.path)
            self.tried += 1
            who = role or "anonymous"
            if role in case.readers:
                if response.status_code != 200 or not response.content.startswith(case.starts_with):
                    self.problems.append(f"{case.name} as {who} (a reader): {shown(response)}")
                continue
            absent = await self.get(role, missing(case.route))
            if (response.status_code, response.content) != (absent.status_code, absent.content):
                self.problems.append(
                    f"{case.name} as {who} (not a reader): {shown(response)}, "
                    f"where a missing id gets {shown(absent)}"
                )


async def external_signature_request(h, decision_id: int, folder) -> Case:
    """The chairman signs on their own computer (THIDUA_EXTERNAL_SIGNERS): the prepared
    document of their pending request is theirs to read, nobody else's."""
    from tests.workflows.test_external_signature import _token

    _cert, _p12, pem = _token(h.settings, folder, "Tăng Văn Quân")
    signers = folder / "external-signers.json"
    signers.write_text(json.dumps({CHAIRMAN: {"certificate": str(pem)}}))
    h.settings.external_signers = signers
    await h.ok(CHAIRMAN, f"/api/v1/decisions/{decision_id}/external-signing")
    return Case(
        "prepared document of a signature request",
        "/api/v1/decisions/{decision_id}/signature-request/pdf",
        f"/api/v1/decisions/{decision_id}/signature-request/pdf",
        (CHAIRMAN,),
    )


async def test_every_document_as_every_role(harness, tmp_path):
    h = harness
    world = await build_world(h)
    cases = await cases_of(h, world)
    # The draft awaiting its signature, on the chairman's own computer.
    cases.append(
        await external_signature_request(h, world.draft_decision, tmp_path / "chairman-computer")
    )
    reads = Reads(h, [])
    for case in cases:
        await reads.check(case)

    # Every file route has cases, and no case names a route that does not exist.
    routes = file_routes(h.app)
    assert {c.route for c in cases} == routes, {
        "file routes without a case": routes - {c.route for c in cases},
        "cases of routes that do not exist": {c.route for c in cases} - routes,
    }
    assert not reads.problems, "\n".join(reads.problems)

    # Once the notice period is over, the notice is no longer the public's: its
    # nomination's readers keep it.
    await h.sleep(timedelta(days=12))
    await h.wait_stage(world.household, Stage.AWAITING_DECISION)
    ended = Case(
        "public notice, ended",
        "/api/v1/documents/{document_id}/pdf",
        f"/api/v1/documents/{world.notice_document}/pdf",
        (OTHER_UNIT, *WARD, *ALL_DOCUMENTS),
    )
    await reads.check(ended)
    ended_word = Case(
        "public notice as Word, ended",
        "/api/v1/documents/{document_id}/notice.docx",
        f"/api/v1/documents/{world.notice_document}/notice.docx",
        (OTHER_UNIT, *WARD, *ALL_DOCUMENTS),
        starts_with=PK_ZIP,
    )
    await reads.check(ended_word)
    assert not reads.problems, "\n".join(reads.problems)
    print(f"{len(cases) + 2} documents × {len(ROLES)} roles: {reads.tried} reads")


async def test_no_page_links_a_document_its_reader_may_not_open(harness):
    """The pages of the world, opened by every signed-in role: each document link on a
    page its reader may open answers that reader with the file."""
    h = harness
    w = await build_world(h)
    pages = [
        "/",
        "/cong-khai",
        "/decisions",
        *(f"/nominations/{n}" for n in (w.giay_khen, w.collective, w.forwarded, w.household)),
        *(f"/council-sessions/{s}" for s in (w.ward_session, w.forwarding_session, w.city_session)),
        *(
            f"/decisions/{d}"
            for d in (
                w.ward_decision["decision_id"],
                w.draft_decision,
                w.submission["decision_id"],
                w.city_decision["decision_id"],
            )
        ),
    ]
    problems: list[str] = []
    links_seen = 0
    for role in ROLES:
        person = Person(h, role)
        try:
            for page in pages:
                response = await person.get(page)
                if response.status_code != 200:
                    continue
                for link in sorted(set(DOCUMENT_LINK.findall(response.text))):
                    links_seen += 1
                    opened = await person.get(link)
                    if opened.status_code != 200:
                        problems.append(
                            f"{role or 'anonymous'} on {page}: {link} answers "
                            f"{opened.status_code} {opened.text[:120]}"
                        )
        finally:
            await person.aclose()
    assert links_seen > 20, "the pages link the world's documents"
    assert not problems, "\n".join(problems)
