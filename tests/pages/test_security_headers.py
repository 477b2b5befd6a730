"""Security headers: pages cannot be framed, run only the application's own scripts and
styles (the templates hold none inline, so they pass the policy), nothing is sniffed,
and addresses do not leak to other sites. The browser tests fail on any violation the
real pages cause in Chromium (tests/browser/conftest.py)."""

from __future__ import annotations

import re

import pytest

from api.security_headers import PAGE_POLICY
from thidua.settings import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates" / "pages").glob("*.html"))
# What the policy would block: an inline script or style, a style attribute, an event
# handler attribute, a javascript: address.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


@pytest.mark.fast
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(template):
    found = INLINE.findall(template.read_text(encoding="utf-8"))
    assert not found, f"{template.name}: {found} (move it to static/app.js or app.css)"


@pytest.mark.fast
def test_the_page_policy():
    directives = dict(d.split(" ", 1) for d in PAGE_POLICY.split("; "))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in PAGE_POLICY  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_pages_files_and_json_carry_their_headers(harness, people):
    visitor = people(None)
    for path in ("/login", "/cong-khai", "/xac-minh", "/no-such-page"):
        page = await visitor.get(path)
        assert page.headers["content-type"].startswith("text/html"), path
        assert page.headers["content-security-policy"] == PAGE_POLICY, path
        assert page.headers["x-frame-options"] == "DENY", path
        assert page.headers["x-content-type-options"] == "nosniff", path
        assert page.headers["referrer-policy"] == "same-origin", path
    signed_in = await people("thuongtruc").get("/nominations")
    assert signed_in.headers["content-security-policy"] == PAGE_POLICY

    script = await visitor.get("/static/app.js")
    assert "javascript" in script.headers["content-type"]
    assert script.headers["x-content-type-options"] == "nosniff"
    # Files and JSON: only framed by our own pages (the decision page shows its draft PDF
    # in an <object>), never sniffed.
    for response in (script, await harness.get(None, "/api/v1/me"), await visitor.get("/health")):
        assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    docs = await visitor.get("/docs")
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert docs.headers["x-frame-options"] == "DENY"
