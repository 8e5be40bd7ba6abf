"""*Kansrijke zoekgebieden*: expected against observed cases per area and theme.

Per theme a penalised Poisson GLM learns, over all buurten of a year, how the number of
registered cases follows the area's characteristics (:mod:`.areas`). Its expected
number for an area is what registrations would show if the area were registered like
the country on average; where the expected number clearly exceeds the observed one,
cases are likelier to be missed: a search area. Scores and explanations are computed
for every buurt, wijk and gemeente (a wijk's expectation is the model applied to the
wijk's own characteristics, which equals the sum over its buurten only approximately).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from buurtzicht.secure.models.areas import Theme, feature_matrix
from buurtzicht.secure.models.glm import Fitted, fit_poisson, top_factors

#: Risk classes: *hoog* when the observed count is improbably low for the expected
#: one (Poisson, one-sided p < 0.10) and at least one case is missing; *laag* when
#: the observed count reaches the expected one.
CLASSES = ("laag", "gemiddeld", "hoog")
P_HIGH = 0.10


def risk_class(expected: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """``laag`` / ``gemiddeld`` / ``hoog`` per area from expected and observed counts.

    >>> risk_class(np.array([10.0, 10.0, 2.0]), np.array([2.0, 9.0, 3.0])).tolist()
    ['hoog', 'gemiddeld', 'laag']
    """
    expected, observed = np.asarray(expected, float), np.asarray(observed, float)
    p_low = stats.poisson.cdf(np.floor(observed), np.maximum(expected, 1e-12))
    high = (p_low < P_HIGH) & (expected - observed >= 1.0)
    return np.where(high, "hoog", np.where(observed >= expected, "laag", "gemiddeld"))


def level_of(region: pd.Index) -> np.ndarray:
    prefix = pd.Series(region.astype(str)).str[:2].to_numpy()
    return np.select([prefix == "BU", prefix == "WK"], ["buurt", "wijk"], "gemeente")


def rows(table: pd.DataFrame, year: int, level: str = "buurt") -> pd.DataFrame:
    """Rows of ``table`` (index region, year) for one year and level with exposure > 0."""
    part = table.xs(year, level="year")
    return part[level_of(part.index) == level]


def fit_theme(table: pd.DataFrame, theme: Theme, *, alpha: float = 1e-3) -> Fitted:
    """The theme's GLM on the given buurt rows."""
    exposure = table.get(theme.exposure, pd.Series(0.0, table.index)).to_numpy(float)
    observed = table.get(theme.observed, pd.Series(0.0, table.index)).to_numpy(float)
    return fit_poisson(feature_matrix(table, theme.features), observed, exposure, alpha=alpha)


def score(table: pd.DataFrame, theme: Theme, fitted: Fitted) -> pd.DataFrame:
    """Apply ``fitted`` to the rows of ``table`` (buurten) with exposure > 0.

    Columns ``expected``, ``observed``, ``excess``, ``units`` and the contribution
    ``c.<feature>`` (log-rate scale) of every feature.
    """
    x = feature_matrix(table, theme.features)
    exposure = table.get(theme.exposure, pd.Series(0.0, table.index)).to_numpy(float)
    observed = table.get(theme.observed, pd.Series(0.0, table.index)).to_numpy(float)
    expected = fitted.predict(x, exposure)
    frame = pd.DataFrame(
        {"expected": expected, "observed": observed, "excess": expected - observed,
         "units": exposure},
        index=table.index,
    )  # fmt: skip
    contributions = fitted.contributions(x).add_prefix("c.")
    return pd.concat([frame, contributions], axis=1)[exposure > 0]


def explain(frame: pd.DataFrame) -> pd.DataFrame:
    """``klasse`` and ``factoren`` (top contributing features) of scored areas."""
    contributions = frame.filter(like="c.").rename(columns=lambda c: c[2:])
    return frame.assign(
        klasse=risk_class(frame["expected"].to_numpy(), frame["observed"].to_numpy()),
        factoren=pd.Series(top_factors(contributions), index=frame.index, dtype=object),
    )
