"""Every router of the application, in one place.

To add routes: write ``api/routes/<topic>.py`` (JSON, under /api/v1) or
``api/pages/<topic>.py`` (HTML) exposing ``router``, and list it here."""

from __future__ import annotations

from importlib import import_module

from fastapi import FastAPI

ROUTER_MODULES = [
    "api.routes.health",
    "api.routes.codec",
    "api.routes.auth",
    "api.routes.sign_in",
    "api.pages.auth",
    "api.routes.accounts",
    "api.routes.users",
    "api.routes.authority_admin",
    "api.routes.imports",
    "api.pages.accounts",
    "api.pages.user_admin",
    "api.pages.registry_admin",
    "api.pages.imports",
    "api.routes.inbox",
    "api.routes.nominations",
    "api.routes.council",
    "api.routes.decisions",
    "api.routes.boards",
    "api.routes.exports",
    "api.routes.public",
    "api.routes.audit_seal",
    "api.routes.documents",
    "api.routes.verification",
    "api.pages.verification",
    "api.routes.catalogue",
    "api.routes.registry",
    "api.routes.registry_admin",
    # The pages of each person and the public portal (api/pages/*).
    "api.pages.home",
    "api.pages.inbox",
    "api.pages.nominations",
    "api.pages.standing",
    "api.pages.council",
    "api.pages.decisions",
    "api.pages.audit",
    "api.pages.audit_verify",
    "api.pages.portal",
    "api.pages.campaigns",
    "api.pages.registrations",
    "api.pages.exemplars",
    "api.routes.campaigns",
    "api.routes.registrations",
    "api.routes.exemplars",
    "api.routes.council_admin",
    "api.routes.history_admin",
    "api.pages.council_admin",
    "api.pages.history_admin",
    "api.routes.statistics",
    "api.pages.statistics",
]


def include_routers(app: FastAPI) -> None:
    for name in ROUTER_MODULES:
        app.include_router(import_module(name).router)
