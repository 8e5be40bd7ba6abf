"""The linear relations between cells: ``total - sum(components) = 0``.

Every relation is a row of a sparse matrix ``A`` over the cells of
:func:`buurtzicht.disclosure.cells.prepare_cells` (``+1`` for the total, ``-1`` for each
component), so that ``A @ x == 0`` for the true values. Relations never cross periods.
Secondary suppression and the audit only ever look at ``A``; where it came from (region
hierarchy, category totals, linked tables, overlapping groupings) no longer matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from buurtzicht.disclosure.spec import DisclosureSpec, RegionHierarchy
from buurtzicht.errors import DisclosureError

_RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Structure:
    """Relations over the cells: ``matrix`` (relations x cells) and its transpose.

    ``rows`` (CSR) lists the cells of each relation; ``cols`` (CSR of the transpose)
    lists the relations of each cell. ``kind`` says per relation whether it comes from
    the region hierarchy (``region``) or a table total (``category``).
    """

    matrix: sparse.csr_matrix
    cols: sparse.csr_matrix
    kind: np.ndarray

    @cached_property
    def csc(self) -> sparse.csc_matrix:
        """The relation matrix in column form (shares the arrays of ``cols``; built once)."""
        return sparse.csc_matrix(
            (self.cols.data, self.cols.indices, self.cols.indptr), shape=self.matrix.shape
        )

    @property
    def n_relations(self) -> int:
        return int(self.matrix.shape[0])

    def cells_of(self, relation: int) -> np.ndarray:
        start, end = self.matrix.indptr[relation], self.matrix.indptr[relation + 1]
        return self.matrix.indices[start:end]

    def relations_of(self, cell: int) -> np.ndarray:
        start, end = self.cols.indptr[cell], self.cols.indptr[cell + 1]
        return self.cols.indices[start:end]


def build_structure(
    cells: pd.DataFrame, spec: DisclosureSpec, hierarchy: RegionHierarchy
) -> Structure:
    """Relations of the region hierarchy and of every table's total, as one matrix."""
    parts = [_region_entries(cells, hierarchy), _category_entries(cells, spec)]
    entries = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    if entries.empty:
        empty = sparse.csr_matrix((0, len(cells)))
        return Structure(empty, empty.T.tocsr(), np.array([], dtype=object))
    # A relation needs its total and at least one component present in the data.
    has_total = entries.groupby("relation")["coef"].transform("max") > 0
    has_part = entries.groupby("relation")["coef"].transform("min") < 0
    entries = entries[has_total & has_part]
    codes, _ = pd.factorize(entries["relation"])
    matrix = sparse.csr_matrix(
        (entries["coef"].to_numpy(float), (codes, entries["cell"].to_numpy())),
        shape=(int(codes.max()) + 1 if len(codes) else 0, len(cells)),
    )
    kind = entries.groupby(codes)["kind"].first().to_numpy()
    return Structure(matrix, matrix.T.tocsr(), kind)


def check_additivity(cells: pd.DataFrame, structure: Structure) -> None:
    """Raise :class:`DisclosureError` when a declared relation does not hold."""
    values = cells["value"].to_numpy(float)
    residual = structure.matrix @ values
    totals = np.abs(structure.matrix).multiply(values).max(axis=1).toarray().ravel()
    bad = np.flatnonzero(np.abs(residual) > _RELATIVE_TOLERANCE * np.maximum(totals, 1.0))
    if bad.size:
        relation = int(bad[0])
        members = structure.cells_of(relation)
        coef = structure.matrix[relation, members].toarray().ravel()
        total = cells.iloc[members[coef > 0]].iloc[0]
        raise DisclosureError(
            f"{bad.size} relation(s) do not add up; first: {total['measure']} / "
            f"{total['region']} / {total['period']} = {total['value']:g} but its "
            f"{structure.kind[relation]} components sum to "
            f"{total['value'] - residual[relation]:g}. Emit every child cell (zeros too), "
            "list residual regions (onbekend) in the explicit parent mapping, or fix "
            "the table spec"
        )


def _region_entries(cells: pd.DataFrame, hierarchy: RegionHierarchy) -> pd.DataFrame:
    pairs = [(k, p, c) for k, (p, kids) in enumerate(hierarchy.relations) for c in kids]
    if not pairs:
        return pd.DataFrame()
    links = pd.DataFrame(pairs, columns=["group", "parent", "child"])
    cell_ids = cells[["period", "measure", "region"]].assign(cell=np.arange(len(cells)))
    parts = cell_ids.merge(links, left_on="region", right_on="child")
    totals = cell_ids.merge(
        links[["group", "parent"]].drop_duplicates(), left_on="region", right_on="parent"
    )
    parts = parts.assign(coef=-1.0)
    totals = totals.assign(coef=1.0)
    entries = pd.concat([totals, parts], ignore_index=True)
    entries["relation"] = (
        "r" + entries["group"].astype(str) + "|" + entries["measure"] + "|" + entries["period"]
    )
    return entries.assign(kind="region")[["relation", "cell", "coef", "kind"]]


def _category_entries(cells: pd.DataFrame, spec: DisclosureSpec) -> pd.DataFrame:
    rows = [
        (k, m, 1.0 if m == table.total else -1.0)
        for k, table in enumerate(spec.tables)
        if table.total is not None
        for m in (table.total, *table.components)
    ]
    if not rows:
        return pd.DataFrame()
    roles = pd.DataFrame(rows, columns=["table", "measure", "coef"])
    cell_ids = cells[["period", "measure", "region"]].assign(cell=np.arange(len(cells)))
    entries = cell_ids.merge(roles, on="measure")
    entries["relation"] = (
        "c" + entries["table"].astype(str) + "|" + entries["region"] + "|" + entries["period"]
    )
    return entries.assign(kind="category")[["relation", "cell", "coef", "kind"]]
