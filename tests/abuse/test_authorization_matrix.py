"""Every command of the JSON API, tried as every role: exactly the roles the domain rules
allow succeed (2xx); every other one gets 403 — and a refused attempt writes nothing.

The list of commands is not written by hand: it is every POST/PUT/PATCH/DELETE route
under /api/v1 of the app (minus the few listed in NOT_COMMANDS, with the reason), so a
new command without a row here fails this test. The allow-list is the table ALLOWED,
written from the rules (Law 06/2022, Decree 152/2025 and the engine's README), not read
from the code under test.

Denials are 403, never 404: every object tried here exists, and the API answers 403 to
whoever may not act on it (a 403 never tells whether something exists; administrators
and auditors, who see everything, only ever get a 404 for what does not exist).

One prepared world: nominations at every stage a command needs, two council sessions'
worth of ballots, decisions, a campaign launched (the seeded plan, moved to start next
year) with registration open, and its exemplars. A command
whose success moves its object on (accept, reject, sign...) gets a fresh object for each
allowed role; the refused roles all try the first one, before anyone succeeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from sqlalchemy import select, text

from domain.vocabulary import Stage
from models import Nomination
from tests.campaigns.helpers import open_registration, plan_campaign, this_year
from tests.imports.workbooks import UNIT_HEADERS, workbook
from tests.notices.conftest import MailCatcher, free_port

pytestmark = [
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
    pytest.mark.timeout(360),
]

# One demo user per role (thidua/seed.py), plus the unit officers whose unit matters: the
# proposing unit (Văn phòng), another unit (TDP 1) and the public service centre.
UNIT = "canbo.vanphong"  # unit officer of the proposing unit
OTHER_UNIT = "canbo.tdp1"  # unit officer of another unit (the one that adopts)
CENTRE = "canbo.ttdv"  # unit officer of the public service centre (publishes models)
STANDING = "thuongtruc"  # standing body of the ward's emulation council
CHAIRMAN = "chutich"  # chairman of the ward people's committee, council chair
VICE = "phochutich"  # vice-chairman, council member
MEMBER = "uyvien.mttq"  # council member only
AUDITOR = "kiemtra"
ADMIN = "quantri"
CLERK = "vanthu"  # văn thư of the ward people's committee: issues what the chairman signed
ACTORS = (UNIT, OTHER_UNIT, CENTRE, STANDING, CHAIRMAN, VICE, MEMBER, AUDITOR, ADMIN, CLERK)
HEAD = (CHAIRMAN, VICE)

# Routes that change nothing a role guards, with the reason.
NOT_COMMANDS = {
    ("POST", "/api/v1/auth/token"): "login: anyone with a password",
    ("POST", "/api/v1/auth/password"): "one's own password, proving the current one "
    "(tests/api/test_first_start.py)",
    ("POST", "/api/v1/verify"): "public verification of a PDF: reads only",
    ("POST", "/api/v1/eligibility/check"): "a what-if check: reads only",
    (
        "POST",
        "/api/v1/public/notices/{nomination_id}/objections",
    ): "the public objection form: anyone, without an account (tests/abuse/test_rate_limits.py)",
}

# (method, route) → the roles that may give the command, from the rules:
#  - a unit proposes, submits, withdraws and resubmits its own nominations;
#  - the standing body receives the dossier (accept / return), convenes the council,
#    drafts decisions, resolves objections, runs the campaign;
#  - the standing body or the head (chairman, vice-chairman) rejects at review, extends a
#    deadline, reassigns; only the head refuses or revokes an award;
#  - council members vote; the standing body or the chairman closes the ballot;
#  - the chairman signs (or delegates to a vice-chairman) or sends the draft back to the
#    standing body, which corrects and resubmits it; standing body or chairman cancel;
#  - the clerk (văn thư) of the authority issues what its signer signed (Decree 30/2020);
#  - exemplars: the standing body or the proposing unit nurture, follow up, summarize and
#    drop; the public service centre publishes; another unit reports its adoption; the
#    nominee's unit turns the model into a nomination;
#  - the campaign report: standing body, leaders, auditors and administrators.
ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/api/v1/nominations"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/dossier-items"): (UNIT,),
    # A file uploaded by mistake: removed from a draft, replaced by the proposing unit.
    ("DELETE", "/api/v1/nominations/{nomination_id}/dossier-items/{item_id}"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/dossier-items/{item_id}/replace"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/submit"): (UNIT,),
    ("DELETE", "/api/v1/nominations/{nomination_id}"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/accept"): (STANDING,),
    ("POST", "/api/v1/nominations/{nomination_id}/return"): (STANDING,),
    ("POST", "/api/v1/nominations/{nomination_id}/resubmit"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/reject"): (STANDING, *HEAD),
    ("POST", "/api/v1/nominations/{nomination_id}/withdraw"): (UNIT,),
    ("POST", "/api/v1/nominations/{nomination_id}/refuse"): HEAD,
    ("POST", "/api/v1/nominations/{nomination_id}/extend"): (STANDING, *HEAD),
    ("POST", "/api/v1/nominations/{nomination_id}/reassign"): (STANDING, *HEAD),
    # The standing body that holds it corrects the summary the certificate prints.
    ("POST", "/api/v1/nominations/{nomination_id}/achievement-summary"): (STANDING,),
    ("POST", "/api/v1/nominations/{nomination_id}/objections/{objection_key}/resolve"): (STANDING,),
    # How the objector was answered: the standing body handling the objection (the auditor
    # reads the record, nobody else learns who objected).
    ("POST", "/api/v1/nominations/{nomination_id}/objections/{objection_key}/reply"): (STANDING,),
    ("POST", "/api/v1/nominations/{nomination_id}/revoke"): HEAD,
    ("POST", "/api/v1/council-sessions"): (STANDING,),
    ("POST", "/api/v1/council-sessions/{session_id}/ballot"): (CHAIRMAN, VICE, MEMBER),
    ("POST", "/api/v1/council-sessions/{session_id}/close"): (STANDING, CHAIRMAN),
    ("POST", "/api/v1/decisions"): (STANDING,),
    ("POST", "/api/v1/decisions/{decision_id}/sign"): (CHAIRMAN,),
    ("POST", "/api/v1/decisions/{decision_id}/issue"): (CLERK,),
    # The signer, configured to sign on their own computer, starts it and answers it.
    ("POST", "/api/v1/decisions/{decision_id}/external-signing"): (CHAIRMAN,),
    ("POST", "/api/v1/decisions/{decision_id}/signature"): (CHAIRMAN,),
    ("DELETE", "/api/v1/decisions/{decision_id}/signature-request"): (CHAIRMAN,),  # withdraws
    ("POST", "/api/v1/decisions/{decision_id}/delegate"): (CHAIRMAN,),
    ("POST", "/api/v1/decisions/{decision_id}/remove-item"): (STANDING,),
    # The standing body edits its draft (title, căn cứ, order, nơi nhận) before signing.
    ("POST", "/api/v1/decisions/{decision_id}/draft"): (STANDING,),
    ("POST", "/api/v1/decisions/{decision_id}/send-back"): (CHAIRMAN,),  # the signer
    ("POST", "/api/v1/decisions/{decision_id}/resubmit"): (STANDING,),
    ("POST", "/api/v1/decisions/{decision_id}/cancel"): (STANDING, CHAIRMAN),
    ("POST", "/api/v1/inbox/read-all"): ACTORS,  # one's own notices
    ("POST", "/api/v1/inbox/{notice_id}/read"): (STANDING,),  # the notice's owner only
    ("POST", "/api/v1/campaigns"): (STANDING,),
    ("POST", "/api/v1/campaigns/{campaign_id}/launch"): (STANDING,),
    ("POST", "/api/v1/campaigns/{campaign_id}/content-areas"): (STANDING,),
    ("POST", "/api/v1/campaigns/{campaign_id}/milestones/{milestone_code}/move"): (STANDING,),
    ("POST", "/api/v1/campaigns/{campaign_id}/registrations"): (UNIT,),  # for its own unit
    ("POST", "/api/v1/campaigns/{campaign_id}/exemplars"): (UNIT,),  # from its own unit
    ("POST", "/api/v1/exemplars/{exemplar_id}/nurture"): (STANDING, UNIT),
    ("POST", "/api/v1/exemplars/{exemplar_id}/follow-ups"): (STANDING, UNIT),
    ("POST", "/api/v1/exemplars/{exemplar_id}/summarize"): (STANDING, UNIT),
    ("POST", "/api/v1/exemplars/{exemplar_id}/publish"): (CENTRE,),
    ("POST", "/api/v1/exemplars/{exemplar_id}/adoptions"): (OTHER_UNIT,),  # for its own unit
    ("POST", "/api/v1/exemplars/{exemplar_id}/drop"): (STANDING, UNIT),
    ("POST", "/api/v1/exemplars/{exemplar_id}/nomination"): (UNIT,),
    ("POST", "/api/v1/campaigns/{campaign_id}/reports"): (STANDING, CHAIRMAN, VICE, AUDITOR, ADMIN),
    # An account paused after failed sign-ins: only an administrator unlocks it.
    ("POST", "/api/v1/users/{user_id}/sign-in-unlock"): (ADMIN,),
    ("POST", "/api/v1/users/{user_id}/deactivate"): (ADMIN,),
    ("POST", "/api/v1/users/{user_id}/reactivate"): (ADMIN,),
    ("POST", "/api/v1/users/{user_id}/password-reset"): (ADMIN,),
    ("POST", "/api/v1/users"): (ADMIN,),
    ("POST", "/api/v1/users/{user_id}/roles"): (ADMIN,),
    ("DELETE", "/api/v1/users/{user_id}/roles/{grant_id}"): (ADMIN,),
    # The registry, the deciding bodies, their councils and the histories from before the
    # engine are administered by the administrators of the units concerned; so is the
    # Excel import that fills them.
    ("POST", "/api/v1/admin/units"): (ADMIN,),
    ("PATCH", "/api/v1/admin/units/{unit_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/authorities"): (ADMIN,),
    ("PATCH", "/api/v1/admin/authorities/{authority_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/councils"): (ADMIN,),
    ("PATCH", "/api/v1/admin/councils/{council_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/councils/{council_id}/members"): (ADMIN,),
    ("PATCH", "/api/v1/admin/councils/{council_id}/members/{member_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/councils/{council_id}/members/{member_id}/end"): (ADMIN,),
    ("POST", "/api/v1/admin/councils/{council_id}/members/{member_id}/replace"): (ADMIN,),
    ("POST", "/api/v1/admin/people"): (ADMIN,),
    ("PATCH", "/api/v1/admin/people/{person_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/people/{person_id}/merge"): (ADMIN,),
    ("POST", "/api/v1/admin/households"): (ADMIN,),
    ("PATCH", "/api/v1/admin/households/{household_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/households/{household_id}/merge"): (ADMIN,),
    ("POST", "/api/v1/admin/collectives"): (ADMIN,),
    ("PATCH", "/api/v1/admin/collectives/{collective_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/collectives/{collective_id}/merge"): (ADMIN,),
    ("POST", "/api/v1/admin/history/{kind}/{subject_id}/ratings"): (ADMIN,),
    ("PATCH", "/api/v1/admin/ratings/{rating_id}"): (ADMIN,),
    ("DELETE", "/api/v1/admin/ratings/{rating_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/history/{kind}/{subject_id}/awards"): (ADMIN,),
    ("PATCH", "/api/v1/admin/awards/{record_id}"): (ADMIN,),
    ("POST", "/api/v1/admin/awards/{record_id}/revoke"): (ADMIN,),
    ("POST", "/api/v1/admin/people/{person_id}/initiatives"): (ADMIN,),
    ("PATCH", "/api/v1/admin/initiatives/{initiative_id}"): (ADMIN,),
    ("POST", "/api/v1/imports"): (ADMIN,),
}

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
HOUSEHOLD = dict(
    unit_user=OTHER_UNIT,
    unit_code="tk-tdp-1",
    award_code="gd_van_hoa",
    items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
)


def api_commands(app) -> set[tuple[str, str]]:
    """Every state-changing route under /api/v1 (FastAPI nests included routers)."""

    def walk(routes):
        for route in routes:
            if isinstance(route, fastapi_routing._IncludedRouter):
                yield from walk(route.original_router.routes)
            else:
                yield route

    return {
        (method, route.path)
        for route in walk(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1/")
        for method in route.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }


# ---------------------------------------------------------------------------------------
# What a refused attempt must leave untouched

SKIPPED_TABLES = {"command_records", "rate_limit_hits", "notices"}


async def fingerprint(h) -> dict[str, str]:
    """A digest of every table the engine keeps (of notices: which are read)."""
    digests = {}
    async with h.engine.connect() as connection:
        tables = [
            name
            for name in (await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync)))
            if name not in SKIPPED_TABLES and not name.startswith("alembic")
        ]
        for table in sorted(tables):
            rows = (await connection.execute(text(f'SELECT * FROM "{table}" ORDER BY 1'))).all()
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        read = (
            await connection.execute(
                text("SELECT id FROM notices WHERE read_at IS NOT NULL ORDER BY id")
            )
        ).all()
        digests["notices (read)"] = hashlib.sha256(repr(read).encode()).hexdigest()
    return digests


WORKFLOW_TABLES = ("nominations", "council_sessions", "decisions", "campaigns", "exemplars")


async def no_activity_running(h, deadline: float) -> None:
    """Wait until no workflow has an activity in flight (they write projections, audit
    events and rendered documents after the command that started them has answered)."""
    from temporalio.api.enums.v1 import WorkflowExecutionStatus
    from temporalio.service import RPCError

    from workflows.revocation import revocation_workflow_id

    async with h.engine.connect() as connection:
        ids = [
            row[0]
            for table in WORKFLOW_TABLES
            for row in (
                await connection.execute(
                    text(f"SELECT workflow_id FROM {table} WHERE workflow_id <> ''")
                )
            ).all()
        ]
    async with h.factory() as session:
        ids += [
            revocation_workflow_id(i)
            for i in (
                await session.execute(
                    select(Nomination.id).where(Nomination.stage == Stage.REVOKED)
                )
            ).scalars()
        ]
    for workflow_id in ids:
        while asyncio.get_running_loop().time() < deadline:
            try:
                described = await h.client.get_workflow_handle(workflow_id).describe()
            except RPCError:  # not started (yet)
                break
            raw = described.raw_description
            if (
                raw.workflow_execution_info.status
                != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                or not raw.pending_activities
            ):
                break
            await asyncio.sleep(0.05)


async def settled(h, within: float = 20.0) -> dict[str, str]:
    """The fingerprint once background activities (projections, audit events, documents
    written by the workflows) have stopped writing: no activity in flight, and the same
    fingerprint three times in a row."""
    deadline = asyncio.get_running_loop().time() + within
    await no_activity_running(h, deadline)
    last, same = await fingerprint(h), 0
    while same < 2 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.15)
        now = await fingerprint(h)
        same = same + 1 if now == last else 0
        last = now
    return last


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


# ---------------------------------------------------------------------------------------
# Trying a command as everyone


@dataclass
class Attempt:
    path: str
    body: Any = None
    files: dict | None = None


@dataclass
class Matrix:
    h: Any
    covered: set = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    tried: int = 0

    async def send(self, user: str, method: str, attempt: Attempt):
        headers = self.h.headers(user)
        if attempt.files is not None:
            return await self.h.http.request(
                method, attempt.path, headers=headers, data=attempt.body, files=attempt.files
            )
        return await self.h.http.request(method, attempt.path, headers=headers, json=attempt.body)

    async def check(self, method: str, route: str, attempts: list[Attempt]) -> list[Any]:
        """The refused roles try ``attempts[0]``; then each allowed role in turn tries its
        own attempt (``attempts[i]``, or the first when there is only one)."""
        allowed = ALLOWED[(method, route)]
        assert len(attempts) in (1, len(allowed)), f"{route}: one attempt, or one per allowed role"
        refused = [actor for actor in ACTORS if actor not in allowed]
        before = await settled(self.h)
        for actor in refused:
            response = await self.send(actor, method, attempts[0])
            if response.status_code != 403:
                self.problems.append(
                    f"{method} {route} as {actor} (not allowed): "
                    f"{response.status_code} {response.text[:200]}"
                )
        after = await settled(self.h)  # anything a refused attempt started shows by now
        if after != before:
            self.problems.append(
                f"{method} {route}: a refused attempt wrote to {', '.join(changed(before, after))}"
            )
        results = []
        for index, actor in enumerate(allowed):
            attempt = attempts[index] if len(attempts) > 1 else attempts[0]
            response = await self.send(actor, method, attempt)
            if not 200 <= response.status_code < 300:
                self.problems.append(
                    f"{method} {route} as {actor} (allowed): "
                    f"{response.status_code} {response.text[:300]}"
                )
            results.append(response.json() if response.content else None)
        self.covered.add((method, route))
        self.tried += len(ACTORS)
        return results


# ---------------------------------------------------------------------------------------
# The world


async def submitted(h, count: int) -> list[int]:
    people = ("Nguyễn Thị Hoa", "Đặng Thị Thủy")
    return [(await h.nominate(person=people[i % 2]))["id"] for i in range(count)]


async def accepted(h, count: int) -> list[int]:
    ids = await submitted(h, count)
    for nomination_id in ids:
        await h.ok(STANDING, f"/api/v1/nominations/{nomination_id}/accept", {})
    return ids


async def decided_by_council(h, count: int) -> list[int]:
    ids = await accepted(h, count)
    session = await h.convene(ids)
    for member in MEMBERS:
        await h.vote(session["id"], member, {i: "agree" for i in ids})
    for nomination_id in ids:
        await h.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    return ids


async def ready_decision(h, nomination_ids: list[int]) -> int:
    decision = await h.draft_decision(nomination_ids)
    for _ in range(300):
        if (await h.get(STANDING, f"/api/v1/decisions/{decision['id']}")).json()[
            "status"
        ] == "awaiting_signature":
            return decision["id"]
        await asyncio.sleep(0.05)
    raise AssertionError(f"decision {decision['id']} never assembled")


def closes_at(harness) -> str:
    return (harness.clock.now() + timedelta(days=5)).isoformat()


async def check_administration(h, m: Matrix) -> None:
    """The administration commands, on a new ward (Tứ Minh) beside the seeded one: its
    units, deciding body, council, registry and histories, so that nothing the rest of the
    matrix relies on changes."""
    ids = h.ids
    a = "/api/v1/admin"
    year = await this_year(h)

    # ---- units: the new ward's committee, then its office and residential group --------
    [ward] = await m.check(
        "POST",
        f"{a}/units",
        [
            Attempt(
                f"{a}/units",
                {
                    "code": "ubnd-tu-minh",
                    "name": "Ủy ban nhân dân phường Tứ Minh",
                    "kind": "peoples_committee",
                    "parent_id": ids.units["ubnd-tp-hai-phong"],
                    "level": "ward",
                },
            )
        ],
    )
    await m.check(
        "PATCH",
        f"{a}/units/{{unit_id}}",
        [Attempt(f"{a}/units/{ward['id']}", {"address": "Số 1 đường Tứ Minh"})],
    )

    async def unit(code: str, name: str, kind: str) -> int:
        body = {"code": code, "name": name, "kind": kind, "parent_id": ward["id"]}
        return (await h.ok(ADMIN, f"{a}/units", body, status=201))["id"]

    office = await unit("tm-vhxh", "Phòng Văn hóa - Xã hội phường Tứ Minh", "office")
    group = await unit("tm-tdp-1", "Tổ dân phố số 1 phường Tứ Minh", "residential_group")

    # ---- its deciding body, and its council ---------------------------------------------
    [authority] = await m.check(
        "POST",
        f"{a}/authorities",
        [
            Attempt(
                f"{a}/authorities",
                {
                    "unit_id": ward["id"],
                    "standing_unit_id": office,
                    "parent_authority_id": ids.authorities["city"],
                },
            )
        ],
    )
    await m.check(
        "PATCH",
        f"{a}/authorities/{{authority_id}}",
        [Attempt(f"{a}/authorities/{authority['id']}", {"place_name": "Phường Tứ Minh"})],
    )
    # A body comes with its council: taken out here (it has no members yet), so that the
    # council command finds a body without one.
    async with h.engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM councils WHERE id = :id"), {"id": authority["council_id"]}
        )
    [council] = await m.check(
        "POST",
        f"{a}/councils",
        [
            Attempt(
                f"{a}/councils",
                {
                    "authority_id": authority["id"],
                    "name": "Hội đồng Thi đua - Khen thưởng phường Tứ Minh",
                },
            )
        ],
    )
    cc = f"{a}/councils/{council['id']}"
    await m.check(
        "PATCH",
        f"{a}/councils/{{council_id}}",
        [Attempt(cc, {"rules_note": "Quy chế ban hành kèm theo Quyết định số 01/QĐ-UBND"})],
    )
    # Its members: new accounts (no role anywhere), never one of the matrix's roles.
    officials = [
        (
            await h.ok(
                ADMIN, "/api/v1/users", {"username": f"tm.{i}", "full_name": name}, status=201
            )
        )["user"]["id"]
        for i, name in enumerate(("Hà Văn Minh", "Lò Thị Sen", "Vi Văn Tú"))
    ]

    def member_of(view: dict, user_id: int) -> int:
        return next(x["id"] for x in view["members"] if x["user_id"] == user_id)

    [seated] = await m.check(
        "POST",
        f"{a}/councils/{{council_id}}/members",
        [
            Attempt(
                f"{cc}/members",
                {
                    "user_id": officials[0],
                    "council_role": "chair",
                    "term_start": f"{year}-01-01",
                },
            )
        ],
    )
    chair = member_of(seated, officials[0])
    await m.check(
        "PATCH",
        f"{a}/councils/{{council_id}}/members/{{member_id}}",
        [Attempt(f"{cc}/members/{chair}", {"title": "Chủ tịch UBND phường"})],
    )
    second = await h.ok(
        ADMIN,
        f"{cc}/members",
        {"user_id": officials[1], "council_role": "member", "term_start": f"{year}-01-01"},
        status=201,
    )
    await m.check(
        "POST",
        f"{a}/councils/{{council_id}}/members/{{member_id}}/end",
        [
            Attempt(
                f"{cc}/members/{member_of(second, officials[1])}/end",
                {"term_end": f"{year}-06-30"},
            )
        ],
    )
    await m.check(
        "POST",
        f"{a}/councils/{{council_id}}/members/{{member_id}}/replace",
        [
            Attempt(
                f"{cc}/members/{chair}/replace",
                {"user_id": officials[2], "starts_on": f"{year}-07-01"},
            )
        ],
    )

    # ---- the registry: a person entered twice and merged, a household, a collective -----
    person = {"full_name": "Lê Văn Trùng", "gender": "male", "unit_id": group}
    [first] = await m.check("POST", f"{a}/people", [Attempt(f"{a}/people", person)])
    await m.check(
        "PATCH",
        f"{a}/people/{{person_id}}",
        [Attempt(f"{a}/people/{first['id']}", {"birth_year": 1970})],
    )
    twin = await h.ok(ADMIN, f"{a}/people", person, status=201)
    await m.check(
        "POST",
        f"{a}/people/{{person_id}}/merge",
        [Attempt(f"{a}/people/{first['id']}/merge", {"duplicate_id": twin["id"]})],
    )
    home = {"head_name": "Lê Văn Trùng", "residential_group_id": group}
    [household] = await m.check("POST", f"{a}/households", [Attempt(f"{a}/households", home)])
    await m.check(
        "PATCH",
        f"{a}/households/{{household_id}}",
        [Attempt(f"{a}/households/{household['id']}", {"address": "Số 9 ngõ 3"})],
    )
    twin = await h.ok(ADMIN, f"{a}/households", home, status=201)
    await m.check(
        "POST",
        f"{a}/households/{{household_id}}/merge",
        [Attempt(f"{a}/households/{household['id']}/merge", {"duplicate_id": twin["id"]})],
    )
    [collective] = await m.check(
        "POST",
        f"{a}/collectives",
        [Attempt(f"{a}/collectives", {"unit_id": group, "name": "Tổ dân phố số 1"})],
    )
    await m.check(
        "PATCH",
        f"{a}/collectives/{{collective_id}}",
        [Attempt(f"{a}/collectives/{collective['id']}", {"name": "Tập thể Tổ dân phố số 1"})],
    )
    # One collective per unit: the duplicate is the office's.
    twin = await h.ok(
        ADMIN, f"{a}/collectives", {"unit_id": office, "name": "Tổ dân phố 1"}, status=201
    )
    await m.check(
        "POST",
        f"{a}/collectives/{{collective_id}}/merge",
        [Attempt(f"{a}/collectives/{collective['id']}/merge", {"duplicate_id": twin["id"]})],
    )

    # ---- the person's history: a rating, an award from before the engine, an initiative --
    history = f"{a}/history/individual/{first['id']}"
    [rating] = await m.check(
        "POST",
        f"{a}/history/{{kind}}/{{subject_id}}/ratings",
        [Attempt(f"{history}/ratings", {"year": year - 1, "rating": "excellent"})],
    )
    await m.check(
        "PATCH",
        f"{a}/ratings/{{rating_id}}",
        [Attempt(f"{a}/ratings/{rating['id']}", {"rating": "good"})],
    )
    await m.check("DELETE", f"{a}/ratings/{{rating_id}}", [Attempt(f"{a}/ratings/{rating['id']}")])
    [award] = await m.check(
        "POST",
        f"{a}/history/{{kind}}/{{subject_id}}/awards",
        [
            Attempt(
                f"{history}/awards",
                {
                    "award_code": "giay_khen",
                    "year": year - 2,
                    "decision_number": "12/QĐ-UBND",
                    "decision_date": f"{year - 1}-01-15",
                    "deciding_authority": "Chủ tịch UBND phường Tứ Minh (trước sắp xếp)",
                },
            )
        ],
    )
    await m.check(
        "PATCH",
        f"{a}/awards/{{record_id}}",
        [Attempt(f"{a}/awards/{award['id']}", {"decision_number": "13/QĐ-UBND"})],
    )
    await m.check(
        "POST",
        f"{a}/awards/{{record_id}}/revoke",
        [
            Attempt(
                f"{a}/awards/{award['id']}/revoke",
                {"reason": "Thành tích không đúng sự thật", "basis": "Quyết định số 20/QĐ-UBND"},
            )
        ],
    )
    [initiative] = await m.check(
        "POST",
        f"{a}/people/{{person_id}}/initiatives",
        [
            Attempt(
                f"{a}/people/{first['id']}/initiatives",
                {
                    "title": "Sổ tay điện tử của tổ dân phố",
                    "year": year - 1,
                    "scope": "base",
                    "recognised_by": "Chủ tịch UBND phường Tứ Minh",
                    "decision_number": "30/QĐ-UBND",
                    "decision_date": f"{year - 1}-12-01",
                },
            )
        ],
    )
    await m.check(
        "PATCH",
        f"{a}/initiatives/{{initiative_id}}",
        [Attempt(f"{a}/initiatives/{initiative['id']}", {"scope": "city"})],
    )

    # ---- the Excel import: a second residential group of the new ward, applied ----------
    book = workbook(
        {
            "Đơn vị": [
                UNIT_HEADERS,
                [
                    "tm-tdp-2",
                    None,
                    "Tổ dân phố số 2 phường Tứ Minh",
                    None,
                    "Tổ dân phố",
                    "Cấp phường",
                    "ubnd-tu-minh",
                    None,
                ],
            ]
        }
    )
    [report] = await m.check(
        "POST",
        "/api/v1/imports",
        [
            Attempt(
                "/api/v1/imports",
                {"apply": "true"},
                {"file": ("don-vi.xlsx", book, "application/octet-stream")},
            )
        ],
    )
    assert report["applied"] is True, report


async def test_every_command_as_every_role(harness, tmp_path):
    h = harness
    m = Matrix(h)
    ids = h.ids
    n = "/api/v1/nominations"

    # ---- nominations before submission --------------------------------------------------
    nominee = {"kind": "individual", "person_id": ids.people["Nguyễn Thị Hoa"]}
    create_body = {
        "award_code": "giay_khen",
        "year": 2026,
        "nominee": nominee,
        "proposing_unit_id": ids.units["tk-van-phong"],
        "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026",
        "dossier_items": [{"item_code": "to_trinh"}],
        "attestations": ["exemplary"],
        "submit": False,
    }
    await m.check("POST", n, [Attempt(n, create_body)])
    drafts = [(await h.nominate(submit=False))["id"] for _ in range(3)]
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/dossier-items",
        [
            Attempt(
                f"{n}/{drafts[0]}/dossier-items",
                {"item_code": "to_trinh"},
                {"file": ("to-trinh.pdf", PDF, "application/pdf")},
            )
        ],
    )
    filed = [(await h.nominate(submit=False))["id"] for _ in range(2)]
    files = [
        (
            await h.http.post(
                f"{n}/{draft}/dossier-items",
                headers=h.headers(UNIT),
                data={"item_code": "to_trinh"},
                files={"file": ("to-trinh.pdf", PDF, "application/pdf")},
            )
        ).json()["id"]
        for draft in filed
    ]
    await m.check(
        "DELETE",
        f"{n}/{{nomination_id}}/dossier-items/{{item_id}}",
        [Attempt(f"{n}/{filed[0]}/dossier-items/{files[0]}")],
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/dossier-items/{{item_id}}/replace",
        [
            Attempt(
                f"{n}/{filed[1]}/dossier-items/{files[1]}/replace",
                {},
                {"file": ("to-trinh-moi.pdf", PDF + b"%moi\n", "application/pdf")},
            )
        ],
    )
    await m.check("POST", f"{n}/{{nomination_id}}/submit", [Attempt(f"{n}/{drafts[1]}/submit")])
    await m.check("DELETE", f"{n}/{{nomination_id}}", [Attempt(f"{n}/{drafts[2]}")])

    # ---- the dossier at reception -------------------------------------------------------
    reception = await submitted(h, 9)
    reason = {"reason": "Theo quy định"}
    await m.check(
        "POST", f"{n}/{{nomination_id}}/accept", [Attempt(f"{n}/{reception[0]}/accept", {})]
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/return",
        [
            Attempt(
                f"{n}/{reception[1]}/return",
                {"missing_items": ["to_trinh"], "reason": "Thiếu tờ trình"},
            )
        ],
    )
    await h.wait_stage(reception[1], Stage.RETURNED)
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/resubmit",
        [Attempt(f"{n}/{reception[1]}/resubmit", {"added_items": ["to_trinh"]})],
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/reject",
        [Attempt(f"{n}/{i}/reject", reason) for i in reception[2:5]],
    )
    await m.check(
        "POST", f"{n}/{{nomination_id}}/withdraw", [Attempt(f"{n}/{reception[5]}/withdraw", reason)]
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/extend",
        # One nomination per allowed role: a time limit is extended at most once (the rule
        # set's deadline_extensions), so a second extension of one would be refused.
        [
            Attempt(f"{n}/{i}/extend", {"working_days": 2, "reason": "Chờ xác minh"})
            for i in reception[6:9]
        ],
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/reassign",
        [
            Attempt(
                f"{n}/{reception[6]}/reassign",
                {"to_user_id": ids.users["uyvien.vhxh"], "reason": "Phân công"},
            )
        ],
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/achievement-summary",
        [
            Attempt(
                f"{n}/{reception[8]}/achievement-summary",
                {"achievement_summary": "Dẫn đầu phong trào thi đua của phường"},
            )
        ],
    )

    # ---- objections (a household nomination in public notice) ---------------------------
    household = (await h.nominate(household="Bùi Văn Khải", **HOUSEHOLD))["id"]
    notice = await h.ok(STANDING, f"{n}/{household}/accept", {})
    assert notice["stage"] == "public_notice", notice
    lodged = await h.ok(
        None,
        f"/api/v1/public/notices/{household}/objections",
        {
            "objector_name": "Trần Văn Bình",
            "objector_contact": "0912 345 678",
            "reason": "Gia đình chưa chấp hành quy định về vệ sinh môi trường",
        },
        status=201,
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/objections/{{objection_key}}/resolve",
        [
            Attempt(
                f"{n}/{household}/objections/{lodged['objection_key']}/resolve",
                {"outcome": "dismissed", "reason": "Đã xác minh: không đúng"},
            )
        ],
    )
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/objections/{{objection_key}}/reply",
        [
            Attempt(
                f"{n}/{household}/objections/{lodged['objection_key']}/reply",
                {"channel": "phone", "note": "Đã gọi điện trả lời kết quả xác minh"},
            )
        ],
    )

    # ---- the council --------------------------------------------------------------------
    agenda = await accepted(h, 3)
    await m.check(
        "POST",
        "/api/v1/council-sessions",
        [
            Attempt(
                "/api/v1/council-sessions",
                {"title": "Phiên họp", "nomination_ids": [agenda[0]], "closes_at": closes_at(h)},
            )
        ],
    )
    ballot_session = (
        await h.ok(
            STANDING,
            "/api/v1/council-sessions",
            {"title": "Phiên họp", "nomination_ids": [agenda[1]], "closes_at": closes_at(h)},
            status=201,
        )
    )["id"]
    await m.check(
        "POST",
        "/api/v1/council-sessions/{session_id}/ballot",
        [
            Attempt(
                f"/api/v1/council-sessions/{ballot_session}/ballot",
                {"mode": "in_person", "choices": {str(agenda[1]): "agree"}},
            )
        ],
    )
    closing = [ballot_session, (await h.convene([agenda[2]]))["id"]]
    await m.check(
        "POST",
        "/api/v1/council-sessions/{session_id}/close",
        [Attempt(f"/api/v1/council-sessions/{s}/close", {}) for s in closing],
    )

    # ---- decisions ----------------------------------------------------------------------
    decided = await decided_by_council(h, 12)
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/refuse",
        [Attempt(f"{n}/{i}/refuse", {"reason": "Chưa đủ tiêu chuẩn"}) for i in decided[0:2]],
    )
    await m.check(
        "POST",
        "/api/v1/decisions",
        [Attempt("/api/v1/decisions", {"nomination_ids": [decided[2]]})],
    )
    d = "/api/v1/decisions"
    signing = await ready_decision(h, [decided[3], decided[4], decided[5]])
    await m.check("POST", f"{d}/{{decision_id}}/sign", [Attempt(f"{d}/{signing}/sign")])
    await m.check("POST", f"{d}/{{decision_id}}/issue", [Attempt(f"{d}/{signing}/issue")])
    for granted in decided[3:6]:
        await h.wait_stage(granted, Stage.GRANTED)
    await m.check(
        "POST",
        f"{n}/{{nomination_id}}/revoke",
        [
            Attempt(f"{n}/{i}/revoke", {"reason": "Thành tích không đúng sự thật"})
            for i in decided[3:5]
        ],
    )
    delegating = await ready_decision(h, [decided[6]])
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/delegate",
        [Attempt(f"{d}/{delegating}/delegate", {"to_user_id": ids.users[VICE]})],
    )
    removing = await ready_decision(h, [decided[7], decided[8]])
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/remove-item",
        [
            Attempt(
                f"{d}/{removing}/remove-item",
                {"nomination_id": decided[8], "reason": "Bổ sung sau"},
            )
        ],
    )
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/draft",
        [Attempt(f"{d}/{removing}/draft", {"reason_text": "Xét thành tích xuất sắc,"})],
    )
    # The same draft, sent back by its signer and submitted again by the standing body.
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/send-back",
        [Attempt(f"{d}/{removing}/send-back", {"reason": "Ghi sai chức danh"})],
    )
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/resubmit",
        [Attempt(f"{d}/{removing}/resubmit", {"note": "Đã sửa chức danh"})],
    )
    cancelling = [await ready_decision(h, [decided[9]]), await ready_decision(h, [decided[10]])]
    await m.check(
        "POST",
        f"{d}/{{decision_id}}/cancel",
        [Attempt(f"{d}/{c}/cancel", {"reason": "Lập lại theo đợt"}) for c in cancelling],
    )
    # Signed on the chairman's own computer (THIDUA_EXTERNAL_SIGNERS): a token the engine
    # never sees, its CA's signing agent in another process.
    from tests.workflows.test_external_signature import _agent_signs, _token

    _cert, p12, pem = _token(h.settings, tmp_path / "chairman-computer", "Tăng Văn Quân")
    signers = tmp_path / "external-signers.json"
    signers.write_text(json.dumps({CHAIRMAN: {"certificate": str(pem)}}))
    h.settings.external_signers = signers
    try:
        external = await ready_decision(h, [decided[11]])
        [request] = await m.check(
            "POST",
            f"{d}/{{decision_id}}/external-signing",
            [Attempt(f"{d}/{external}/external-signing")],
        )
        # Withdrawn by the signer alone, then prepared again and answered.
        await m.check(
            "DELETE",
            f"{d}/{{decision_id}}/signature-request",
            [Attempt(f"{d}/{external}/signature-request")],
        )
        request = await h.ok(CHAIRMAN, f"{d}/{external}/external-signing", {})
        signature = await asyncio.to_thread(_agent_signs, p12, request["digest"])
        await m.check(
            "POST",
            f"{d}/{{decision_id}}/signature",
            [Attempt(f"{d}/{external}/signature", {"signature": signature})],
        )
    finally:
        h.settings.external_signers = None

    # ---- the inbox ----------------------------------------------------------------------
    mine = (await h.get(STANDING, "/api/v1/inbox")).json()["items"]
    assert mine, "the standing body has notices by now"
    await m.check(
        "POST", "/api/v1/inbox/{notice_id}/read", [Attempt(f"/api/v1/inbox/{mine[0]['id']}/read")]
    )
    await m.check("POST", "/api/v1/inbox/read-all", [Attempt("/api/v1/inbox/read-all")])

    # ---- an account paused after failed sign-ins ------------------------------------------
    await m.check(
        "POST",
        "/api/v1/users/{user_id}/sign-in-unlock",
        [Attempt(f"/api/v1/users/{ids.users[CHAIRMAN]}/sign-in-unlock")],
    )

    # ---- the campaign and its exemplars -------------------------------------------------
    # The seeded plan moved to start next year, launched, then the day its registration
    # opens (the other workflows' timers fire on the way; each check waits until they
    # have settled): every campaign command finds its object ready, whatever the moment.
    year = await this_year(h) + 1
    campaign_id = await plan_campaign(h, year)
    c = f"/api/v1/campaigns/{campaign_id}"
    await m.check("POST", "/api/v1/campaigns/{campaign_id}/launch", [Attempt(f"{c}/launch")])
    for _ in range(300):
        if (await h.get(STANDING, c)).json()["status"] == "running":
            break
        await asyncio.sleep(0.05)
    await open_registration(h, campaign_id)
    await m.check(
        "POST",
        "/api/v1/campaigns",
        [
            Attempt(
                "/api/v1/campaigns",
                {
                    "code": f"chuyen-de-{year}",
                    "name": "Phong trào thi đua chuyên đề “Chuyển đổi số”",
                    "theme": "Chuyển đổi số vì Nhân dân phục vụ",
                    "start_year": year,
                    "end_year": year + 1,
                    "content_areas": [{"code": "dich-vu-cong", "title": "Dịch vụ công trực tuyến"}],
                    "stages": [
                        {
                            "position": 1,
                            "name": "Chặng duy nhất",
                            "start_year": year,
                            "end_year": year + 1,
                        }
                    ],
                    "milestones": [
                        {
                            "code": "so-ket",
                            "title": f"Sơ kết năm {year}",
                            "stage_position": 1,
                            "due_on": f"{year}-12-20",
                        }
                    ],
                },
            )
        ],
    )
    await m.check(
        "POST",
        "/api/v1/campaigns/{campaign_id}/content-areas",
        [Attempt(f"{c}/content-areas", {"code": "chu-ky-so", "title": "Ký số văn bản điện tử"})],
    )
    await m.check(
        "POST",
        "/api/v1/campaigns/{campaign_id}/milestones/{milestone_code}/move",
        [
            Attempt(
                f"{c}/milestones/mid_term_review/move",
                {"due_on": f"{year + 2}-12-20", "reason": "Trùng lịch họp"},
            )
        ],
    )
    await m.check(
        "POST",
        "/api/v1/campaigns/{campaign_id}/registrations",
        [
            Attempt(
                f"{c}/registrations",
                {
                    "unit_id": ids.units["tk-van-phong"],
                    "target_awards": ["ttldtt"],
                    "content_area_codes": ["cai-cach-hanh-chinh"],
                },
            )
        ],
    )
    proposal = {
        "title": "Gương cán bộ tận tụy",
        "subject_kind": "individual",
        "person_id": ids.people["Nguyễn Thị Hoa"],
        "proposing_unit_id": ids.units["tk-van-phong"],
        "content_area_code": "cai-cach-hanh-chinh",
        "evidence": "Không để hồ sơ trễ hạn",
    }
    [exemplar] = await m.check(
        "POST", "/api/v1/campaigns/{campaign_id}/exemplars", [Attempt(f"{c}/exemplars", proposal)]
    )
    others = [
        (await h.ok(UNIT, f"{c}/exemplars", {**proposal, "title": f"Mô hình {i}"}, status=201))[
            "id"
        ]
        for i in range(2)
    ]
    e = f"/api/v1/exemplars/{exemplar['id']}"
    x = "/api/v1/exemplars/{exemplar_id}"
    await m.check(
        "POST",
        f"{x}/nurture",
        [
            Attempt(
                f"{e}/nurture",
                {
                    "support_plan": "Tập huấn kỹ năng số",
                    "responsible_user_id": ids.users[UNIT],
                    "follow_up_every_days": 30,
                },
            )
        ],
    )
    await m.check("POST", f"{x}/follow-ups", [Attempt(f"{e}/follow-ups", {"note": "Đã tập huấn"})])
    await m.check(
        "POST",
        f"{x}/summarize",
        [Attempt(f"{e}/summarize", {"findings": "Lan tỏa tốt", "rating": "good"})],
    )
    await m.check(
        "POST",
        f"{x}/nomination",
        [
            Attempt(
                f"{e}/nomination",
                {
                    "award_code": "giay_khen",
                    "attestations": ["exemplary"],
                    "dossier_items": ["to_trinh"],
                },
            )
        ],
    )
    await m.check(
        "POST", f"{x}/publish", [Attempt(f"{e}/publish", {"note": "Giới thiệu trên trang tin"})]
    )
    await m.check(
        "POST",
        f"{x}/adoptions",
        [
            Attempt(
                f"{e}/adoptions",
                {"unit_id": ids.units["tk-tdp-1"], "report": "Áp dụng cho tổ dân phố"},
            )
        ],
    )
    await m.check(
        "POST",
        f"{x}/drop",
        [Attempt(f"/api/v1/exemplars/{i}/drop", {"reason": "Dừng theo dõi"}) for i in others],
    )
    await m.check("POST", "/api/v1/campaigns/{campaign_id}/reports", [Attempt(f"{c}/reports", {})])

    # ---- accounts: a council member who left (their history stays) ------------------------
    leaver = f"/api/v1/users/{ids.users['uyvien.xdd']}"
    await m.check("POST", "/api/v1/users/{user_id}/deactivate", [Attempt(f"{leaver}/deactivate")])
    await m.check("POST", "/api/v1/users/{user_id}/reactivate", [Attempt(f"{leaver}/reactivate")])
    # A new account (no address: its link comes from the operator), a role given and taken.
    await m.check(
        "POST",
        "/api/v1/users",
        [Attempt("/api/v1/users", {"username": "canbo.moi", "full_name": "Lê Thị Mới"})],
    )
    [granted] = await m.check(
        "POST",
        "/api/v1/users/{user_id}/roles",
        [Attempt(f"{leaver}/roles", {"role": "auditor", "unit_id": ids.units["tk-van-phong"]})],
    )
    grant_id = next(g["id"] for g in granted["roles"] if g["role"] == "auditor")
    await m.check(
        "DELETE",
        "/api/v1/users/{user_id}/roles/{grant_id}",
        [Attempt(f"{leaver}/roles/{grant_id}")],
    )
    # The reset link goes by mail to the account's owner (a mail server that takes it).
    catcher = MailCatcher(free_port())
    catcher.start()
    h.settings.mail_enabled, h.settings.smtp_port = True, catcher.port
    try:
        await m.check(
            "POST", "/api/v1/users/{user_id}/password-reset", [Attempt(f"{leaver}/password-reset")]
        )
    finally:
        h.settings.mail_enabled = False
        catcher.stop()
    assert [mail.envelope_to for mail in catcher.received] == [["xdd@thachkhoi.example.vn"]]

    # ---- administration: a new ward's units, body, council, registry, histories, import --
    await check_administration(h, m)

    # ---- every command was tried, and nothing else was expected --------------------------
    commands = api_commands(h.app)
    assert set(NOT_COMMANDS) <= commands, set(NOT_COMMANDS) - commands
    assert set(ALLOWED) == commands - set(NOT_COMMANDS), {
        "commands without a row in ALLOWED": commands - set(NOT_COMMANDS) - set(ALLOWED),
        "rows for routes that do not exist": set(ALLOWED) - commands,
    }
    assert m.covered == set(ALLOWED), set(ALLOWED) - m.covered
    assert not m.problems, "\n".join(m.problems)
    print(f"{len(m.covered)} commands × {len(ACTORS)} roles: {m.tried} attempts")
