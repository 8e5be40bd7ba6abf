"""A small but real OpenID Connect provider for the tests, served by uvicorn on a free
loopback port: discovery document, JWKS, authorization endpoint (code flow, PKCE S256
required) and token endpoint (client_secret_basic) issuing RS256-signed ID tokens with
joserfc. The person "logged in" at the provider is whoever the test sets in
``provider.claims``; ``provider.fault`` makes it misbehave in one named way. With
``provider.login_form`` the authorization endpoint first shows a login form (as a real
provider does in a browser) whose e-mail address is the identity's ``email``."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "buurtzicht-test"
CLIENT_SECRET = "geheim-van-de-client-0123456789"


def _key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Provider:
    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    #: "" (behave), "nonce", "audience", "issuer", "expired" or "foreign-key"
    fault: str = ""
    redirect_uris: set[str] = field(default_factory=set)
    key: RSAKey = field(default_factory=lambda: _key("k1"))
    foreign: RSAKey = field(default_factory=lambda: _key("k1"))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0
    #: GET /authorize shows a form; its POST logs in and sends the browser back.
    login_form: bool = False

    def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    def jwks(self, _request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        if request.method == "POST":
            form = await request.form()
            q: Any = {k: str(v) for k, v in form.items()}
            claims = {**self.claims, "email": q.get("email", "")}
        else:
            q, claims = request.query_params, dict(self.claims)
        redirect_uri = q.get("redirect_uri", "")
        if q.get("client_id") != CLIENT_ID or redirect_uri not in self.redirect_uris:
            return Response("unknown client or redirect_uri", status_code=400)
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return Response("only the openid code flow", status_code=400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return Response("PKCE S256 required", status_code=400)
        if self.login_form and request.method == "GET":
            return self._form(q)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": q.get("nonce"),
            "challenge": q["code_challenge"],
            "claims": claims,
        }
        back = urlencode({"code": code, "state": q.get("state", "")})
        return RedirectResponse(f"{redirect_uri}?{back}", status_code=302)

    def _form(self, query: Any) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
        )
        return HTMLResponse(
            '<!doctype html><html lang="nl"><head><title>Test-IdP</title></head><body>'
            '<h1>Inloggen bij de identiteitsprovider</h1><form method="post" action="/authorize">'
            f'{hidden}<label for="email">E-mail</label> <input id="email" name="email">'
            '<button type="submit">Inloggen</button></form></body></html>'
        )

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = await request.form()
        auth = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if auth != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code", "")), None)  # a code works once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "detail": "PKCE"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": self.issuer if self.fault != "issuer" else "https://elders.example",
            "sub": grant["claims"].get("sub", "persoon-1"),
            "aud": CLIENT_ID if self.fault != "audience" else "een-andere-client",
            "iat": now,
            "exp": now + 300 if self.fault != "expired" else now - 3600,
            "nonce": grant["nonce"] if self.fault != "nonce" else "verkeerd",
            **grant["claims"],
        }
        key = self.foreign if self.fault == "foreign-key" else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize, methods=["GET", "POST"]),
                Route("/token", self.token, methods=["POST"]),
            ]
        )


@contextmanager
def serving(app: Any, host: str = "127.0.0.1") -> Iterator[int]:
    """``app`` served by uvicorn in a thread on a free loopback port (yielded)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running_provider(hostname: str = "127.0.0.1") -> Iterator[Provider]:
    """The provider on a free loopback port; its issuer URL names ``hostname`` (use
    ``localhost`` to make it another site than a server on ``127.0.0.1``)."""
    provider = Provider()
    with serving(provider.app()) as port:
        provider.issuer = f"http://{hostname}:{port}"
        yield provider
