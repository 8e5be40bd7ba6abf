#!/usr/bin/env python3
"""Dashboard and API benchmark against a real uvicorn process.

Measures latency (p50/p95/p99) and throughput of the profile, values and geometry
endpoints at 1, 10 and 50 concurrent clients, payload sizes per level (raw and
gzipped), and, in headless Chromium, the time from navigation to the first idle map and
the bytes transferred (tiles included) for the gemeente map, the national wijk map, one
gemeente's buurt map and the national buurt map (vector tiles).

    .venv/bin/python benchmarks/api.py                 # the current build in BUURTZICHT_HOME
    .venv/bin/python benchmarks/api.py --small         # a small build of real mirror data
    .venv/bin/python benchmarks/api.py --maps-only     # only the map pages

The load generator runs in this process on the same machine as the server (2 cores),
so it takes CPU from the server: the figures are an upper bound on latency.
Results print as a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve import serve_process  # noqa: E402

CHROMIUM_ARGS = [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class Result:
    endpoint: str
    clients: int
    requests: int
    p50: float
    p95: float
    p99: float
    throughput: float
    errors: int


@contextmanager
def server(home: Path, workers: int) -> Iterator[str]:
    """``buurtzicht serve`` with ``workers`` on a free loopback port: its base URL."""
    with serve_process(home, "--workers", str(workers)) as (url, _pid):
        yield url


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, int]:
    """Send one pre-encoded GET on a keep-alive connection; (status, body bytes)."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status, length


async def _load(
    url: str, paths: list[str], clients: int, total: int, headers: str = ""
) -> tuple[list[float], int, float]:
    """``clients`` keep-alive connections sharing ``total`` requests.

    A minimal HTTP/1.1 client on asyncio streams: a general-purpose client costs more
    CPU per request than the server and would measure itself on a 2-core machine.
    ``headers`` are extra header lines, each ending in CRLF (a ``Cookie``), sent with every
    request.
    """
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    requests = [
        (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n{headers}\r\n").encode()
        for path in paths
    ]

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        for n in counter:
            started = time.perf_counter()
            status, _ = await _request(reader, writer, requests[n % len(requests)])
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status != 200
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def measure(
    url: str, name: str, paths: list[str], clients: int, total: int, headers: str = ""
) -> Result:
    latencies, errors, elapsed = asyncio.run(_load(url, paths, clients, total, headers))
    return Result(
        name,
        clients,
        total,
        statistics.median(latencies),
        _percentile(latencies, 95),
        _percentile(latencies, 99),
        total / elapsed,
        errors,
    )


def endpoints(url: str) -> dict[str, list[str]]:
    with httpx.Client(base_url=url, timeout=60) as client:
        build = client.get("/api/build").json()
        indicators = [i["id"] for i in client.get("/api/indicators").json()]
        gemeenten = [r["code"] for r in client.get("/api/regions/NL01").json()["children"]]
        values = [
            f"/api/values?indicator={i}&level=gemeente"
            for i in indicators
            if client.get("/api/values", params={"indicator": i}).status_code == 200
        ][:20]
    levels = sorted({g["level"] for g in build["geometry"]})
    geometry = [
        g["url"]
        for g in build["geometry"]
        if g["year"] == max(x["year"] for x in build["geometry"])
    ]
    return {
        "profile": [f"/api/profile/{code}" for code in gemeenten],
        "values": values,
        "geometry": geometry or [f"/api/geometry/{lv}/2024" for lv in levels],
    }


def _first_drawable(client: httpx.Client, level: str, parent: str | None = None) -> str | None:
    """The first catalog indicator with figures at ``level`` that the map can draw."""
    for indicator in (i["id"] for i in client.get("/api/indicators").json() if i["catalog"]):
        params = {"indicator": indicator, "level": level}
        if parent:
            params["parent"] = parent
        response = client.get("/api/values", params=params)
        if response.status_code == 200 and response.json()["geometry_year"] is not None:
            return str(indicator)
    return None


def map_pages(url: str) -> list[str]:
    """The default gemeente map, the whole-country wijk map, one gemeente's buurt map
    (Amsterdam) and the whole-country buurt map (vector tiles), each of the first
    catalog indicator that can be drawn at that level."""
    pages = ["/kaart"]
    with httpx.Client(base_url=url, timeout=120) as client:
        for level, parent in (("wijk", None), ("buurt", "GM0363"), ("buurt", None)):
            indicator = _first_drawable(client, level, parent)
            if indicator:
                within = f"&binnen={parent}" if parent else ""
                pages.append(f"/kaart?niveau={level}&indicator={indicator}{within}")
    return pages


def payloads(url: str) -> list[tuple[str, int, int, int]]:
    out = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for g in client.get("/api/build").json()["geometry"]:
            with client.stream("GET", g["url"], headers={"accept-encoding": "gzip"}) as response:
                body = b"".join(response.iter_raw())
            out.append(
                (f"{g['level']} {g['year']}", g["features"], len(gzip.decompress(body)), len(body))
            )
    return out


def map_render(url: str, pages: list[str], runs: int) -> list[tuple[str, float, float, int]]:
    """Per page: median and max ms from navigation to the first idle map, and the bytes
    transferred (bodies as sent, gzip included, and headers; the tiles the map's worker
    fetches included) in the first run."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        for path in pages:
            times, transfer = [], 0
            for run in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                sizes: list[int] = []
                context.on(
                    "requestfinished",
                    lambda r, sizes=sizes: sizes.append(
                        r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                    ),
                )
                page = context.new_page()
                page.goto(url + path)
                page.wait_for_selector("#map[data-ready='true']", timeout=120_000)
                times.append(float(page.locator("#map").get_attribute("data-idle-ms") or "nan"))
                if run == 0:
                    transfer = sum(sizes)
                context.close()
            out.append((path, statistics.median(times), max(times), transfer))
        browser.close()
    return out


def small_home() -> Path:
    from buurtzicht.config import Settings
    from buurtzicht.warehouse.build import run_build
    from tests.api.smallbuild import small_inputs

    home = Path(tempfile.mkdtemp(prefix="buurtzicht-bench-")) / "var"
    settings = Settings(home=home)
    run_build(settings, lambda _say: small_inputs(settings.require_mirror()))
    return home


def load_tables(url: str, args: argparse.Namespace) -> None:
    """Latency under 1, 10 and 50 clients, then the boundary payloads."""
    paths = endpoints(url)
    for urls in paths.values():  # warm the per-build caches, as a running server has
        asyncio.run(_load(url, urls, 4, len(urls)))
    print("| endpoint | clients | requests | p50 ms | p95 ms | p99 ms | req/s | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, urls in paths.items():
        for clients in (int(c) for c in args.clients.split(",")):
            total = args.requests if name != "geometry" else max(100, args.requests // 10)
            r = measure(url, name, urls, clients, total)
            print(
                f"| {r.endpoint} | {r.clients} | {r.requests} | {r.p50:.1f} | {r.p95:.1f} | "
                f"{r.p99:.1f} | {r.throughput:.0f} | {r.errors} |"
            )
    print()
    print("| geometry | features | raw bytes | gzipped bytes |")
    print("|---|---:|---:|---:|")
    for name, features, raw, gz in payloads(url):
        print(f"| {name} | {features:,} | {raw:,} | {gz:,} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("BUURTZICHT_HOME", "var")))
    parser.add_argument(
        "--small", action="store_true", help="benchmark a small build of mirror data"
    )
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests per endpoint and level of concurrency"
    )
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--render-runs", type=int, default=5)
    parser.add_argument(
        "--maps-only", action="store_true", help="only the map pages (no load test)"
    )
    args = parser.parse_args()
    home = small_home() if args.small else args.home.resolve()
    with server(home, args.workers) as url:
        if not args.maps_only:
            load_tables(url, args)
        pages = map_pages(url)
        with httpx.Client(base_url=url, timeout=300) as client:
            for path in pages:  # a running server has its pages rendered and cached
                client.get(path)
        print(f"load average: {os.getloadavg()[0]:.1f} (1 min) at the start\n")
        print("| map page | median ms to idle | max ms | transfer bytes |")
        print("|---|---:|---:|---:|")
        for path, median, worst, transfer in map_render(url, pages, args.render_runs):
            print(f"| `{path}` | {median:.0f} | {worst:.0f} | {transfer:,} |")
        print(f"\nload average: {os.getloadavg()[0]:.1f} (1 min) at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
