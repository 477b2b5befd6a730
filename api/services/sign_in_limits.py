"""The sign-in policy: it slows down whoever guesses passwords without locking out an
office that shares one address (one NAT, one proxy).

- A successful sign-in is never counted, and it clears the failures of its account from
  its address.
- ``PAIR_FAILURES`` failed attempts at one account from one address within
  ``PAIR_WINDOW`` pause that account from that address for ``PAIR_WAIT``; the other
  accounts at that address, and that account elsewhere, go on.
- ``ACCOUNT_FAILURES`` failed attempts at one account from all addresses within
  ``ACCOUNT_WINDOW`` pause the account everywhere for ``ACCOUNT_WAIT``, or until an
  administrator unlocks it (``unlock``, audited).
- While paused, the password is not checked at all: the refusal says until when (Vietnam
  time) and never that the password given was wrong.

An unknown username is counted like a real one (the answers must not tell them apart).
The counts live in ``rate_limit_hits`` (``thidua/ratelimit.py``), at the application
clock's moments.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models.audit import write_audit_event
from models.schemas.auth import SignInUnlockRead
from thidua import ratelimit

from ..errors import Forbidden, NotFound, TooManyRequests
from ..formatting import vn_datetime
from ..principal import Principal
from ..queries import accounts as account_queries
from .admin_scope import require_administers_account

PAIR_FAILURES = 5
PAIR_WINDOW = timedelta(minutes=15)
PAIR_WAIT = timedelta(minutes=15)
ACCOUNT_FAILURES = 20
ACCOUNT_WINDOW = timedelta(hours=1)
ACCOUNT_WAIT = timedelta(hours=1)

_KEY_LENGTH = 64


def account_key(username: str) -> str:
    """The account an attempt is counted against: the username as typed, without case."""
    return username.strip().casefold()[:_KEY_LENGTH]


@dataclass(frozen=True)
class Attempt:
    """One account from one client address, and the buckets that count it. The pair's
    buckets carry the account's length so that no account's prefix is another's (an
    administrator's unlock clears the pairs of one account by prefix)."""

    account: str
    address: str

    @classmethod
    def of(cls, *, username: str, address: str) -> Attempt:
        return cls(account_key(username), address[:_KEY_LENGTH])

    def _pair(self, kind: str) -> str:
        return f"{_pair_prefix(kind, self.account)}{self.address}"

    @property
    def pair_failures(self) -> str:
        return self._pair("fail")

    @property
    def pair_pause(self) -> str:
        return self._pair("pause")

    @property
    def account_failures(self) -> str:
        return f"signin:fail:account:{self.account}"

    @property
    def account_pause(self) -> str:
        return f"signin:pause:account:{self.account}"


def _pair_prefix(kind: str, account: str) -> str:
    return f"signin:{kind}:pair:{len(account)}:{account}:"


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(math.ceil((moment - now).total_seconds()), 1)


def _shown(moment: datetime) -> str:
    """The moment as a person reads it, in Vietnam time, never earlier than it is."""
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return vn_datetime(moment)


def _paused(until: datetime, now: datetime, *, whole_account: bool) -> TooManyRequests:
    when = _shown(until)
    if whole_account:
        vi = (
            f"Tài khoản này tạm dừng đăng nhập vì đã có {ACCOUNT_FAILURES} lần nhập sai mật "
            f"khẩu trong một giờ. Vui lòng thử lại từ {when} (giờ Việt Nam), hoặc đề nghị "
            "quản trị hệ thống mở khóa. Mật khẩu vừa nhập chưa được kiểm tra."
        )
        en = (
            f"Sign-in to this account is paused after {ACCOUNT_FAILURES} failed attempts "
            f"within an hour. Try again from {when} (Vietnam time), or ask an administrator "
            "to unlock it. The password just entered was not checked."
        )
    else:
        minutes = int(PAIR_WINDOW.total_seconds() // 60)
        vi = (
            f"Tài khoản này tạm dừng đăng nhập từ địa chỉ của bạn vì đã có {PAIR_FAILURES} "
            f"lần nhập sai mật khẩu trong {minutes} phút. Vui lòng thử lại từ {when} (giờ "
            "Việt Nam). Mật khẩu vừa nhập chưa được kiểm tra."
        )
        en = (
            f"Sign-in to this account from your address is paused after {PAIR_FAILURES} "
            f"failed attempts within {minutes} minutes. Try again from {when} (Vietnam "
            "time). The password just entered was not checked."
        )
    scope = "account" if whole_account else "account_and_address"
    return TooManyRequests(
        _seconds_until(until, now), vi, en, retry_at=until.isoformat(), paused=scope
    )


async def refuse_while_paused(session: AsyncSession, attempt: Attempt, *, now: datetime) -> None:
    """Raise ``TooManyRequests`` (with the moment to try again) while the account, or the
    account from this address, is paused. Counts nothing."""
    account_since = await ratelimit.paused_since(
        session, attempt.account_pause, since=now - ACCOUNT_WAIT
    )
    pair_since = await ratelimit.paused_since(session, attempt.pair_pause, since=now - PAIR_WAIT)
    account_until = account_since + ACCOUNT_WAIT if account_since else None
    pair_until = pair_since + PAIR_WAIT if pair_since else None
    if account_until and (pair_until is None or account_until >= pair_until):
        raise _paused(account_until, now, whole_account=True)
    if pair_until:
        raise _paused(pair_until, now, whole_account=False)


async def count_failure(session: AsyncSession, attempt: Attempt, *, now: datetime) -> None:
    """Count a failed attempt; the one that reaches a limit starts the pause."""
    await ratelimit.record(session, attempt.pair_failures, now=now)
    await ratelimit.record(session, attempt.account_failures, now=now)
    pair = await ratelimit.hits_since(session, attempt.pair_failures, since=now - PAIR_WINDOW)
    if pair >= PAIR_FAILURES:
        await ratelimit.pause(session, attempt.pair_pause, now=now)
    account = await ratelimit.hits_since(
        session, attempt.account_failures, since=now - ACCOUNT_WINDOW
    )
    if account >= ACCOUNT_FAILURES:
        await ratelimit.pause(session, attempt.account_pause, now=now)


async def clear_pair(session: AsyncSession, attempt: Attempt) -> None:
    """A successful sign-in: this account's failures from this address are forgotten."""
    await ratelimit.forget(session, attempt.pair_failures, attempt.pair_pause)


async def account_paused_until(
    session: AsyncSession, *, username: str, now: datetime
) -> datetime | None:
    """Until when the account is paused everywhere after too many failed sign-ins (what an
    administrator's unlock clears); None when it is not."""
    attempt = Attempt(account_key(username), "")
    since = await ratelimit.paused_since(session, attempt.account_pause, since=now - ACCOUNT_WAIT)
    return since + ACCOUNT_WAIT if since else None


async def unlock(
    session: AsyncSession, *, principal: Principal, user_id: int, now: datetime
) -> SignInUnlockRead:
    """An administrator lets an account sign in again at once: its pause and failures
    (from every address) are forgotten, and the audit trail says who did it, when, and
    what the account's state was."""
    if not principal.is_admin:
        raise Forbidden()
    user = await account_queries.user_by_id(session, user_id=user_id)
    if user is None:
        raise NotFound("Không có tài khoản này", "No such account")
    await require_administers_account(session, principal, user)
    account = account_key(user.username)
    attempt = Attempt(account, "")
    since = await ratelimit.paused_since(session, attempt.account_pause, since=now - ACCOUNT_WAIT)
    paused_until = since + ACCOUNT_WAIT if since else None
    failures = await ratelimit.hits_since(
        session, attempt.account_failures, since=now - ACCOUNT_WINDOW
    )
    await ratelimit.forget(session, attempt.account_failures, attempt.account_pause)
    for kind in ("fail", "pause"):
        await ratelimit.forget_starting_with(session, _pair_prefix(kind, account))
    await write_audit_event(
        session,
        event_key=f"sign-in-unlocked:{user.id}:{secrets.token_hex(8)}",
        subject_type="user",
        subject_id=user.id,
        action="sign_in_unlocked",
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        changes={
            "sign_in_paused_until": [paused_until.isoformat() if paused_until else "", ""],
            "failed_sign_ins_last_hour": [str(failures), "0"],
        },
    )
    return SignInUnlockRead(
        user_id=user.id,
        username=user.username,
        was_paused_until=paused_until,
        failed_attempts_cleared=failures,
    )
