"""The secure theme indicators, as the indicator catalog defines them, on true aggregates.

The catalog (``indicators/catalog/<theme>.yaml``, ``synthetic: true``) is the single
definition of every theme indicator; this module only selects those that read secure
measures and evaluates them on the secure aggregates *before* disclosure control, for
checks on the secure side (e.g. that a world reproduces known rates). Published figures
are computed by the warehouse from protected cells, never from these values.
"""

from __future__ import annotations

import pandas as pd

from buurtzicht.indicators.formula import family_of
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.model import Indicator
from buurtzicht.indicators.themes import Catalog


def secure_indicators(catalog: Catalog | None = None) -> list[Indicator]:
    """Catalog indicators that read secure-side measures, in catalog order.

    >>> ids = [i.id for i in secure_indicators()]
    >>> "vastgoed_doorsluiswoningen" in ids and "drugs_jonge_aanwas_pct" in ids
    True
    """
    catalog = catalog or default_catalog()
    return [i for i in catalog if any(family_of(m) == "secure" for m in i.measures)]


def compute_indicator(indicator: Indicator, aggregates: pd.DataFrame) -> pd.DataFrame:
    """``region, period, value`` of one indicator on true aggregates.

    ``scale x sum(numerator) / sum(denominator)`` per region and period of the indicator
    (a two-year total has no figure in its first year); an absent cell is 0 (no
    contributing unit), a zero or absent denominator gives NaN.
    """
    formula = indicator.formula
    periods = {f"{year}JJ00" for year in indicator.periods.as_list()}

    def summed(measures: list[str]) -> pd.Series:
        part = aggregates[
            aggregates["measure"].isin(measures) & aggregates["period"].astype(str).isin(periods)
        ]
        return part.groupby(["region", "period"])["value"].sum()

    numerator = summed(formula.numerator)
    if not formula.denominator:
        value = numerator * formula.scale
    else:
        denominator = summed(formula.denominator)
        numerator = numerator.reindex(denominator.index, fill_value=0.0)
        value = (formula.scale * numerator / denominator.where(denominator > 0)).astype("float64")
    return value.rename("value").reset_index()
