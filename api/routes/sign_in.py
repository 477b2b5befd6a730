"""An administrator's unlock of an account whose sign-ins are paused after too many
failed attempts (the policy: ``api/services/sign_in_limits.py``)."""

from __future__ import annotations

from fastapi import APIRouter

from models.schemas.auth import SignInUnlockRead
from models.schemas.common import DbId

from ..deps import ClockDep, CurrentUser, SessionDep
from ..errors import Forbidden, NotFound, Unauthorized, error_responses
from ..services import sign_in_limits

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/users/{user_id}/sign-in-unlock",
    response_model=SignInUnlockRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def unlock_sign_in(
    user_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> SignInUnlockRead:
    """Administrators: let the account sign in again now. Its pause and its failed
    attempts of the last hour, from every address, are cleared; the audit trail records
    who unlocked it and what was cleared."""
    return await sign_in_limits.unlock(session, principal=user, user_id=user_id, now=clock.now())
