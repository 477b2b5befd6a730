"""The FastAPI application: JSON API under /api/v1, pages, the public portal, /health."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from thidua.db import create_engine, create_session_factory
from thidua.logging_setup import RequestIdMiddleware
from thidua.settings import PROJECT_ROOT, Settings, get_settings

from .error_handlers import install_error_handlers
from .idempotency import idempotency_middleware
from .input_hygiene import refuse_control_characters
from .routers import include_routers
from .security_headers import SecurityHeadersMiddleware
from .state import AppState, make_templates

log = logging.getLogger(__name__)


def build_state(settings: Settings) -> AppState:
    engine = create_engine(settings.resolved_database_url)
    return AppState(
        settings=settings,
        engine=engine,
        writer=create_session_factory(engine, writer=True),
        reader=create_session_factory(engine, writer=False),
        templates=make_templates(),
    )


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app_state = state or build_state(settings)
        app.state.thidua = app_state
        try:
            await app_state.temporal_client()
        except Exception as exc:  # the API still serves; /health reports it
            log.warning("Temporal not reachable at startup: %s", exc)
        # Everything loaded at start-up (modules, the catalogue, templates) lives as long
        # as the process: move it out of the collector's reach, so that full collections
        # stay short and do not show up as 100-200 ms spikes in page latency (bench/).
        gc.collect()
        gc.freeze()
        yield
        if state is None:
            await app_state.engine.dispose()

    app = FastAPI(
        title="thidua — Thi đua, Khen thưởng",
        version="0.1.0",
        description=(
            "Durable award-approval engine for Vietnamese emulation and commendation "
            "(Law 06/2022/QH15, Decree 152/2025). JSON API under /api/v1; bearer tokens "
            "from POST /api/v1/auth/token."
        ),
        lifespan=lifespan,
        # Control characters in a path segment, query parameter or form field are refused
        # before any route runs (JSON bodies: by their schemas' string types).
        dependencies=[Depends(refuse_control_characters)],
    )
    if state is not None:
        app.state.thidua = state

    # Idempotency-Key on commands (inner), security headers and request ids on everything
    # (outer).
    app.middleware("http")(idempotency_middleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    static_dir = PROJECT_ROOT / "static"
    if static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    include_routers(app)
    return app
