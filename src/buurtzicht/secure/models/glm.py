"""Additive, penalised GLMs whose every prediction splits exactly into feature contributions.

Both models are linear in standardised features on the link scale: a Poisson GLM with
log link for expected counts per area (``log E = log exposure + b0 + sum b_j z_j``) and
a logistic regression for a person's probability. The contribution of feature ``j`` to
a prediction is ``b_j z_j`` (``z_j`` = the feature in standard deviations from its mean
in the training data), so the explanation of an area or a probability is exact, not
an approximation.

Every feature is held to a range learnt in training before it is standardised (in
fitting and in scoring). For area shares that range is the 0.5th to 99.5th percentile
over the training areas, weighted by their units: a buurt with one dwelling owned by a
person with records has ``eigenaar_antecedenten`` = 1.0, 330 standard deviations above
the mean, and a linear model extrapolated to it expected 5e10 cases (scale 1.0, one
spatial fold). Person features are held to the training minimum and maximum only.

References
----------
McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class Fitted:
    """A fitted additive model: standardisation, intercept and coefficients per feature."""

    kind: str  # "poisson" or "logistic"
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    intercept: float
    coef: np.ndarray
    low: np.ndarray  # each feature is held to [low, high] (learnt in training)
    high: np.ndarray

    def standardise(self, x: pd.DataFrame) -> np.ndarray:
        raw = np.clip(x[list(self.features)].to_numpy(float), self.low, self.high)
        return (raw - self.mean) / self.scale

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame:
        """``b_j z_j`` per row and feature (log-rate or log-odds scale)."""
        return pd.DataFrame(self.standardise(x) * self.coef, index=x.index, columns=self.features)

    def linear(self, x: pd.DataFrame) -> np.ndarray:
        return self.intercept + self.contributions(x).to_numpy().sum(axis=1)

    def predict(self, x: pd.DataFrame, exposure: np.ndarray | None = None) -> np.ndarray:
        """Expected count (Poisson, times ``exposure``) or probability (logistic)."""
        eta = self.linear(x)
        if self.kind == "poisson":
            base = np.ones(len(x)) if exposure is None else np.asarray(exposure, float)
            return base * np.exp(eta)
        return 1.0 / (1.0 + np.exp(-eta))

    def table(self) -> pd.DataFrame:
        """Coefficients per standard deviation, with the rate or odds ratio they mean."""
        return pd.DataFrame(
            {
                "feature": self.features,
                "coef": self.coef,
                "ratio_per_sd": np.exp(self.coef),
                "mean": self.mean,
                "sd": self.scale,
                "low": self.low,
                "high": self.high,
            }
        )


def _bounds(x: np.ndarray, weight: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Per column the weighted ``share`` and ``1 - share`` quantiles (lower, upper).

    >>> low, high = _bounds(np.array([[0.0], [1.0], [2.0], [100.0]]), np.ones(4), 0.25)
    >>> low.tolist(), high.tolist()
    ([0.0], [2.0])
    """
    low, high = np.empty(x.shape[1]), np.empty(x.shape[1])
    for j in range(x.shape[1]):
        order = np.argsort(x[:, j], kind="stable")
        cum = np.cumsum(weight[order]) / weight.sum()
        first = int(np.searchsorted(cum, share, side="left"))
        last = min(int(np.searchsorted(cum, 1 - share, side="left")), len(cum) - 1)
        low[j], high[j] = x[int(order[first]), j], x[int(order[last]), j]
    return low, high


def _moments(x: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    mean = np.average(x, axis=0, weights=weight)
    sd = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=weight))
    return mean, np.where(sd > 0, sd, 1.0)


#: Area features are held between these weighted percentiles of the training areas.
WINSOR = 0.005


def fit_poisson(
    x: pd.DataFrame, observed: np.ndarray, exposure: np.ndarray, *, alpha: float = 1e-3
) -> Fitted:
    """Expected counts from area features: ``observed ~ Poisson(exposure x exp(eta))``.

    Fitted as the rate ``observed / exposure`` with weights ``exposure`` (the same
    likelihood as a log-exposure offset), L2 penalty ``alpha`` on standardised features,
    each feature held between the ``WINSOR`` and ``1 - WINSOR`` quantiles (weighted by
    exposure) of the training areas.
    """
    exposure = np.asarray(exposure, float)
    keep = exposure > 0
    features = tuple(x.columns)
    low, high = _bounds(x.to_numpy(float)[keep], exposure[keep], WINSOR)
    raw = np.clip(x.to_numpy(float)[keep], low, high)
    mean, sd = _moments(raw, exposure[keep])
    model = PoissonRegressor(alpha=alpha, solver="newton-cholesky", max_iter=100, tol=1e-8)
    with threadpool_limits(1):  # small problems: OpenMP threads only contend
        model.fit((raw - mean) / sd, np.asarray(observed, float)[keep] / exposure[keep],
                  sample_weight=exposure[keep])  # fmt: skip
    return Fitted(
        "poisson", features, mean, sd, float(model.intercept_), model.coef_.copy(), low, high
    )


def fit_logistic(
    x: pd.DataFrame, outcome: np.ndarray, *, c: float = 1.0, weight: np.ndarray | None = None
) -> Fitted:
    """Probability of ``outcome`` from person features, L2 penalty ``1 / c``."""
    features = tuple(x.columns)
    raw = x.to_numpy(float)
    mean, sd = _moments(raw, weight)
    model = LogisticRegression(C=c, max_iter=500, tol=1e-6)
    with threadpool_limits(1):
        model.fit((raw - mean) / sd, np.asarray(outcome, bool), sample_weight=weight)
    intercept, coef = float(model.intercept_[0]), model.coef_[0].copy()
    return Fitted("logistic", features, mean, sd, intercept, coef, raw.min(axis=0), raw.max(axis=0))


def top_factors(contributions: pd.DataFrame, k: int = 3) -> list[list[str]]:
    """Per row the ``k`` features that raise the prediction most (positive only)."""
    values = contributions.to_numpy()
    order = np.argsort(-values, axis=1)[:, :k]
    names = np.asarray(contributions.columns)
    return [[str(names[j]) for j in row if values[i, j] > 0.05] for i, row in enumerate(order)]
