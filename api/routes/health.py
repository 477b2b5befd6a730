"""GET /health: is the database reachable, is Temporal reachable."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import StateDep
from ..services import health as service

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "database or Temporal unreachable"}})
async def health(state: StateDep) -> JSONResponse:
    """200 when the database and Temporal both answer; 503 naming what is down."""
    ok, body = await service.health(state)
    return JSONResponse(body, status_code=200 if ok else 503)
