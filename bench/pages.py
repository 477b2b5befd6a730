"""How fast each page answers with 10,000 nominations in the database.

Builds a fresh database on SQLite and on PostgreSQL (migrations + the demo seed), inserts
10,000 nominations with realistic projection rows (stages, levels, due moments, who must
act), their audit events, dossier items, objections, council sessions with agendas and
ballot receipts, decisions with their awardees and the users' notices, then times every
page with httpx over ASGI (the real application, no network): p50 and p95 over repeated
requests, and the number of SQL statements each page runs (constant whatever the data:
no N+1).

    .venv/bin/python bench/pages.py                 # both databases
    .venv/bin/python bench/pages.py --backends sqlite --nominations 10000 --repeat 40

PostgreSQL: THIDUA_BENCH_POSTGRES_URL (default the local server, trust auth); the
benchmark creates and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from api.app import create_app  # noqa: E402
from api.deps import SESSION_COOKIE, session_signer  # noqa: E402
from api.state import AppState, make_templates  # noqa: E402
from domain.audit_chain import event_hash  # noqa: E402
from domain.vocabulary import (  # noqa: E402
    BallotMode,
    DecisionKind,
    DecisionStatus,
    Gender,
    ItemResult,
    Level,
    NomineeKind,
    ObjectionStatus,
    Role,
    SessionStatus,
    SignerCapacity,
    Stage,
    VoteRule,
)
from models import (  # noqa: E402
    AgendaItem,
    AuditEvent,
    Authority,
    BallotReceipt,
    CouncilMember,
    CouncilSession,
    Decision,
    DecisionItem,
    DossierItem,
    Nomination,
    Notice,
    Objection,
    Person,
    Unit,
    User,
)
from models.nominations import list_due_key  # noqa: E402
from thidua.db import create_engine, create_session_factory, normalise_url  # noqa: E402
from thidua.migrate import upgrade  # noqa: E402
from thidua.seed import seed_demo  # noqa: E402
from thidua.settings import Settings  # noqa: E402

# Indexes the pages would use that the schema does not have (yet): created only with
# --suggested-indexes, to measure what they bring.
SUGGESTED_INDEXES = [
    "CREATE INDEX ix_bench_nominations_waiting_on ON nominations "
    "(waiting_on_role, waiting_on_unit_id, stage_due_at)",
    "CREATE INDEX ix_bench_nominations_origin_authority ON nominations (origin_authority_id)",
]
POSTGRES_ADMIN_URL = os.environ.get(
    "THIDUA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Đức", "Hải", "Kim"]
GIVEN = [
    "Hoa",
    "Minh",
    "Hương",
    "Bảo",
    "Thủy",
    "Lan",
    "Tuấn",
    "Nam",
    "Hà",
    "Sơn",
    "Quân",
    "Mai",
    "Phúc",
    "Trang",
    "Dũng",
    "Yến",
    "Khôi",
    "Linh",
    "Long",
    "Nga",
]
AWARDS = [
    "ldtt",
    "cstdcs",
    "giay_khen",
    "giay_khen",
    "ldtt",
    "gd_van_hoa",
    "ttldtt",
    "bang_khen_thanh_pho",
    "cstd_thanh_pho",
]
ITEMS = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]
# Share of nominations per (stage, level): a ward after a few years of use.
STAGES = [
    (Stage.GRANTED, Level.WARD, 40),
    (Stage.GRANTED, Level.CITY, 5),
    (Stage.REFUSED, Level.WARD, 3),
    (Stage.REJECTED, Level.WARD, 2),
    (Stage.WITHDRAWN, Level.WARD, 2),
    (Stage.LAPSED, Level.WARD, 1),
    (Stage.RECEPTION, Level.WARD, 8),
    (Stage.RETURNED, Level.WARD, 3),
    (Stage.PUBLIC_NOTICE, Level.WARD, 4),
    (Stage.AWAITING_COUNCIL, Level.WARD, 6),
    (Stage.IN_COUNCIL, Level.WARD, 3),
    (Stage.AWAITING_DECISION, Level.WARD, 5),
    (Stage.AWAITING_SUBMISSION, Level.WARD, 3),
    (Stage.SIGNING, Level.WARD, 3),
    (Stage.RECEPTION, Level.CITY, 4),
    (Stage.AWAITING_COUNCIL, Level.CITY, 4),
    (Stage.AWAITING_DECISION, Level.CITY, 4),
]
ACTIONS_BEFORE = {
    Stage.RECEPTION: ["submitted"],
    Stage.RETURNED: ["submitted", "returned_for_supplement"],
    Stage.PUBLIC_NOTICE: ["submitted", "accepted"],
    Stage.AWAITING_COUNCIL: ["submitted", "accepted"],
    Stage.IN_COUNCIL: ["submitted", "accepted", "placed_on_agenda"],
    Stage.AWAITING_DECISION: ["submitted", "accepted", "placed_on_agenda", "council_passed"],
    Stage.AWAITING_SUBMISSION: ["submitted", "accepted", "placed_on_agenda", "council_passed"],
    Stage.SIGNING: [
        "submitted",
        "accepted",
        "placed_on_agenda",
        "council_passed",
        "included_in_document",
    ],
    Stage.GRANTED: [
        "submitted",
        "accepted",
        "placed_on_agenda",
        "council_passed",
        "included_in_document",
        "granted",
    ],
    Stage.REFUSED: ["submitted", "accepted", "placed_on_agenda", "council_failed"],
    Stage.REJECTED: ["submitted", "rejected"],
    Stage.WITHDRAWN: ["submitted", "accepted", "withdrawn"],
    Stage.LAPSED: ["submitted", "returned_for_supplement", "lapsed"],
}


@dataclass
class World:
    units: dict[str, int]
    authorities: dict[Level, Authority]
    users: dict[str, int]
    people: list[int]
    members: dict[int, list[int]]  # council id → member ids


async def load_world(factory) -> World:
    async with factory() as session:
        units = {u.code: u.id for u in (await session.execute(select(Unit))).scalars()}
        authorities = {a.level: a for a in (await session.execute(select(Authority))).scalars()}
        users = {u.username: u.id for u in (await session.execute(select(User))).scalars()}
        people = list((await session.execute(select(Person.id))).scalars())
        members: dict[int, list[int]] = {}
        for council_id, member_id in (
            await session.execute(select(CouncilMember.council_id, CouncilMember.id))
        ).all():
            members.setdefault(council_id, []).append(member_id)
    return World(units, authorities, users, people, members)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


async def populate(factory, total: int, seed: int = 2026) -> dict[str, int]:
    """Insert ``total`` nominations and everything that hangs off them, in bulk."""
    rng = random.Random(seed)
    world = await load_world(factory)
    now = datetime.now(UTC)
    ward, city = world.authorities[Level.WARD], world.authorities[Level.CITY]
    proposing = [world.units[c] for c in world.units if c.startswith("tk-") and c != "tk-vhxh"]
    proposing.append(world.units["tk-van-phong"])
    weights = [w for _, _, w in STAGES]
    async with factory() as session:
        councils = dict(
            (await session.execute(text("SELECT authority_id, id FROM councils"))).all()
        )
    ward_council, city_council = councils[ward.id], councils[city.id]
    counts = {"nominations": total}
    async with factory() as session, session.begin():
        first_id = (
            await session.execute(text("SELECT COALESCE(MAX(id), 0) FROM nominations"))
        ).scalar_one() + 1
        nominations, audit, items, objections = [], [], [], []
        by_stage: dict[tuple[Stage, Level], list[int]] = {}
        for offset in range(total):
            nomination_id = first_id + offset
            stage, level, _ = rng.choices(STAGES, weights)[0]
            authority = city if level == Level.CITY else ward
            created = now - timedelta(days=rng.randint(1, 4 * 365), minutes=rng.randint(0, 1440))
            terminal = stage.is_terminal
            due = (
                None
                if terminal
                else now + timedelta(days=rng.randint(-10, 20), hours=rng.randint(0, 23))
            )
            waiting_role, waiting_unit = (None, None)
            if not terminal:
                waiting_role, waiting_unit = {
                    Stage.RETURNED: (Role.UNIT_OFFICER, None),
                    Stage.IN_COUNCIL: (Role.COUNCIL_MEMBER, authority.unit_id),
                    Stage.SIGNING: (Role.CHAIRMAN, authority.unit_id),
                }.get(stage, (Role.STANDING_OFFICER, authority.standing_unit_id))
            unit_id = rng.choice(proposing)
            if waiting_role == Role.UNIT_OFFICER:
                waiting_unit = unit_id
            nominations.append(
                dict(
                    id=nomination_id,
                    award_code=rng.choice(AWARDS),
                    rule_set_id="nd152-2025",
                    year=created.year if created.year <= 2026 else 2026,
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=rng.choice(world.people),
                    nominee_name=_name(rng),
                    proposing_unit_id=unit_id,
                    origin_authority_id=ward.id,
                    city_authority_id=city.id if level == Level.CITY else None,
                    submitted_by_user_id=world.users["canbo.vanphong"],
                    achievement_summary="Hoàn thành xuất sắc nhiệm vụ được giao",
                    attestations=[],
                    workflow_id=f"nomination-{nomination_id}",
                    level=level,
                    authority_id=authority.id,
                    stage=stage,
                    stage_entered_at=created + timedelta(days=5),
                    stage_due_at=due,
                    list_due_at=list_due_key(due),
                    level_due_at=due,
                    waiting_on_role=waiting_role,
                    waiting_on_unit_id=waiting_unit,
                    escalated=bool(due and due < now and rng.random() < 0.3),
                    public_notice_until=(now + timedelta(days=rng.randint(1, 9)))
                    if stage == Stage.PUBLIC_NOTICE
                    else None,
                    decision_number="",
                    outcome_reason="",
                    closed_at=created + timedelta(days=40) if terminal else None,
                    projection_seq=len(ACTIONS_BEFORE[stage]),
                    created_at=created,
                    updated_at=created,
                )
            )
            by_stage.setdefault((stage, level), []).append(nomination_id)
            for seq, action in enumerate(ACTIONS_BEFORE[stage], start=1):
                audit.append(
                    dict(
                        event_key=f"nomination-{nomination_id}:{seq}",
                        subject_type="nomination",
                        subject_id=nomination_id,
                        nomination_id=nomination_id,
                        actor_user_id=world.users["thuongtruc"]
                        if seq > 1
                        else world.users["canbo.vanphong"],
                        actor_name="Ngô Thị Mai" if seq > 1 else "Hoàng Văn Nam",
                        actor_role="standing_officer" if seq > 1 else "unit_officer",
                        action=action,
                        level=level,
                        from_stage=None,
                        to_stage=stage.value,
                        reason="",
                        changes={},
                        occurred_at=created + timedelta(days=seq),
                        recorded_at=created + timedelta(days=seq),
                    )
                )
                # Chained as the engine chains them (issue 18), so the trail verifies.
                event = audit[-1]
                event.update(
                    chain_key=f"nomination:{nomination_id}",
                    chain_seq=seq,
                    prev_hash=audit[-2]["hash"] if seq > 1 else "",
                )
                event["hash"] = event_hash(event)
            for position, code in enumerate(ITEMS):
                items.append(
                    dict(
                        nomination_id=nomination_id,
                        item_code=code,
                        title=code,
                        level=Level.WARD,
                        file_name=f"{code}.pdf",
                        content_type="application/pdf",
                        size_bytes=48_213 + position,
                        sha256=secrets.token_hex(32),
                        storage_key=secrets.token_hex(32),
                        uploaded_by_user_id=world.users["canbo.vanphong"],
                        uploaded_at=created,
                    )
                )
            if stage == Stage.PUBLIC_NOTICE and rng.random() < 0.5:
                objections.append(
                    dict(
                        objection_key=f"obj-{nomination_id}",
                        nomination_id=nomination_id,
                        level=level,
                        objector_name=_name(rng),
                        objector_contact="0912 345 678",
                        reason="Đề nghị xem xét lại thành tích của cá nhân này.",
                        lodged_at=now,
                        status=ObjectionStatus.PENDING,
                        resolution="",
                    )
                )
        for table, rows in (
            (Nomination, nominations),
            (AuditEvent, audit),
            (DossierItem, items),
            (Objection, objections),
        ):
            for start in range(0, len(rows), 2000):
                await session.execute(insert(table), rows[start : start + 2000])
        counts.update(audit_events=len(audit), dossier_items=len(items), objections=len(objections))

        # The registry the pickers search (issue 17): one person per five nominations in the
        # proposing units; the folded name columns are filled by the columns' defaults.
        people_rng = random.Random(seed + 1)
        people = [
            dict(
                full_name=_name(people_rng),
                gender=people_rng.choice(list(Gender)),
                birth_year=people_rng.randint(1960, 2000),
                position="",
                unit_id=people_rng.choice(proposing),
                is_official=people_rng.random() < 0.3,
            )
            for _ in range(total // 5)
        ]
        for start in range(0, len(people), 2000):
            await session.execute(insert(Person), people[start : start + 2000])
        counts.update(people=len(people))

        # Council sessions: closed ones for the decided nominations, one open per level.
        sessions = 0
        for authority, council_id, stages in (
            (ward, ward_council, [(Stage.IN_COUNCIL, Level.WARD)]),
            (city, city_council, []),
        ):
            members = world.members[council_id]
            open_session = CouncilSession(
                council_id=council_id,
                authority_id=authority.id,
                title="Phiên họp đang bỏ phiếu",
                convened_by_user_id=world.users["thuongtruc"],
                opened_at=now,
                closes_at=now + timedelta(days=3),
                status=SessionStatus.OPEN,
                member_count=len(members),
                workflow_id=f"council-session-bench-{authority.id}",
            )
            session.add(open_session)
            await session.flush()
            sessions += 1
            agenda = [n for key in stages for n in by_stage.get(key, [])]
            if agenda:
                await session.execute(
                    insert(AgendaItem),
                    [
                        dict(
                            session_id=open_session.id,
                            nomination_id=n,
                            position=i + 1,
                            vote_rule=VoteRule.MAJORITY,
                            threshold=0.5,
                            recused_member_ids=[],
                        )
                        for i, n in enumerate(agenda)
                    ],
                )
            if members[:2]:
                await session.execute(
                    insert(BallotReceipt),
                    [
                        dict(
                            session_id=open_session.id,
                            member_id=m,
                            mode=BallotMode.IN_PERSON,
                            cast_at=now,
                        )
                        for m in members[:2]
                    ],
                )
        decided = [
            n
            for key, ids in by_stage.items()
            if key[0] in (Stage.GRANTED, Stage.REFUSED)
            for n in ids
        ]
        for start in range(0, len(decided), 60):
            chunk = decided[start : start + 60]
            closed = CouncilSession(
                council_id=ward_council,
                authority_id=ward.id,
                title=f"Phiên họp số {sessions}",
                convened_by_user_id=world.users["thuongtruc"],
                opened_at=now - timedelta(days=90),
                closes_at=now - timedelta(days=85),
                closed_at=now - timedelta(days=85),
                status=SessionStatus.CLOSED,
                member_count=5,
                present_count=5,
                workflow_id=f"council-session-bench-closed-{start}",
            )
            session.add(closed)
            await session.flush()
            sessions += 1
            await session.execute(
                insert(AgendaItem),
                [
                    dict(
                        session_id=closed.id,
                        nomination_id=n,
                        position=i + 1,
                        vote_rule=VoteRule.MAJORITY,
                        threshold=0.5,
                        recused_member_ids=[],
                        result=ItemResult.PASSED,
                        agree=5,
                    )
                    for i, n in enumerate(chunk)
                ],
            )
        counts["council_sessions"] = sessions

        # Decisions: issued ones of 25 awardees for the granted, five awaiting signature.
        granted = by_stage.get((Stage.GRANTED, Level.WARD), [])
        decisions = 0
        for start in range(0, len(granted), 25):
            chunk = granted[start : start + 25]
            number = start // 25 + 1
            decision = Decision(
                authority_id=ward.id,
                kind=DecisionKind.DECISION,
                status=DecisionStatus.ISSUED,
                title="Về việc tặng danh hiệu, hình thức khen thưởng",
                drafted_by_user_id=world.users["thuongtruc"],
                signer_capacity=SignerCapacity.CHAIRMAN,
                signed_at=now - timedelta(days=number),
                year=2026,
                number=number,
                number_text=f"{number:02d}/QĐ-UBND",
                issued_on=date.today() - timedelta(days=number),
                workflow_id=f"decision-bench-{number}",
            )
            session.add(decision)
            await session.flush()
            decisions += 1
            await session.execute(
                insert(DecisionItem),
                [
                    dict(
                        decision_id=decision.id,
                        nomination_id=n,
                        position=i + 1,
                        nominee_name=_name(rng),
                        nominee_description="Văn phòng HĐND và UBND phường",
                        award_code="giay_khen",
                        cash_multiple=0.3,
                        cash_amount_vnd=702_000,
                    )
                    for i, n in enumerate(chunk)
                ],
            )
            await session.execute(
                Nomination.__table__.update()
                .where(Nomination.id.in_(chunk))
                .values(decision_id=decision.id, decision_number=decision.number_text)
            )
        signing = by_stage.get((Stage.SIGNING, Level.WARD), [])
        for start in range(0, min(len(signing), 5 * 20), 20):
            chunk = signing[start : start + 20]
            decision = Decision(
                authority_id=ward.id,
                kind=DecisionKind.DECISION,
                status=DecisionStatus.AWAITING_SIGNATURE,
                title="Về việc tặng Giấy khen",
                drafted_by_user_id=world.users["thuongtruc"],
                due_at=now + timedelta(days=2),
                workflow_id=f"decision-bench-sign-{start}",
            )
            session.add(decision)
            await session.flush()
            decisions += 1
            await session.execute(
                insert(DecisionItem),
                [
                    dict(
                        decision_id=decision.id,
                        nomination_id=n,
                        position=i + 1,
                        nominee_name=_name(rng),
                        nominee_description="",
                        award_code="giay_khen",
                        cash_multiple=0.3,
                        cash_amount_vnd=702_000,
                    )
                    for i, n in enumerate(chunk)
                ],
            )
        counts["decisions"] = decisions

        notices = [
            dict(
                notice_key=f"bench:{user_id}:{i}",
                user_id=user_id,
                kind="reminder",
                subject=f"Nhắc hạn xử lý hồ sơ số {i}",
                body_text="Hồ sơ sắp đến hạn xử lý.",
                link=f"/nominations/{first_id + i}",
                created_at=now - timedelta(hours=i),
            )
            for user_id in world.users.values()
            for i in range(30)
        ]
        await session.execute(insert(Notice), notices)
        counts["notices"] = len(notices)
    return counts


# ---- timing ------------------------------------------------------------------------------


async def first_ids(factory) -> dict[str, int]:
    async with factory() as session:
        values = {}
        for key, sql in {
            "open_nomination": "SELECT id FROM nominations WHERE stage = 'reception' ORDER BY id LIMIT 1",
            "granted_nomination": (
                "SELECT n.id FROM nominations n JOIN units u ON u.id = n.proposing_unit_id "
                "WHERE n.stage = 'granted' AND n.decision_id IS NOT NULL "
                "AND u.code = 'tk-van-phong' ORDER BY n.id LIMIT 1"
            ),
            "open_session": "SELECT id FROM council_sessions WHERE status = 'open' ORDER BY id LIMIT 1",
            "closed_session": "SELECT id FROM council_sessions WHERE status = 'closed' ORDER BY id LIMIT 1",
            "issued_decision": "SELECT id FROM decisions WHERE status = 'issued' ORDER BY id LIMIT 1",
        }.items():
            values[key] = (await session.execute(text(sql))).scalar_one()
    return values


def pages(ids: dict[str, int]) -> list[tuple[str, str | None, str]]:
    """(label, username, path) of every page timed."""
    return [
        ("home, unit officer", "canbo.vanphong", "/"),
        ("home, standing officer", "thuongtruc", "/"),
        ("home, chairman", "chutich", "/"),
        ("home, council member", "uyvien.mttq", "/"),
        ("home, city officer", "thanhpho", "/"),
        ("nominations list (p.1)", "thuongtruc", "/nominations"),
        ("nominations list (p.100)", "thuongtruc", "/nominations?page=100"),
        ("nominations search", "thuongtruc", "/nominations?q=Hoa&open_only=1"),
        ("new nomination form", "canbo.vanphong", "/nominations/new"),
        ("nomination page (open)", "thuongtruc", f"/nominations/{ids['open_nomination']}"),
        (
            "nomination page (granted)",
            "canbo.vanphong",
            f"/nominations/{ids['granted_nomination']}",
        ),
        ("incoming dossiers", "thuongtruc", "/dossiers"),
        ("notices and objections", "thuongtruc", "/notices"),
        ("deadlines board", "thuongtruc", "/deadlines"),
        ("council sessions", "thuongtruc", "/council-sessions"),
        ("council session", "thuongtruc", f"/council-sessions/{ids['open_session']}"),
        ("ballot sheet", "uyvien.mttq", f"/council-sessions/{ids['open_session']}/ballot"),
        ("decisions", "thuongtruc", "/decisions"),
        ("decision", "thuongtruc", f"/decisions/{ids['issued_decision']}"),
        ("signing queue", "chutich", "/signing"),
        ("audit trail", "kiemtra", "/audit"),
        ("audit trail, filtered", "kiemtra", "/audit?action=granted&q=Nguy"),
        ("public portal", None, "/cong-khai"),
        ("verification lookup", None, "/xac-minh?number=01/QĐ-UBND"),
    ]


@dataclass
class Timing:
    label: str
    path: str
    p50: float
    p95: float
    statements: int
    status: int


async def time_pages(
    app, settings, users: dict[str, int], ids, engine, repeat: int
) -> list[Timing]:
    statements = {"n": 0}

    def count(*_args, **_kwargs):
        statements["n"] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    results = []
    clients: dict[str | None, httpx.AsyncClient] = {}
    try:
        for label, username, path in pages(ids):
            if username not in clients:
                client = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=60
                )
                if username:
                    client.cookies.set(
                        SESSION_COOKIE,
                        session_signer(settings).dumps(
                            {"uid": users[username], "sid": secrets.token_urlsafe(16)}
                        ),
                        domain="testserver.local",
                    )
                clients[username] = client
            client = clients[username]
            for _ in range(3):
                response = await client.get(path)
            assert response.status_code == 200, (label, response.status_code, response.text[:500])
            samples = []
            statements["n"] = 0
            for _ in range(repeat):
                start = time.perf_counter()
                response = await client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
            per_request = round(statements["n"] / repeat)
            samples.sort()
            results.append(
                Timing(
                    label,
                    path,
                    statistics.median(samples),
                    samples[max(int(len(samples) * 0.95) - 1, 0)],
                    per_request,
                    response.status_code,
                )
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        for client in clients.values():
            await client.aclose()
    return results


async def run_backend(
    backend: str, total: int, repeat: int, suggested_indexes: bool = False, gc_freeze: bool = False
) -> tuple[dict, list[Timing]]:
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    admin = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    else:
        name = f"thidua_bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN_URL, pool_size=1)
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url, pool_size=5)
    try:
        await upgrade(engine)
        settings = Settings(
            environment="test",
            database_url=url,
            data_dir=tmp,
            mail_enabled=False,
            log_level="WARNING",
            temporal_address="127.0.0.1:1",
        )
        factory = create_session_factory(engine)
        await seed_demo(factory, settings=settings)
        started = time.perf_counter()
        counts = await populate(factory, total)
        counts["insert_seconds"] = round(time.perf_counter() - started, 1)
        if suggested_indexes:
            async with engine.begin() as connection:
                for statement in SUGGESTED_INDEXES:
                    await connection.execute(text(statement))
        if backend == "postgresql":
            async with engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
        else:
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        state = AppState(
            settings=settings,
            engine=engine,
            writer=create_session_factory(engine, writer=True),
            reader=create_session_factory(engine, writer=False),
            templates=make_templates(),
        )
        app = create_app(settings, state=state)
        async with factory() as session:
            users = {u.username: u.id for u in (await session.execute(select(User))).scalars()}
        ids = await first_ids(factory)
        if gc_freeze:
            # What a server does once started (see bench/README.md): the objects alive
            # after start-up leave the collector's view, so a full collection no longer
            # walks them in the middle of a request.
            gc.collect()
            gc.freeze()
        try:
            return counts, await time_pages(app, settings, users, ids, engine, repeat)
        finally:
            gc.unfreeze()
    finally:
        await engine.dispose()
        if admin is not None:
            async with admin.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()


def report(
    results: dict[str, tuple[dict, list[Timing]]],
    total: int,
    repeat: int,
    *,
    gc_freeze: bool = False,
) -> str:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "api", "templates"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        f"Commit `{commit}`{' (with uncommitted page changes)' if dirty else ''}, "
        f"{datetime.now(UTC):%Y-%m-%d}, {total:,} nominations, {repeat} requests per page after 3 "
        "warm-ups; httpx over ASGI in one process (no network), Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs"
        + (", gc.freeze() after start-up." if gc_freeze else ", garbage collector as configured."),
        "",
    ]
    for backend, (counts, _) in results.items():
        lines.append(
            f"- {backend}: "
            + ", ".join(
                f"{k.replace('_', ' ')} {v:,}"
                if isinstance(v, int)
                else f"{k.replace('_', ' ')} {v}"
                for k, v in counts.items()
            )
        )
    lines += [
        "",
        "| page | path | "
        + " | ".join(f"{b} p50 ms | {b} p95 ms | {b} SQL" for b in results)
        + " |",
        "|---|---|" + "---:|---:|---:|" * len(results),
    ]
    labels = [t.label for t in next(iter(results.values()))[1]]
    for index, label in enumerate(labels):
        path = next(iter(results.values()))[1][index].path
        cells = []
        for _, timings in results.values():
            t = timings[index]
            cells += [f"{t.p50:.1f}", f"{t.p95:.1f}", str(t.statements)]
        lines.append(f"| {label} | `{path}` | " + " | ".join(cells) + " |")
    worst = max(t.p95 for _, timings in results.values() for t in timings)
    lines += ["", f"Slowest p95: {worst:.1f} ms (budget 100 ms)."]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--nominations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() once the application is built, as a server would at start-up",
    )
    parser.add_argument(
        "--suggested-indexes",
        action="store_true",
        help="also create the indexes suggested for the pages (SUGGESTED_INDEXES)",
    )
    args = parser.parse_args()
    results = {}
    for backend in args.backends:
        print(f"... {backend}: building {args.nominations:,} nominations", file=sys.stderr)
        results[backend] = await run_backend(
            backend, args.nominations, args.repeat, args.suggested_indexes, args.gc_freeze
        )
    print(report(results, args.nominations, args.repeat, gc_freeze=args.gc_freeze))


if __name__ == "__main__":
    asyncio.run(main())
