#!/usr/bin/env python3
"""Member pages with own data, against the dashboard's latency targets.

Starts a real ``buurtzicht serve`` (``--workers``, default 2 as in the dashboard's target
run of ``benchmarks/load.py``; ``--no-prerender``, as member pages are not pre-rendered)
on a build with a fresh workspace database
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

Before timing, every URL is asked as the member several times over many connections (so
that every worker has the public pages cached), then every member URL is checked to
carry the block and every anonymous one to carry none; after the timed runs the server is
stopped (its workers finish their audit writes on shutdown), and the audit log must have
grown by one ``dataset.bekeken`` per member request answered and ``audit-log verify``
must pass, with several workers writing the one chain at once.

    .venv/bin/python benchmarks/workspace_pages.py --home /path/var
    .venv/bin/python benchmarks/workspace_pages.py --small        # a small mirror build
    .venv/bin/python benchmarks/workspace_pages.py --home /path/var --modes open --rates 200

The load generators (benchmarks/api.py, benchmarks/load.py) run on the same cores as the server: upper
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

from benchmarks.api import _percentile, measure, small_home  # noqa: E402
from benchmarks.load import run  # noqa: E402
from benchmarks.workspace_upload import make_csv  # noqa: E402

from tests.serve import serve_process  # noqa: E402

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


#: Warm-up: every URL this many times as the member, over new connections spread over the
#: workers, at this rate (a worker renders a public page on its first request for it).
WARM_PASSES = 12
WARM_RATE = 100.0
CONNECTIONS = 256


def warm_up(url: str, pid: int, pages: dict[str, list[str]], member: str) -> int:
    """Every page asked as the member ``WARM_PASSES`` times; the number answered 200."""
    answered = 0
    for paths in pages.values():
        repeated = paths * WARM_PASSES
        outcome = asyncio.run(
            run(url, pid, repeated, WARM_RATE, len(repeated) / WARM_RATE, CONNECTIONS, member)
        )
        answered += outcome.statuses["200"]
    return answered


def open_loop(
    url: str, pid: int, pages: dict[str, list[str]], member: str, rates: list[float], seconds: float
) -> int:
    """Each page kind at each rate as the member, and at the highest rate anonymously;
    prints a table row per run; the number of member requests answered 200."""
    print(f"\nopen-loop, {seconds:g} s per run, up to {CONNECTIONS} connections\n")
    print("| page | who | req/s offered | requests | ok/s | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|")
    answered = 0
    for name, paths in pages.items():
        runs = [("member", rate, member) for rate in rates] + [("anonymous", max(rates), "")]
        for who, rate, headers in runs:
            o = asyncio.run(run(url, pid, paths, rate, seconds, CONNECTIONS, headers))
            ok = o.statuses["200"]
            answered += ok if who == "member" else 0
            errors = {k: v for k, v in o.statuses.items() if k != "200"}
            lat = o.latencies
            print(
                f"| {name} | {who} | {rate:g} | {sum(o.statuses.values())} | "
                f"{ok / o.elapsed:.1f} | {sum(errors.values())} {errors or ''} | "
                f"{_percentile(lat, 50):.1f} | {_percentile(lat, 95):.1f} | "
                f"{_percentile(lat, 99):.1f} |",
                flush=True,
            )
    return answered


def closed_loop(
    url: str, pages: dict[str, list[str]], member: str, clients: list[int], requests: int
) -> int:
    """Each page kind at each number of clients, anonymous and member; prints a table
    row per run; the number of member requests answered 200."""
    print("\nclosed-loop (no think time)\n")
    print("| page | who | clients | requests | p50 ms | p95 ms | p99 ms | req/s | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    answered = 0
    for name, paths in pages.items():
        for count in clients:
            for who, headers in (("anonymous", ""), ("member", member)):
                r = measure(url, name, paths, count, requests, headers)
                answered += r.requests - r.errors if who == "member" else 0
                print(
                    f"| {name} | {who} | {count} | {r.requests} | {r.p50:.1f} | "
                    f"{r.p95:.1f} | {r.p99:.1f} | {r.throughput:.0f} | {r.errors} |",
                    flush=True,
                )
    return answered


def _load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def viewed_entries() -> int:
    """The ``dataset.bekeken`` entries in the workspace database of this run."""
    from buurtzicht.config import get_settings
    from buurtzicht.workspace import audit
    from buurtzicht.workspace.db import open_database

    database = open_database(get_settings())
    try:
        found = audit.entries(database, audit.AuditFilter(action="dataset.bekeken"), limit=0)
    finally:
        database.close()
    return len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("BUURTZICHT_HOME", "var")))
    parser.add_argument("--small", action="store_true", help="a small build of mirror data")
    parser.add_argument("--workspace-db", help="SQLAlchemy URL (default: SQLite, temporary)")
    parser.add_argument("--rows", type=int, default=10_000, help="address rows uploaded")
    parser.add_argument("--workers", type=int, default=2, help="serve --workers")
    parser.add_argument("--modes", default="open,closed", help="open, closed or both")
    parser.add_argument("--rates", default="200,100,50", help="open-loop requests a second")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per open run")
    parser.add_argument("--requests", type=int, default=500, help="per closed run")
    parser.add_argument("--clients", default="1,10,50", help="closed-loop connections")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    if not modes <= {"open", "closed"}:
        raise SystemExit(f"--modes: open and/or closed, not {args.modes}")
    rates = [float(r) for r in args.rates.split(",")]
    if max(rates) * args.duration > 20_000 or args.duration > 120:
        raise SystemExit("bounded: at most 20,000 requests and 120 s per open-loop run")
    home = small_home() if args.small else args.home.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="buurtzicht-ws-bench-"))
    os.environ["BUURTZICHT_HOME"] = str(home)
    os.environ["BUURTZICHT_WORKSPACE_DB"] = args.workspace_db or (
        f"sqlite:///{scratch / 'workspace.sqlite'}"
    )
    _cli("users", "add", USER, "--organisation", GEMEENTE, "--password", PASSWORD)
    from buurtzicht.config import Settings

    data = make_csv(Settings(home=home), GEMEENTE, args.rows, "wgs84", 18)
    before = audit_entries()
    # Without pre-rendering: the store holds gemeente pages and API answers for
    # visitors, not these member pages; the warm-up renders their public pages per worker.
    options = ("--workers", str(args.workers), "--no-prerender")
    with serve_process(home, *options, timeout=300) as (url, pid):
        cookie = log_in_and_upload(url, data)
        member = f"Cookie: bz_sessie={cookie}\r\n"
        pages = page_sets(url)
        answered = warm_up(url, pid, pages, member)
        check(url, cookie, pages)
        answered += sum(len(paths) for paths in pages.values())
        print(f"serve --workers {args.workers}; load average {_load_average()} at the start")
        if "open" in modes:
            answered += open_loop(url, pid, pages, member, rates, args.duration)
        if "closed" in modes:
            clients = [int(c) for c in args.clients.split(",")]
            answered += closed_loop(url, pages, member, clients, args.requests)
        print(f"\nload average {_load_average()} at the end")
    after = audit_entries()  # after the server stopped: its workers have written all
    print(
        f"audit log: {viewed_entries()} dataset.bekeken entries for {answered} member "
        f"answers (200); audit-log verify passed ({after - before} new entries, "
        f"{after} in all)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
