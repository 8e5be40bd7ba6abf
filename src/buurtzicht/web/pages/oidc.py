"""Login through an organisation's identity provider: ``/inloggen/oidc/{organisation}``
sends the browser to the provider, ``/inloggen/oidc/{organisation}/terug`` takes it back
(see :mod:`buurtzicht.workspace.oidc` and docs/workspace.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.auth import (
    ForbiddenError,
    WorkspaceDep,
    actor,
    client_address,
    private,
)
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.security import set_cookie
from buurtzicht.config import OidcProvider
from buurtzicht.web.pages.account import logged_in
from buurtzicht.web.workspace_views import safe_next
from buurtzicht.workspace import audit, oidc, sessions
from buurtzicht.workspace.errors import AuthenticationError

router = APIRouter()
PENDING_COOKIE = "bz_oidc"
PENDING_SECONDS = 600


def _provider(request: Request, organisation: str) -> OidcProvider:
    providers: dict[str, OidcProvider] = request.app.state.settings.oidc
    provider = providers.get(organisation)
    if provider is None:
        raise NotFoundError(f"no identity provider is configured for {organisation[:64]!r}")
    return provider


def _callback_url(request: Request, organisation: str) -> str:
    return str(request.url_for("oidc_callback", organisation=organisation))


@router.get("/inloggen/oidc/{organisation}")
async def oidc_start(request: Request, organisation: str, volgende: str = "") -> Response:
    provider = _provider(request, organisation)
    try:
        url, pending = await run_in_threadpool(
            oidc.start,
            organisation,
            provider,
            _callback_url(request, organisation),
            safe_next(volgende),
        )
    except AuthenticationError as exc:
        raise ForbiddenError(str(exc)) from None
    response = private(RedirectResponse(url, status_code=303))
    # SameSite=Lax: the provider sends the browser back with a top-level GET.
    set_cookie(response, request, PENDING_COOKIE, pending.encode(), max_age=PENDING_SECONDS)
    return response


@router.get("/inloggen/oidc/{organisation}/terug", name="oidc_callback")
async def oidc_callback(
    request: Request,
    database: WorkspaceDep,
    organisation: str,
    code: str = "",
    state: str = "",
    error: str = "",
) -> Response:
    provider = _provider(request, organisation)
    pending = oidc.Pending.decode(request.cookies.get(PENDING_COOKIE))
    if pending is None or pending.organisation != organisation or not state:
        raise ForbiddenError("no login with this identity provider was started here: start again")
    who = audit.Actor("", organisation, client_address(request))
    try:
        if error or not code:
            raise AuthenticationError(f"the identity provider said: {error[:200] or 'no code'}")
        claims = await run_in_threadpool(
            oidc.finish, provider, pending, _callback_url(request, organisation), state, code
        )
        user_id, username, created = await run_in_threadpool(
            oidc.account_for, database, organisation, provider, claims
        )
    except AuthenticationError as exc:
        await run_in_threadpool(
            audit.record,
            database,
            who,
            "login.mislukt",
            organisation,
            {"via": "oidc", "issuer": provider.issuer, "reden": str(exc)[:300]},
        )
        answer = private(
            Response(
                f"Inloggen via de identiteitsprovider is mislukt / login failed: {exc}\n",
                status_code=401,
                media_type="text/plain; charset=utf-8",
            )
        )
        answer.delete_cookie(PENDING_COOKIE, path="/")
        return answer
    settings = request.app.state.settings
    token, principal = await run_in_threadpool(
        sessions.open_session, database, user_id, client_address(request), settings.session_hours
    )
    if created:
        await run_in_threadpool(
            audit.record,
            database,
            actor(request, principal),
            "beheer.gebruiker.toegevoegd",
            username,
            {"via": "oidc", "issuer": provider.issuer, "rol": "analist"},
        )
    await run_in_threadpool(
        audit.record,
        database,
        actor(request, principal),
        "login.geslaagd",
        username,
        {"via": "oidc", "issuer": provider.issuer, "sub": str(claims.get("sub", ""))[:200]},
    )
    response = logged_in(request, token, pending.next, from_elsewhere=True)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response
