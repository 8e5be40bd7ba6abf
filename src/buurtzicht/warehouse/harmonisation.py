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

The build step (:func:`harmonise_gemeenten`) applies this to the gemeente series of
2012-2023 of the mirror.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from buurtzicht.regions.codes import special_kind
from buurtzicht.sources.base import Batch
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
