from __future__ import annotations

import pytest

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_every_page_renders(harness, people):
    for username, paths in {
        "canbo.vanphong": ["/", "/nominations", "/nominations/new"],
        "thuongtruc": [
            "/",
            "/dossiers",
            "/notices",
            "/council-sessions",
            "/decisions",
            "/deadlines",
        ],
        "chutich": ["/", "/signing", "/council-sessions"],
        "kiemtra": ["/", "/audit", "/audit/export.csv"],
        None: ["/cong-khai", "/xac-minh", "/login"],
    }.items():
        person = people(username)
        for path in paths:
            response = await person.get(path)
            assert response.status_code == 200, (username, path, response.text[:2000])
