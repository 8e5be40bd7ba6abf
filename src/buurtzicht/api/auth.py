"""Who is asking: the session cookie, role checks, CSRF, and private responses.

The public figures need no login. Workspace routes take :data:`MemberDep` (any signed-in
user) or :data:`BeheerderDep`; forms check :func:`require_csrf`. Answers that carry
restricted data go out with :func:`private` (never cached, varying on the cookie).
"""

from __future__ import annotations

import threading
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from buurtzicht.api.problems import ProblemError
from buurtzicht.config import Settings
from buurtzicht.workspace.audit import Actor
from buurtzicht.workspace.db import WorkspaceDB, open_database
from buurtzicht.workspace.sessions import Principal, csrf_matches, principal_of

SESSION_COOKIE = "bz_sessie"
LOGIN_CSRF_COOKIE = "bz_csrf"


class LoginRequiredError(ProblemError):
    status = 401
    title_nl = "Inloggen vereist"
    title_en = "Login required"


class ForbiddenError(ProblemError):
    status = 403
    title_nl = "Geen toegang"
    title_en = "Forbidden"


class TooManyAttemptsError(ProblemError):
    status = 429
    title_nl = "Te veel pogingen"
    title_en = "Too many attempts"


class WorkspaceState:
    """Opens (and migrates) the workspace database on first use, once per process:
    a server that nobody logs in to never creates it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._database: WorkspaceDB | None = None
        self._lock = threading.Lock()

    def database(self) -> WorkspaceDB:
        with self._lock:
            if self._database is None:
                self._database = open_database(self.settings)
            return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.close()


def workspace_of(request: Request) -> WorkspaceDB:
    state: WorkspaceState = request.app.state.workspace
    return state.database()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def get_principal(request: Request) -> Principal | None:
    """The signed-in user, or None; looked up once per request."""
    if not hasattr(request.state, "principal"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.principal = principal_of(workspace_of(request), token) if token else None
    principal: Principal | None = request.state.principal
    return principal


def require_member(
    principal: Annotated[Principal | None, Depends(get_principal)],
) -> Principal:
    if principal is None:
        raise LoginRequiredError("log in first: /inloggen")
    return principal


def require_beheerder(principal: Annotated[Principal, Depends(require_member)]) -> Principal:
    if not principal.is_beheerder:
        raise ForbiddenError("only a beheerder may do this")
    return principal


def actor(request: Request, principal: Principal | None) -> Actor:
    """Who did it and from where, for the audit log."""
    if principal is None:
        return Actor(address=client_address(request))
    return Actor(principal.username, principal.organisation_code, client_address(request))


def same_origin(request: Request) -> bool:
    """A browser's ``Origin`` (or ``Referer``) of a POST names this server, when sent."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.url.netloc


def require_csrf(request: Request, principal: Principal | None, token: str | None) -> None:
    """Every form carries a CSRF token: the session's, or before login the one from the
    login page's cookie (double submit); and a cross-site POST is refused outright."""
    expected = principal.csrf_token if principal else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not same_origin(request) or not expected or not csrf_matches(expected, token):
        raise ForbiddenError(
            "the form's security token (CSRF) is missing or wrong: reload the page and try again"
        )


def private(response: Response) -> Response:
    """Never stored by a browser or proxy cache; differs per cookie."""
    response.headers["cache-control"] = "no-store, private"
    response.headers["vary"] = "Cookie"
    return response


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]
MemberDep = Annotated[Principal, Depends(require_member)]
BeheerderDep = Annotated[Principal, Depends(require_beheerder)]
WorkspaceDep = Annotated[WorkspaceDB, Depends(workspace_of)]


async def _login_required(request: Request, exc: Exception) -> Response:
    """A person without a session is sent to the login page (and back after it); the
    API and ``.json`` pages answer 401 in JSON."""
    from fastapi.responses import RedirectResponse

    from buurtzicht.api.handlers import error_response, wants_json

    if wants_json(request) or request.method != "GET":
        return private(error_response(request, 401, "Inloggen vereist", "Login required", str(exc)))
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return private(RedirectResponse(f"/inloggen?volgende={quote(target)}", status_code=303))


def install(app: FastAPI, settings: Settings) -> None:
    """The workspace state of ``app`` and the login redirect."""
    app.state.workspace = WorkspaceState(settings)
    app.add_exception_handler(LoginRequiredError, _login_required)
