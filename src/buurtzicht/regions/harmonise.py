"""Harmonise gemeente figures of earlier years onto the 2024 indeling.

Gemeenten merge almost every year, so a trend per 2024 gemeente needs the figures of
earlier years converted. For every year we build conversion weights *source gemeente
(indeling of that year) -> target gemeente (2024)*, each source's weights summing to 1:

1. **Address-weighted** where a VNG boundary-change matrix exists (2016-2023): the
   share of the source gemeente's addresses that lie in each target gemeente.
2. **Population-weighted** otherwise (2012-2015, or a code missing from the matrix):
   every 2024 wijk is placed in the old gemeente that contains its representative point,
   and the old gemeente's weights are the shares of its 2024 inhabitants per target.
   A code that still exists and keeps at least 97 % of its population is taken as
   unchanged (simplified boundaries of different years differ by a few metres).

Counts are redistributed with these weights (so totals are conserved exactly); rates are
recomputed from the converted counts, never averaged. A target that receives a part of
a split source is marked ``estimated``. See docs/harmonisation.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from buurtzicht.sources.observations import OBSERVATION_COLUMNS, Status, period_year

TARGET_INDELING = 2024
UNCHANGED_SHARE = 0.97
WEIGHT_COLUMNS = ["year", "source_code", "target_code", "weight", "method"]


@dataclass(frozen=True)
class RateRule:
    """A relative measure recomputed from converted counts: ``numerator / denominator * scale``.

    ``denominator`` may be ``implied``: the base is derived per source region from the
    published count and rate (count * scale / rate), which recovers the base CBS used.
    """

    measure: str
    numerator: str
    denominator: str
    scale: float


def matrix_weights(matrix: pd.DataFrame) -> pd.DataFrame:
    """Weights from a long boundary-change matrix (year, source, target, addresses)."""
    frame = matrix.rename(columns={"jaar_van": "year"})[
        ["year", "source_code", "target_code", "n"]
    ].copy()
    totals = frame.groupby(["year", "source_code"])["n"].transform("sum")
    frame["weight"] = frame["n"] / totals
    frame["method"] = "adressen"
    return frame[frame["weight"] > 0][WEIGHT_COLUMNS].reset_index(drop=True)


def overlay_weights(
    year: int,
    old_gemeenten: pd.DataFrame,
    wijken: pd.DataFrame,
    current_codes: Iterable[str],
) -> pd.DataFrame:
    """Population weights of old gemeenten onto 2024 gemeenten.

    ``old_gemeenten``: code, geometry (the old indeling); ``wijken``: code, gemeente
    (2024), population, geometry (2024 wijken).
    """
    points = shapely.point_on_surface(np.asarray(wijken["geometry"]))
    tree = STRtree(np.asarray(old_gemeenten["geometry"]))
    wijk_idx, old_idx = tree.query(points, predicate="within")
    placed = pd.DataFrame(
        {
            "source_code": old_gemeenten["code"].to_numpy()[old_idx],
            "target_code": wijken["gemeente"].to_numpy()[wijk_idx],
            "population": wijken["population"].to_numpy()[wijk_idx],
        }
    )
    shares = placed.groupby(["source_code", "target_code"], as_index=False)["population"].sum()
    totals = shares.groupby("source_code")["population"].transform("sum")
    shares["weight"] = shares["population"] / totals
    shares = shares[shares["weight"] > 0]
    current = set(current_codes)
    unchanged = shares[
        (shares["source_code"] == shares["target_code"])
        & shares["source_code"].isin(current)
        & (shares["weight"] >= UNCHANGED_SHARE)
    ]["source_code"]
    shares = shares[~shares["source_code"].isin(unchanged)]
    identity = pd.DataFrame({"source_code": unchanged, "target_code": unchanged, "weight": 1.0})
    shares = pd.concat([shares.assign(method="inwoners"), identity.assign(method="ongewijzigd")])
    return shares.assign(year=year)[WEIGHT_COLUMNS].reset_index(drop=True)


def weights_for_year(
    year: int,
    codes: Iterable[str],
    current_codes: Iterable[str],
    matrix: pd.DataFrame,
    overlay: pd.DataFrame | None,
) -> pd.DataFrame:
    """Weights for every gemeente code that carries figures in ``year``.

    Matrix weights first; a code absent from the matrix that still exists in 2024 is
    unchanged; anything else comes from the population overlay.
    """
    codes = sorted(set(codes))
    current = set(current_codes)
    from_matrix = matrix[(matrix["year"] == year) & matrix["source_code"].isin(codes)]
    has_matrix = year in set(matrix["year"])
    rest = [c for c in codes if c not in set(from_matrix["source_code"])]
    parts = [from_matrix]
    if year == TARGET_INDELING:
        rest_identity, rest = rest, []
    elif has_matrix:
        rest_identity = [c for c in rest if c in current]
        rest = [c for c in rest if c not in current]
    else:
        rest_identity = []
    parts.append(
        pd.DataFrame(
            {
                "year": year,
                "source_code": rest_identity,
                "target_code": rest_identity,
                "weight": 1.0,
                "method": "ongewijzigd",
            }
        )
    )
    if rest:
        if overlay is None:
            raise ValueError(f"no conversion for {year} gemeenten {rest[:5]}: geometry needed")
        parts.append(overlay[overlay["source_code"].isin(rest)])
        unresolved = set(rest) - set(overlay["source_code"])
        if unresolved:
            raise ValueError(
                f"gemeenten of {year} without a conversion to 2024: {sorted(unresolved)[:5]}"
            )
    return pd.concat(parts, ignore_index=True)[WEIGHT_COLUMNS]


def harmonise(
    observations: pd.DataFrame,
    weights: pd.DataFrame,
    *,
    counts: Iterable[str],
    rates: Iterable[RateRule] = (),
    source: str = "harmonised",
) -> pd.DataFrame:
    """Convert gemeente observations of their own indeling to the 2024 indeling.

    ``observations`` are gemeente rows with ``indeling`` equal to their year; rows
    without a value are not part of that year's indeling and are ignored.
    """
    frame = observations[observations["value"].notna()].copy()
    frame["year"] = frame["period"].map(period_year)
    rates = list(rates)
    implied = _implied_bases(frame, rates)
    count_set = set(counts) | set(implied["measure"])
    stacked = pd.concat([frame, implied])
    converted = _redistribute(stacked[stacked["measure"].isin(count_set)], weights)
    recomputed = [_recompute(converted, rule) for rule in rates]
    result = pd.concat([converted, *recomputed], ignore_index=True)
    result = result[~result["measure"].str.startswith("_implied.")]
    return result.assign(indeling=TARGET_INDELING, source=source)[OBSERVATION_COLUMNS]


def _implied_bases(frame: pd.DataFrame, rates: list[RateRule]) -> pd.DataFrame:
    parts = []
    for rule in (r for r in rates if r.denominator == "implied"):
        wide = frame[frame["measure"].isin([rule.numerator, rule.measure])].pivot_table(
            index=["region", "period", "year"], columns="measure", values="value"
        )
        if rule.numerator not in wide or rule.measure not in wide:
            continue
        wide = wide[wide[rule.measure] > 0]
        base = wide[rule.numerator] * rule.scale / wide[rule.measure]
        parts.append(
            base.rename("value")
            .reset_index()
            .assign(measure=f"_implied.{rule.measure}", status="ok")
        )
    return pd.concat(parts) if parts else pd.DataFrame(columns=[*frame.columns])


def _redistribute(frame: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    joined = frame.merge(
        weights, left_on=["year", "region"], right_on=["year", "source_code"], how="left"
    )
    unmatched = joined["target_code"].isna()
    if unmatched.any():
        row = joined[unmatched].iloc[0]
        raise ValueError(f"no harmonisation weights for {row['region']} in {row['year']}")
    joined["part"] = joined["value"] * joined["weight"]
    joined["split"] = joined["weight"] < 1.0 - 1e-9
    grouped = joined.groupby(["measure", "target_code", "period"], as_index=False).agg(
        value=("part", "sum"), split=("split", "any"), provisional=("status", _any_provisional)
    )
    grouped["status"] = np.select(
        [grouped["split"], grouped["provisional"]],
        [Status.ESTIMATED.value, Status.PROVISIONAL.value],
        Status.OK.value,
    )
    return grouped.rename(columns={"target_code": "region"})[
        ["measure", "region", "period", "value", "status"]
    ]


def _any_provisional(statuses: pd.Series) -> bool:
    return bool((statuses == Status.PROVISIONAL.value).any())


def _recompute(converted: pd.DataFrame, rule: RateRule) -> pd.DataFrame:
    denominator = f"_implied.{rule.measure}" if rule.denominator == "implied" else rule.denominator
    keyed = converted.set_index(["measure", "region", "period"])
    try:
        numerator = keyed.loc[rule.numerator]
        base = keyed.loc[denominator]
    except KeyError:
        return pd.DataFrame(columns=converted.columns)
    both = numerator.merge(base, left_index=True, right_index=True, suffixes=("_n", "_d"))
    both = both[both["value_d"] > 0]
    value = both["value_n"] / both["value_d"] * rule.scale
    status = np.where(
        (both["status_n"] == Status.OK.value) & (both["status_d"] == Status.OK.value),
        Status.OK.value,
        Status.ESTIMATED.value,
    )
    out = pd.DataFrame({"value": value, "status": status}, index=both.index).reset_index()
    return out.assign(measure=rule.measure)


def summarise(weights: pd.DataFrame) -> Mapping[str, int]:
    """How many source gemeenten each method converted (for build reports)."""
    counts = weights.groupby("method")["source_code"].nunique()
    return {str(method): int(n) for method, n in counts.items()}
