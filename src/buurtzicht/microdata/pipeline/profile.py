"""*Jonge aanwas*: learn the profile of young drug suspects, then find who shares it.

Among persons aged 12-23 on the reference date, a logistic regression (fitted by
iteratively reweighted least squares on the engine's cross-table, so it is identical
on every engine) relates being registered as a drug suspect in the past five years to
household characteristics. Combinations whose predicted rate is at least
:data:`LIFT` times the overall rate form the profile; young people aged 8-23 with a
profile combination who are not suspects themselves are the *jonge aanwas*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FEATURES = ("male", "hh_benefits", "hh_debts", "hh_low_income", "hh_member_antecedents")
LIFT = 3.0

YOUTH = """
SELECT r.year, r.person_id, r.buurt, r.age,
       CASE WHEN r.sex = 'M' THEN 1 ELSE 0 END AS male,
       h.hh_benefits, h.hh_debts,
       CASE WHEN h.hh_income < 25000 THEN 1 ELSE 0 END AS hh_low_income,
       CASE WHEN m.household_id IS NULL THEN 0 ELSE 1 END AS hh_member_antecedents,
       CASE WHEN d.person_id IS NULL THEN 0 ELSE 1 END AS drug_suspect
FROM person_ref r
JOIN household_facts h ON h.household_id = r.household_id
LEFT JOIN (
  SELECT DISTINCT o.year, o.household_id FROM person_ref o
  JOIN antecedents a ON a.person_id = o.person_id AND a.year = o.year WHERE o.age >= 24
) m ON m.household_id = r.household_id AND m.year = r.year
LEFT JOIN drug_suspects_5y d ON d.person_id = r.person_id AND d.year = r.year
WHERE r.age BETWEEN 8 AND 23
"""

CROSSTAB = f"""
SELECT year, {", ".join(FEATURES)}, COUNT(*) AS n, SUM(drug_suspect) AS y
FROM youth WHERE age BETWEEN 12 AND 23
GROUP BY year, {", ".join(FEATURES)}
"""


@dataclass(frozen=True)
class Profile:
    """The learnt profile of one year."""

    year: int
    base_rate: float
    odds_ratios: dict[str, float]
    combinations: pd.DataFrame = field(repr=False)  # features, n, y, predicted, lift, in_profile

    def as_dict(self) -> dict[str, object]:
        flagged = self.combinations[self.combinations["in_profile"]]
        return {
            "year": self.year,
            "base_rate": self.base_rate,
            "lift_threshold": LIFT,
            "odds_ratios": self.odds_ratios,
            "profile": [
                {
                    **dict(zip(FEATURES, (int(v) for v in values), strict=True)),
                    "predicted_rate": float(rate),
                    "lift": float(lift),
                }
                for values, rate, lift in zip(
                    flagged[list(FEATURES)].to_numpy(dtype=int),
                    flagged["predicted"].to_numpy(),
                    flagged["lift"].to_numpy(),
                    strict=True,
                )
            ],
        }


def fit_logistic(
    x: np.ndarray, y: np.ndarray, n: np.ndarray, *, iterations: int = 50
) -> np.ndarray:
    """Binomial logistic regression on grouped data by IRLS (intercept first).

    >>> x = np.array([[0.0], [1.0]]); n = np.array([1000.0, 1000.0]); y = np.array([10.0, 50.0])
    >>> beta = fit_logistic(x, y, n)
    >>> round(float(np.exp(beta[1])), 2)  # odds ratio (50/950) / (10/990)
    5.21
    """
    design = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(design.shape[1])
    ridge = 1e-6 * np.eye(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        w = n * p * (1 - p) + 1e-12
        gradient = design.T @ (y - n * p)
        step = np.linalg.solve(design.T @ (design * w[:, None]) + ridge, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def learn_profiles(crosstab: pd.DataFrame) -> list[Profile]:
    """One profile per year of the cross-table (columns year, FEATURES, n, y)."""
    profiles = []
    for _, table in crosstab.groupby("year", sort=True):
        table = table.sort_values(list(FEATURES)).reset_index(drop=True)
        x = table[list(FEATURES)].to_numpy(dtype=float)
        n, y = table["n"].to_numpy(dtype=float), table["y"].to_numpy(dtype=float)
        beta = fit_logistic(x, y, n)
        base = float(y.sum() / n.sum()) if n.sum() else 0.0
        table["predicted"] = 1.0 / (1.0 + np.exp(-(beta[0] + x @ beta[1:])))
        table["lift"] = table["predicted"] / base if base > 0 else 0.0
        table["in_profile"] = table["lift"] >= LIFT
        odds = {f: float(np.exp(b)) for f, b in zip(FEATURES, beta[1:], strict=True)}
        profiles.append(Profile(int(table["year"].iloc[0]), base, odds, table))
    return profiles


def flagged_select(profiles: list[Profile]) -> str:
    """The profile combinations as an inline table for the engine."""
    rows = [
        "(" + ", ".join(str(int(v)) for v in (p.year, *values)) + ")"
        for p in profiles
        for values in p.combinations[p.combinations["in_profile"]][list(FEATURES)].to_numpy(int)
    ]
    columns = ", ".join(("year", *FEATURES))
    if not rows:
        return f"SELECT * FROM (VALUES (0, 0, 0, 0, 0, 0)) AS t({columns}) WHERE year < 0"
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS t({columns})"


_SAME = " AND ".join(f"f.{c} = y.{c}" for c in FEATURES)
JONGE_AANWAS = f"""
SELECT 'secure.drugs.jonge_aanwas' AS measure, y.year, y.buurt, y.person_id AS unit_id, 1 AS value
FROM youth y JOIN profile_combinations f ON f.year = y.year AND {_SAME}
WHERE y.drug_suspect = 0
"""
