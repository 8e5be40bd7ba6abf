#!/usr/bin/env python3
"""Member pages with own data, against the dashboard's latency targets.

Starts a real ``buurtzicht serve`` (1 worker) on a build with a fresh workspace database
(SQLite in a temporary folder, or ``--workspace-db URL``), adds an analist of Amsterdam
with the command line, logs in over HTTP, uploads addresses with coordinates spread over
Amsterdam's buurten (the CSV of ``benchmarks/workspace_upload.py``) through the preview
and store pages, and then sends the same URLs anonymously (the cached public page) and
as the member (the public page plus the *eigen gegevens* block, private and audited) at
1, 10 and 50 keep-alive connections, ``Accept-Encoding: gzip``:

- profile: ``/gemeente/GM0363`` and the profile of every wijk of Amsterdam;
- compare: ``/vergelijk?regio=GM0363,GM0599,GM0518``;
- ranking: ``/ranglijst?niveau=wijk&binnen=GM0363`` and ``/ranglijst?niveau=gemeente``;
- map data: ``/kaart.json?niveau=wijk&binnen=GM0363`` and ``/kaart.json?niveau=gemeente``.

(Buurt pages are left out: their figures are of older buurt codes than the newest
boundaries the upload places addresses in, so they show no own figures.)

Before timing, every member URL is checked to carry the block and every anonymous one
to carry none; after it, the audit log must have grown by one ``dataset.bekeken`` per
member request and ``audit-log verify`` must pass.

    .venv/bin/python benchmarks/workspace_pages.py --home /path/var
    .venv/bin/python benchmarks/workspace_pages.py --small        # a small mirror build

The load generator (benchmarks/api.py) runs on the same cores as the server: upper
bounds. Prints Markdown tables for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api import _load, measure, server, small_home  # noqa: E402
from benchmarks.workspace_upload import make_csv  # noqa: E402

USER = "bench@amsterdam.nl"
PASSWORD = "benchmark-wachtwoord-18"
GEMEENTE = "GM0363"
MARKER = "eigen gegevens"
DATASET = "Meldingen benchmark"


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"buurtzicht {' '.join(args)}: {done.stderr or done.stdout}")
    return done.stdout


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF field on the page")
    return found.group(1)


def log_in_and_upload(url: str, data: bytes) -> str:
    """The member's session cookie, after storing ``data`` as an own data set."""
    with httpx.Client(base_url=url, timeout=300) as client:
        form = client.get("/inloggen")
        answer = client.post(
            "/inloggen", data={"username": USER, "password": PASSWORD, "csrf": _csrf(form.text)}
        )
        if answer.status_code != 303:
            raise SystemExit(f"login failed: {answer.status_code} {answer.text[:300]}")
        csrf = _csrf(client.get("/account").text)
        preview = client.post(
            "/werkruimte/voorbeeld",
            data={"csrf": csrf},
            files={"bestand": ("adressen.csv", data, "text/csv")},
        )
        token = re.search(r'name="token" value="([^"]+)"', preview.text)
        if preview.status_code != 200 or not token:
            raise SystemExit(f"preview refused the upload: {preview.status_code}")
        stored = client.post(
            "/werkruimte/opslaan",
            data={"csrf": csrf, "token": token.group(1), "naam": DATASET},
        )
        if stored.status_code != 303:
            raise SystemExit(f"storing failed: {stored.status_code} {stored.text[:300]}")
        return str(client.cookies["bz_sessie"])


def page_sets(url: str) -> dict[str, list[str]]:
    with httpx.Client(base_url=url, timeout=60) as client:
        wijken = [c["code"] for c in client.get(f"/api/regions/{GEMEENTE}").json()["children"]]
    return {
        "profile": [f"/gemeente/{GEMEENTE}"] + [f"/wijk/{code}" for code in wijken],
        "compare": [f"/vergelijk?regio={GEMEENTE},GM0599,GM0518"],
        "ranking": [f"/ranglijst?niveau=wijk&binnen={GEMEENTE}", "/ranglijst?niveau=gemeente"],
        "map data": [f"/kaart.json?niveau=wijk&binnen={GEMEENTE}", "/kaart.json?niveau=gemeente"],
    }


def check(url: str, cookie: str, pages: dict[str, list[str]]) -> None:
    """Members see the block with the data set on every page (so every member request
    writes one audit entry), anonymous visitors see none of it."""
    with (
        httpx.Client(base_url=url, timeout=300) as anonymous,
        httpx.Client(base_url=url, timeout=300, cookies={"bz_sessie": cookie}) as member,
    ):
        for paths in pages.values():
            for path in paths:
                public, own = anonymous.get(path), member.get(path)
                if public.status_code != 200 or own.status_code != 200:
                    raise SystemExit(f"{path}: {public.status_code} / {own.status_code}")
                if MARKER in public.text or "eigen_gegevens" in public.text:
                    raise SystemExit(f"{path}: the anonymous answer carries own data")
                if own.headers.get("cache-control") != "no-store, private":
                    raise SystemExit(f"{path}: the member's answer is not private")
                if MARKER not in own.text or DATASET not in own.text:
                    raise SystemExit(f"{path}: the member's answer has no own figures")


def audit_entries() -> int:
    out = _cli("audit-log", "verify")
    found = re.search(r"verified: (\d+) entries", out)
    if not found:
        raise SystemExit(f"audit-log verify said: {out}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("BUURTZICHT_HOME", "var")))
    parser.add_argument("--small", action="store_true", help="a small build of mirror data")
    parser.add_argument("--workspace-db", help="SQLAlchemy URL (default: SQLite, temporary)")
    parser.add_argument("--rows", type=int, default=10_000, help="address rows uploaded")
    parser.add_argument("--requests", type=int, default=500, help="per page kind and clients")
    parser.add_argument("--clients", default="1,10,50")
    args = parser.parse_args()
    home = small_home() if args.small else args.home.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="buurtzicht-ws-bench-"))
    os.environ["BUURTZICHT_HOME"] = str(home)
    os.environ["BUURTZICHT_WORKSPACE_DB"] = args.workspace_db or (
        f"sqlite:///{scratch / 'workspace.sqlite'}"
    )
    _cli("users", "add", USER, "--organisation", GEMEENTE, "--password", PASSWORD)
    from buurtzicht.config import Settings

    data = make_csv(Settings(home=home), GEMEENTE, args.rows, "wgs84", 18)
    with server(home, 1) as url:
        cookie = log_in_and_upload(url, data)
        pages = page_sets(url)
        for paths in pages.values():  # a running server has its public pages cached
            asyncio.run(_load(url, paths, 1, len(paths)))
        check(url, cookie, pages)
        before = audit_entries()
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start\n")
        print("| page | who | clients | requests | p50 ms | p95 ms | p99 ms | req/s | errors |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        member_requests = 0
        member = f"Cookie: bz_sessie={cookie}\r\n"
        for name, paths in pages.items():
            for clients in (int(c) for c in args.clients.split(",")):
                for who, headers in (("anonymous", ""), ("member", member)):
                    r = measure(url, name, paths, clients, args.requests, headers)
                    member_requests += args.requests if who == "member" else 0
                    print(
                        f"| {name} | {who} | {clients} | {r.requests} | {r.p50:.1f} | "
                        f"{r.p95:.1f} | {r.p99:.1f} | {r.throughput:.0f} | {r.errors} |"
                    )
        load = os.getloadavg()
        print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end")
        after = audit_entries()
        print(
            f"audit log: {after - before} entries written by {member_requests} member "
            f"requests; audit-log verify passed ({after} entries)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
