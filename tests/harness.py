"""The engine assembled for end-to-end tests: the seeded database, a Temporal test server,
the real worker and the real FastAPI app (over ASGI), and the demo users' tokens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.state import AppState, make_templates
from domain.vocabulary import Stage
from models import Authority, Collective, Decision, Household, Nomination, Person, Unit, User
from tests.clock import ServerClock
from thidua.clock import Clock
from thidua.db import create_session_factory
from thidua.security import create_access_token
from thidua.settings import Settings

DEFAULT_ITEMS = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "ket_qua_danh_gia"]
# The demo's clerks (văn thư), who issue what their authority's head signed, by its level.
CLERKS = {"ward": "vanthu", "city": "vanthu.tp", "central": "vanthu.tw"}


@dataclass
class DemoIds:
    units: dict[str, int] = field(default_factory=dict)  # by unit code
    users: dict[str, int] = field(default_factory=dict)  # by username
    people: dict[str, int] = field(default_factory=dict)  # by full name
    collectives: dict[str, int] = field(default_factory=dict)  # by unit code
    households: dict[str, int] = field(default_factory=dict)  # by head name
    authorities: dict[str, int] = field(default_factory=dict)  # by level


class Harness:
    """``clock``: the application's clock; by default the Temporal server's
    (``ServerClock``), read again before every request the harness sends."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        env,
        task_queue: str,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.env = env
        self.client = env.client
        self.task_queue = task_queue
        self.clock = clock or ServerClock(env)
        self.factory = create_session_factory(engine)
        self.state = AppState(
            settings=settings,
            engine=engine,
            writer=create_session_factory(engine, writer=True),
            reader=create_session_factory(engine, writer=False),
            templates=make_templates(),
            temporal=env.client,
            clock=self.clock,
        )
        self.app = create_app(settings, state=self.state)
        self.http = self.http_client()
        self.ids = DemoIds()
        self.worker = None
        self._worker_run: asyncio.Task | None = None

    async def load_ids(self) -> None:
        async with self.factory() as session:
            for unit in (await session.execute(select(Unit))).scalars():
                self.ids.units[unit.code] = unit.id
            for user in (await session.execute(select(User))).scalars():
                self.ids.users[user.username] = user.id
            for person in (await session.execute(select(Person))).scalars():
                self.ids.people[person.full_name] = person.id
            codes = {v: k for k, v in self.ids.units.items()}
            for collective in (await session.execute(select(Collective))).scalars():
                self.ids.collectives[codes[collective.unit_id]] = collective.id
            for household in (await session.execute(select(Household))).scalars():
                self.ids.households[household.head_name] = household.id
            for authority in (await session.execute(select(Authority))).scalars():
                self.ids.authorities[authority.level.value] = authority.id

    def http_client(self) -> httpx.AsyncClient:
        """A client of the app over ASGI; before each request, the server clock is read
        again (the server may have skipped time while the test waited on a workflow)."""
        hooks = {"request": [self._sync_clock]} if isinstance(self.clock, ServerClock) else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            timeout=60,
            event_hooks=hooks,
        )

    async def _sync_clock(self, _request: httpx.Request) -> None:
        await self.clock.sync()

    async def now(self) -> datetime:
        """The moment the application and the workflows are at."""
        if isinstance(self.clock, ServerClock):
            await self.clock.sync()
        return self.clock.now()

    async def sleep(self, duration: timedelta) -> None:
        """Skip the test server's time forward (its timers fire on the way)."""
        await self.clock.sleep(duration)

    async def move_to(self, moment: datetime) -> None:
        """Skip the test server's time forward to ``moment``."""
        await self.clock.move_to(moment)

    def headers(self, username: str) -> dict[str, str]:
        token, _ = create_access_token(self.settings.secret_key, self.ids.users[username], 60)
        return {"Authorization": f"Bearer {token}"}

    async def post(
        self, username: str | None, path: str, body: Any = None, **kwargs
    ) -> httpx.Response:
        headers = self.headers(username) if username else {}
        return await self.http.post(path, json=body, headers=headers, **kwargs)

    async def get(self, username: str | None, path: str, **kwargs) -> httpx.Response:
        headers = self.headers(username) if username else {}
        return await self.http.get(path, headers=headers, **kwargs)

    async def delete(self, username: str | None, path: str, **kwargs) -> httpx.Response:
        headers = self.headers(username) if username else {}
        return await self.http.delete(path, headers=headers, **kwargs)

    async def ok(
        self, username: str | None, path: str, body: Any = None, status: int = 200
    ) -> dict:
        response = await self.post(username, path, body)
        assert response.status_code == status, f"{path}: {response.status_code} {response.text}"
        return response.json()

    # ---- common steps --------------------------------------------------------------------

    async def nominate(
        self,
        *,
        unit_user: str = "canbo.vanphong",
        unit_code: str = "tk-van-phong",
        award_code: str = "giay_khen",
        person: str | None = "Nguyễn Thị Hoa",
        collective_unit: str | None = None,
        household: str | None = None,
        year: int = 2026,
        items: list[str] | None = None,
        attestations: list[str] | None = None,
        submit: bool = True,
        initiative_id: int | None = None,
        wait: bool = True,
    ) -> dict:
        """Create (and submit) a nomination; ``wait``: until the workflow recorded it."""
        if collective_unit:
            nominee = {"kind": "collective", "collective_id": self.ids.collectives[collective_unit]}
        elif household:
            nominee = {"kind": "household", "household_id": self.ids.households[household]}
        else:
            nominee = {"kind": "individual", "person_id": self.ids.people[person]}
        body = {
            "award_code": award_code,
            "year": year,
            "nominee": nominee,
            "proposing_unit_id": self.ids.units[unit_code],
            "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm " + str(year),
            "dossier_items": [
                {"item_code": c} for c in (DEFAULT_ITEMS if items is None else items)
            ],
            "attestations": attestations
            if attestations is not None
            else [
                "exemplary",
                "exemplary_collective",
                "movement_achievement",
                "household_movement",
                "tdp_standards",
                "gdvh_standards",
            ],
            "submit": submit,
        }
        if initiative_id is not None:
            body["initiative_id"] = initiative_id
        created = await self.ok(unit_user, "/api/v1/nominations", body, status=201)
        if submit and wait:
            await self.wait_recorded(created["id"])
        return created

    async def wait_recorded(
        self, nomination_id: int, seq: int = 1, timeout: float = 15.0
    ) -> Nomination:
        """Wait until the workflow has written its ``seq``-th change to the projection."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            row = await self.nomination(nomination_id)
            if row.projection_seq >= seq:
                return row
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"nomination {nomination_id} projection at {row.projection_seq}"
                )
            await asyncio.sleep(0.02)

    async def notices(self, username: str, kind: str, *, count: int = 1, timeout: float = 15.0):
        """Wait until ``username`` has at least ``count`` notices of ``kind`` (notices are
        sent by activities that the workflows do not wait for)."""
        from models import Notice

        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self.factory() as session:
                rows = list(
                    (
                        await session.execute(
                            select(Notice).where(
                                Notice.user_id == self.ids.users[username], Notice.kind == kind
                            )
                        )
                    ).scalars()
                )
            if len(rows) >= count or asyncio.get_running_loop().time() > deadline:
                return rows
            await asyncio.sleep(0.05)

    async def close_session(self, session_id: int, standing: str = "thuongtruc") -> dict:
        return await self.ok(standing, f"/api/v1/council-sessions/{session_id}/close", {})

    async def nomination(self, nomination_id: int) -> Nomination:
        async with self.factory() as session:
            row = await session.get(Nomination, nomination_id)
            assert row is not None
            return row

    async def wait_stage(
        self, nomination_id: int, stage: Stage, timeout: float = 15.0
    ) -> Nomination:
        """The projection is written by activities: wait (real time) until it shows ``stage``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            row = await self.nomination(nomination_id)
            if row.stage == stage:
                return row
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nomination {nomination_id} is {row.stage}, not {stage}")
            await asyncio.sleep(0.05)

    async def convene(
        self,
        nomination_ids: list[int],
        *,
        days: int = 5,
        standing: str = "thuongtruc",
        title: str = "Phiên họp xét khen thưởng",
    ) -> dict:
        closes_at = (await self.now() + timedelta(days=days)).isoformat()
        return await self.ok(
            standing,
            "/api/v1/council-sessions",
            {"title": title, "nomination_ids": nomination_ids, "closes_at": closes_at},
            status=201,
        )

    async def vote(
        self,
        session_id: int,
        username: str,
        choices: dict[int, str],
        mode: str = "in_person",
        status: int = 201,
    ) -> httpx.Response:
        response = await self.post(
            username,
            f"/api/v1/council-sessions/{session_id}/ballot",
            {"mode": mode, "choices": {str(k): v for k, v in choices.items()}},
        )
        assert response.status_code == status, response.text
        return response

    async def draft_decision(
        self, nomination_ids: list[int], *, kind: str = "decision", standing: str = "thuongtruc"
    ) -> dict:
        return await self.ok(
            standing,
            "/api/v1/decisions",
            {"kind": kind, "nomination_ids": nomination_ids},
            status=201,
        )

    async def sign(self, decision_id: int, signer: str = "chutich", *, issue: bool = True) -> dict:
        """The signer signs; then (``issue``) the authority's clerk issues it (Decree 30):
        the answer of the last step."""
        # The workflow first asks each nomination to join; signing is refused until then.
        for _ in range(200):
            response = await self.post(signer, f"/api/v1/decisions/{decision_id}/sign")
            if response.status_code != 409 or "assembled" not in response.text:
                break
            await asyncio.sleep(0.05)
        assert response.status_code == 200, response.text
        if not issue:
            return response.json()
        return await self.issue(decision_id)

    async def issue(self, decision_id: int, clerk: str | None = None) -> dict:
        """The clerk (văn thư) of the decision's authority (``CLERKS``, by its level)
        applies the organisation's signature and issues the signed document."""
        if clerk is None:
            async with self.factory() as session:
                decision = await session.get(Decision, decision_id)
                assert decision is not None
                authority = await session.get(Authority, decision.authority_id)
                assert authority is not None
                clerk = CLERKS[authority.level.value]
        response = await self.post(clerk, f"/api/v1/decisions/{decision_id}/issue")
        assert response.status_code == 200, response.text
        return response.json()

    # ---- the worker ----------------------------------------------------------------------

    async def start_worker(self) -> None:
        from thidua.worker import create_worker

        self.worker = create_worker(
            self.client, self.settings, self.factory, task_queue=self.task_queue, clock=self.clock
        )
        self._worker_run = asyncio.create_task(self.worker.run())

    async def stop_worker(self) -> None:
        if self.worker is not None:
            # A worker stopped right after its start may not be running yet: shut it down
            # once it is, or it would start polling after we let it go.
            while not self.worker.is_running and not self._worker_run.done():  # noqa: ASYNC110 (the SDK offers no event)
                await asyncio.sleep(0.01)
            if self.worker.is_running:
                await self.worker.shutdown()
            await self._worker_run
        self.worker = None

    async def aclose(self) -> None:
        await self.stop_worker()
        await self.http.aclose()
