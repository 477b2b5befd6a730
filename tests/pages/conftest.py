"""Page tests: the real application over ASGI, one cookie-holding client per person.

A person's session cookie is minted exactly as ``POST /login`` mints it (the login form
itself is tested once in ``test_auth_pages.py``); the CSRF token of their forms is read
from the page, as a browser would send it."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from api.deps import SESSION_COOKIE, session_signer

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Person:
    """A browser-like client for one signed-in person."""

    def __init__(self, harness, username: str | None) -> None:
        self.harness = harness
        self.username = username
        self.http = harness.http_client()
        if username:
            value = session_signer(harness.settings).dumps(
                {
                    "uid": harness.ids.users[username],
                    "sid": secrets.token_urlsafe(16),
                    "iat": time.time(),
                }
            )
            self.http.cookies.set(SESSION_COOKIE, value, domain="testserver.local")

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def csrf(self, path: str = "/") -> str:
        page = await self.get(path)
        match = TOKEN.search(page.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    async def post(
        self,
        path: str,
        data: dict | None = None,
        *,
        csrf_from: str = "/",
        files=None,
        csrf: bool = True,
    ) -> httpx.Response:
        fields = dict(data or {})
        if csrf and "csrf_token" not in fields:
            fields["csrf_token"] = await self.csrf(csrf_from)
        return await self.http.post(path, data=fields, files=files)

    async def aclose(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def people(harness) -> AsyncIterator:
    """``people("thuongtruc")`` → a signed-in client (``people(None)``: anonymous)."""
    made: list[Person] = []

    def make(username: str | None) -> Person:
        person = Person(harness, username)
        made.append(person)
        return person

    yield make
    for person in made:
        await person.aclose()


def sqlite_only():
    return pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
