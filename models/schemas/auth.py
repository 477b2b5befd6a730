"""Schemas of the JSON API's sign-in: the bearer token and who it belongs to."""

from __future__ import annotations

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
