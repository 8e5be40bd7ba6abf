"""Compute indicator values from warehouse observations.

For every region, period and indeling where the inputs exist, an indicator is
``scale x numerator / denominator``. Larger areas (provincie, politie-eenheid,
veiligheidsregio, landsdeel, Nederland) take the figure the source publishes for them;
where the source publishes none they are built from their gemeenten as
``sum(numerator) / sum(denominator)``, never as a mean of ratios, and only when every
gemeente of the area has a figure (a partial sum would be biased, so it is left out).
A missing input gives no value, never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from buurtzicht.indicators.model import Formula, Indicator, PublishedAs
from buurtzicht.regions.codes import NEDERLAND, Level, level_of

KEY = ["region", "period", "indeling"]
VALUE_COLUMNS = [
    "indicator",
    "region",
    "level",
    "period",
    "indeling",
    "value",
    "numerator",
    "denominator",
    "status",
    "method",
]
#: Parent columns of the ``regions`` table and the level each one names.
PARENTS: dict[str, Level] = {
    "provincie": Level.PROVINCIE,
    "politie_eenheid": Level.POLITIE_EENHEID,
    "veiligheidsregio": Level.VEILIGHEIDSREGIO,
    "landsdeel": Level.LANDSDEEL,
    "corop": Level.COROP,
}
_BAD_STATUS = ("suppressed", "secret")


def read_observations(conn: duckdb.DuckDBPyConnection, measures: Sequence[str]) -> pd.DataFrame:
    """Observations of the given measures, in the long shape of docs/data-model.md."""
    if not measures:
        return pd.DataFrame(columns=["measure", *KEY, "value", "status"])
    return conn.execute(
        "SELECT measure, region, period, indeling, value, status FROM observations "
        "WHERE measure IN (SELECT unnest(?::VARCHAR[]))",
        [list(measures)],
    ).df()


def _wide(obs: pd.DataFrame, measures: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and statuses as one column per measure, indexed by region/period/indeling."""
    sub = obs[obs["measure"].isin(measures)]
    values = sub.pivot_table(index=KEY, columns="measure", values="value", aggfunc="first")
    status = sub.pivot_table(index=KEY, columns="measure", values="status", aggfunc="first")
    for m in measures:
        if m not in values:
            values[m] = np.nan
        if m not in status:
            status[m] = None
    return values[list(measures)], status[list(measures)]


def _sum_all(values: pd.DataFrame, measures: Sequence[str]) -> pd.Series:
    """Sum of measures per row; NaN unless every measure has a figure."""
    return (
        values[list(measures)]
        .sum(axis=1, min_count=len(measures))
        .where(values[list(measures)].notna().all(axis=1))
    )


def evaluate_formula(obs: pd.DataFrame, formula: Formula) -> pd.DataFrame:
    """Numerator, denominator and value of one formula wherever its inputs exist.

    Returns a frame indexed by (region, period, indeling) with columns ``numerator``,
    ``denominator`` (NaN without one), ``value`` and ``status``.
    """
    values, status = _wide(obs, formula.measures)
    num = _sum_all(values, formula.numerator)
    den = pd.Series(np.nan, index=values.index)
    if formula.denominator:
        den = _sum_all(values, formula.denominator)
        for alternative in formula.denominator_alternatives:
            den = den.fillna(values[alternative])
        den = den.where(den > 0)
    value = formula.scale * (num / den if formula.denominator else num)
    # A published share or mean is shown as published (no float round trip), even where
    # its weight is missing; the rebuilt count is only needed to add regions up.
    if formula.published_as is PublishedAs.PERCENTAGE:
        value = formula.scale / 100.0 * num
        num = num / 100.0 * den
    elif formula.published_as is PublishedAs.MEAN:
        value = formula.scale * num
        num = num * den
    out = pd.DataFrame({"numerator": num, "denominator": den, "value": value})
    out["status"] = _row_status(status, out["value"])
    return out


def _row_status(status: pd.DataFrame, value: pd.Series) -> pd.Series:
    """Carry the most telling input status: why a figure is absent, or how it was made."""
    result = pd.Series("ok", index=value.index, dtype="object")
    for kind in ("provisional", "estimated"):
        result[(status == kind).any(axis=1)] = kind
    result[value.isna()] = "missing"
    for kind in _BAD_STATUS:
        result[value.isna() & (status == kind).any(axis=1)] = kind
    return result


def direct_values(obs: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Figures per region from the formula, or from the next alternative where it has none."""
    combined: pd.DataFrame | None = None
    for n, formula in enumerate(indicator.formulas):
        frame = evaluate_formula(obs, formula)
        frame["method"] = "direct" if n == 0 else f"alternative_{n}"
        if combined is None:
            combined = frame
            continue
        frame = frame[frame["value"].notna()]
        new = frame.index.difference(combined.index)
        holes = combined.index[combined["value"].isna()].union(new)
        take = frame.loc[frame.index.intersection(holes)]
        combined = pd.concat([combined.drop(take.index, errors="ignore"), take])
    assert combined is not None
    return combined


def read_regions(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ``regions`` table (code, indeling, level, parents, stedelijkheid, special)."""
    return conn.execute("SELECT * FROM regions").df()


def _levels(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.Series:
    lookup = regions.set_index(["code", "indeling"])["level"]
    keys = pd.MultiIndex.from_arrays([frame["region"], frame["indeling"]])
    known = pd.Series(lookup.reindex(keys).to_numpy(), index=frame.index)
    by_prefix = frame["region"].map(lambda c: level_of(c).value)
    return known.fillna(by_prefix)


def _combined_status(statuses: pd.Series) -> str:
    """An area sum is provisional or estimated when any of its gemeenten is."""
    for kind in ("provisional", "estimated"):
        if (statuses == kind).any():
            return kind
    return "ok"


def aggregate_gemeenten(
    gemeenten: pd.DataFrame, regions: pd.DataFrame, *, has_denominator: bool = True
) -> pd.DataFrame:
    """Areas built from complete sets of gemeenten: sum(numerator) / sum(denominator).

    ``gemeenten`` holds gemeente rows (region, period, indeling, numerator,
    denominator, value, status). An area gets a figure only if all of its ordinary
    gemeenten (not buitenland/onbekend) of that indeling have a numerator (and a
    denominator, when the formula has one).
    """
    members = regions[(regions["level"] == Level.GEMEENTE.value) & regions["special"].isna()]
    members = members.assign(land=NEDERLAND)
    empty = pd.DataFrame(columns=[*KEY, "numerator", "denominator", "level", "status"])
    if members.empty or gemeenten.empty:
        return empty
    usable = gemeenten["numerator"].notna()
    if has_denominator:
        usable &= gemeenten["denominator"].notna()
    have = gemeenten[usable].merge(
        members, left_on=["region", "indeling"], right_on=["code", "indeling"]
    )
    pieces = []
    for column, level in [*PARENTS.items(), ("land", Level.LAND)]:
        if column not in members:
            continue
        expected = members.groupby([column, "indeling"]).size().rename("expected")
        got = have.groupby([column, "period", "indeling"]).agg(
            numerator=("numerator", "sum"),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            n=("region", "size"),
            status=("status", _combined_status),
        )
        got = got.reset_index().merge(expected.reset_index(), on=[column, "indeling"])
        got = got[got["n"] == got["expected"]].rename(columns={column: "region"})
        got["level"] = level.value
        pieces.append(got)
    pieces = [p for p in pieces if len(p)]
    return pd.concat(pieces, ignore_index=True) if pieces else empty


def compute_indicator(
    obs: pd.DataFrame, regions: pd.DataFrame, indicator: Indicator
) -> pd.DataFrame:
    """All figures of one indicator: direct, then areas built from their gemeenten."""
    direct = direct_values(obs, indicator).reset_index()
    direct = direct[direct["value"].notna() | direct["status"].isin(_BAD_STATUS)]
    direct["level"] = _levels(direct, regions) if len(direct) else []
    if indicator.formula.aggregates and len(direct):
        has_den = indicator.formula.denominator is not None
        gemeenten = direct[direct["level"] == Level.GEMEENTE.value]
        agg = aggregate_gemeenten(gemeenten, regions, has_denominator=has_den)
        agg = agg.merge(direct[KEY], on=KEY, how="left", indicator=True)
        agg = agg[agg["_merge"] == "left_only"].drop(columns="_merge")
        if len(agg):
            scale = indicator.formula.scale
            ratio = agg["numerator"] / agg["denominator"] if has_den else agg["numerator"]
            agg["value"] = scale * ratio
            agg["method"] = "aggregated"
            direct = pd.concat([direct, agg[direct.columns.intersection(agg.columns)]])
    direct["indicator"] = indicator.id
    out = direct.reindex(columns=VALUE_COLUMNS)
    out["indeling"] = out["indeling"].astype("int32")
    return out.sort_values(["level", "region", "period"]).reset_index(drop=True)


def compute_indicator_values(
    conn: duckdb.DuckDBPyConnection, indicators: Sequence[Indicator]
) -> pd.DataFrame:
    """Figures of several indicators for every region, period and indeling in the warehouse."""
    regions = read_regions(conn)
    frames = []
    for indicator in indicators:
        obs = read_observations(conn, indicator.measures)
        if obs.empty:
            continue
        frames.append(compute_indicator(obs, regions, indicator))
    if not frames:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
