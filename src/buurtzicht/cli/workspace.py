"""Workspace commands: ``users``, ``organisations`` and ``audit-log``.

Every change made here is written to the audit log as done by ``cli:<OS user>``.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from buurtzicht.cli.app import MARKUP, app
from buurtzicht.config import get_settings
from buurtzicht.errors import BuurtzichtError, NoBuildError
from buurtzicht.workspace import accounts, audit
from buurtzicht.workspace.accounts import GEMEENTE_CODE
from buurtzicht.workspace.db import WorkspaceDB, open_database

console = Console()
users_app = typer.Typer(
    help="Accounts of the workspace: add, list, disable, enable, password.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP,
)
organisations_app = typer.Typer(
    help="Organisations (a gemeente, or a RIEC covering several gemeenten).",
    no_args_is_help=True,
    rich_markup_mode=MARKUP,
)
audit_app = typer.Typer(
    help="The append-only, hash-chained audit log: verify, show, export.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP,
)
app.add_typer(users_app, name="users")
app.add_typer(organisations_app, name="organisations")
app.add_typer(audit_app, name="audit-log")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _database() -> WorkspaceDB:
    return open_database(get_settings())


def _cli_actor() -> audit.Actor:
    return audit.Actor(f"cli:{getpass.getuser()}", "", "cli")


def _gemeente_name(code: str) -> str:
    """The gemeente's name from the current build, or the code without one."""
    from buurtzicht.queries.regions import region_record
    from buurtzicht.warehouse.current import open_current

    try:
        conn = open_current(get_settings())
    except (NoBuildError, OSError):
        return code
    try:
        return str(region_record(conn, code).get("name") or code)
    except BuurtzichtError:
        return code
    finally:
        conn.close()


@organisations_app.command("add")
def organisations_add(
    code: Annotated[str, typer.Argument(help="GM code of a gemeente, or a short code of a RIEC.")],
    name: Annotated[str, typer.Option(help="Name shown (default: the gemeente's name).")] = "",
    riec: Annotated[
        str,
        typer.Option(help="Make it a RIEC covering these gemeenten (comma-separated GM codes)."),
    ] = "",
) -> None:
    """Add an organisation: a gemeente (`GM0363`) or a RIEC (`--riec GM0363,GM0437`)."""
    database = _database()
    kind = "riec" if riec else "gemeente"
    gemeenten = [c.strip().upper() for c in riec.split(",") if c.strip()]
    shown = name or (_gemeente_name(code) if kind == "gemeente" else code)
    with database.session() as session:
        info = accounts.add_organisation(session, code, shown, kind, gemeenten)
    audit.record(database, _cli_actor(), "beheer.organisatie.toegevoegd", code, {"kind": kind})
    console.print(
        f"organisation {info.code} ({info.name}, {info.kind}): {', '.join(info.gemeenten)}"
    )


@organisations_app.command("list")
def organisations_list(as_json: JsonOption = False) -> None:
    """List the organisations and the gemeenten they cover."""
    with _database().session() as session:
        rows = accounts.list_organisations(session)
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in rows], indent=2))
        return
    table = Table("code", "name", "kind", "gemeenten")
    for row in rows:
        table.add_row(row.code, row.name, row.kind, ", ".join(row.gemeenten))
    console.print(table)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name (an e-mail address fits).")],
    role: Annotated[str, typer.Option(help="analist or beheerder.")] = "analist",
    organisation: Annotated[
        str,
        typer.Option(
            help="Code of the user's organisation; a gemeente code (GM0363) that is not "
            "yet an organisation is added as one."
        ),
    ] = "",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 12 characters (asked for when not given).",
        ),
    ] = "",
) -> None:
    """Add an account: an analist of an organisation, or a beheerder."""
    database = _database()
    with database.session() as session:
        known = {o.code for o in accounts.list_organisations(session)}
    if organisation and organisation not in known and GEMEENTE_CODE.match(organisation):
        organisations_add(organisation)
    with database.session() as session:
        info = accounts.add_user(session, username, password, role, organisation or None, name)
    audit.record(
        database,
        _cli_actor(),
        "beheer.gebruiker.toegevoegd",
        username,
        {"role": role, "organisation": organisation},
    )
    org = f" of {info.organisation.name} ({info.organisation.code})" if info.organisation else ""
    console.print(f"user {info.username}: {info.role}{org}")


@users_app.command("list")
def users_list(as_json: JsonOption = False) -> None:
    """List the accounts with role, organisation and status."""
    with _database().session() as session:
        rows = accounts.list_users(session)
    if as_json:
        out = [
            {
                "username": r.username,
                "role": r.role,
                "organisation": r.organisation.code if r.organisation else None,
                "disabled": r.disabled,
                "created_at": r.created_at,
            }
            for r in rows
        ]
        typer.echo(json.dumps(out, indent=2))
        return
    table = Table("username", "name", "role", "organisation", "status", "created")
    for r in rows:
        org = r.organisation.code if r.organisation else "-"
        status = "disabled" if r.disabled else "active"
        table.add_row(r.username, r.display_name, r.role, org, status, r.created_at[:10])
    console.print(table)


def _set_disabled(username: str, disabled: bool) -> None:
    database = _database()
    with database.session() as session:
        accounts.set_disabled(session, username, disabled)
    action = "beheer.gebruiker.geblokkeerd" if disabled else "beheer.gebruiker.gedeblokkeerd"
    audit.record(database, _cli_actor(), action, username)
    console.print(f"user {username}: {'disabled (all sessions ended)' if disabled else 'enabled'}")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable an account: it can no longer log in and all its sessions end."""
    _set_disabled(username, True)


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled account again."""
    _set_disabled(username, False)


@users_app.command("password")
def users_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Set a new password; every session of the account ends."""
    database = _database()
    with database.session() as session:
        accounts.set_password(session, username, password)
    audit.record(database, _cli_actor(), "beheer.gebruiker.wachtwoord", username)
    console.print(f"user {username}: new password set, logged out everywhere")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain of the audit log; exit 2 at the first broken entry."""
    result = audit.verify(_database())
    console.print(f"[green]audit log verified[/]: {result.entries} entries, head {result.head}")


@audit_app.command("show")
def audit_show(
    actor: Annotated[str, typer.Option(help="Only entries by this user.")] = "",
    action: Annotated[str, typer.Option(help="Only actions starting with this.")] = "",
    since: Annotated[str, typer.Option(help="From this date (YYYY-MM-DD).")] = "",
    limit: Annotated[int, typer.Option(help="Newest entries shown.")] = 50,
) -> None:
    """Show the newest entries of the audit log."""
    where = audit.AuditFilter(actor=actor or None, action=action or None, since=since or None)
    table = Table("#", "at", "actor", "organisation", "action", "target", "address")
    for e in audit.entries(_database(), where, limit=limit):
        table.add_row(str(e.seq), e.at[:19], e.actor, e.organisation, e.action, e.target, e.address)
    console.print(table)


@audit_app.command("export")
def audit_export(
    output: Annotated[Path, typer.Argument(help="CSV file to write.")],
) -> None:
    """Write the whole audit log as CSV (cells neutralised against formula injection)."""
    database = _database()
    rows = audit.entries(database, audit.AuditFilter(), limit=0)
    output.write_text(audit.to_csv(reversed(rows)), encoding="utf-8")
    audit.record(database, _cli_actor(), "audit.geexporteerd", str(output))
    console.print(f"{len(rows)} entries written to {output}")
