"""Hidden cases: planted truth that the registers only partly see.

The *kansrijke zoekgebieden* model (issue 17) estimates where more cases exist than are
registered, so the synthetic world must hold cases that no register shows. Every
gemeente gets a **detection rate** per theme (enforcement intensity: how many of the
true cases end up registered), drawn once per seed; a planted case is registered with
the rate of its gemeente, the others stay hidden and are written only to the planted
truth:

* ``hennep``: a plantation is dismantled (in ``hennep``) or keeps growing unseen; 60 %
  of the hidden ones still show their electricity use on the meter, the others tap the
  grid before it;
* ``doorsluiswoningen``: a hidden one changes hands through share transfers of the BV
  that owns it, so Kadaster records only one or two of its five to eight sales;
* ``onverklaarbaar_bezit``: a hidden owner holds the extra dwellings through a foreign
  entity, so no person is the registered owner;
* ``witwas``: a money-laundering vestiging in a sensitive branch; registered ones draw
  FIU reports (suspicious in 60 %), hidden ones only the reports of their branch.

Where cases are planted follows buurt characteristics (low incomes, private rental,
urbanity), which is what the model can learn; the detection rate per gemeente is what
it cannot see and what makes observed and expected differ. Draws come from their own
streams (``default_rng([seed, 17])`` nationally, ``[seed, chunk, 17]`` per chunk).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from buurtzicht.microdata import sbi

STREAM = 17
THEMES: tuple[str, ...] = ("hennep", "doorsluiswoningen", "onverklaarbaar_bezit", "witwas")
#: Detection rates lie between these bounds (Beta(1.2, 1.2) between them, mean 0.5).
DETECTION_LOW, DETECTION_HIGH = 0.1, 0.9
MEAN_DETECTION = (DETECTION_LOW + DETECTION_HIGH) / 2
#: Hidden plantations whose electricity use still shows on the meter.
HENNEP_METERED = 0.6
#: Planted laundering vestigingen per person (chosen among sensitive branches).
PLANT_LAUNDERING = 3e-4


def detection_rates(gemeenten: Sequence[str], seed: int) -> pd.DataFrame:
    """Per gemeente (rows, in the given order) the detection rate of each theme (columns).

    >>> d = detection_rates(["GM0001", "GM0002"], seed=1)
    >>> list(d.columns), bool(((d > 0.1) & (d < 0.9)).all().all())
    (['hennep', 'doorsluiswoningen', 'onverklaarbaar_bezit', 'witwas'], True)
    """
    rng = np.random.default_rng([seed, STREAM])
    draw = rng.beta(1.2, 1.2, size=(len(gemeenten), len(THEMES)))
    rates = DETECTION_LOW + (DETECTION_HIGH - DETECTION_LOW) * draw
    return pd.DataFrame(rates, index=pd.Index(list(gemeenten), name="gemeente"), columns=THEMES)


def buurt_detection(buurten: pd.DataFrame, rates: pd.DataFrame, theme: str) -> np.ndarray:
    """The detection rate of ``theme`` for every buurt row (via its gemeente)."""
    return rates[theme].reindex(buurten["gemeente"]).to_numpy(dtype=float)


def registered(detect: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which cases a register sees, given each case's detection rate."""
    return rng.random(len(detect)) < detect


def deprivation(buurten: pd.DataFrame) -> np.ndarray:
    """Per buurt a weight that rises as incomes fall: (35,000 / income)^2, within 0.3-6."""
    income = buurten["income_per_inhabitant"].to_numpy(dtype=float)
    return np.clip((35_000 / np.maximum(income, 1.0)) ** 2, 0.3, 6.0)


def private_rental_share(
    a_buurt: np.ndarray, dwelling: np.ndarray, tenure: np.ndarray, n: int
) -> np.ndarray:
    """Per buurt the share of its dwellings that are privately rented."""
    dwellings = np.bincount(a_buurt, weights=dwelling, minlength=n)
    private = np.bincount(a_buurt, weights=dwelling & (tenure == 2), minlength=n)
    return np.divide(private, dwellings, out=np.zeros(n), where=dwellings > 0)


def weighted_order(weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of ``weight``'s positions, heavier ones likelier first.

    Efraimidis-Spirakis: sort on Exp(1) / weight (vectorised sampling without
    replacement); positions with weight 0 come last.
    """
    key = rng.exponential(size=len(weight)) / np.maximum(weight, 1e-12)
    return np.argsort(key, kind="stable")


def laundering_businesses(
    sbi_codes: np.ndarray, buurt_weight: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """``n`` vestigingen in sensitive branches, likelier in buurten of high weight."""
    sensitive = np.isin(sbi_codes, list(sbi.MONEY_LAUNDERING_SENSITIVE))
    candidates = np.flatnonzero(sensitive)
    if len(candidates) == 0 or n == 0:
        return np.empty(0, np.int64)
    order = weighted_order(buurt_weight[candidates], rng)
    return np.sort(candidates[order[: min(n, len(candidates))]])
