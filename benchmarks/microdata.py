"""Benchmark of the secure side: generation, linkage and theme aggregates.

Every measurement runs in its own subprocess so that peak memory (max RSS) belongs to
that stage alone::

    python benchmarks/microdata.py --scales 0.1 1.0 --baseline-scale 0.02 --write-readme

* ``synth``: ``generate_world`` (calibration, population, crime, validation).
* ``link``: ``run_linkage`` on DuckDB (validation, linkage, profile, themes, write).
* ``pandas``: the straightforward pandas implementation of the same measures
  (:mod:`buurtzicht.microdata.baseline`) at a scale it survives, and DuckDB on that
  same world, so that the speed-up is compared per input row.

Results go to ``benchmarks/results/microdata.json`` and, with ``--write-readme``, to
the ``## Microdata`` section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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


def run_stage(stage: str, scale: float, seed: int, home: Path) -> dict[str, object]:
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
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{stage} at scale {scale} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{stage:7s} scale {scale:<6g} wall {result['wall']:8.1f}s  peak {result['peak_mb']:8.0f} MB  rows {result['rows']:,}",
        flush=True,
    )
    return result


def benchmark(
    scales: list[float], baseline_scale: float, seed: int, workdir: Path
) -> dict[str, object]:
    runs = []
    for scale in scales:
        home = workdir / f"scale-{scale:g}"
        runs.append(run_stage("synth", scale, seed, home))
        runs.append(run_stage("link", scale, seed, home))
    home = workdir / f"baseline-{baseline_scale:g}"
    runs.append(run_stage("synth", baseline_scale, seed, home))
    runs.append(run_stage("link", baseline_scale, seed, home))
    runs.append(run_stage("pandas", baseline_scale, seed, home))
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
        "| stage | scale | input rows | wall (s) | CPU (s) | per stage (s) | rows/s | peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["seconds"].items())
        lines.append(
            f"| {r['stage']} | {r['scale']:g} | {r['rows']:,} | {r['wall']:.1f} | "
            f"{r.get('cpu', float('nan')):.1f} | {stages} | "
            f"{r['rows'] / r['wall']:,.0f} | {r['peak_mb']:,.0f} |"
        )
    return "\n".join(lines)


def _summary(results: dict[str, object]) -> str:
    runs = results["runs"]
    assert isinstance(runs, list)
    by = {(r["stage"], r["scale"]): r for r in runs}
    scales = sorted({r["scale"] for r in runs})
    top = max(s for s in scales if ("link", s) in by and ("synth", s) in by)
    total = by[("synth", top)]["wall"] + by[("link", top)]["wall"]
    peak = max(by[("synth", top)]["peak_mb"], by[("link", top)]["peak_mb"])
    pandas = next(r for r in runs if r["stage"] == "pandas")
    same = by[("link", pandas["scale"])]
    per_row_pandas = pandas["wall"] / pandas["rows"]
    ratio_same = pandas["wall"] / same["wall"]
    ratio_top = per_row_pandas / (by[("link", top)]["wall"] / by[("link", top)]["rows"])
    return (
        f"- Scale {top:g}: generation + linkage + all theme aggregates in **{total:.0f} s** "
        f"(target <= 300 s), peak memory **{peak / 1024:.1f} GB** (target <= 8 GB).\n"
        f"- pandas baseline at scale {pandas['scale']:g}: {pandas['wall']:.1f} s for "
        f"{pandas['rows']:,} input rows; DuckDB on the same world {same['wall']:.1f} s "
        f"(**{ratio_same:.1f}x**); per input row against DuckDB at scale {top:g}: "
        f"**{ratio_top:.1f}x** (target >= 20x).\n"
        f"- Machine: {results['machine']['cpus']} cores, Python {results['machine']['python']}; "
        f"load average at the end {tuple(round(x, 1) for x in results['load_average_at_end'])} "
        "(other work shared the machine)."
    )


def write_readme(results: dict[str, object]) -> None:
    """Replace (or add) the ``## Microdata`` section of benchmarks/README.md."""
    body = (
        f"{SECTION}\n\n"
        "Synthetic world generation (`buurtzicht synth`) and the DuckDB linkage pipeline "
        "(`buurtzicht secure link`), each in its own process; `pandas` is the straightforward "
        "pandas implementation of the same measures (`buurtzicht.microdata.baseline`). "
        "Reproduce with `python benchmarks/microdata.py --scales 0.1 1.0 --baseline-scale 0.02 "
        "--write-readme`.\n\n"
        f"{_table(results)}\n\n{_summary(results)}\n"
    )
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if SECTION in text:
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[nxt + 1 :] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    parser.add_argument("--baseline-scale", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where worlds are written (default: a temp dir)"
    )
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--worker", choices=["synth", "link", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.scale, args.seed, args.home)))
        return
    with tempfile.TemporaryDirectory(prefix="bz-bench-", dir=args.workdir) as tmp:
        results = benchmark(args.scales, args.baseline_scale, args.seed, Path(tmp))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(_summary(results))
    if args.write_readme:
        write_readme(results)


if __name__ == "__main__":
    main()
