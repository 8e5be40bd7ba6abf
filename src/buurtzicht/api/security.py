"""HTTP hardening: security headers on every response, HEAD on every GET route, and the
one way this server sets a cookie.

The Content-Security-Policy allows scripts, styles, workers and connections from this
origin only: no inline script or style, no ``eval``, no framing. Pages pass data to
their ES modules in ``data-*`` attributes or JSON endpoints (see docs/dashboard.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: Sent on every response (a handler may set its own value for any of them).
SECURITY_HEADERS: Mapping[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` (and HSTS over https) to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(SECURITY_HEADERS)
        if scope.get("scheme") == "https":
            extra["strict-transport-security"] = HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in extra.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Answers ``HEAD`` as the ``GET`` of the same URL without its body.

    FastAPI routes declare GET only; HTTP says every GET resource answers HEAD with the
    same status and headers (RFC 9110, 9.3.2).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    samesite: Literal["lax", "strict"] = "lax",
    http_only: bool = True,
) -> None:
    """Set a cookie the way every cookie of buurtzicht is set.

    ``HttpOnly`` (no script reads it), ``SameSite`` (``lax`` by default, ``strict`` for
    session cookies), ``Path=/``, and ``Secure`` when the request came over https or the
    setting ``BUURTZICHT_COOKIE_SECURE`` says the server sits behind TLS.
    """
    settings = getattr(request.app.state, "settings", None)
    secure = request.url.scheme == "https" or bool(getattr(settings, "cookie_secure", False))
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=http_only,
        samesite=samesite,
    )
