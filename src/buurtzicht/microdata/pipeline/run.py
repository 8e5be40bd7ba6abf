"""Run linkage and every theme on one engine; write the secure aggregates atomically."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from buurtzicht.config import Settings
from buurtzicht.microdata.pipeline import aggregate, profile
from buurtzicht.microdata.pipeline.engine import Engine, make_engine
from buurtzicht.microdata.pipeline.linkage import LINKAGE, years_select
from buurtzicht.microdata.pipeline.measures import THEME_TABLES, THEMES, TOTALS, Query
from buurtzicht.microdata.store import aggregates_path, microdata_dir, write_all
from buurtzicht.microdata.synth.params import ANALYSIS_YEARS
from buurtzicht.microdata.validate import is_validated, validate_microdata

AGGREGATE_COLUMNS = ["measure", "region", "period", "value", "n_units", "top1", "top2", "source"]
#: Denominators: the secure measure and the open KWB measure it corresponds to.
DENOMINATORS = {
    "inwoners": {"secure": "secure.basis.inwoners", "open": "kwb.AantalInwoners"},
    "woningen": {"secure": "secure.basis.woningen", "open": "kwb.Woningvoorraad"},
    "bedrijfsvestigingen": {
        "secure": "secure.basis.bedrijfsvestigingen",
        "open": "kwb.BedrijfsvestigingenTotaal",
    },
    "jongeren_8_23": {"secure": "secure.basis.jongeren_8_23", "open": None},
}
JONGE_AANWAS_QUERY = Query("units", profile.JONGE_AANWAS)


@dataclass
class LinkageResult:
    """Aggregates, flows and learnt profiles of one run, with timings."""

    aggregates: pd.DataFrame
    flows: pd.DataFrame
    profiles: list[profile.Profile]
    metadata: dict[str, object]
    seconds: dict[str, float] = field(default_factory=dict)


def world_source(folder: Path) -> tuple[str, bool, dict[str, object]]:
    """``synthetic:<seed>:<scale>`` for a generated world, else the folder of real input."""
    meta_path = folder / "world.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return str(meta["source"]), bool(meta.get("synthetic", True)), meta
    return f"microdata:{folder.name}", False, {}


def link(
    engine: Engine, folder: Path, years: Sequence[int] = ANALYSIS_YEARS, *, keep_units: bool = False
) -> LinkageResult:
    """Run the pipeline on ``engine`` over the microdata in ``folder`` (already validated).

    With ``keep_units`` the unit-level contributions of ``units`` measures stay in the
    engine as table ``contrib_units`` (for audits and the recovery tests); otherwise
    they are counted per buurt on the fly and never materialised.
    """
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    engine.load(folder)
    engine.create("years", years_select(years))
    engine.create("regions", aggregate.regions_select())
    for name, select in [*LINKAGE, *THEME_TABLES]:
        engine.create(name, select)
    seconds["linkage"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.create("youth", profile.YOUTH)
    profiles = profile.learn_profiles(engine.fetch(profile.CROSSTAB))
    engine.create("profile_combinations", profile.flagged_select(profiles))
    seconds["profile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    queries = [q for qs in THEMES.values() for q in qs]
    units = [q for q in queries if q.kind == "units"] + [JONGE_AANWAS_QUERY]
    if keep_units:
        engine.create("contrib_units", aggregate.contributions(units))
        engine.create("units_buurt", aggregate.buurt_counts("SELECT * FROM contrib_units"))
    else:
        engine.create("units_buurt", aggregate.unit_counts(units))
    amounts = [q for q in queries if q.kind == "amount"]
    engine.create("contrib_amount", aggregate.contributions(amounts))
    cells = pd.concat(
        [
            engine.fetch(aggregate.units_cells("units_buurt")),
            engine.fetch(aggregate.amount_cells("contrib_amount")),
        ]
    )
    flows = engine.fetch(aggregate.flows_cells())
    seconds["themes"] = time.perf_counter() - t0
    source, synthetic, world = world_source(folder)
    aggregates = _frame(cells, source, years)
    flows["period"] = flows["year"].astype(int).astype(str) + "JJ00"
    flows["source"] = source
    flows = (
        flows.drop(columns="year")
        .sort_values(["period", "home_gemeente", "offence_gemeente"])
        .reset_index(drop=True)
    )
    metadata = _metadata(aggregates, source, synthetic, world, years)
    return LinkageResult(aggregates, flows, profiles, metadata, seconds)


def _frame(cells: pd.DataFrame, source: str, years: Sequence[int]) -> pd.DataFrame:
    cells = cells[cells["year"].isin(list(years))].copy()
    cells["period"] = cells["year"].astype(int).astype(str) + "JJ00"
    cells["source"] = source
    out = cells[AGGREGATE_COLUMNS].astype(
        {
            "measure": "string",
            "region": "string",
            "period": "string",
            "value": "float64",
            "n_units": "int64",
            "top1": "float64",
            "top2": "float64",
            "source": "string",
        }
    )
    return out.sort_values(["measure", "period", "region"]).reset_index(drop=True)


def _metadata(
    aggregates: pd.DataFrame,
    source: str,
    synthetic: bool,
    world: dict[str, object],
    years: Sequence[int],
) -> dict[str, object]:
    return {
        "synthetic": synthetic,
        "source": source,
        "label": "SYNTHETISCH / SYNTHETIC - not real figures" if synthetic else "",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "periods": [f"{y}JJ00" for y in years],
        "measures": sorted(aggregates["measure"].unique().tolist()),
        "totals": TOTALS,
        "denominators": DENOMINATORS,
        "columns": AGGREGATE_COLUMNS,
        "world": {k: world[k] for k in ("seed", "scale", "rows") if k in world},
    }


def run_linkage(
    *,
    settings: Settings | None = None,
    folder: Path | None = None,
    engine: str | Engine = "duckdb",
    years: Sequence[int] = ANALYSIS_YEARS,
    output: Path | None = None,
) -> LinkageResult:
    """Validate the microdata, run the pipeline and write the secure aggregates.

    Writes ``aggregates.parquet`` (schema metadata carries the synthetic flag),
    ``aggregates.json``, ``flows.parquet`` and ``profile.json`` beside it; all four
    are written to temporary files first and renamed only when all succeeded.
    """
    settings = settings or Settings()
    folder = folder or microdata_dir(settings)
    t0 = time.perf_counter()
    reference = date(max(years), 12, 31)
    if not is_validated(folder, reference):
        validate_microdata(folder, reference_date=reference)
    validated = time.perf_counter() - t0
    eng = make_engine(engine) if isinstance(engine, str) else engine
    try:
        result = link(eng, folder, years)
    finally:
        if isinstance(engine, str):
            eng.close()
    result.seconds = {"validate": validated, **result.seconds}
    write_outputs(result, output or aggregates_path(settings))
    return result


def write_outputs(result: LinkageResult, path: Path) -> None:
    """Write all outputs to temporary files, then rename them into place."""
    meta = json.dumps(result.metadata, sort_keys=True)
    table = pa.Table.from_pandas(result.aggregates, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"buurtzicht": meta.encode()}
    )
    targets = {
        path: lambda p: pq.write_table(table, p),
        path.with_suffix(".json"): lambda p: p.write_text(
            json.dumps(result.metadata, indent=2, sort_keys=True), encoding="utf-8"
        ),
        path.parent / "flows.parquet": lambda p: result.flows.to_parquet(p, index=False),
        path.parent / "profile.json": lambda p: p.write_text(
            json.dumps(
                {
                    "synthetic": result.metadata["synthetic"],
                    "source": result.metadata["source"],
                    "profiles": [pr.as_dict() for pr in result.profiles],
                },
                indent=2,
            ),
            encoding="utf-8",
        ),
    }
    write_all(targets)
