"""Validation measures: AUC with a DeLong interval, capture in the top of a ranking,
calibration per decile.

References
----------
DeLong, E. R., DeLong, D. M. and Clarke-Pearson, D. L. (1988). Comparing the areas
under two or more correlated receiver operating characteristic curves: a
nonparametric approach. *Biometrics* 44(3), 837-845.
Sun, X. and Xu, W. (2014). Fast implementation of DeLong's algorithm. *IEEE Signal
Processing Letters* 21(11), 1389-1393.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

#: Gemeente size classes (inhabitants) for the performance gaps.
SIZE_CLASSES = ((0, 20_000, "< 20.000"), (20_000, 50_000, "20-50.000"),
                (50_000, 100_000, "50-100.000"), (100_000, 10**9, ">= 100.000"))  # fmt: skip


@dataclass(frozen=True)
class Auc:
    """Area under the ROC curve with its 95 % DeLong interval."""

    auc: float
    low: float
    high: float
    positives: int
    negatives: int


def auc_delong(score: np.ndarray, outcome: np.ndarray) -> Auc:
    """AUC of ``score`` for binary ``outcome`` and its 95 % DeLong confidence interval.

    >>> a = auc_delong(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1]))
    >>> a.auc
    0.75
    """
    score, outcome = np.asarray(score, float), np.asarray(outcome, bool)
    pos, neg = score[outcome], score[~outcome]
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        return Auc(float("nan"), float("nan"), float("nan"), m, n)
    ranks_all = stats.rankdata(np.concatenate([pos, neg]))
    ranks_pos, ranks_neg = stats.rankdata(pos), stats.rankdata(neg)
    auc = (ranks_all[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (ranks_all[:m] - ranks_pos) / n  # per positive: share of negatives below it
    v01 = 1.0 - (ranks_all[m:] - ranks_neg) / m  # per negative: share of positives above
    var = np.var(v10, ddof=1) / m if m > 1 else 0.0
    var += np.var(v01, ddof=1) / n if n > 1 else 0.0
    half = 1.959964 * np.sqrt(max(var, 0.0))
    return Auc(float(auc), float(max(auc - half, 0.0)), float(min(auc + half, 1.0)), m, n)


def top_mask(score: np.ndarray, share: float, rng: np.random.Generator | None = None) -> np.ndarray:
    """The ``share`` of rows with the highest score (ties broken at random)."""
    rng = rng or np.random.default_rng(0)
    k = max(1, round(share * len(score)))
    order = np.lexsort((rng.random(len(score)), -np.asarray(score, float)))
    mask = np.zeros(len(score), dtype=bool)
    mask[order[:k]] = True
    return mask


def capture(score: np.ndarray, cases: np.ndarray, share: float) -> tuple[float, float, float]:
    """In the top ``share`` of areas by ``score``: cases found, recall, precision.

    Recall is the share of all ``cases`` that lie in those areas; precision the share
    of those areas with at least one case.
    """
    cases = np.asarray(cases, float)
    top = top_mask(score, share)
    found = float(cases[top].sum())
    total = float(cases.sum())
    return found, found / total if total else float("nan"), float((cases[top] > 0).mean())


def calibration(predicted: np.ndarray, observed: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted and observed totals per decile of the prediction (and their ratio)."""
    frame = pd.DataFrame({"predicted": predicted, "observed": observed})
    frame["decile"] = pd.qcut(
        frame["predicted"].rank(method="first"), bins, labels=False, duplicates="drop"
    )
    table = frame.groupby("decile")[["predicted", "observed"]].sum()
    table["observed_per_predicted"] = table["observed"] / table["predicted"].where(
        table["predicted"] > 0
    )
    return table.reset_index()
