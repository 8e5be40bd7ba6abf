"""``buurtzicht users`` and ``buurtzicht audit-log`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import text


def cli(ws_settings, *args: str, stdin: str | None = None):
    env = {
        **os.environ,
        "BUURTZICHT_HOME": str(ws_settings.home),
        "BUURTZICHT_WORKSPACE_DB": ws_settings.workspace_db,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_users_add_list_disable_and_audit_verify(ws_settings, database) -> None:
    added = cli(
        ws_settings,
        "users",
        "add",
        "ana@amsterdam.nl",
        "--organisation",
        "GM0363",
        stdin="correct horse battery\ncorrect horse battery\n",
    )
    assert added.returncode == 0, added.stderr
    assert "analist of GM0363" in added.stdout
    listed = json.loads(cli(ws_settings, "users", "list", "--json").stdout)
    assert listed == [
        {
            "username": "ana@amsterdam.nl",
            "role": "analist",
            "organisation": "GM0363",
            "disabled": False,
            "created_at": listed[0]["created_at"],
        }
    ]
    assert cli(ws_settings, "users", "disable", "ana@amsterdam.nl").returncode == 0
    assert json.loads(cli(ws_settings, "users", "list", "--json").stdout)[0]["disabled"] is True
    verified = cli(ws_settings, "audit-log", "verify")
    assert verified.returncode == 0 and "3 entries" in verified.stdout


def test_a_short_password_and_a_broken_chain_exit_2_with_a_message(ws_settings, database) -> None:
    short = cli(
        ws_settings, "users", "add", "kort", "--organisation", "GM0363", "--password", "kort"
    )
    assert short.returncode == 2 and "at least 12" in short.stderr
    cli(
        ws_settings,
        "users",
        "add",
        "bea",
        "--role",
        "beheerder",
        "--password",
        "correct horse battery",
    )
    with database.engine.begin() as conn:
        if database.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1"))
    broken = cli(ws_settings, "audit-log", "verify")
    assert broken.returncode == 2 and "entry 1" in broken.stderr and "changed" in broken.stderr


def test_the_help_names_the_commands(ws_settings) -> None:
    shown = cli(ws_settings, "users", "--help").stdout
    assert all(word in shown for word in ("add", "list", "disable"))
