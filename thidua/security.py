"""Passwords (argon2), bearer tokens (short-lived JWT) and signed cookie values."""

from __future__ import annotations

from dataclasses import dataclass
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
    """A token for ``minutes``. Its ``iat`` is the machine's clock to the microsecond (a
    JWT NumericDate may have a fraction), compared with the person's last sign-out: a
    token issued in the same second after a sign-out still works."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    token = jwt.encode(
        {"sub": str(user_id), "iat": now.timestamp(), "exp": expires, "aud": JWT_AUDIENCE},
        secret,
        algorithm=JWT_ALGORITHM,
    )
    return token, minutes * 60


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    issued_at: float  # epoch seconds; 0 for a token that does not say


def decode_access_claims(secret: str, token: str) -> AccessClaims | None:
    """Whose a valid token is and when it was issued, or None (expired, forged,
    malformed)."""
    try:
        claims = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], audience=JWT_AUDIENCE)
        issued_at = claims.get("iat", 0)
        return AccessClaims(
            user_id=int(claims["sub"]),
            issued_at=float(issued_at) if isinstance(issued_at, int | float) else 0.0,
        )
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def decode_access_token(secret: str, token: str) -> int | None:
    """The user id in a valid token, or None (expired, forged, malformed)."""
    claims = decode_access_claims(secret, token)
    return claims.user_id if claims is not None else None


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
