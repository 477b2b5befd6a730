"""Schemas of the JSON API's sign-in: the bearer token, who it belongs to, and an
administrator's unlock of an account paused after failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class RoleRead(BaseModel):
    role: str
    unit_id: int
    level: str
    authority_id: int | None


class MeRead(BaseModel):
    id: int
    username: str
    full_name: str
    email: str | None
    roles: list[RoleRead]


class SignInUnlockRead(BaseModel):
    """What an administrator's unlock cleared: the account's pause (if it was paused) and
    its failed attempts of the last hour, from every address."""

    user_id: int
    username: str
    was_paused_until: datetime | None
    failed_attempts_cleared: int
