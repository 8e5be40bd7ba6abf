"""The beheer pages: users and organisations (``/beheer``) and the audit log
(``/beheer/audit``, with filters, ``.json`` and a CSV export). Beheerders only."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from buurtzicht.api.auth import BeheerderDep, WorkspaceDep, actor, private, require_csrf
from buurtzicht.web.contexts_workspace import (
    AuditEntryOut,
    AuditFilterOut,
    AuditPage,
    BeheerPage,
)
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_meta
from buurtzicht.web.workspace_views import (
    lang_of,
    organisation_out,
    private_page,
    see_other,
    user_out,
)
from buurtzicht.workspace import accounts, audit
from buurtzicht.workspace.errors import AuditChainError, WorkspaceError
from buurtzicht.workspace.sessions import Principal

router = APIRouter()
FormText = Annotated[str, Form(max_length=300)]


def _beheer_page(
    request: Request,
    principal: Principal,
    database: WorkspaceDep,
    message: str | None = None,
    status: int = 200,
) -> Response:
    lang = lang_of(request)
    with database.session() as session:
        users = accounts.list_users(session)
        organisations = accounts.list_organisations(session)
    context = BeheerPage(
        page=page_meta(request, translator(lang)["ws_beheer_title"], lang),
        csrf=principal.csrf_token,
        users=[user_out(u) for u in users],
        organisations=[organisation_out(o) for o in organisations],
        message=message,
    )
    return private_page(request, "beheer.html", context, status=status)


@router.get("/beheer")
@router.get("/beheer.json")
def beheer(request: Request, principal: BeheerderDep, database: WorkspaceDep) -> Response:
    return _beheer_page(request, principal, database)


@router.post("/beheer/organisaties")
def add_organisation(
    request: Request,
    principal: BeheerderDep,
    database: WorkspaceDep,
    code: FormText,
    name: FormText,
    kind: FormText,
    gemeenten: FormText = "",
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    codes = [c.upper() for c in re.split(r"[\s,;]+", gemeenten) if c]
    try:
        with database.session() as session:
            accounts.add_organisation(session, code.strip(), name.strip(), kind, codes)
    except WorkspaceError as exc:
        return _beheer_page(request, principal, database, message=str(exc), status=422)
    detail: dict[str, object] = {"kind": kind, "gemeenten": codes or [code]}
    audit.record(database, actor(request, principal), "beheer.organisatie.toegevoegd", code, detail)
    return see_other("/beheer")


@router.post("/beheer/gebruikers")
def add_user(
    request: Request,
    principal: BeheerderDep,
    database: WorkspaceDep,
    username: FormText,
    password: Annotated[str, Form(max_length=1000)],
    role: FormText,
    organisation: FormText = "",
    display_name: FormText = "",
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    try:
        with database.session() as session:
            accounts.add_user(
                session, username.strip(), password, role, organisation or None, display_name
            )
    except WorkspaceError as exc:
        return _beheer_page(request, principal, database, message=str(exc), status=422)
    detail: dict[str, object] = {"role": role, "organisation": organisation}
    audit.record(
        database, actor(request, principal), "beheer.gebruiker.toegevoegd", username, detail
    )
    return see_other("/beheer")


@router.post("/beheer/gebruikers/{username}/status")
def set_status(
    request: Request,
    principal: BeheerderDep,
    database: WorkspaceDep,
    username: str,
    disabled: Annotated[bool, Form()],
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    try:
        with database.session() as session:
            accounts.set_disabled(session, username, disabled)
    except WorkspaceError as exc:
        return _beheer_page(request, principal, database, message=str(exc), status=422)
    action = "beheer.gebruiker.geblokkeerd" if disabled else "beheer.gebruiker.gedeblokkeerd"
    audit.record(database, actor(request, principal), action, username)
    return see_other("/beheer")


Text = Annotated[str, Query(max_length=200)]


def audit_query(
    wie: Text = "", organisatie: Text = "", actie: Text = "", van: Text = "", tot: Text = ""
) -> tuple[AuditFilterOut, audit.AuditFilter]:
    """The filters of the audit page (and its CSV): as shown, and as queried."""
    shown = AuditFilterOut(actor=wie, organisation=organisatie, action=actie, since=van, until=tot)
    return shown, audit.AuditFilter(
        actor=wie or None,
        organisation=organisatie or None,
        action=actie or None,
        since=van or None,
        until=tot or None,
    )


AuditQuery = Annotated[tuple[AuditFilterOut, audit.AuditFilter], Depends(audit_query)]


@router.get("/beheer/audit")
@router.get("/beheer/audit.json")
def audit_log(
    request: Request,
    principal: BeheerderDep,
    database: WorkspaceDep,
    query: AuditQuery,
) -> Response:
    lang = lang_of(request)
    shown, where = query
    try:
        verified = audit.verify(database)
        ok, message = True, f"{verified.entries} / {verified.head[:16]}…"
    except AuditChainError as exc:
        ok, message = False, str(exc)
    rows = audit.entries(database, where, limit=1000)
    audit.record(database, actor(request, principal), "audit.bekeken", "", where.__dict__)
    url_query = str(request.url.query)
    context = AuditPage(
        page=page_meta(request, translator(lang)["ws_audit_title"], lang),
        filters=shown,
        entries=[
            AuditEntryOut(**{name: getattr(e, name) for name in AuditEntryOut.model_fields})
            for e in rows
        ],
        csv_url="/beheer/audit.csv" + (f"?{url_query}" if url_query else ""),
        verified=ok,
        verify_message=message,
    )
    return private_page(request, "audit.html", context)


@router.get("/beheer/audit.csv")
def audit_csv(
    request: Request,
    principal: BeheerderDep,
    database: WorkspaceDep,
    query: AuditQuery,
) -> Response:
    _shown, where = query
    rows = audit.entries(database, where, limit=0)
    audit.record(database, actor(request, principal), "audit.geexporteerd", "", where.__dict__)
    response = Response(
        audit.to_csv(reversed(rows)),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="buurtzicht-auditlog.csv"'},
    )
    return private(response)
