"""Passwords (argon2), bearer tokens (short-lived JWT) and signed cookie values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

JWT_ALGORITHM = "HS256"
JWT_AUDIENCE = "thidua-api"


@lru_cache
def _password_hash() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return _password_hash().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _password_hash().verify(password, password_hash)
    except Exception:  # malformed hash: a failed login, never a 500
        return False


# A hash to verify against when the user does not exist, so that a login for an
# unknown name takes as long as one with a wrong password.
@lru_cache
def dummy_password_hash() -> str:
    return hash_password("not-a-real-password")


def create_access_token(secret: str, user_id: int, minutes: int) -> tuple[str, int]:
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    token = jwt.encode(
        {"sub": str(user_id), "iat": now, "exp": expires, "aud": JWT_AUDIENCE},
        secret,
        algorithm=JWT_ALGORITHM,
    )
    return token, minutes * 60


def decode_access_token(secret: str, token: str) -> int | None:
    """The user id in a valid token, or None (expired, forged, malformed)."""
    try:
        claims = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], audience=JWT_AUDIENCE)
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


class SignedValues:
    """Tamper-proof, expiring values for the session cookie and CSRF tokens."""

    def __init__(self, secret: str, salt: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=salt)

    def dumps(self, value: object) -> str:
        return self._serializer.dumps(value)

    def loads(self, token: str, max_age_seconds: int) -> object | None:
        try:
            return self._serializer.loads(token, max_age=max_age_seconds)
        except (BadSignature, SignatureExpired):
            return None
