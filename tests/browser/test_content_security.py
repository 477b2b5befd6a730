"""The pages pass their Content-Security-Policy in a real browser: the main pages of each
kind of person, loaded in Chromium, report no violation (every browser test fails on one:
``tests/browser/conftest.py``). And the negative control of that watch: a page under the
application's policy that holds an inline script and an inline style is caught (the
script does not run), and the watch reports both."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from api.security_headers import PAGE_POLICY
from tests.browser.test_whole_nomination import People

pytestmark = pytest.mark.browser

# Who sees which pages: the public, a unit officer, the standing body, the chairman, the
# auditor. ``{nomination}`` is a nomination submitted for the test.
MAIN_PAGES = {
    None: ["/login", "/cong-khai", "/xac-minh"],
    "canbo.vanphong": ["/", "/nominations", "/nominations/{nomination}", "/campaigns"],
    "thuongtruc": [
        "/",
        "/dossiers",
        "/notices",
        "/deadlines",
        "/council-sessions",
        "/decisions",
        "/nominations/{nomination}",
    ],
    "chutich": ["/", "/signing"],
    "kiemtra": ["/audit"],
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_main_pages_pass_their_policy(harness, live_server, chromium):
    nomination = (await harness.nominate())["id"]
    people = People(chromium, live_server)
    try:
        for username, paths in MAIN_PAGES.items():
            page = await people.page(username)
            for path in paths:
                response = await page.goto(path.format(nomination=nomination))
                assert response is not None and response.status == 200, path
                assert response.headers["content-security-policy"] == PAGE_POLICY, path
                await page.wait_for_load_state("load")
                await expect(page.locator("main")).to_be_visible()
        # A form refused with a message (a control character in the login) stays in policy.
        visitor = await people.page(None)
        await visitor.goto("/login")
        await visitor.get_by_label("Tên đăng nhập").fill("canbo\u0007vanphong")
        await visitor.get_by_label("Mật khẩu").fill("thidua2026")
        await visitor.get_by_role("button", name="Đăng nhập").click()
        await expect(visitor.locator("main")).to_contain_text("«username»")
    finally:
        await people.close()
    assert chromium.violations == []


VIOLATING_PAGE = """<!doctype html><html lang="vi"><head><title>x</title>
<style>p { color: red; }</style></head>
<body><p>x</p><script>document.title = "ran";</script></body></html>"""


async def test_the_watch_catches_inline_script_and_style(chromium):
    context = await chromium.new_context()
    try:
        page = await context.new_page()

        async def serve(route):
            await route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": PAGE_POLICY},
                body=VIOLATING_PAGE,
            )

        await page.route("http://thidua.invalid/**", serve)
        await page.goto("http://thidua.invalid/")
        await page.wait_for_load_state("load")
        assert await page.title() == "x"  # the inline script was blocked
        for _ in range(50):  # the events arrive through the binding, asynchronously
            if len(chromium.violations) >= 2:
                break
            await page.wait_for_timeout(20)
        joined = "\n".join(chromium.violations)
        assert "script-src" in joined and "style-src" in joined, joined
    finally:
        chromium.violations.clear()  # expected here: do not fail the test for them
        await context.close()
