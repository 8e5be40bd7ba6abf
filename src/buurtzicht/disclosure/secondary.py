"""Secondary suppression: complementary cells so that no primary cell can be recomputed.

Method: for each primary cell ``s`` and each direction, find the cheapest change ``y``
of the table that keeps every relation, moves ``s`` by its protection level and only
moves cells that are suppressed or are then suppressed, within what the attacker knows
about each (:mod:`buurtzicht.disclosure.knowledge`). Such a ``y`` is a certificate: the
table ``x + y`` is consistent with everything published, so the attacker's interval
for ``s`` reaches ``x_s ± level``. Cells already suppressed cost (almost) nothing; a
new cell costs its information loss ``1 + log(1 + value)``, which prefers few, small
cells. The certificates stay valid as suppression only grows, so when every primary
cell has its two certificates, the whole table is protected; the audit checks it.

This is the LP heuristic for the cell suppression problem of Kelly, Golden & Assad
(1992) and of the attacker subproblems in Fischetti & Salazar-González (2001), solved
per cell on a neighbourhood of a few relation steps (widened when it is not enough) in
the spirit of the modular HiTaS approach of de Wolf (2002), which keeps every linear
program small for national tables.

References
----------
Kelly, J.P., Golden, B.L. and Assad, A.A. (1992). Cell suppression: disclosure
protection for sensitive tabular data. *Networks* 22(4), 397-417.
Fischetti, M. and Salazar-González, J.J. (2001). Solving the cell suppression problem
on tabular data with linear constraints. *Management Science* 47(7), 1008-1027.
de Wolf, P.P. (2002). HiTaS: a heuristic approach to cell suppression in hierarchical
tables. *Inference Control in Statistical Databases*, LNCS 2316, 74-82.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure.blocks import measure_groups, region_blocks, table_blocks
from buurtzicht.disclosure.lanes import deal, run_lanes
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.search import Search
from buurtzicht.disclosure.search_state import SecondaryResult
from buurtzicht.disclosure.secondary_lanes import (
    Gemeente,
    Plan,
    gemeente_cells_in_lanes,
    protect_lane,
)
from buurtzicht.disclosure.spec import DisclosureSpec
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.top_table import protect_gemeente_cells, top_parts
from buurtzicht.disclosure.tree import find_forest

_LEVEL_ORDER = {"NL": 0, "LD": 1, "PV": 2, "RE": 2, "VR": 2, "CR": 2, "GM": 3, "WK": 4, "BU": 5}


def secondary_suppression(
    cells: pd.DataFrame,
    structure: Structure,
    rules: Mapping[str, RuleSet],
    spec: DisclosureSpec | None = None,
    *,
    workers: int = 1,
) -> SecondaryResult:
    """Choose complementary suppressions for every primary cell of ``cells``.

    ``cells`` is the output of :func:`buurtzicht.disclosure.primary.apply_primary`.
    Top down: cells above the wijk level one by one on neighbourhoods; then per
    gemeente its wijken on one warm-started model of the gemeente block, its buurten
    on one model per wijk family (a-priori caps computed per family), what a family
    cannot protect on a fresh gemeente model, what the gemeente block cannot protect
    through the top table (:meth:`TopTable.through`), and what remains on
    neighbourhoods.
    The gemeente-level cells, and then the gemeente blocks, are dealt into lanes by
    gemeente (:mod:`buurtzicht.disclosure.lanes`), worked on side by side on up to
    ``workers`` processes; the result does not depend on ``workers``.
    """
    spec = spec or DisclosureSpec()
    search = Search.start(cells, structure, rules)
    forest = find_forest(structure)
    search.protect_trees(forest)
    general = np.flatnonzero(~forest.member)
    subset = cells.iloc[general]
    order = general[_processing_order(subset)]
    rank = np.empty(len(cells), dtype=np.int64)
    rank[order] = np.arange(len(order))
    gemeenten = {k: general[v] for k, v in region_blocks(subset, spec, "gemeente").items()}
    families: dict[tuple[str, int, str], list[np.ndarray]] = {}
    for key, family in region_blocks(subset, spec, "wijk").items():
        families.setdefault((key[0], key[1], key[2][:4]), []).append(general[family])
    in_block = np.zeros(len(cells), dtype=bool)
    for block in gemeenten.values():
        in_block[block] = True
    level = cells["region"].str[:2].to_numpy()
    above = order[~in_block[order]]
    on_gemeente = level[above] == "GM"
    for s in above[~on_gemeente]:  # the country and the regions between: few cells
        search.protect_both(int(s))
    groups = np.zeros(len(cells), dtype=np.int64)
    groups[general] = measure_groups(subset["measure"], spec).to_numpy()
    parts = top_parts(cells, groups, np.sort(general[~in_block[general]]), gemeenten)
    failed = protect_gemeente_cells(search, parts, above[on_gemeente])
    failed = above[on_gemeente][np.isin(above[on_gemeente], failed)]  # keep the order
    gemeente_cells_in_lanes(search, failed, cells["region"].to_numpy(str), workers)
    work = [Gemeente(block, families.get(key, []), key) for key, block in gemeenten.items()]
    primary = cells["primary"].to_numpy(bool)
    plan = Plan(search, rank, level, primary, parts)
    sizes = [int(search.suppressed[g.block].sum()) for g in work]
    lanes = [[work[k] for k in lane] for lane in deal(sizes)]
    for lane in run_lanes(protect_lane, plan, lanes, workers, int(in_block.sum())):
        search.unite(lane)
    if search.result.limited:
        search.retry_on_tables(table_blocks(cells, spec))
    return search.result


def _processing_order(cells: pd.DataFrame) -> np.ndarray:
    """Primary cells from the country down to the buurt, larger levels first."""
    primary = np.flatnonzero(cells["primary"].to_numpy(bool))
    level = cells["region"].str[:2].map(_LEVEL_ORDER).fillna(9).to_numpy()[primary]
    need = cells["upl"].to_numpy(float)[primary]
    return primary[np.lexsort((-need, level))]
