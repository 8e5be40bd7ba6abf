"""Benchmark of the secure side: generation, linkage and theme aggregates.

Every measurement runs in its own subprocess so that peak memory (max RSS) and CPU
seconds belong to that stage alone::

    python benchmarks/microdata.py --scales 1.0 --baseline-scales 0.1 0.2 --repeat 2 --write-readme

* ``synth``: ``generate_world`` (calibration, population, crime, validation).
* ``link``: ``run_linkage`` on DuckDB (validation, linkage, profile, themes, write).
* ``pandas``: the straightforward pandas implementation of the same measures
  (:mod:`buurtzicht.microdata.baseline`) at the scales it survives, each with DuckDB on
  that same world, so that the speed-up is compared on the same input and per input row.

The machine is shared: every run records the 1-minute load average before and after
it, and CPU seconds (user + system, all threads) beside wall seconds. Results go to
``benchmarks/results/microdata.json`` and, with ``--write-readme``, to the
``## Microdata`` section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "microdata.json"
README = HERE / "README.md"
SECTION = "## Microdata"


def _peak_mb() -> float:
    """Peak RSS of this process and its finished children, in MB (Linux reports KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _input_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob("*.parquet"))


def worker(stage: str, scale: float, seed: int, home: Path) -> dict[str, object]:
    """Run one stage in this process and report timings, rows and peak memory."""
    from buurtzicht.config import Settings
    from buurtzicht.microdata.store import microdata_dir

    settings = Settings(home=home)
    started = time.perf_counter()
    out: dict[str, object] = {"stage": stage, "scale": scale}
    if stage == "synth":
        from buurtzicht.microdata.synth.world import generate_world

        summary = generate_world(scale, seed, settings=settings)
        out["rows"] = sum(summary.rows.values())
        out["seconds"] = summary.seconds
        out["entities"] = summary.rows
    elif stage == "link":
        from buurtzicht.microdata.pipeline.run import run_linkage

        result = run_linkage(settings=settings)
        out["rows"] = _input_rows(microdata_dir(settings))
        out["cells"] = len(result.aggregates)
        out["seconds"] = result.seconds
    elif stage == "pandas":
        from buurtzicht.microdata.baseline import baseline_measures, read_world, rollup

        t0 = time.perf_counter()
        world = read_world(microdata_dir(settings))
        t1 = time.perf_counter()
        cells = rollup(baseline_measures(world))
        out["rows"] = _input_rows(microdata_dir(settings))
        out["cells"] = len(cells)
        out["seconds"] = {"read": t1 - t0, "measures": time.perf_counter() - t1}
    out["wall"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = usage.ru_utime + usage.ru_stime
    out["peak_mb"] = _peak_mb()
    return out


def run_stage(
    stage: str, scale: float, seed: int, home: Path, *, required: bool = True
) -> dict[str, object]:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        stage,
        "--scale",
        str(scale),
        "--seed",
        str(seed),
        "--home",
        str(home),
    ]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        if required:
            raise SystemExit(f"{stage} at scale {scale} failed:\n{done.stderr[-3000:]}")
        # A baseline that does not survive (out of memory) is a result too.
        print(f"{stage:7s} scale {scale:<6g} FAILED (exit {done.returncode})", flush=True)
        return {
            "stage": stage,
            "scale": scale,
            "failed": done.stderr[-500:] or f"exit {done.returncode}",
            "wall": time.perf_counter() - started,
        }
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(
        f"{stage:7s} scale {scale:<6g} wall {result['wall']:8.1f}s  cpu {result['cpu']:8.1f}s  "
        f"peak {result['peak_mb']:8.0f} MB  rows {result['rows']:,}  load {result['load']}",
        flush=True,
    )
    return result


def benchmark(
    scales: list[float], baseline_scales: list[float], seed: int, workdir: Path, repeat: int
) -> dict[str, object]:
    """Generate and link every scale; run pandas on the first world of each baseline scale.

    A baseline scale that is also in ``scales`` reuses that scale's first world, so
    pandas and DuckDB read the same input without generating it twice.
    """
    runs = []
    for scale in sorted(set(scales) | set(baseline_scales)):
        for i in range(repeat if scale in scales else 1):
            home = workdir / f"scale-{scale:g}-{i}"
            runs.append({**run_stage("synth", scale, seed, home), "run": i + 1})
            runs.append({**run_stage("link", scale, seed, home), "run": i + 1})
            if i == 0 and scale in baseline_scales:
                pandas = run_stage("pandas", scale, seed, home, required=False)
                runs.append({**pandas, "run": 1})
            shutil.rmtree(home, ignore_errors=True)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_average_at_end": os.getloadavg(),
        "seed": seed,
        "runs": runs,
    }


def _table(results: dict[str, object]) -> str:
    runs = results["runs"]
    assert isinstance(runs, list)
    lines = [
        "| stage | scale | run | input rows | wall (s) | CPU (s) | per stage (s) | rows/s | "
        "peak memory (MB) | load before/after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        if "failed" in r:
            lines.append(
                f"| {r['stage']} | {r['scale']:g} | {r.get('run', 1)} | | failed | | "
                f"{r['failed'][-80:]!r} | | | |"
            )
            continue
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["seconds"].items())
        load = "/".join(f"{x:.1f}" for x in r.get("load", []))
        lines.append(
            f"| {r['stage']} | {r['scale']:g} | {r.get('run', 1)} | {r['rows']:,} | "
            f"{r['wall']:.1f} | {r.get('cpu', float('nan')):.1f} | {stages} | "
            f"{r['rows'] / r['wall']:,.0f} | {r['peak_mb']:,.0f} | {load} |"
        )
    return "\n".join(lines)


def _summary(results: dict[str, object]) -> str:
    runs = [r for r in results["runs"] if "failed" not in r]  # type: ignore[union-attr]
    top = max(r["scale"] for r in runs)
    at_top = [r for r in runs if r["scale"] == top]
    synths = [r for r in at_top if r["stage"] == "synth"]
    links = [r for r in at_top if r["stage"] == "link"]
    totals = [s["wall"] + k["wall"] for s, k in zip(synths, links, strict=True)]
    cpus = [s["cpu"] + k["cpu"] for s, k in zip(synths, links, strict=True)]
    peak = max(r["peak_mb"] for r in synths + links)  # the pipeline, not the baseline
    best = min(links, key=lambda r: r["wall"])
    lines = [
        f"- Scale {top:g}: generation + linkage + all theme aggregates in "
        f"**{' s, '.join(f'{t:.0f}' for t in totals)} s** wall "
        f"({', '.join(f'{c:.0f}' for c in cpus)} CPU s) (target <= 300 s), "
        f"peak memory **{peak / 1024:.1f} GB** (target <= 8 GB)."
    ]
    for pandas in (r for r in runs if r["stage"] == "pandas"):
        same = next(r for r in runs if r["stage"] == "link" and r["scale"] == pandas["scale"])
        per_row = pandas["wall"] / pandas["rows"]
        per_row_cpu = pandas["cpu"] / pandas["rows"]
        lines.append(
            f"- pandas at scale {pandas['scale']:g}: {pandas['wall']:.1f} s wall, "
            f"{pandas['cpu']:.1f} CPU s, peak {pandas['peak_mb'] / 1024:.1f} GB for "
            f"{pandas['rows']:,} input rows; DuckDB on the same world {same['wall']:.1f} s "
            f"(**{pandas['wall'] / same['wall']:.1f}x** wall, "
            f"{pandas['cpu'] / same['cpu']:.1f}x CPU); per input row against DuckDB at scale "
            f"{top:g}: **{per_row / (best['wall'] / best['rows']):.1f}x** wall, "
            f"{per_row_cpu / (best['cpu'] / best['rows']):.1f}x CPU (target >= 20x)."
        )
    for failed in (r for r in results["runs"] if "failed" in r):  # type: ignore[union-attr]
        lines.append(f"- {failed['stage']} at scale {failed['scale']:g} did not finish.")
    machine = results["machine"]
    assert isinstance(machine, dict)
    lines.append(
        f"- Machine: {machine['cpus']} cores, Python {machine['python']}; 1-minute load "
        "average before/after each run in the table (other engineers' tests shared the "
        "machine: wall seconds vary with it, CPU seconds much less)."
    )
    return "\n".join(lines)


START, END = "<!-- microdata results: start -->", "<!-- microdata results: end -->"


def write_readme(results: dict[str, object]) -> None:
    """Replace the generated table and summary in the ``## Microdata`` section.

    Only the text between the two result markers is rewritten; the explanation around
    it is written by hand.
    """
    generated = (
        f"{START}\n"
        f"Reproduce with `python benchmarks/microdata.py {results['command']}`.\n\n"
        f"{_table(results)}\n\n{_summary(results)}\n{END}"
    )
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[: text.index(START)] + generated + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{generated}\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--baseline-scales", type=float, nargs="+", default=[0.1, 0.2])
    parser.add_argument("--repeat", type=int, default=1, help="runs per scale of --scales")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where worlds are written (default: a temp dir)"
    )
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument(
        "--render",
        action="store_true",
        help="rewrite the README results from benchmarks/results/microdata.json, without running",
    )
    parser.add_argument("--worker", choices=["synth", "link", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.scale, args.seed, args.home)))
        return
    if args.render:
        write_readme(json.loads(RESULTS.read_text(encoding="utf-8")))
        return
    with tempfile.TemporaryDirectory(prefix="bz-bench-", dir=args.workdir) as tmp:
        results = benchmark(args.scales, args.baseline_scales, args.seed, Path(tmp), args.repeat)
    results["command"] = " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(_summary(results))
    if args.write_readme:
        write_readme(results)


if __name__ == "__main__":
    main()
