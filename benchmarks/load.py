#!/usr/bin/env python3
"""Load test: a server started seconds ago holds a fixed rate of mixed traffic.

    .venv/bin/python benchmarks/load.py                      # cold, warm, cache-busting
    .venv/bin/python benchmarks/load.py --phases cold --rate 200 --duration 60
    .venv/bin/python benchmarks/load.py --workers 1 --cache-mb 64

Bounded and loopback only: it starts its own ``buurtzicht serve`` on 127.0.0.1 (a free
port) on the current build of ``BUURTZICHT_HOME`` (or ``--home``), and stops it after.

- URLs are found first on a separate, throw-away server, so the measured server starts
  cold: nothing cached, started seconds before the first request.
- The load is open-loop: request *i* is due at ``i / rate`` seconds and its latency is
  counted from that moment (a server that falls behind sees its queue in the figures,
  no coordinated omission). Up to ``--connections`` keep-alive connections; a request
  that finds none free waits for one (that wait counts too).
- Mixed workload (fixed seed): region profiles ``/api/profile/GM....`` (30 %), gemeente
  pages ``/gemeente/GM....`` (25 %), ``/api/values`` of a catalog indicator at gemeente
  or wijk level (20 %), the home page (10 %), boundaries ``/api/geometry/{level}/{year}``
  (10 %), region details ``/api/regions/GM....`` (5 %), all 342 gemeenten.
- Phases: ``cold`` (the fresh server), ``warm`` (the same server, the workload
  restricted to the URLs it has answered with 200 before, so they are cached: with
  several workers a URL is cached only in the worker that answered it),
  ``bust`` (pages and API with a new ``?cb=N`` on every request, on the same server:
  its memory must stay within the cache budget).
- Reports throughput, errors by status, p50/p95/p99, the server's RSS (all worker
  processes) at start and at most, and the machine load (``os.getloadavg``); and for
  each server started, its time to ready and the build's pre-rendered answer stores
  before and after (``serve`` renders a missing one before it takes requests: that
  time is the price of a cold start on a build that ``buurtzicht build`` did not
  pre-render, and is printed, not hidden).

The load generator is a minimal HTTP/1.1 client on asyncio streams in this process, on
the same cores as the server: its CPU is taken from the server, so latencies are upper
bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve import serve_process  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT = 10.0
#: Seconds a server may take to be ready (pre-rendering a build without a store included).
READY_TIMEOUT = 900.0


@contextmanager
def server(home: Path, workers: int, cache_mb: float | None) -> Iterator[tuple[str, int]]:
    """``buurtzicht serve`` on a free loopback port: (base URL, pid). It counts as up when
    ``/api/openapi.json`` answers: the framework's own answer, which touches no build data
    (the cold phase must find every memory cache empty). Prints how long that took: the
    time to ready includes any pre-rendering ``serve`` does because the build's answer
    store is missing (``buurtzicht build`` fills it; see ``answer_stores``)."""
    env = {} if cache_mb is None else {"BUURTZICHT_CACHE_MB": str(cache_mb)}
    options = ["--workers", str(workers)] if workers else []
    before = answer_stores(home)
    started = time.perf_counter()
    with serve_process(
        home,
        *options,
        env=env,
        ready_path="/api/openapi.json",
        timeout=READY_TIMEOUT,
        prerender=True,
    ) as running:
        print(
            f"serve --workers {workers or 'default'}: ready after "
            f"{time.perf_counter() - started:.1f} s; answer stores before: "
            f"{before or 'none'}, after: {answer_stores(home) or 'none'}",
            flush=True,
        )
        yield running


def answer_stores(home: Path) -> list[str]:
    """The pre-rendered answer stores beside the builds (name and MB)."""
    return [
        f"{path.name} ({path.stat().st_size / 2**20:.0f} MB)"
        for path in sorted((home / "warehouse" / "builds").glob("*.answers-*.sqlite"))
    ]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (uvicorn's workers), MB."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo += _children(current)
    return total / 1024


def workload(url: str, seed: int) -> list[tuple[str, float]]:
    """(path pattern, weight); found on a throw-away server."""
    with httpx.Client(base_url=url, timeout=120) as client:
        build = client.get("/api/build").json()
        gemeenten = [r["code"] for r in client.get("/api/regions/NL01").json()["children"]]
        indicators = [i["id"] for i in client.get("/api/indicators").json() if i["catalog"]]
        values = []
        for indicator in indicators:
            for level in ("gemeente", "wijk"):
                path = f"/api/values?indicator={indicator}&level={level}"
                if client.get(path).status_code == 200:
                    values.append(path)
            if len(values) >= 20:
                break
    newest = max(g["year"] for g in build["geometry"])
    geometry = [g["url"] for g in build["geometry"] if g["year"] == newest]
    rng = random.Random(seed)
    rng.shuffle(gemeenten)
    mix: list[tuple[str, float]] = []
    mix += [(f"/api/profile/{code}", 0.30 / len(gemeenten)) for code in gemeenten]
    mix += [(f"/gemeente/{code}", 0.25 / len(gemeenten)) for code in gemeenten]
    mix += [(path, 0.20 / len(values)) for path in values]
    mix += [("/", 0.10)]
    mix += [(path, 0.10 / len(geometry)) for path in geometry]
    mix += [(f"/api/regions/{code}", 0.05 / len(gemeenten)) for code in gemeenten]
    return mix


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)
    rss_start: float = 0.0
    rss_max: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    elapsed: float = 0.0


async def _send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def run(
    url: str,
    pid: int,
    paths: list[str],
    rate: float,
    duration: float,
    connections: int,
    headers: str = "",
) -> Outcome:
    """Open-loop: request *n* (of ``paths``, round robin) is due at ``n / rate`` seconds.
    ``headers`` are extra header lines, each ending in CRLF (a member's ``Cookie``)."""
    port = int(url.rsplit(":", 1)[1])
    outcome = Outcome(rss_start=rss_mb(pid))
    outcome.rss_max = outcome.rss_start
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(None)  # a slot; the connection opens on first use

    async def one(path: str, due: float) -> None:
        head = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Encoding: gzip\r\n{headers}\r\n"
        raw = head.encode()
        connection = await idle.get()
        try:
            if connection is None:
                connection = await asyncio.open_connection(HOST, port)
            status = await asyncio.wait_for(_send(*connection, raw), TIMEOUT)
            outcome.statuses[str(status)] += 1
            if status == 200:
                outcome.answered.add(path)
            outcome.latencies.append((time.perf_counter() - due) * 1000)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            outcome.statuses[type(exc).__name__] += 1
            if connection is not None:
                connection[1].close()
            connection = None
        idle.put_nowait(connection)

    async def sample_memory() -> None:
        while True:
            outcome.rss_max = max(outcome.rss_max, rss_mb(pid))
            await asyncio.sleep(1)

    sampler = asyncio.ensure_future(sample_memory())
    total = int(rate * duration)
    started = time.perf_counter()
    tasks = []
    for n in range(total):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(paths[n % len(paths)], due)))
    await asyncio.gather(*tasks)
    outcome.elapsed = time.perf_counter() - started
    sampler.cancel()
    outcome.rss_max = max(outcome.rss_max, rss_mb(pid))
    outcome.load = os.getloadavg()
    while not idle.empty():
        connection = idle.get_nowait()
        if connection is not None:
            connection[1].close()
    return outcome


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def row(phase: str, rate: float, outcome: Outcome, expected: set[str]) -> str:
    done = sum(outcome.statuses.values())
    errors = {k: v for k, v in outcome.statuses.items() if k not in expected}
    ok = sum(v for k, v in outcome.statuses.items() if k in expected)
    lat = outcome.latencies
    load = "/".join(f"{x:.1f}" for x in outcome.load)
    return (
        f"| {phase} | {rate:g} | {done} | {ok / outcome.elapsed:.1f} | "
        f"{sum(errors.values())} {dict(errors) if errors else ''} | "
        f"{statistics.median(lat) if lat else float('nan'):.1f} | {_percentile(lat, 95):.1f} | "
        f"{_percentile(lat, 99):.1f} | {outcome.rss_start:.0f} | {outcome.rss_max:.0f} | {load} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("BUURTZICHT_HOME", "var")))
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument(
        "--workers", type=int, default=0, help="serve --workers (0: serve's default)"
    )
    parser.add_argument("--cache-mb", type=float, default=None, help="BUURTZICHT_CACHE_MB")
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--phases", default="cold,warm,bust")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if args.rate * args.duration > 100_000 or args.duration > 300:
        raise SystemExit("bounded: at most 100,000 requests and 300 s per phase")
    phases = args.phases.split(",")

    print(f"load before: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with server(args.home, 1, None) as (scout, _):
        mix = workload(scout, args.seed)
    rng = random.Random(args.seed)
    total = int(args.rate * args.duration)
    paths = rng.choices([p for p, _ in mix], weights=[w for _, w in mix], k=total)
    rows = []
    answered: set[str] = set()
    with server(args.home, args.workers, args.cache_mb) as (url, pid):
        for phase in phases:
            chosen = paths
            expected = {"200"}
            if phase == "warm" and answered:
                # Only URLs this server has answered: a warm cache, not a second cold run.
                known = [p for p in paths if p in answered]
                chosen = [known[n % len(known)] for n in range(len(paths))]
            if phase == "bust":
                chosen = [f"{p}{'&' if '?' in p else '?'}cb={n}" for n, p in enumerate(paths)]
                expected = {"200", "422"}  # the API refuses unknown parameters
            outcome = asyncio.run(run(url, pid, chosen, args.rate, args.duration, args.connections))
            answered |= outcome.answered
            rows.append(row(f"{phase} ({len(set(chosen))} URLs)", args.rate, outcome, expected))
            print(rows[-1], flush=True)
    budget = args.cache_mb or 256
    print(
        f"\nserve --workers {args.workers or 'default'}, cache budget {budget:g} MB per "
        f"worker, {args.duration:g} s per phase, {len(set(paths))} distinct URLs\n"
    )
    print(
        "| phase | req/s offered | requests | ok/s | errors | p50 ms | p95 ms | p99 ms | "
        "RSS start MB | RSS max MB | load 1/5/15 |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for line in rows:
        print(line)


if __name__ == "__main__":
    main()
