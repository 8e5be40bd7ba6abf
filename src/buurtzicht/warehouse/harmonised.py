"""The harmonisation step of a build: gemeente series of 2012-2023 onto the 2024 indeling."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from buurtzicht.regions.codes import special_kind
from buurtzicht.regions.harmonise import (
    TARGET_INDELING,
    RateRule,
    harmonise,
    matrix_weights,
    overlay_weights,
    weights_for_year,
)
from buurtzicht.sources.base import Batch
from buurtzicht.sources.observations import period_year

FIRST_YEAR = 2012
#: Gemeenten that got a new code without a change of territory, so no mirrored
#: geometry carries the old code: the successor's geometry stands in for it.
#: Source: CBS, Gemeentelijke indelingen per jaar (naamswijzigingen).
RENUMBERED = {
    "GM1921": "GM1940",  # De Friese Meren (2014) became De Fryske Marren on 2015-01-01
}
#: Additive measures redistributed with the weights.
COUNT_MEASURES = (
    "misdrijven.TotaalGeregistreerdeMisdrijven",
    "misdrijven.TotaalOpgehelderdeMisdrijven",
    "misdrijven.RegistratiesVanVerdachten",
    "kwb.AantalInwoners",
    "gebieden.Inwonertal",
)
COUNT_PREFIXES = ("politie.misdrijven.",)
#: Relative measures recomputed from the converted counts.
RATE_RULES = (
    RateRule(
        "misdrijven.GeregistreerdeMisdrijvenPer1000Inw",
        "misdrijven.TotaalGeregistreerdeMisdrijven",
        "implied",
        1000.0,
    ),
    RateRule(
        "misdrijven.OpgehelderdeMisdrijvenRelatief",
        "misdrijven.TotaalOpgehelderdeMisdrijven",
        "misdrijven.TotaalGeregistreerdeMisdrijven",
        100.0,
    ),
)


@dataclass(frozen=True)
class HarmonisationResult:
    batch: Batch
    weights: pd.DataFrame


def harmonise_gemeenten(
    batches: list[Batch],
    matrix: pd.DataFrame,
    gemeente_geometry: dict[int, pd.DataFrame],
    wijken_2024: pd.DataFrame,
    current_codes: set[str],
) -> HarmonisationResult:
    """Convert every gemeente series of 2012-2023 in ``batches`` to the 2024 indeling.

    ``gemeente_geometry``: year -> (code, geometry) of that year's gemeenten (mirrored
    years only); ``wijken_2024``: code, gemeente, population, geometry.
    """
    observations = _gemeente_series(batches)
    matrix_w = matrix_weights(matrix)
    parts = []
    for year, group in observations.groupby(observations["period"].map(period_year)):
        codes = set(group.loc[group["value"].notna(), "region"])
        overlay = None
        if year not in set(matrix_w["year"]):
            old = _old_gemeenten(int(year), codes, gemeente_geometry)
            overlay = overlay_weights(int(year), old, wijken_2024, current_codes)
        parts.append(weights_for_year(int(year), codes, current_codes, matrix_w, overlay))
    weights = pd.concat(parts, ignore_index=True)
    converted = harmonise(
        observations,
        weights,
        counts=sorted(set(observations["measure"]) - {r.measure for r in RATE_RULES}),
        rates=RATE_RULES,
        source="harmonised:2024",
    )
    notes = [
        f"{year}: {n} gemeenten"
        for year, n in weights.groupby("year")["source_code"].nunique().items()
    ]
    batch = Batch("harmonisatie", converted, [], [], notes)
    return HarmonisationResult(batch, weights)


def _is_count(measure: str) -> bool:
    return measure in COUNT_MEASURES or measure.startswith(COUNT_PREFIXES)


def _gemeente_series(batches: list[Batch]) -> pd.DataFrame:
    wanted = {r.measure for r in RATE_RULES}
    frames = []
    for batch in batches:
        obs = batch.observations
        mask = (
            obs["region"].str.startswith("GM")
            & obs["region"].map(lambda code: special_kind(code) is None)
            & (obs["indeling"] != TARGET_INDELING)
            & obs["period"].str.endswith("JJ00")
            & (obs["measure"].map(_is_count) | obs["measure"].isin(wanted))
        )
        frames.append(obs[mask])
    frame = pd.concat(frames, ignore_index=True)
    years = frame["period"].map(period_year)
    return frame[(years >= FIRST_YEAR) & (years < TARGET_INDELING)]


def _old_gemeenten(year: int, codes: set[str], geometry: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Geometry of the gemeenten of ``year``: per code the nearest mirrored year,
    preferring the latest year not after ``year``."""
    order = sorted(geometry, key=lambda y: (y > year, abs(y - year)))
    rows = []
    for code in sorted(codes):
        for lookup in (code, RENUMBERED.get(code)):
            shape = _nearest_shape(lookup, order, geometry)
            if shape is not None:
                rows.append((code, shape))
                break
    return pd.DataFrame(rows, columns=["code", "geometry"])


def _nearest_shape(
    code: str | None, order: list[int], geometry: dict[int, pd.DataFrame]
) -> object | None:
    for candidate in order:
        match = geometry[candidate][geometry[candidate]["code"] == code]
        if not match.empty:
            return match["geometry"].iloc[0]
    return None
