"""Shared pieces of the workspace pages: private rendering, language, conversions."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from buurtzicht.api.auth import private
from buurtzicht.web.contexts import Context
from buurtzicht.web.contexts_workspace import OrganisationOut, UserOut
from buurtzicht.web.render import render
from buurtzicht.workspace.accounts import OrganisationInfo, UserInfo


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang")
    return "en" if lang == "en" else "nl"


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def private_page(
    request: Request, template: str, context: Context, *, status: int = 200
) -> Response:
    """The page (or its ``.json`` twin) for this user only: never cached."""
    return private(render(request, template, context, as_json=wants_json(request), status=status))


def see_other(url: str) -> Response:
    """The answer to a successful form: go to ``url`` (POST-redirect-GET)."""
    return private(RedirectResponse(url, status_code=303))


def safe_next(url: str | None, default: str = "/werkruimte") -> str:
    """Only a path on this site (no ``//host`` or scheme): no open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


def organisation_out(info: OrganisationInfo) -> OrganisationOut:
    return OrganisationOut(
        code=info.code, name=info.name, kind=info.kind, gemeenten=list(info.gemeenten)
    )


def user_out(info: UserInfo) -> UserOut:
    return UserOut(
        username=info.username,
        display_name=info.display_name,
        role=info.role,
        organisation=organisation_out(info.organisation) if info.organisation else None,
        disabled=info.disabled,
        created_at=info.created_at,
    )
