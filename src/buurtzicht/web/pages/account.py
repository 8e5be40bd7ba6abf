"""Logging in and out, and the account page: ``/inloggen``, ``/uitloggen``, ``/account``."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    MemberDep,
    PrincipalDep,
    WorkspaceDep,
    actor,
    client_address,
    require_csrf,
)
from buurtzicht.api.security import set_cookie
from buurtzicht.web.contexts import PageMeta
from buurtzicht.web.contexts_workspace import AccountPage, LoginDonePage, LoginPage, LoginProvider
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_meta
from buurtzicht.web.workspace_views import lang_of, private_page, safe_next, see_other, user_out
from buurtzicht.workspace import audit, sessions
from buurtzicht.workspace.accounts import find_user, user_info
from buurtzicht.workspace.errors import AuthenticationError, RateLimitedError

router = APIRouter()


def _login_form(
    request: Request,
    next_url: str,
    *,
    username: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    lang = lang_of(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = LoginPage(
        page=page_meta(request, translator(lang)["ws_login_title"], lang),
        csrf=token,
        next=safe_next(next_url),
        username=username,
        error=error,
        providers=[
            LoginProvider(
                organisation=code,
                name=provider.name or code,
                url=f"/inloggen/oidc/{code}",
            )
            for code, provider in sorted(request.app.state.settings.oidc.items())
        ],
    )
    response = private_page(request, "login.html", context, status=status)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, samesite="strict")
    return response


@router.get("/inloggen")
def login_page(request: Request, principal: PrincipalDep, volgende: str = "") -> Response:
    if principal is not None:
        return see_other(safe_next(volgende))
    return _login_form(request, volgende)


@router.post("/inloggen")
async def login(
    request: Request,
    database: WorkspaceDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    volgende: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_csrf(request, None, csrf)
    settings = request.app.state.settings
    who = audit.Actor(username, "", client_address(request))
    t = translator(lang_of(request))
    try:
        token, principal = await run_in_threadpool(
            sessions.login,
            database,
            username,
            password,
            client_address(request),
            settings.session_hours,
        )
    except RateLimitedError as exc:
        await run_in_threadpool(audit.record, database, who, "login.geblokkeerd", username)
        return _login_form(request, volgende, username=username, error=str(exc), status=429)
    except AuthenticationError:
        await run_in_threadpool(audit.record, database, who, "login.mislukt", username)
        return _login_form(
            request, volgende, username=username, error=t["ws_login_failed"], status=401
        )
    await run_in_threadpool(
        audit.record, database, actor(request, principal), "login.geslaagd", username
    )
    response = logged_in(request, token, volgende)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def logged_in(
    request: Request, token: str, next_url: str, *, from_elsewhere: bool = False
) -> Response:
    """After a login: the session cookie, and on to ``next_url``.

    After a password login (a POST from this site) that is a redirect. After a login
    through an identity provider the browser arrives from the provider's site, and a
    redirect would keep that cross-site navigation going: the ``SameSite=Strict``
    session cookie just set would not be sent with it, and the user would land logged
    out. ``from_elsewhere`` answers a page that moves on from this site instead.
    """
    if from_elsewhere:
        lang, target = lang_of(request), safe_next(next_url)
        other = "en" if lang == "nl" else "nl"
        meta = PageMeta(  # links to where the user goes, not to this one-off address
            title=translator(lang)["ws_login_done_title"],
            lang=lang,
            path=target,
            json_url=target,
            other_lang_url=target + ("&" if "?" in target else "?") + f"lang={other}",
        )
        context = LoginDonePage(page=meta, next=target)
        response = private_page(request, "login_done.html", context)
    else:
        response = see_other(safe_next(next_url))
    set_cookie(
        response,
        request,
        SESSION_COOKIE,
        token,
        max_age=int(request.app.state.settings.session_hours * 3600),
        samesite="strict",
    )
    return response


def _logout(
    request: Request, principal: PrincipalDep, database: WorkspaceDep, csrf: str, everywhere: bool
) -> Response:
    if principal is None:
        return see_other("/")
    require_csrf(request, principal, csrf)
    ended = sessions.logout(database, principal, everywhere=everywhere)
    action = "logout.overal" if everywhere else "logout"
    audit.record(
        database, actor(request, principal), action, principal.username, {"sessies": ended}
    )
    response = see_other("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/uitloggen")
def logout(
    request: Request,
    principal: PrincipalDep,
    database: WorkspaceDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return _logout(request, principal, database, csrf, everywhere=False)


@router.post("/uitloggen/overal")
def logout_everywhere(
    request: Request,
    principal: PrincipalDep,
    database: WorkspaceDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return _logout(request, principal, database, csrf, everywhere=True)


@router.get("/account")
@router.get("/account.json")
def account(request: Request, principal: MemberDep, database: WorkspaceDep) -> Response:
    lang = lang_of(request)
    with database.session() as session:
        info = user_info(session, find_user(session, principal.username))
    context = AccountPage(
        page=page_meta(request, translator(lang)["ws_account_title"], lang),
        csrf=principal.csrf_token,
        user=user_out(info),
    )
    return private_page(request, "account.html", context)
