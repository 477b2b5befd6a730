"""Browser tests: the real application served by uvicorn on a free local port, in the
same event loop as the ``harness`` (its Temporal test server and worker), driven by
Debian's Chromium through Playwright. Nothing downloads a browser.

Screenshots of the main pages are written when ``THIDUA_SCREENSHOTS`` names a folder
(``scripts/take_screenshots.py`` sets it to ``docs/screenshots``)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

CHROMIUM = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
# The flags a headless Chromium needs here: no sandbox as root, no GPU, and no background
# connections (the machine's network is closed; Chromium would retry them at length).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=vi-VN",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def live_server(harness) -> AsyncIterator[str]:
    """The harness's application on http://127.0.0.1:<port>, until the test ends."""
    port = free_port()
    config = uvicorn.Config(
        harness.app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        access_log=False,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="session")
async def chromium_browser():
    """One Chromium for the session (tests use ``chromium``, which watches it)."""
    from playwright.async_api import expect

    # Signing renders and signs a PDF, and workflows answer in their own time: wait up to
    # 15 s for what the page should show.
    expect.set_options(timeout=15_000)
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per session, before any I/O
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)
    from playwright.async_api import async_playwright

    profile = tempfile.mkdtemp(prefix="thidua-chromium-")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            env={**os.environ, "HOME": profile},
        )
        try:
            yield browser
        finally:
            await browser.close()
    shutil.rmtree(profile, ignore_errors=True)


# ---- the Content-Security-Policy: a violation fails the test -------------------------------

# Installed in every page before its own scripts: the browser fires this event for each
# script, style, frame or form the page's policy blocks.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__thiduaCspViolation(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") + " in " +
      (event.sourceFile || document.URL) + ":" + event.lineNumber
  );
});
"""


async def watch_content_security(context, violations: list[str]) -> None:
    """Record into ``violations`` every Content-Security-Policy violation in the pages of
    ``context``: the ``securitypolicyviolation`` events, and the console errors Chromium
    writes for them ("Refused to ... because it violates the following Content Security
    Policy directive")."""

    def reported(source, text: str) -> None:
        violations.append(f"{source['page'].url}: {text}")

    def console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    await context.expose_binding("__thiduaCspViolation", reported)
    await context.add_init_script(CSP_WATCH)
    context.on("console", console)


class WatchedBrowser:
    """The session's Chromium, whose every new context reports the Content-Security-Policy
    violations of its pages into ``violations``."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.violations: list[str] = []

    async def new_context(self, **options):
        context = await self._browser.new_context(**options)
        await watch_content_security(context, self.violations)
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture
async def chromium(chromium_browser):
    """The browser for one test: any Content-Security-Policy violation in its pages fails
    the test (when it ends, so that the first one is reported with everything after)."""
    watched = WatchedBrowser(chromium_browser)
    yield watched
    if watched.violations:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(watched.violations),
            pytrace=False,
        )


# Checked in the page itself: the language is declared, one h1, headings do not skip a
# level, every visible form control has a label, every button and link has a name.
ACCESSIBILITY_PROBLEMS = """
() => {
  const problems = [];
  const lang = document.documentElement.lang;
  if (!["vi", "en"].includes(lang)) problems.push("html lang=" + lang);
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(h1 + " h1 elements");
  let last = 1;
  for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4")) {
    const level = Number(h.tagName[1]);
    if (level > last + 1) problems.push("heading jumps to " + h.tagName + ": " + h.textContent.trim());
    last = level;
  }
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(el.type) || !visible(el)) continue;
    const named = el.labels.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!named) problems.push("unlabelled " + el.tagName + " name=" + el.name);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (visible(el) && !el.textContent.trim() && !el.getAttribute("aria-label")) {
      problems.push("nameless " + el.tagName);
    }
  }
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(" ")) {
      if (!document.getElementById(id)) problems.push("aria-describedby to missing #" + id);
    }
  }
  return problems;
}
"""


@pytest.fixture
def checkpoint():
    """``checkpoint(page, name)``: the page passes the accessibility checks above, and a
    full-page PNG of it is saved when THIDUA_SCREENSHOTS names a folder."""
    folder = os.environ.get("THIDUA_SCREENSHOTS")
    target = Path(folder) if folder else None
    if target:
        target.mkdir(parents=True, exist_ok=True)

    async def check(page, name: str) -> None:
        problems = await page.evaluate(ACCESSIBILITY_PROBLEMS)
        assert problems == [], f"{name} ({page.url}): {problems}"
        if target is not None:
            await page.screenshot(path=str(target / f"{name}.png"), full_page=True)

    return check
