"""*Kansrijke zoekgebieden*: expected, observed and missed cases per area and theme.

Per theme a penalised Poisson GLM learns, over all buurten of a year, how the number of
registered cases follows the area's characteristics (:mod:`.areas`). Its expected
number ``E`` for an area is what registrations would show if the area were registered
like the country on average.

The search score is the number of cases an area is expected to **miss**
(:func:`missed`). Registrations are a share of the cases: the cases of a buurt are
``E / r`` (``r`` the national registration share, :data:`REGISTRATION_SHARE`, an
assumption: registrations alone cannot tell how many cases nobody sees) and its gemeente
registers ``u`` times as many as expected (``u = (O + k) / (E + k)`` over the
gemeente, shrunk to 1 by ``k`` = :data:`PRIOR_CASES`), so it misses
``E / r - E u = E (1 / r - u)``. Ranking by ``E - O`` instead (what the validation
reports as ``verwacht_min_geregistreerd``) subtracts the buurt's own registrations,
which rise with its unseen cases too: at scale 1.0 that ranking found no more hidden
cases than the registered rate (docs/models.md, "Validation").

The risk class (:func:`risk_class`) is the search score's rank among the areas of one
level, theme and year: the validated order, cut into three. ``u`` needs only the
gemeente's expected and observed totals, so the score of a published area follows from
published cells alone (:func:`published_missed`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from buurtzicht.regions.codes import gemeente_of
from buurtzicht.secure.models.areas import Theme, feature_matrix
from buurtzicht.secure.models.glm import Fitted, fit_poisson, top_factors

#: Risk classes of the areas of one level, theme and year by their search score
#: (:func:`missed`): *hoog* from the 90th percentile (the top 10 % of the validation),
#: *gemiddeld* from the median, *laag* below; an area expected to miss fewer than
#: :data:`MIN_MISSED` cases is *laag* whatever its rank.
CLASSES = ("laag", "gemiddeld", "hoog")
CLASS_QUANTILES = (0.50, 0.90)
MIN_MISSED = 1.0
#: Assumed national registration share of the cases (the search order, :func:`missed`).
REGISTRATION_SHARE = 0.5
#: Prior weight (in expected cases) that shrinks a gemeente's registration level to 1.
PRIOR_CASES = 5.0


def class_bounds(scores: np.ndarray) -> tuple[float, float]:
    """The lowest search score of *gemiddeld* and of *hoog* among ``scores`` (one level).

    >>> class_bounds(np.arange(20.0))
    (9.5, 17.1)
    >>> class_bounds(np.array([0.0, 0.0, 0.4]))
    (1.0, 1.0)
    """
    values = np.asarray(scores, float)
    if values.size == 0:
        return MIN_MISSED, MIN_MISSED
    middle, high = (max(float(q), MIN_MISSED) for q in np.quantile(values, CLASS_QUANTILES))
    return round(middle, 6), round(high, 6)


def risk_class(scores: np.ndarray) -> np.ndarray:
    """``laag`` / ``gemiddeld`` / ``hoog`` of the areas of one level, theme and year.

    >>> risk_class(np.array([0.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 30.0])).tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['laag', 'laag', 'laag', 'laag', 'laag', 'gemiddeld', 'gemiddeld', 'gemiddeld',
     'gemiddeld', 'hoog']
    """
    values = np.asarray(scores, float)
    middle, high = class_bounds(values)
    return np.where(values >= high, "hoog", np.where(values >= middle, "gemiddeld", "laag"))


def classes_by_level(frame: pd.DataFrame, score_column: str = "gemist") -> pd.Series:
    """:func:`risk_class` within each level (buurt, wijk, gemeente) of the ``region``
    column of ``frame`` (one theme and year); the country gets no class."""
    level = frame["region"].astype(str).str[:2]
    out = pd.Series(None, index=frame.index, dtype=object)
    for _, part in frame[level.isin(["BU", "WK", "GM"])].groupby(level):
        out.loc[part.index] = risk_class(part[score_column].to_numpy(float))
    return out


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


def at_level(fitted: Fitted, table: pd.DataFrame, theme: Theme) -> Fitted:
    """``fitted`` with its intercept moved so that its expected total over ``table``
    equals the registered total there: the national registration level of the year
    scored (the temporal validation applies a model of one year to the next, whose
    level can differ: unexplained property 127,841 in 2023, 28,403 in 2024 at scale 1.0).
    """
    x = feature_matrix(table, theme.features)
    exposure = table.get(theme.exposure, pd.Series(0.0, table.index)).to_numpy(float)
    observed = table.get(theme.observed, pd.Series(0.0, table.index)).to_numpy(float)
    expected = fitted.predict(x, exposure).sum()
    if observed.sum() <= 0 or expected <= 0:
        return fitted
    return replace(fitted, intercept=fitted.intercept + float(np.log(observed.sum() / expected)))


def registration_level(
    expected: np.ndarray, observed: np.ndarray, gemeente: np.ndarray
) -> np.ndarray:
    """Per row its gemeente's registered / expected cases, shrunk to 1 (:data:`PRIOR_CASES`).

    >>> registration_level(np.array([2.0, 3.0, 5.0]), np.array([0.0, 0.0, 10.0]),
    ...                    np.array(["a", "a", "b"])).round(3).tolist()
    [0.5, 0.5, 1.5]
    """
    frame = pd.DataFrame({"g": gemeente, "e": expected, "o": observed})
    sums = frame.groupby("g")[["e", "o"]].transform("sum")
    return ((sums["o"] + PRIOR_CASES) / (sums["e"] + PRIOR_CASES)).to_numpy()


def missed(
    expected: np.ndarray, level: np.ndarray, share: float = REGISTRATION_SHARE
) -> np.ndarray:
    """Expected cases nobody registered: ``E (1 / r - u)``, at least 0.

    >>> missed(np.array([4.0, 4.0]), np.array([0.5, 3.0])).tolist()
    [6.0, 0.0]
    """
    return np.maximum(np.asarray(expected, float) * (1.0 / share - np.asarray(level, float)), 0.0)


def published_missed(
    expected: np.ndarray, gemeente_expected: np.ndarray, gemeente_observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(``u``, search score) of areas from published cells: the area's expected count and
    its gemeente's expected and observed counts (``u`` as :func:`registration_level`).

    >>> level, score = published_missed(np.array([4.0]), np.array([45.0]), np.array([20.0]))
    >>> level.tolist(), score.tolist()
    ([0.5], [6.0])
    """
    e_g, o_g = np.asarray(gemeente_expected, float), np.asarray(gemeente_observed, float)
    level = (o_g + PRIOR_CASES) / (e_g + PRIOR_CASES)
    return level, missed(expected, level)


def score(table: pd.DataFrame, theme: Theme, fitted: Fitted) -> pd.DataFrame:
    """Apply ``fitted`` to the rows of ``table`` (buurten) with exposure > 0.

    Columns ``expected``, ``observed``, ``excess`` (``E - O``), ``units``, ``niveau``
    (the gemeente's registration level over the rows given, :func:`registration_level`),
    ``gemist`` (:func:`missed`, the search order) and the contribution ``c.<feature>``
    (log-rate scale) of every feature. ``table`` holds whole gemeenten.
    """
    x = feature_matrix(table, theme.features)
    exposure = table.get(theme.exposure, pd.Series(0.0, table.index)).to_numpy(float)
    observed = table.get(theme.observed, pd.Series(0.0, table.index)).to_numpy(float)
    expected = fitted.predict(x, exposure)
    gemeente = pd.Series(table.index.astype(str)).map(gemeente_of).to_numpy()
    level = registration_level(expected * (exposure > 0), observed * (exposure > 0), gemeente)
    frame = pd.DataFrame(
        {"expected": expected, "observed": observed, "excess": expected - observed,
         "units": exposure, "niveau": level, "gemist": missed(expected, level)},
        index=table.index,
    )  # fmt: skip
    contributions = fitted.contributions(x).add_prefix("c.")
    return pd.concat([frame, contributions], axis=1)[exposure > 0]


def explain(frame: pd.DataFrame) -> pd.DataFrame:
    """``klasse`` (:func:`classes_by_level` of ``gemist``) and ``factoren`` (top
    contributing features) of the scored areas of one theme and year."""
    contributions = frame.filter(like="c.").rename(columns=lambda c: c[2:])
    return frame.assign(
        klasse=classes_by_level(frame),
        factoren=pd.Series(top_factors(contributions), index=frame.index, dtype=object),
    )
