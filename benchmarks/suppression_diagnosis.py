"""Why cells are suppressed: secondary suppressions by cause, and which no engine can avoid.

Runs primary and secondary suppression of the catalog release (as ``secure publish``
does, in one process: the lanes give the same result) and prints

* per level, the secondary suppressions by the step of the engine that chose them
  (the chain of engine functions on the stack when the cell was first suppressed:
  ``protect_trees`` is the tree pass, ``protect_block`` a gemeente block or wijk
  family, ``_move`` the top table for a gemeente-level cell, ``through`` a block job
  carried through the top table, ``protect`` the neighbourhoods);
* for the tree-shaped measures, the gemeente and wijk cells that are *forced*: with
  that cell published (and the Netherlands), known to its rounding interval, and
  every cell below it free to be published or suppressed, some primary cell below
  cannot reach its protection level (exact tree intervals, the levels capped a priori
  as the engine caps them). No choice of complements can publish such a cell under
  the same rules. Also the count when published cells are taken as known exactly;
* per measure with a typical gemeente of >= 10 units (as ``release_utility.py``), the
  gemeente cells: primary, secondary (forced), published, and the most that could be
  published (all cells but the primary and the forced ones).

    BUURTZICHT_HOME=... .venv/bin/python benchmarks/suppression_diagnosis.py [--gemeenten 0599,0344]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.disclosure import search_state
from buurtzicht.disclosure.primary import apply_primary
from buurtzicht.disclosure.protect import prepare
from buurtzicht.disclosure.search import Search
from buurtzicht.disclosure.secondary import secondary_suppression
from buurtzicht.disclosure.tree import find_forest, tree_intervals
from buurtzicht.disclosure.tree_protect import tolerance
from buurtzicht.disclosure.zeros import publish_forced_zeros
from buurtzicht.microdata.store import aggregates_path
from buurtzicht.secure.publish import prepare_release
from buurtzicht.secure.published import read_aggregates_metadata

STEPS = {
    "protect_trees",
    "protect_gemeente_cells",
    "protect_cells",
    "beyond",
    "protect_block",
    "_move",
    "through",
    "protect",
    "retry_on_tables",
}
CAUSE: dict[int, str] = {}
TYPICAL_UNITS = 10


def _record(original: Any) -> Any:
    """``SearchState._suppress`` that remembers which engine step suppressed a cell first."""

    def suppress(self: Any, newly: np.ndarray) -> None:
        frame, names = sys._getframe(1), []
        while frame is not None:
            if "disclosure" in frame.f_code.co_filename:
                names.append(frame.f_code.co_name)
            frame = frame.f_back
        if "unite" not in names:  # a lane's cells, recorded in the lane already
            steps = ">".join(reversed([n for n in names if n in STEPS])) or "?"
            for cell in np.asarray(newly, dtype=np.int64).tolist():
                CAUSE.setdefault(cell, steps)
        original(self, newly)

    return suppress


def forced(cells: pd.DataFrame, search: Search, level: str, *, rounded: bool) -> np.ndarray:
    """Tree cells of ``level`` (GM or WK) that no engine can publish (see above).

    ``rounded=False``: a published cell is known exactly (complements only, as the
    engine chose them before it used rounding); ``True``: to its rounding interval,
    as the attacker and the audit know it, and every cell below free to be either
    published or suppressed (the hull of both intervals: a relaxation, so a cell
    found forced is forced).
    """
    forest, x = find_forest(search.structure), search.x
    movable = (search.finder.movable | search.reserved)[:, None]
    bounds = np.where(movable, search.bounds, x[:, None])
    a_low, a_high = tree_intervals(forest, bounds)
    primary = cells["primary"].to_numpy(bool) & forest.member
    up = np.where(primary, np.maximum(np.minimum(search.up, a_high - x), 0), 0.0)
    down = np.where(primary, np.maximum(np.minimum(search.down, x - a_low), 0), 0.0)
    shown = np.where(movable, search.shown, x[:, None]) if rounded else np.column_stack([x, x])
    below = np.column_stack(
        [np.minimum(bounds[:, 0], shown[:, 0]), np.maximum(bounds[:, 1], shown[:, 1])]
    )
    below = np.where(primary[:, None], bounds, below)
    prefix = cells["region"].str[:2].to_numpy()
    top = np.isin(prefix, ["NL", "GM"] + (["WK"] if level == "WK" else []))
    known = below.copy()
    known[top] = shown[top]
    low, high = tree_intervals(forest, known)
    short = primary & ~top & ((high < x + up - tolerance(x)) | (low > x - down + tolerance(x)))
    digits = 4 if level == "GM" else 6
    owner = level + cells["region"].str[2 : 2 + digits]
    key = pd.MultiIndex.from_arrays([cells["measure"], cells["period"], owner])[short]
    mine = pd.MultiIndex.from_arrays([cells["measure"], cells["period"], cells["region"]])
    return np.asarray(mine.isin(key.unique())) & (prefix == level) & forest.member


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", help="only these gemeenten (e.g. 0599,0344)")
    args = parser.parse_args()
    settings = Settings()
    aggregates = pd.read_parquet(aggregates_path(settings))
    metadata = read_aggregates_metadata(aggregates_path(settings))
    prepared = prepare_release(settings, aggregates, metadata, levels=("gemeente", "wijk", "buurt"))
    cells = prepared.cells
    if args.gemeenten:
        region = cells["region"].astype(str)
        chosen = [g.strip().removeprefix("GM") for g in args.gemeenten.split(",")]
        keep = region.str[:2].isin(["GM", "WK", "BU"]) & region.str[2:6].isin(chosen)
        cells = cells[keep.to_numpy()].reset_index(drop=True)
    release, context = prepared.release, prepared.context
    cells, structure, rules = prepare(cells, release.spec, context.hierarchy, release.rules)
    cells = publish_forced_zeros(apply_primary(cells, rules, context.population), structure, rules)
    search_state.SearchState._suppress = _record(search_state.SearchState._suppress)  # type: ignore[method-assign]
    result = secondary_suppression(cells, structure, rules, release.spec, workers=1)
    start = Search.start(cells, structure, rules)
    frame = cells[["measure", "region", "period", "value", "primary"]].assign(
        level=cells["region"].str[:2],
        secondary=result.reason == "secondary",
        cause=[CAUSE.get(i, "") for i in range(len(cells))],
        forced=forced(cells, start, "GM", rounded=True) | forced(cells, start, "WK", rounded=True),
        forced_exact=forced(cells, start, "GM", rounded=False)
        | forced(cells, start, "WK", rounded=False),
    )
    _print(frame, prepared.zeros_after)


def _print(frame: pd.DataFrame, zeros: pd.DataFrame) -> None:
    secondary = frame[frame["secondary"]]
    print("secondary suppressions by step and level")
    print(pd.crosstab(secondary["cause"], secondary["level"], margins=True).to_string())
    tree = secondary[secondary["cause"] == "protect_trees"]
    for level in ("GM", "WK"):
        at = tree[tree["level"] == level]
        print(
            f"{level}: tree pass {len(at):,}, of which forced {int(at['forced'].sum()):,} "
            f"(published cells known exactly: {int(at['forced_exact'].sum()):,})"
        )
    latest = frame[frame["period"] == frame.groupby("measure")["period"].transform("max")]
    national = latest[latest["region"] == "NL01"].set_index("measure")["value"]
    inhabitants = latest[latest["measure"] == "secure.basis.inwoners"].set_index("region")["value"]
    share = float(
        (
            inhabitants[inhabitants.index.str.startswith("GM")]
            / national.get("secure.basis.inwoners", np.nan)
        ).median()
    )
    gemeente = latest[latest["level"] == "GM"]
    empty = zeros[zeros["region"].str.startswith("GM")].merge(
        latest[["measure", "period"]].drop_duplicates()
    )
    empty_count = empty.groupby("measure").size()
    print(
        "\nmeasures with a typical gemeente of >= 10 units: gemeente cells, primary, "
        "secondary (forced), published, most possible"
    )
    for measure, cells in gemeente.groupby("measure"):
        if not national.get(measure, 0) * share >= TYPICAL_UNITS:
            continue
        n = len(cells) + int(empty_count.get(measure, 0))
        primary, secondary = int(cells["primary"].sum()), int(cells["secondary"].sum())
        unavoidable = int((cells["secondary"] & cells["forced"]).sum())
        shown = n - primary - secondary
        most = n - primary - unavoidable
        print(
            f"  {measure:62s} {n:4d} {primary:4d} {secondary:4d} ({unavoidable:4d}) "
            f"{shown / n:6.1%} {most / n:6.1%}"
        )


if __name__ == "__main__":
    main()
