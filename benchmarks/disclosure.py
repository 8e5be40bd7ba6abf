"""Benchmark: disclosure control and audit on a table of national size.

Uses the real 2024 region hierarchy (every buurt and wijk with its gemeente) and buurt
populations from the offline mirror, and generates unit-level records with small,
realistic rates (rare phenomena per 1,000 inhabitants, businesses with skewed amounts
and a few dominant ones), aggregated to every buurt, wijk, gemeente and the country.
Then it times ``protect`` and ``audit`` stage by stage and prints a results table.

    .venv/bin/python benchmarks/disclosure.py               # 10 measures, 1 period
    .venv/bin/python benchmarks/disclosure.py --periods 3   # more years
    .venv/bin/python benchmarks/disclosure.py --no-tables   # every measure on its own

The lead re-runs this on the real synthetic scale-1.0 output with ``--aggregates``;
``--release [--gemeenten 0599,0344]`` protects and audits the catalog release that
``secure publish`` makes of it (or a sample of its gemeenten), in CPU and wall seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from buurtzicht.config import Settings
from buurtzicht.disclosure import (
    DisclosureSpec,
    RegionHierarchy,
    TableSpec,
    audit,
    get_rule_set,
    protect,
)
from buurtzicht.disclosure.synthetic import aggregate_units
from buurtzicht.regions.codes import NEDERLAND, gemeente_of, normalise_code, wijk_of

HIERARCHY_FILE = "raw/politie_47018NED_bernasco/population_WijkenEnBuurten.csv.gz"
POPULATION_FILE = "raw/politie_47018NED_bernasco/population_Population85984_2024.csv"

#: Count measures (rate per 1,000 inhabitants) and amount measures (businesses per 1,000).
COUNTS = {
    "secure.ondermijning.drugs": 1.2,
    "secure.ondermijning.witwassen": 0.6,
    "secure.ondermijning.vastgoed": 0.9,
    "secure.ondermijning.overig": 2.0,
    "secure.eigenaar.particulier": None,
    "secure.eigenaar.rechtspersoon": None,
}
AMOUNTS = {"secure.transacties.contant": 3.0, "secure.transacties.crypto": 0.8}
SPEC = DisclosureSpec(
    tables=(
        TableSpec(
            name="ondermijning",
            total="secure.ondermijning.totaal",
            components=tuple(m for m in COUNTS if m.startswith("secure.ondermijning.")),
        ),
        # A linked table: the same total broken down by owner type.
        TableSpec(
            name="eigenaar",
            total="secure.ondermijning.totaal",
            components=("secure.eigenaar.particulier", "secure.eigenaar.rechtspersoon"),
        ),
        TableSpec(
            name="transacties",
            total="secure.transacties.totaal",
            components=tuple(AMOUNTS),
            rules="amounts",
        ),
    )
)


def national_regions(mirror: Path) -> tuple[dict[str, str], pd.Series]:
    """Child -> parent for every 2024 buurt, wijk and gemeente; buurt populations."""
    keys = pd.read_csv(mirror / HIERARCHY_FILE, usecols=["Key"])["Key"].str.strip()
    codes = [normalise_code(k) for k in keys if not k.startswith("NL")]
    parents: dict[str, str] = {}
    for code in codes:
        if code.startswith("BU"):
            parents[code] = wijk_of(code)
        elif code.startswith("WK"):
            parents[code] = gemeente_of(code)
        else:
            parents[code] = NEDERLAND
    population = pd.read_csv(mirror / POPULATION_FILE).set_index("nhood_id")["population"]
    return parents, population


def generate_units(population: pd.Series, periods: list[str], seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    buurten = population.index.to_numpy()
    inhabitants = population.to_numpy(float)
    for period in periods:
        for measure, rate in {**COUNTS, **AMOUNTS}.items():
            if rate is None:
                continue
            n = rng.poisson(inhabitants * rate / 1000)
            region = np.repeat(buurten, n)
            if measure in AMOUNTS:
                amount = rng.lognormal(10, 1.2, len(region))
                dominant = rng.random(len(region)) < 0.01
                amount[dominant] *= 50
            else:
                amount = np.ones(len(region))
            frames.append(
                pd.DataFrame(
                    {"measure": measure, "region": region, "period": period, "amount": amount}
                )
            )
    units = pd.concat(frames, ignore_index=True)
    # Owner type splits the same units as the ondermijning types (a linked table).
    kinds = units[units["measure"].str.startswith("secure.ondermijning.")]
    private = rng.random(len(kinds)) < 0.8
    owner = np.where(private, "secure.eigenaar.particulier", "secure.eigenaar.rechtspersoon")
    return pd.concat([units, kinds.assign(measure=owner)], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=1, help="number of years")
    parser.add_argument("--aggregates", type=Path, help="real secure aggregates (parquet)")
    parser.add_argument("--spec", type=Path, help="table specs (YAML) for --aggregates")
    parser.add_argument("--save", type=Path, help="folder to keep aggregates and output in")
    parser.add_argument(
        "--no-tables",
        action="store_true",
        help="every measure on its own (pure hierarchies, as most secure indicators are)",
    )
    parser.add_argument(
        "--workers", type=int, help="processes for protect and audit (default: up to 2 cores)"
    )
    parser.add_argument(
        "--release",
        action="store_true",
        help="the catalog release of `secure publish` (the aggregates of BUURTZICHT_HOME, "
        "every level down to buurt, its spec, rules, population and hierarchy)",
    )
    parser.add_argument(
        "--gemeenten",
        help="with --release: only these gemeenten (e.g. 0599,0344) with their wijken and "
        "buurten, a sample for a shared machine (CPU seconds compare, wall times do not)",
    )
    args = parser.parse_args()
    if args.release:
        release_sample(args.gemeenten, args.workers)
        return
    mirror = Settings().require_mirror()
    rows: list[tuple[str, str]] = []
    started = time.perf_counter()
    parents, population = national_regions(mirror)
    periods = [f"{2024 - k}JJ00" for k in range(args.periods)]
    if args.aggregates:
        aggregates = pd.read_parquet(args.aggregates)
        spec = (
            DisclosureSpec.model_validate(yaml.safe_load(args.spec.read_text(encoding="utf-8")))
            if args.spec
            else DisclosureSpec()
        )
    else:
        units = generate_units(population, periods)
        # The owner-type table shares its units with the type table: aggregate it apart.
        owners = units["measure"].str.startswith("secure.eigenaar.")
        spec = SPEC
        measures = sorted(
            {*units["measure"], "secure.ondermijning.totaal", "secure.transacties.totaal"}
        )
        typed = aggregate_units(
            units[~owners],
            parents,
            [m for m in measures if not m.startswith("secure.eigenaar.")],
            SPEC.tables[::2],
            periods,
        )
        owned = aggregate_units(
            units[owners],
            parents,
            [m for m in measures if m.startswith("secure.eigenaar.")],
            (),
            periods,
        )
        aggregates = pd.concat([typed, owned], ignore_index=True)
    rows.append(("generate", f"{time.perf_counter() - started:.1f} s"))
    hierarchy = RegionHierarchy.from_parents(parents)
    inhabitants = population.to_dict()
    rules = None
    if args.no_tables:  # the same cells, with the rule set each had in its table
        rules = {m: get_rule_set(spec.rules_of(m)) for m in aggregates["measure"].unique()}
        spec = DisclosureSpec()
    started = time.perf_counter()
    protected = protect(
        aggregates, spec, rules, population=inhabitants, hierarchy=hierarchy, workers=args.workers
    )
    protect_seconds = time.perf_counter() - started
    for stage, seconds in protected.timings.items():
        rows.append((f"protect: {stage}", f"{seconds:.1f} s"))
    print(f"protected in {protect_seconds:.1f} s: {protected.timings}", flush=True)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        protected.published.to_parquet(args.save / "published.parquet", index=False)
        aggregates.to_parquet(args.save / "aggregates.parquet", index=False)
    started = time.perf_counter()
    report = audit(
        protected.published,
        aggregates,
        spec,
        rules,
        population=inhabitants,
        hierarchy=hierarchy,
        workers=args.workers,
    )
    audit_seconds = time.perf_counter() - started
    # The lanes run in child processes: the peak is that of the largest process.
    peak = max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    published = protected.published
    rows += [
        ("protect total", f"{protect_seconds:.1f} s"),
        ("audit total", f"{audit_seconds:.1f} s"),
        ("peak memory (RSS, largest process)", f"{peak:,.0f} MB"),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
        ("cells", f"{len(published):,}"),
        ("primary suppressions", f"{int(protected.cells['primary'].sum()):,}"),
        ("secondary suppressions", f"{int((published['reason'] == 'secondary').sum()):,}"),
        ("LPs in protect / audit", f"{protected.programs:,} / {report.programs:,}"),
        ("not fully reachable (protect)", f"{len(protected.limited):,}"),
        ("unprotected cells (audit)", f"{len(report.unprotected):,}"),
    ]
    print("| stage / figure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print()
    print(_markdown(report.tables))


def release_sample(gemeenten: str | None, workers: int | None) -> None:
    """Protect and audit the catalog release (or the cells of some gemeenten of it)."""
    from buurtzicht.microdata.store import aggregates_path
    from buurtzicht.secure.publish import prepare_release
    from buurtzicht.secure.published import read_aggregates_metadata

    settings = Settings()
    aggregates = pd.read_parquet(aggregates_path(settings))
    metadata = read_aggregates_metadata(aggregates_path(settings))
    prepared = prepare_release(settings, aggregates, metadata, levels=("gemeente", "wijk", "buurt"))
    cells = prepared.cells
    if gemeenten:
        region = cells["region"].astype(str)
        inside = region.str[:2].isin(["GM", "WK", "BU"]) & region.str[2:6].isin(
            [g.strip().removeprefix("GM") for g in gemeenten.split(",")]
        )
        cells = cells[inside.to_numpy()].reset_index(drop=True)
    release, context = prepared.release, prepared.context
    common = {"population": context.population, "hierarchy": context.hierarchy}
    clock = _Clock()
    protected = protect(cells, release.spec, release.rules, workers=workers, **common)
    protect_time = clock.lap()
    report = audit(
        protected.published, cells, release.spec, release.rules, workers=workers, **common
    )
    audit_time = clock.lap()
    checked = audit(
        protected.published,
        cells,
        release.spec,
        release.rules,
        workers=workers,
        certificates=protected.certificates,
        **common,
    )
    checked_time = clock.lap()
    same = checked.intervals["protected"].equals(report.intervals["protected"])
    published = protected.published
    check = checked.certificates
    assert check is not None
    rows = [
        ("cells", f"{len(cells):,}"),
        ("protect: CPU (this process + lanes) / wall", protect_time),
        ("audit without certificates: CPU / wall", audit_time),
        ("audit with certificates: CPU / wall", checked_time),
        ("certificates: given / rejected / rows / check seconds",
         f"{check.given:,} / {check.rejected:,} / {len(protected.certificates):,} / "
         f"{check.seconds:.1f} s"),
        ("sensitive hidden cells proven: certificates / views (without: views)",
         f"{checked.proven_by_certificates:,} / {checked.proven_by_programs:,} "
         f"({report.proven_by_programs:,})"),
        ("primary / secondary", f"{int(protected.cells['primary'].sum()):,} / "
         f"{int((published['reason'] == 'secondary').sum()):,}"),
        ("LPs in protect / audit without / with certificates",
         f"{protected.programs:,} / {report.programs:,} / {checked.programs:,}"),
        ("unprotected without / with certificates; same verdict per cell",
         f"{len(report.unprotected)} / {len(checked.unprotected)}; {same}"),
        ("public margins hidden", f"{report.public_hidden}"),
        ("peak memory (RSS, largest process)", f"{_peak_mb():,.0f} MB"),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
    ]  # fmt: skip
    print("| figure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


class _Clock:
    """CPU seconds of this process and its finished children (the lanes), and wall."""

    def __init__(self) -> None:
        self._cpu, self._wall = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        return cpu, time.perf_counter()

    def lap(self) -> str:
        cpu, wall = self._now()
        text = f"{cpu - self._cpu:.1f} s / {wall - self._wall:.1f} s"
        self._cpu, self._wall = cpu, wall
        return text


def _peak_mb() -> float:
    return max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )


def _markdown(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else f"{v}" for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
