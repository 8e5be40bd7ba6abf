"""Zeros that a published zero already gives away.

Under ``zeros: publish`` an empty cell is not disclosive: a gemeente without any
hennep registration is published as 0. Its wijken and buurten are then 0 too, by
non-negativity, whatever they show; so are the components of a total published as an
exact 0 (the owner classes of a buurt without dwellings). A region below the minimum
population would show "." for such a cell, a promise the publication cannot keep: the
attacker reads the 0 from above.

The choice made here (docs/disclosure.md, "Exact zeros below the minimum population")
is to show what is known: a zero cell that published exact zeros force (a zero total
above it, or zeros in all its parts) is published as 0 itself (reason ``zero``), also
below the minimum population. It reveals nothing the
published 0 above it does not already say, and "." keeps meaning "hidden". The audit
checks the rule (:func:`buurtzicht.disclosure.audit.audit`: no hidden sensitive cell
whose feasible interval is the single point 0).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.spec import DisclosureSpec, RegionHierarchy
from buurtzicht.disclosure.structure import Structure, build_structure

#: Reasons of a cell published as an exact 0 whenever its value is 0.
EXACT_ZERO_REASONS = ("zero", "structural_zero")


def forced_zeros(cells: pd.DataFrame, structure: Structure, exact_zero: np.ndarray) -> np.ndarray:
    """Cells that are 0 because published exact zeros around them say so.

    ``exact_zero`` marks the cells published as an exact 0 (``zero``, structural zero,
    an exact public margin of 0). A part of a zero total is 0 (a gemeente's 0 reaches
    its buurten through its wijken), and so is a total whose parts are all 0; the
    relations are followed until nothing changes.

    Examples
    --------
    A gemeente 0 = wijk + wijk, the first wijk 0 = buurt + buurt:

    >>> from scipy import sparse
    >>> a = sparse.csr_matrix(np.array([[1.0, -1, -1, 0, 0], [0, 1, 0, -1, -1]]))
    >>> s = Structure(a, a.T.tocsr(), np.array(["region", "region"]))
    >>> cells = pd.DataFrame({"value": [0.0] * 5, "n_units": [0] * 5})
    >>> forced_zeros(cells, s, np.array([True, False, False, False, False])).tolist()
    [False, True, True, True, True]
    """
    empty = (cells["value"].to_numpy(float) == 0) & (cells["n_units"].to_numpy() == 0)
    known = exact_zero & empty
    forced = np.zeros(len(cells), dtype=bool)
    if not structure.n_relations or not known.any():
        return forced
    coo = structure.matrix.tocoo()
    is_total = coo.data > 0
    total_of = np.full(structure.n_relations, -1, dtype=np.int64)
    total_of[coo.row[is_total]] = coo.col[is_total]
    part_row, part_col = coo.row[~is_total], coo.col[~is_total]
    parts = np.bincount(part_row, minlength=structure.n_relations)
    while True:
        zero_relation = known[total_of[part_row]] & (total_of[part_row] >= 0)
        down = part_col[zero_relation]
        # Upwards too: a total whose parts are all known zeros is a zero.
        known_parts = np.bincount(part_row, weights=known[part_col], minlength=len(parts))
        up = total_of[(known_parts == parts) & (parts > 0) & (total_of >= 0)]
        newly = np.unique(np.concatenate([down, up]))
        newly = newly[empty[newly] & ~known[newly]]
        if not len(newly):
            return forced
        known[newly] = True
        forced[newly] = True


def publish_forced_zeros(
    cells: pd.DataFrame, structure: Structure, rules: Mapping[str, RuleSet]
) -> pd.DataFrame:
    """The primary cells (a copy) with every forced zero turned into a published ``zero``."""
    reason = cells["reason"].to_numpy(object)
    exact_public = np.zeros(len(cells), dtype=bool)
    for measure, index in cells.groupby("measure").indices.items():
        ruleset = rules[str(measure)]
        exact_public[index] = ruleset.public and ruleset.rounding is None
    exact_zero = np.isin(reason, EXACT_ZERO_REASONS) | exact_public
    forced = forced_zeros(cells, structure, exact_zero) & cells["primary"].to_numpy(bool)
    if not forced.any():
        return cells
    out = cells.copy()
    out.loc[forced, "reason"] = "zero"
    out.loc[forced, ["upl", "lpl"]] = 0.0
    out.loc[forced, "primary"] = False
    return out


def zeros_given_away(
    cells: pd.DataFrame,
    zero: np.ndarray,
    shown: np.ndarray,
    spec: DisclosureSpec,
    hierarchy: RegionHierarchy,
) -> np.ndarray:
    """Which ``zero`` cells (true value 0) the ``shown`` exact zeros give away.

    ``cells`` holds ``measure, region, period`` of every cell of a release (also those
    the engine never sees, such as the empty cells published after protection); the
    relations are those of the engine (:func:`buurtzicht.disclosure.structure.build_structure`).

    >>> from buurtzicht.disclosure.spec import RegionHierarchy
    >>> cells = pd.DataFrame({"measure": "m", "region": ["GM0001", "WK000100", "WK000101"],
    ...                       "period": "2024JJ00"})
    >>> h = RegionHierarchy.from_codes(cells["region"])
    >>> zeros_given_away(cells, np.array([True] * 3), np.array([True, False, False]),
    ...                  DisclosureSpec(), h).tolist()
    [False, True, True]
    """
    frame = cells[["measure", "region", "period"]].reset_index(drop=True)
    structure = build_structure(frame, spec, hierarchy)
    values = frame.assign(value=np.where(zero, 0.0, 1.0), n_units=np.where(zero, 0, 1))
    return forced_zeros(values, structure, shown & zero)
