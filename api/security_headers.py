"""Security headers on every answer: pages may not be framed by another site (clickjacking),
run only the application's own scripts and styles, and no answer is sniffed into another
content type or leaks its address to another site.

The pages pass the policy: no inline script, style or event handler (``static/app.js``
and ``static/app.css`` hold them; ``tests/pages/test_security_headers.py`` checks every
template), and the browser tests fail on any violation Chromium reports
(``tests/browser/conftest.py``). A PDF or a file is not a page: it keeps only
``frame-ancestors 'self'``, so the decision page can show its draft in an ``<object>``.
FastAPI's own documentation pages (/docs, /redoc) load Swagger UI's inline script and
stylesheet from a CDN: they get the anti-framing headers, not the page policy."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'self'",  # the draft decision's PDF preview
        "frame-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FILE_POLICY = "frame-ancestors 'self'"
DOCUMENTATION_POLICY = "frame-ancestors 'none'"
DOCUMENTATION_PATHS = ("/docs", "/redoc")

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    # Addresses carry ids and searched names: the full address to our own pages only,
    # nothing to another site.
    "Referrer-Policy": "same-origin",
}


def headers_for(path: str, content_type: str) -> dict[str, str]:
    """The security headers of an answer with this path and content type."""
    is_page = content_type.split(";")[0].strip().lower() == "text/html"
    if path.startswith(DOCUMENTATION_PATHS):
        framing = {"Content-Security-Policy": DOCUMENTATION_POLICY, "X-Frame-Options": "DENY"}
    elif is_page:
        framing = {"Content-Security-Policy": PAGE_POLICY, "X-Frame-Options": "DENY"}
    else:
        framing = {"Content-Security-Policy": FILE_POLICY, "X-Frame-Options": "SAMEORIGIN"}
    return {**ALWAYS, **framing}


class SecurityHeadersMiddleware:
    """Pure ASGI (a streamed CSV export stays streamed): the headers are added to the
    start of every HTTP answer, leaving alone any a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in headers_for(path, headers.get("content-type", "")).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
