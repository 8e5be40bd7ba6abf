"""Model results per region, as secure aggregates (cells) and as the secure-side area table.

Expected counts are computed per buurt and summed to wijk, gemeente and Nederland, so
that they add up like every other secure aggregate (disclosure control relies on it).
The explanation of a larger area is the expected-weighted mean of its buurten's
contributions: what drives the cases expected there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from buurtzicht.regions.codes import NEDERLAND, gemeente_of, wijk_of
from buurtzicht.secure.models.areas import THEMES, Theme
from buurtzicht.secure.models.zoekgebieden import explain

SUMS = ["expected", "observed", "units", "gemist"]
YOUTH_MEASURE = "secure.jonge_aanwas.verwacht"


def _levels(codes: pd.Series) -> list[pd.Series]:
    code = codes.astype(str)
    return [code, code.map(wijk_of), code.map(gemeente_of), pd.Series(NEDERLAND, code.index)]


def theme_frame(scored: pd.DataFrame, theme: Theme, year: int) -> pd.DataFrame:
    """Buurt scores of one theme and year, summed to every level and explained."""
    buurten = scored.reset_index()
    buurten = buurten[buurten["region"].astype(str).str.startswith("BU")]
    contrib = [c for c in buurten.columns if c.startswith("c.")]
    weighted = buurten[contrib].mul(buurten["expected"], axis=0)
    parts = []
    for region in _levels(buurten["region"]):
        sums = buurten[SUMS].groupby(region.to_numpy()).sum()
        mix = (
            weighted.groupby(region.to_numpy())
            .sum()
            .div(sums["expected"].clip(lower=1e-12), axis=0)
        )
        parts.append(pd.concat([sums, mix], axis=1))
    frame = pd.concat(parts).rename_axis("region").reset_index()
    frame = explain(frame).drop(columns=contrib)
    return frame.assign(theme=theme.name, year=year, excess=frame["expected"] - frame["observed"])


def zoek_cells(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Expected counts per theme (and witwas' observed count) as aggregate cells."""
    out = []
    by_name = {t.name: t for t in THEMES}
    for theme_name, part in frame.groupby("theme"):
        theme = by_name[str(theme_name)]
        per_unit = part["expected"] / part["units"].clip(lower=1)
        second = per_unit.where(part["units"] >= 2, 0.0)
        out.append(_cells(part, theme.expected_measure, part["expected"], part["units"],
                          per_unit, second, source))  # fmt: skip
        if theme.observed_measure.startswith("secure.zoekgebieden."):
            one = pd.Series(1.0, part.index).where(part["observed"] > 0, 0.0)
            out.append(_cells(part, theme.observed_measure, part["observed"], part["observed"],
                              one, one.where(part["observed"] > 1, 0.0), source))  # fmt: skip
    cells = pd.concat(out, ignore_index=True)
    return cells[cells["n_units"] > 0].reset_index(drop=True)


def _cells(part, measure, value, units, top1, top2, source) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.DataFrame(
        {
            "measure": measure,
            "region": part["region"].astype(str).to_numpy(),
            "period": [f"{y}JJ00" for y in part["year"]],
            "value": np.asarray(value, float),
            "n_units": np.asarray(units, float).round().astype(np.int64),
            "top1": np.asarray(top1, float),
            "top2": np.asarray(top2, float),
            "source": source,
        }
    )


def youth_cells(scored: pd.DataFrame, source: str, year: int) -> pd.DataFrame:
    """Expected first drug registrations among persons 8-23 per region (sum of scores).

    ``top1`` and ``top2`` are the two largest single scores, for the dominance rules.
    """
    ordered = scored.sort_values("probability", ascending=False, kind="stable")
    rows = []
    for region in _levels(ordered["buurt"]):
        frame = ordered.assign(region=region.to_numpy())
        grouped = frame.groupby("region")["probability"]
        second = frame[grouped.cumcount().to_numpy() == 1].set_index("region")["probability"]
        sums = pd.DataFrame({"value": grouped.sum(), "n_units": grouped.size(),
                             "top1": grouped.first()})  # fmt: skip
        rows.append(sums.assign(top2=second.reindex(sums.index).fillna(0.0)))
    frame = pd.concat(rows).rename_axis("region").reset_index()
    return frame.assign(measure=YOUTH_MEASURE, period=f"{year}JJ00", source=source)[
        ["measure", "region", "period", "value", "n_units", "top1", "top2", "source"]
    ]


def write_aggregates(frame: pd.DataFrame, metadata: dict[str, Any], path: Path) -> None:
    """The aggregates file with its metadata key, as ``secure link`` writes it."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = json.dumps(metadata, sort_keys=True).encode()
    pq.write_table(
        table.replace_schema_metadata({**(table.schema.metadata or {}), b"buurtzicht": meta}), path
    )
