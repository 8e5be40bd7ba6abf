"""Match buurt boundaries of other years to the buurten of an indeling.

A buurt layer drawn for another year (the CBS layer of 2019) is matched by code. CBS
mostly keeps a code when the buurt stays the same, but sometimes re-uses a code for an
area that moved, or even for another place. So a boundary from another year is
accepted only when at least :data:`MIN_WIJK_SHARE` of its area lies inside the wijk the
buurt belongs to in the indeling (when that wijk's boundary is known); otherwise the
buurt gets no boundary and the reason ``moved``. Buurten whose code is in no layer get
the reason ``no_boundary``. Every buurt of the indeling is accounted for in the
coverage frame.

Examples
--------
>>> import pandas as pd
>>> from shapely.geometry import box
>>> layers = pd.DataFrame({
...     "code": ["BU00010001", "BU00010002"], "name": [None, None],
...     "geometry": [box(0, 0, 1, 1), box(5, 5, 6, 6)],
...     "source": "cbs-2019", "source_year": 2019})
>>> buurten = pd.DataFrame({"code": ["BU00010001", "BU00010002", "BU00010003"],
...     "name": ["Noord", "Zuid", "Nieuw"], "wijk": "WK000100"})
>>> wijken = pd.DataFrame({"code": ["WK000100"], "geometry": [box(0, 0, 2, 2)]})
>>> match = match_buurten(layers, buurten, 2024, wijken)
>>> match.boundaries[["code", "name", "source"]].values.tolist()
[['BU00010001', 'Noord', 'cbs-2019']]
>>> match.coverage.set_index("code")["reason"].to_dict()
{'BU00010001': None, 'BU00010002': 'moved', 'BU00010003': 'no_boundary'}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

#: Share of a boundary from another year that must lie inside its wijk of the indeling.
MIN_WIJK_SHARE = 0.5
#: Reasons a buurt of the indeling has no boundary.
REASONS = ("no_boundary", "moved")
COVERAGE_COLUMNS = ["code", "source", "source_year", "wijk_share", "reason"]
BOUNDARY_COLUMNS = ["code", "level", "year", "name", "geometry", "source", "source_year"]


@dataclass(frozen=True)
class BuurtMatch:
    """Boundaries of the buurten of one indeling, and every buurt's coverage.

    Attributes
    ----------
    boundaries : one row per buurt with a boundary (:data:`BOUNDARY_COLUMNS`)
    coverage : one row per buurt of the indeling (:data:`COVERAGE_COLUMNS`); ``source``
        is None and ``reason`` one of :data:`REASONS` for buurten without a boundary
    """

    boundaries: pd.DataFrame
    coverage: pd.DataFrame


def wijk_shares(geometries: pd.Series, wijk_geometries: pd.Series) -> np.ndarray:
    """Share of each geometry's area inside the paired wijk geometry (NaN without one)."""
    shares = np.full(len(geometries), np.nan)
    known = wijk_geometries.notna().to_numpy()
    if known.any():
        own = np.asarray(geometries, dtype=object)[known]
        wijk = np.asarray(wijk_geometries, dtype=object)[known]
        inside = shapely.area(shapely.intersection(own, wijk))
        shares[known] = inside / np.maximum(shapely.area(own), 1e-18)
    return shares


def match_buurten(
    layers: pd.DataFrame, buurten: pd.DataFrame, indeling: int, wijken: pd.DataFrame | None
) -> BuurtMatch:
    """Boundaries for ``buurten`` (code, name, wijk of one indeling) from ``layers``.

    ``layers`` has the columns of :data:`buurtzicht.sources.buurt_boundaries.LAYER_COLUMNS`;
    ``wijken`` (code, geometry) are the wijk boundaries of the same indeling, or None.
    """
    frame = buurten[["code", "name", "wijk"]].merge(
        layers.drop(columns="name"), on="code", how="left"
    )
    other_year = frame["source"].notna() & (frame["source_year"] != indeling)
    wijk_geometry = pd.Series(None, index=frame.index, dtype=object)
    if wijken is not None:
        lookup = dict(zip(wijken["code"], wijken["geometry"], strict=True))
        wijk_geometry = frame["wijk"].map(lookup).where(other_year, None)
    frame["wijk_share"] = np.nan
    checked = other_year & wijk_geometry.notna()
    frame.loc[checked, "wijk_share"] = wijk_shares(
        frame.loc[checked, "geometry"], wijk_geometry[checked]
    )
    frame["reason"] = None
    frame.loc[frame["source"].isna(), "reason"] = "no_boundary"
    frame.loc[checked & (frame["wijk_share"] < MIN_WIJK_SHARE), "reason"] = "moved"
    kept = frame[frame["reason"].isna()]
    boundaries = kept.assign(level="buurt", year=indeling)[BOUNDARY_COLUMNS]
    coverage = frame.assign(
        source=frame["source"].where(frame["reason"].isna(), None),
        source_year=frame["source_year"].where(frame["reason"].isna()),
    )[COVERAGE_COLUMNS]
    return BuurtMatch(boundaries.reset_index(drop=True), coverage.reset_index(drop=True))
