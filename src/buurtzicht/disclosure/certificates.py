"""Certificates: what protection proved, recorded once and checked by the audit.

Secondary suppression finds, for every primary cell and direction, a *certificate*: a
change ``y`` of the table that keeps every relation (``A y = 0``), moves only
suppressed cells (and public margins within their rounding interval), stays within
what the attacker knows of each moved cell, and moves the primary cell by its
protection level (:mod:`buurtzicht.disclosure.secondary`). Then ``x + y`` is a table
the attacker cannot rule out, so it proves reach for *every* cell it moves far enough.

``protect`` records each certificate once, sparse, however many cells it covers
(:class:`ProtectedTable.certificates <buurtzicht.disclosure.protect.ProtectedTable>`,
keyed by ``measure, region, period``). The audit trusts none of them:
:func:`check_certificates` checks each against the audit's *own* knowledge model
(bounds from the published cells and their statuses,
:mod:`buurtzicht.disclosure.knowledge`) and its *own* relation matrix of the whole
release: every relation keeps holding, every moved cell stays within its bounds (a
published exact cell or public margin may not move, a rounded one only within its
interval), cells outside the certificate stay fixed. A certificate that fails any of
this is rejected and ignored. The valid ones give each cell the furthest movement up
and down that some table consistent with the publication shows, which lies inside the
attacker's interval (every feasible point does): a sensitive cell reached both ways is
proven protected without a linear program of the audit's own.

Certificates live on the secure side only (``certificates.parquet`` beside the secure
aggregates): their movements say how far each cell is from the ends of what the
attacker knows. They are never published.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from buurtzicht.disclosure.cells import KEY
from buurtzicht.disclosure.structure import Structure

#: The stored form: one row per moved cell of a certificate.
COLUMNS = ["certificate", "measure", "region", "period", "delta"]
#: How far a certificate may miss a relation or a bound, relative to its own largest
#: movement: a certificate that moves a cell by 3 may not lean on a slack of 3 somewhere
#: else (a published count of 3 million moved by 3 is a moved published cell).
TOLERANCE = 1e-6
#: Plus the solver's precision, relative to the largest cell it moves: HiGHS solves
#: scaled programs to 1e-7, which is about 1e-10 of the largest value in them.
PRECISION = 1e-9

Recorded = list[tuple[np.ndarray, np.ndarray]]


def certificate_frame(cells: pd.DataFrame, recorded: Recorded) -> pd.DataFrame:
    """Certificates ``(cell numbers, movements)`` as rows keyed by measure, region, period.

    The keys are categorical: a national release has millions of rows over a few
    hundred thousand cells.

    >>> cells = pd.DataFrame({"measure": ["m", "m"], "region": ["WK036300", "BU03630000"],
    ...                       "period": "2024JJ00"})
    >>> certificate_frame(cells, [(np.array([0, 1]), np.array([2.0, 2.0]))]).values.tolist()
    [[0, 'm', 'WK036300', '2024JJ00', 2.0], [0, 'm', 'BU03630000', '2024JJ00', 2.0]]
    """
    sizes = np.array([len(c) for c, _ in recorded], dtype=np.int64)
    where = np.concatenate([c for c, _ in recorded]) if recorded else np.zeros(0, np.int64)
    delta = np.concatenate([d for _, d in recorded]) if recorded else np.zeros(0)
    frame: dict[str, Any] = {"certificate": np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)}
    for column in ("measure", "region", "period"):
        codes, uniques = pd.factorize(cells[column].astype(str))
        frame[column] = pd.Categorical.from_codes(codes[where], categories=uniques)
    return pd.DataFrame({**frame, "delta": delta.astype(float)})[COLUMNS]


@dataclass(frozen=True)
class CertificateCheck:
    """What the audit made of the certificates it was given.

    ``low``/``high`` hold per cell of the audit the lowest and highest value any valid
    certificate shows (the true value where none moves it).
    """

    given: int
    rejected: int
    low: np.ndarray
    high: np.ndarray
    seconds: float
    why: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return self.given - self.rejected


def check_certificates(
    frame: pd.DataFrame, cells: pd.DataFrame, structure: Structure, bounds: np.ndarray
) -> CertificateCheck:
    """Check every certificate against the audit's own relations and bounds.

    ``cells`` are the audit's cells (true ``value`` and the keys), ``bounds`` the
    attacker's ``[lo, hi]`` per cell from the publication. A certificate is rejected
    when it names a cell that is not in the release, or when any relation of the
    release is off, or any cell it moves leaves its bounds, by more than its tolerance:
    :data:`TOLERANCE` of its own largest movement plus :data:`PRECISION` of the largest
    cell it moves (not of the cells: a slack relative to a large cell would let a
    certificate move a small one by that much). Cells a certificate does not name stay
    where they are.
    """
    started = time.perf_counter()
    x = cells["value"].to_numpy(float)
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"certificates lack the column(s) {missing}; expected {COLUMNS}")
    numbers, ids = np.unique(frame["certificate"].to_numpy(np.int64), return_inverse=True)
    given = len(numbers)
    where = _cell_numbers(frame, cells)
    delta = frame["delta"].to_numpy(float)
    bad = np.zeros(given, dtype=bool)
    why: dict[str, int] = {}

    def reject(mask: np.ndarray, reason: str) -> None:
        new = mask & ~bad
        if new.any():
            why[reason] = int(new.sum())
        bad[mask] = True

    unknown = (where < 0) | ~np.isfinite(delta)
    reject(np.bincount(ids[unknown], minlength=given) > 0, "names a cell outside the release")
    known = ~unknown
    where, delta, ids = where[known], delta[known], ids[known]
    largest_move, largest_cell = np.zeros(given), np.zeros(given)
    np.maximum.at(largest_move, ids, np.abs(delta))
    np.maximum.at(largest_cell, ids, np.abs(x[where]))
    allowed = TOLERANCE * np.maximum(largest_move, 1.0) + PRECISION * largest_cell
    slack = allowed[ids]
    outside = (x[where] + delta < bounds[where, 0] - slack) | (
        x[where] + delta > bounds[where, 1] + slack
    )
    reject(np.bincount(ids[outside], minlength=given) > 0, "moves a cell beyond what is known")
    moves = sparse.csc_matrix((delta, (where, ids)), shape=(len(x), given))
    residual = (structure.matrix @ moves).tocoo()
    broken = np.abs(residual.data) > allowed[residual.col]
    reject(np.bincount(residual.col[broken], minlength=given) > 0, "breaks a relation")
    valid = moves[:, np.flatnonzero(~bad)].tocsr()
    up, down = np.zeros(len(x)), np.zeros(len(x))
    if valid.shape[1]:  # the furthest any valid certificate moves each cell, each way
        up = np.asarray(valid.max(axis=1).todense()).ravel()
        down = -np.asarray(valid.min(axis=1).todense()).ravel()
    # Within tolerance is not beyond: no cell is shown outside what the attacker knows.
    low = np.maximum(x - np.maximum(down, 0.0), np.minimum(bounds[:, 0], x))
    high = np.minimum(x + np.maximum(up, 0.0), np.maximum(bounds[:, 1], x))
    return CertificateCheck(given, int(bad.sum()), low, high, time.perf_counter() - started, why)


def _cell_numbers(frame: pd.DataFrame, cells: pd.DataFrame) -> np.ndarray:
    """The audit's cell number of every certificate row (-1: no such cell)."""
    key = np.zeros(len(frame), dtype=np.int64)
    own = np.zeros(len(cells), dtype=np.int64)
    unknown = np.zeros(len(frame), dtype=bool)
    for column in KEY:
        codes, uniques = pd.factorize(cells[column].astype(str))
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            lookup = pd.Index(uniques).get_indexer(values.cat.categories.astype(str))
            theirs = np.where(values.cat.codes.to_numpy() < 0, -1, lookup[values.cat.codes])
        else:
            theirs = pd.Index(uniques).get_indexer(values.astype(str))
        unknown |= theirs < 0
        key = key * (len(uniques) + 1) + np.maximum(theirs, 0)
        own = own * (len(uniques) + 1) + codes
    if not len(own):
        return np.full(len(frame), -1, dtype=np.int64)
    order = np.argsort(own, kind="stable")
    found = np.minimum(np.searchsorted(own[order], key), len(own) - 1)
    match = (own[order][found] == key) & ~unknown
    return np.where(match, order[found], -1)
