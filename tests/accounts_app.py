"""The application over a migrated database without Temporal, for the tests of accounts
and passwords (no workflow is involved): a fixed application clock, accounts made directly
in the database, bearer tokens and page cookies minted as signing in mints them."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.deps import SESSION_COOKIE, session_signer
from api.state import AppState, make_templates
from models import AuditEvent, User
from tests.clock import fixed_clock
from tests.conftest import make_settings
from thidua.clock import FixedClock
from thidua.db import create_engine, create_session_factory
from thidua.security import create_access_token, hash_password
from thidua.settings import Settings

# A production-like secret (the CLI and the app must share it: it signs the links).
SECRET_KEY = "first-start-test-secret-key-0123456789abcdefghij"


@dataclass
class AccountsApp:
    settings: Settings
    engine: AsyncEngine
    state: AppState
    clock: FixedClock
    app: FastAPI
    http: httpx.AsyncClient

    def client(self) -> httpx.AsyncClient:
        """Another browser (its own cookies); closed by the test."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver.local"
        )

    async def add_user(
        self,
        username: str,
        password: str,
        *,
        full_name: str = "Người dùng thử",
        email: str | None = None,
        must_change_password: bool = False,
        deployment_admin: bool = False,
    ) -> int:
        async with self.state.writer() as session, session.begin():
            user = User(
                username=username,
                full_name=full_name,
                email=email,
                password_hash=hash_password(password),
                must_change_password=must_change_password,
                deployment_admin=deployment_admin,
            )
            session.add(user)
            await session.flush()
            return user.id

    async def user(self, username: str) -> User:
        async with self.state.reader() as session:
            return (
                await session.execute(select(User).where(User.username == username))
            ).scalar_one()

    async def audit(self, user_id: int) -> list[AuditEvent]:
        async with self.state.reader() as session:
            return list(
                (
                    await session.execute(
                        select(AuditEvent)
                        .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user_id)
                        .order_by(AuditEvent.id)
                    )
                ).scalars()
            )

    def bearer(self, user_id: int) -> dict[str, str]:
        token, _ = create_access_token(self.settings.secret_key, user_id, 30)
        return {"Authorization": f"Bearer {token}"}

    def sign_in_page(self, http: httpx.AsyncClient, user_id: int) -> None:
        """A page session, exactly as ``POST /login`` mints it."""
        value = session_signer(self.settings).dumps(
            {"uid": user_id, "sid": secrets.token_urlsafe(16), "iat": time.time()}
        )
        http.cookies.set(SESSION_COOKIE, value, domain="testserver.local")


async def accounts_app(database_url: str, tmp_path: Path) -> AsyncIterator[AccountsApp]:
    settings = make_settings(
        database_url,
        tmp_path,
        secret_key=SECRET_KEY,
        public_base_url="https://thidua.example.vn",
    )
    engine = create_engine(database_url, pool_size=5)
    clock = fixed_clock()
    state = AppState(
        settings=settings,
        engine=engine,
        writer=create_session_factory(engine, writer=True),
        reader=create_session_factory(engine, writer=False),
        templates=make_templates(),
        clock=clock,
    )
    app = create_app(settings, state=state)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
    )
    try:
        yield AccountsApp(settings, engine, state, clock, app, http)
    finally:
        await http.aclose()
        await engine.dispose()
