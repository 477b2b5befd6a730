"""What the API process holds for its lifetime: settings, database, Temporal client,
templates. Built in the app's lifespan and reached through dependencies (never global)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory
from thidua.settings import PROJECT_ROOT, Settings
from thidua.temporal_client import connect

log = logging.getLogger(__name__)


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    writer: SessionFactory  # commands: takes SQLite's write lock at BEGIN
    reader: SessionFactory  # pages and lists
    templates: Jinja2Templates
    temporal: Client | None = None
    clock: Clock = SYSTEM_CLOCK  # "now" and "today in Vietnam" for every route and page
    temporal_error: str = ""
    _temporal_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def catalogue(self):
        """The award catalogue (rule sets), loaded once per process."""
        from thidua.catalogue_store import get_catalogue

        return get_catalogue(str(self.settings.catalogue_dir), self.settings.city_override or "")

    async def temporal_client(self) -> Client:
        """The Temporal client, connecting on first use (the API may start before
        Temporal is up; /health says so meanwhile)."""
        if self.temporal is not None:
            return self.temporal
        async with self._temporal_lock:
            if self.temporal is None:
                try:
                    self.temporal = await connect(self.settings, identity="thidua-api")
                    self.temporal_error = ""
                except Exception as exc:  # connection refused, DNS, TLS...
                    self.temporal_error = str(exc) or exc.__class__.__name__
                    raise
        return self.temporal


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
    from api.formatting import install_filters

    install_filters(templates.env)
    return templates
