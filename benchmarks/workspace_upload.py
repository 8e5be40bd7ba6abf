"""Own data upload: 100,000 address rows with coordinates, validated and aggregated.

Generates points spread uniformly over the buurten of a gemeente of the current build
(default Amsterdam), writes them as a semicolon CSV with decimal commas (WGS84, or RD
New with ``--crs rd``), then times what the server does with an upload: read and decode
the file, load the gemeente's regions and buurt boundaries (the gazetteer), validate
every row and place it by point-in-polygon, aggregate per buurt, wijk, gemeente and
period, and store the aggregates in the workspace database (SQLite in a temporary
folder). The baseline is the same placement one point at a time (a scalar STR-tree
query per row), on a sample, scaled to the same number of rows.

    python benchmarks/workspace_upload.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import shapely

from buurtzicht.config import Settings, get_settings
from buurtzicht.queries.boundaries import buurt_geometries
from buurtzicht.warehouse.current import open_current
from buurtzicht.workspace import accounts, datasets
from buurtzicht.workspace.db import open_database
from buurtzicht.workspace.uploads.places import Gazetteer
from buurtzicht.workspace.uploads.read import read_upload
from buurtzicht.workspace.uploads.validate import validate

TARGET_SECONDS = 10.0


def make_csv(settings: Settings, gemeente: str, rows: int, crs: str, seed: int) -> bytes:
    conn = open_current(settings)
    _year, shapes = buurt_geometries(conn, [gemeente])
    conn.close()
    area = shapely.union_all(shapely.from_wkb([wkb for _, wkb in shapes]))
    minx, miny, maxx, maxy = area.bounds
    rng = np.random.default_rng(seed)
    shapely.prepare(area)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    while sum(len(x) for x in xs) < rows:
        x = rng.uniform(minx, maxx, rows)
        y = rng.uniform(miny, maxy, rows)
        inside = shapely.contains_xy(area, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.concatenate(xs)[:rows], np.concatenate(ys)[:rows]
    if crs == "rd":
        from pyproj import Transformer

        x, y = Transformer.from_crs(4326, 28992, always_xy=True).transform(x, y)
        header = "id;x;y;datum;waarde"
    else:
        x, y = y, x  # lat first
        header = "id;lat;lon;datum;waarde"
    days = rng.integers(0, 365 * 3, rows)
    lines = [header]
    start = date(2022, 1, 1).toordinal()
    for i in range(rows):
        day = date.fromordinal(start + int(days[i])).isoformat()
        lines.append(f"{i};{x[i]:.6f};{y[i]:.6f};{day};{i % 7},5".replace(".", ",", 2))
    return "\n".join(lines).encode("utf-8")


def run_once(settings: Settings, data: bytes, gemeente: str, store_home: Path) -> dict[str, float]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    table = read_upload(data, "adressen.csv", 200_000_000, 1_000_000)
    timings["read"] = time.perf_counter() - started
    mark = time.perf_counter()
    conn = open_current(settings)
    gazetteer = Gazetteer(conn, (gemeente,))
    conn.close()
    timings["gazetteer"] = time.perf_counter() - mark
    mark = time.perf_counter()
    preview = validate(table, gazetteer, "adressen.csv", date.today())
    timings["validate+aggregate"] = time.perf_counter() - mark
    assert preview.ok, preview.problems[:3]
    timings["total"] = time.perf_counter() - started
    database = open_database(Settings(home=store_home, mirror=None))
    with database.session() as session:
        if not accounts.list_organisations(session):
            accounts.add_organisation(session, gemeente, gemeente, "gemeente", [])
    token = datasets.stage(store_home, preview, "bench", gemeente)
    mark = time.perf_counter()
    datasets.store(database, datasets.staged(store_home, token, "bench", gemeente), "bench")
    timings["store"] = time.perf_counter() - mark
    timings["aggregates"] = len(preview.aggregates)
    database.close()
    return timings


def baseline(settings: Settings, data: bytes, gemeente: str, sample: int) -> float:
    """Seconds per row of a point-at-a-time placement, scaled."""
    table = read_upload(data, "adressen.csv", 200_000_000, 1_000_000)
    conn = open_current(settings)
    gazetteer = Gazetteer(conn, (gemeente,))
    conn.close()
    started = time.perf_counter()
    for cells in table.rows[:sample]:
        lat, lon = float(cells[1].replace(",", ".")), float(cells[2].replace(",", "."))
        gazetteer.locate(np.array([lon]), np.array([lat]), "wgs84")
    return (time.perf_counter() - started) / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--gemeente", default="GM0363")
    parser.add_argument("--crs", choices=("wgs84", "rd"), default="wgs84")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    settings = get_settings()
    data = make_csv(settings, args.gemeente, args.rows, args.crs, args.seed)
    load_before = os.getloadavg()[0]
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {args.crs}, {args.gemeente}")
    print(
        "| run | read (s) | gazetteer (s) | validate + aggregate (s) | total (s) | store (s) | aggregates | rows/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    totals = []
    for run in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory() as home:
            t = run_once(settings, data, args.gemeente, Path(home))
        totals.append(t["total"])
        print(
            f"| {run} | {t['read']:.2f} | {t['gazetteer']:.2f} | {t['validate+aggregate']:.2f} | "
            f"{t['total']:.2f} | {t['store']:.2f} | {int(t['aggregates']):,} | {args.rows / t['total']:,.0f} |"
        )
    per_row = (
        baseline(settings, data, args.gemeente, min(5_000, args.rows))
        if args.crs == "wgs84"
        else None
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best = min(totals)
    print(
        f"\nbest total {best:.2f} s (target <= {TARGET_SECONDS:.0f} s): {'met' if best <= TARGET_SECONDS else 'NOT met'}"
    )
    if per_row is not None:
        print(
            f"baseline, one point at a time: {per_row * args.rows:.1f} s for the placement alone (x{per_row * args.rows / best:.1f} of the whole vectorised upload)"
        )
    print(
        f"peak memory {peak:.0f} MB; load average before/after {load_before:.1f}/{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
