"""Schemas of the JSON API's accounts: one's own password change, and a user's status as
an administrator sets it (active or deactivated)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from .common import ONE_LINE, Schema

# A password as typed: never stripped (a space is a character like another); its rules
# (length, guessability) are checked by ``domain.passwords`` with a message naming the field.
Password = Annotated[str, StringConstraints(max_length=256), ONE_LINE]


class PasswordChange(Schema):
    current_password: Password
    new_password: Password


class UserStatusRead(Schema):
    id: int
    username: str
    full_name: str
    is_active: bool
    must_change_password: bool


class PasswordResetSent(Schema):
    """Where an administrator's reset link went (masked) and until when it works; never
    the link itself."""

    user_id: int
    sent_to: str
    expires_at: datetime
