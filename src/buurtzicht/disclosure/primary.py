"""Primary suppression: which cells fail a rule, why, and how much protection they need.

The rules are checked in a fixed order and the first that fails is the cell's reason:
``population`` (the region has too few inhabitants for any secure-side figure),
``min_units`` (too few contributing units; zero cells too when the rule set says
``zeros: suppress``), ``dominance`` ((n,k) rule) and ``p_percent``. Structural zeros and
(by default) empty cells are published as they are; the cells of a public margin
(a rule set with ``public: true``: inhabitants, dwellings) get reason ``public`` and are
never suppressed.

The protection level of a failing cell is how far an attacker's feasible interval must
reach above (``upl``) and below (``lpl``) the true value: the rule's own level for the
dominance and p% rules (Hundepool et al. 2012, §4.2), and ``max(percent × value,
minimum)`` for the threshold-type rules; a dominance or p% cell gets at least that too,
so that no suppressed cell has a zero protection level.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, §4.2-4.3.
de Wolf, P.P. et al. (2014). *τ-ARGUS 4.1 user's manual*, §4.2 (safety rules and
protection levels).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from buurtzicht.disclosure.rules import RuleSet

#: Reasons of a cell that is published, and of a cell that fails a rule.
PUBLISHED_REASONS = ("", "zero", "structural_zero", "public")
#: The reason of every cell of a public margin (a rule set with ``public: true``).
PUBLIC = "public"
PRIMARY_REASONS = ("population", "min_units", "dominance", "p_percent")
SECONDARY = "secondary"


def apply_primary(
    cells: pd.DataFrame,
    rules: Mapping[str, RuleSet],
    population: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Add ``reason``, ``primary``, ``upl`` and ``lpl`` to the cell table (a copy).

    ``rules`` maps every measure to its rule set; ``population`` maps region codes to
    inhabitants (regions it does not list are not subject to the population rule).

    Examples
    --------
    >>> from buurtzicht.disclosure.rules import RuleSet
    >>> cells = pd.DataFrame({"measure": ["m"] * 3, "region": ["A", "B", "C"],
    ...     "value": [4.0, 0.0, 25.0], "n_units": [4, 0, 25], "top1": [1.0, 0.0, 1.0],
    ...     "top2": [1.0, 0.0, 1.0], "structural_zero": False, "count": True})
    >>> apply_primary(cells, {"m": RuleSet(name="d")})[["reason", "upl"]].values.tolist()
    [['min_units', 3.0], ['zero', 0.0], ['', 0.0]]
    """
    out = cells.copy()
    reason = np.full(len(out), "", dtype=object)
    level = np.zeros(len(out))
    inhabitants = (
        out["region"].map(population).astype(float).to_numpy()
        if population is not None
        else np.full(len(out), np.nan)
    )
    for measure, index in out.groupby("measure").indices.items():
        reason[index], level[index] = _evaluate(
            out.iloc[index], rules[str(measure)], inhabitants[index]
        )
    out["reason"] = reason
    out["upl"] = level
    out["lpl"] = level
    out["primary"] = out["reason"].isin(PRIMARY_REASONS)
    return out


def _evaluate(
    cells: pd.DataFrame, rules: RuleSet, inhabitants: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    x = cells["value"].to_numpy(float)
    if rules.public:  # a non-confidential margin: no rule applies, nothing to protect
        return np.full(len(x), PUBLIC, dtype=object), np.zeros_like(x)
    n = cells["n_units"].to_numpy()
    top1 = cells["top1"].to_numpy(float)
    top2 = cells["top2"].to_numpy(float)
    structural = cells["structural_zero"].to_numpy(bool)
    zero = (x == 0) & (n == 0)
    threshold_level = np.maximum(rules.protection.percent / 100 * x, rules.protection.minimum)

    dominance_level = np.zeros_like(x)
    if rules.dominance is not None:
        largest = top1 + (top2 if rules.dominance.n == 2 else 0.0)
        dominance_level = np.where(x > 0, largest * 100 / rules.dominance.k - x, 0.0)
    p_level = np.zeros_like(x)
    if rules.p_percent is not None:
        p_level = np.where(x > 0, rules.p_percent.p / 100 * top1 - (x - top1 - top2), 0.0)

    # Ordered: the first condition that holds gives the reason (np.select semantics).
    conditions = [
        structural,
        inhabitants < rules.min_population,
        zero & (rules.zeros == "publish"),
        n < rules.threshold.min_units,
        (rules.dominance is not None) & (x > 0) & (dominance_level >= 0),
        (rules.p_percent is not None) & (x > 0) & (p_level > 0),
    ]
    reasons = ["structural_zero", "population", "zero", "min_units", "dominance", "p_percent"]
    reason = np.select(conditions, reasons, default="")
    level = np.select(
        conditions,
        [
            np.zeros_like(x),
            threshold_level,
            np.zeros_like(x),
            threshold_level,
            np.maximum.reduce([dominance_level, p_level, threshold_level]),
            np.maximum(p_level, threshold_level),
        ],
        default=0.0,
    )
    return reason, level
