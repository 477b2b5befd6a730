"""A hand-typed id beyond the database's integer range on a page address: a "not found"
page, never a server error (the JSON API answers 422 for the same, see tests/abuse)."""

from __future__ import annotations

import re

from fastapi import routing as fastapi_routing
from starlette.routing import Route

ID_PARAM = re.compile(r"\{(\w+_id)\}")
HUGE_IDS = (3_000_000_000, 2**63 + 1)


def walk(routes):
    for route in routes:
        if isinstance(route, fastapi_routing._IncludedRouter):  # FastAPI nests routers
            yield from walk(route.original_router.routes)
        else:
            yield route


def page_paths_with_ids(app) -> list[str]:
    paths = []
    for route in walk(app.routes):
        if not isinstance(route, Route) or route.path.startswith("/api/"):
            continue
        if "GET" in (route.methods or ()) and ID_PARAM.search(route.path):
            paths.append(route.path)
    return sorted(paths)


async def test_huge_ids_in_page_addresses_are_not_found(harness, people):
    paths = page_paths_with_ids(harness.app)
    assert len(paths) >= 8, paths  # nominations, sessions, ballots, decisions, documents, ...
    person = people("thuongtruc")
    for template in paths:
        for huge in HUGE_IDS:
            path = ID_PARAM.sub(str(huge), template).replace("{milestone_code}", "x")
            path = re.sub(r"\{\w+(:\w+)?\}", "x", path)
            response = await person.get(path)
            assert response.status_code in (404, 422), (path, response.status_code)
            assert response.headers["content-type"].startswith("text/html"), path
