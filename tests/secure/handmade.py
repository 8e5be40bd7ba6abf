"""A hand-made secure folder: aggregates of every catalog measure for one small wijk.

Two buurten of one wijk of GM0363 and their roll-up to the wijk, the gemeente and
Nederland, two periods; the table totals of the secure pipeline add up. Small enough
that disclosure control takes a second, so the publication step can be tested without
a synthetic world.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.microdata.store import aggregates_path

TOTALS = {
    "secure.basis.woningen": [
        f"secure.vastgoed.woningen_eigenaar_{c}"
        for c in ("persoon", "woningcorporatie", "stichting", "bedrijf", "onbekend", "buitenland")
    ],
    "secure.drugs.registraties": [
        "secure.drugs.registraties_pleeg_eigen_gemeente",
        "secure.drugs.registraties_pleeg_andere_gemeente",
    ],
}
BUURTEN = ("BU03630000", "BU03630001")
PARENTS = ("WK036300", "GM0363", "NL01")
PERIODS = ("2023JJ00", "2024JJ00")
SOURCE = "synthetic:1:0.5"


def _buurt_values(n: int, measure: str) -> tuple[float, float]:
    """Counts per buurt: large enough for some cells, small for others (3 -> suppressed)."""
    base = 40 + (n * 7) % 60
    return float(base), float(3 if n % 5 == 0 else base // 2)


def aggregates_frame() -> pd.DataFrame:
    measures = [m for m in default_catalog().measures if m not in TOTALS]
    rows = []
    for period in PERIODS:
        values: dict[str, tuple[float, float]] = {
            m: _buurt_values(n, m) for n, m in enumerate(measures)
        }
        for total, parts in TOTALS.items():
            values[total] = tuple(sum(values[p][i] for p in parts) for i in (0, 1))  # type: ignore[assignment]
        for measure, (a, b) in values.items():
            amount = measure.endswith("_bedrag")
            for region, value in zip(
                (*BUURTEN, *PARENTS), (a, b, a + b, a + b, a + b), strict=True
            ):
                value = value * 1000 if amount else value
                units = int(value // 1000) if amount else int(value)
                top = 1000.0 if amount else 1.0
                rows.append((measure, region, period, value, units, top, top))
    frame = pd.DataFrame(
        rows, columns=["measure", "region", "period", "value", "n_units", "top1", "top2"]
    )
    return frame.assign(source=SOURCE)


def write_secure_folder(settings: Settings) -> Path:
    """Write ``aggregates.parquet`` and its sidecar into ``<home>/secure``."""
    path = aggregates_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = aggregates_frame()
    frame.to_parquet(path, index=False)
    meta = {
        "synthetic": True,
        "source": SOURCE,
        "label": "SYNTHETISCH / SYNTHETIC - not real figures",
        "periods": list(PERIODS),
        "measures": sorted(frame["measure"].unique()),
        "totals": TOTALS,
    }
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return path
