"""Additive, penalised GLMs whose every prediction splits exactly into feature contributions.

Both models are linear in standardised features on the link scale: a Poisson GLM with
log link for expected counts per area (``log E = log exposure + b0 + sum b_j z_j``) and
a logistic regression for a person's probability. The contribution of feature ``j`` to
a prediction is ``b_j z_j`` (``z_j`` = the feature in standard deviations from its mean
in the training data), so the explanation of an area or a probability is exact, not
an approximation.

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

    def standardise(self, x: pd.DataFrame) -> np.ndarray:
        return (x[list(self.features)].to_numpy(float) - self.mean) / self.scale

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
            }
        )


def _moments(x: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    mean = np.average(x, axis=0, weights=weight)
    sd = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=weight))
    return mean, np.where(sd > 0, sd, 1.0)


def fit_poisson(
    x: pd.DataFrame, observed: np.ndarray, exposure: np.ndarray, *, alpha: float = 1e-3
) -> Fitted:
    """Expected counts from area features: ``observed ~ Poisson(exposure x exp(eta))``.

    Fitted as the rate ``observed / exposure`` with weights ``exposure`` (the same
    likelihood as a log-exposure offset), L2 penalty ``alpha`` on standardised features.
    """
    exposure = np.asarray(exposure, float)
    keep = exposure > 0
    features = tuple(x.columns)
    raw = x.to_numpy(float)[keep]
    mean, sd = _moments(raw, exposure[keep])
    model = PoissonRegressor(alpha=alpha, solver="newton-cholesky", max_iter=100, tol=1e-8)
    with threadpool_limits(1):  # small problems: OpenMP threads only contend
        model.fit((raw - mean) / sd, np.asarray(observed, float)[keep] / exposure[keep],
                  sample_weight=exposure[keep])  # fmt: skip
    return Fitted("poisson", features, mean, sd, float(model.intercept_), model.coef_.copy())


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
    return Fitted("logistic", features, mean, sd, float(model.intercept_[0]), model.coef_[0].copy())


def top_factors(contributions: pd.DataFrame, k: int = 3) -> list[list[str]]:
    """Per row the ``k`` features that raise the prediction most (positive only)."""
    values = contributions.to_numpy()
    order = np.argsort(-values, axis=1)[:, :k]
    names = np.asarray(contributions.columns)
    return [[str(names[j]) for j in row if values[i, j] > 0.05] for i, row in enumerate(order)]
