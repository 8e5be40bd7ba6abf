"""What an attacker knows about each cell from the publication alone.

Both secondary suppression and the audit reason about the same knowledge, so it is
defined once, here. For every cell the attacker knows an interval ``[lo, hi]``:

* a published exact cell: its value; a published zero or structural zero: 0;
* a rounded cell published as ``r`` with base ``b``: ``[r - floor(b/2), r + ceil(b/2) - 1]``
  for integer counts (half-up rounding), ``[r - b/2, r + b/2]`` for amounts, clipped at 0;
* a cell of a public margin (rule set ``public: true``): its published value, known
  whatever else is suppressed, so also part of every a-priori interval;
* a suppressed cell: what its reason gives away. ``min_units`` on a count of units says
  ``1 <= value <= min_units - 1`` (``0 <=`` when zeros are suppressed too); ``secondary``,
  ``dominance`` and ``p_percent`` on a count say the cell passed the threshold, so
  ``value >= min_units``; everything else only that ``value >= 0``.

Hundepool et al. (2012, §4.3.2) call these the *a priori* bounds of the attacker.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure.rules import RuleSet


def suppressed_bounds(reason: str, count: bool, rules: RuleSet) -> tuple[float, float]:
    """The interval a suppressed cell with this reason is known to lie in.

    >>> from buurtzicht.disclosure.rules import RuleSet
    >>> suppressed_bounds("min_units", True, RuleSet(name="d"))
    (1.0, 9.0)
    >>> suppressed_bounds("secondary", True, RuleSet(name="d"))
    (10.0, inf)
    >>> suppressed_bounds("secondary", False, RuleSet(name="d"))
    (0.0, inf)
    """
    threshold = float(rules.threshold.min_units)
    if count and reason == "min_units":
        return (1.0 if rules.zeros == "publish" else 0.0), threshold - 1
    if count and reason in ("secondary", "dominance", "p_percent"):
        return threshold, np.inf
    return 0.0, np.inf


def status_bounds(
    cells: pd.DataFrame, reason: np.ndarray, fixed_zero: np.ndarray, rules: Mapping[str, RuleSet]
) -> np.ndarray:
    """Per cell the ``[lo, hi]`` its status alone gives away, shape ``(n, 2)``.

    ``reason`` is the reason the cell has or would have when suppressed (``secondary``
    for a cell that passed every rule); ``fixed_zero`` marks published and structural
    zeros, which are known to be 0.
    """
    bounds = np.empty((len(cells), 2))
    count = cells["count"].to_numpy(bool)
    for measure, index in cells.groupby("measure").indices.items():
        ruleset = rules[str(measure)]
        for why in np.unique(reason[index]):
            for is_count in (False, True):
                where = index[(reason[index] == why) & (count[index] == is_count)]
                bounds[where] = suppressed_bounds(str(why), is_count, ruleset)
    bounds[fixed_zero] = 0.0
    public, known = public_bounds(cells, rules)
    bounds[public] = known[public]
    return bounds


def public_bounds(
    cells: pd.DataFrame, rules: Mapping[str, RuleSet]
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are public margins, and what the attacker knows of each: ``(mask, (n, 2))``.

    A public margin is always published (rounded by its rule set, or exact), so its
    interval follows from its true ``value`` alone. Other rows of the array are NaN.

    >>> from buurtzicht.disclosure.rules import RuleSet, RoundingRule
    >>> cells = pd.DataFrame({"measure": ["w", "i", "h"], "value": [12.0, 12.0, 3.0],
    ...                       "count": True})
    >>> rules = {"w": RuleSet(name="w", public=True, rounding=None),
    ...          "i": RuleSet(name="i", public=True, rounding=RoundingRule(base=5)),
    ...          "h": RuleSet(name="h")}
    >>> mask, known = public_bounds(cells, rules)
    >>> mask.tolist(), known[:2].tolist()
    ([True, True, False], [[12.0, 12.0], [8.0, 12.0]])
    """
    x = cells["value"].to_numpy(float)
    count = cells["count"].to_numpy(bool)
    mask = np.zeros(len(cells), dtype=bool)
    known = np.full((len(cells), 2), np.nan)
    for measure, index in cells.groupby("measure").indices.items():
        ruleset = rules[str(measure)]
        if not ruleset.public:
            continue
        mask[index] = True
        if ruleset.rounding is None:
            known[index] = np.column_stack([x[index], x[index]])
        else:
            shown = round_half_up(x[index], ruleset.rounding.base)
            known[index] = rounding_bounds(shown, count[index], ruleset.rounding.base)
    return mask, known


def published_bounds(cells: pd.DataFrame, rules: Mapping[str, RuleSet]) -> np.ndarray:
    """Per cell the ``[lo, hi]`` the attacker knows if it is published, shape ``(n, 2)``.

    Its rounding interval under its rule set (the value itself when the rule set does
    not round); empty and structural zeros (``reason`` ``zero``/``structural_zero``)
    are published as an exact 0.

    >>> from buurtzicht.disclosure.rules import RuleSet
    >>> cells = pd.DataFrame({"measure": "m", "value": [11.0, 0.0], "count": True,
    ...                       "reason": ["", "zero"]})
    >>> published_bounds(cells, {"m": RuleSet(name="d")}).tolist()
    [[8.0, 12.0], [0.0, 0.0]]
    """
    x = cells["value"].to_numpy(float)
    count = cells["count"].to_numpy(bool)
    out = np.column_stack([x, x])
    for measure, index in cells.groupby("measure").indices.items():
        rounding = rules[str(measure)].rounding
        if rounding is not None:
            shown = round_half_up(x[index], rounding.base)
            out[index] = rounding_bounds(shown, count[index], rounding.base)
    exact = cells["reason"].isin(["zero", "structural_zero"]).to_numpy()
    out[exact] = x[exact, None]
    return out


def rounding_bounds(published: np.ndarray, count: np.ndarray, base: float) -> np.ndarray:
    """``[lo, hi]`` per published rounded value (an array of shape ``(n, 2)``).

    >>> rounding_bounds(np.array([10.0, 0.0]), np.array([True, True]), 5).tolist()
    [[8.0, 12.0], [0.0, 2.0]]
    """
    below = np.where(count, np.floor(base / 2), base / 2)
    above = np.where(count, np.ceil(base / 2) - 1, base / 2)
    return np.column_stack([np.maximum(published - below, 0.0), published + above])


def round_half_up(values: np.ndarray, base: float) -> np.ndarray:
    """Round to a multiple of ``base``, halves upwards (12.5 -> 15 for base 5).

    >>> round_half_up(np.array([12.0, 12.5, 13.0, 3.0]), 5).tolist()
    [10.0, 15.0, 15.0, 5.0]
    """
    return base * np.floor(values / base + 0.5)


def cell_bounds(cells: pd.DataFrame, rules: Mapping[str, RuleSet]) -> np.ndarray:
    """Attacker's ``[lo, hi]`` per cell from ``status``, ``reason`` and published ``value``.

    ``cells`` needs ``measure, count, status, reason, published`` (the published value,
    NaN when suppressed). Cells without a published row (``status`` missing) are
    treated as suppressed without a reason: only ``value >= 0`` is known.
    """
    bounds = np.empty((len(cells), 2))
    bounds[:, 0], bounds[:, 1] = 0.0, np.inf
    for measure, index in cells.groupby("measure").indices.items():
        ruleset = rules[str(measure)]
        part = cells.iloc[index]
        bounds[index] = _measure_bounds(part, ruleset)
    return bounds


def _measure_bounds(part: pd.DataFrame, rules: RuleSet) -> np.ndarray:
    published = part["published"].to_numpy(float)
    count = part["count"].to_numpy(bool)
    status = part["status"].fillna("").to_numpy(str)
    reason = part["reason"].fillna("").to_numpy(str)
    out = np.column_stack([published, published])
    rounded = status == "rounded"
    if rounded.any() and rules.rounding is not None:
        out[rounded] = rounding_bounds(published[rounded], count[rounded], rules.rounding.base)
    hidden = np.isnan(published)
    for i in np.flatnonzero(hidden):
        out[i] = suppressed_bounds(reason[i], bool(count[i]), rules)
    return out
