"""Theme indicator definitions (``themes.yaml``) and how to compute them from aggregates.

Until the indicator catalog lands these definitions live here as data; each indicator
is ``scale * sum(numerator) / sum(denominator)`` per region and period.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

THEMES_FILE = Path(__file__).with_name("themes.yaml")


@dataclass(frozen=True)
class ThemeIndicator:
    id: str
    theme: str
    title: dict[str, str]
    description: dict[str, str]
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    scale: float
    unit: str
    direction: str
    methodology: str
    linkage: str
    caveat: str


def load_theme_indicators(path: Path = THEMES_FILE) -> list[ThemeIndicator]:
    """All theme indicators, in file order.

    >>> ids = [i.id for i in load_theme_indicators()]
    >>> "vastgoed.doorsluiswoningen" in ids and "drugs.jonge_aanwas_pct" in ids
    True
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in data["indicators"]:
        item = dict(item)
        item["numerator"] = tuple(item["numerator"])
        item["denominator"] = tuple(item.get("denominator") or ())
        item["scale"] = float(item["scale"])
        out.append(ThemeIndicator(**item))
    return out


def compute_indicator(indicator: ThemeIndicator, aggregates: pd.DataFrame) -> pd.DataFrame:
    """``region, period, value`` of one indicator; NaN where the denominator is 0 or absent."""

    def summed(measures: tuple[str, ...]) -> pd.Series:
        part = aggregates[aggregates["measure"].isin(measures)]
        return part.groupby(["region", "period"])["value"].sum()

    numerator = summed(indicator.numerator)
    if not indicator.denominator:
        value = numerator * indicator.scale
    else:
        denominator = summed(indicator.denominator)
        numerator = numerator.reindex(denominator.index, fill_value=0.0)
        value = (indicator.scale * numerator / denominator.where(denominator > 0)).astype("float64")
    return value.rename("value").reset_index()
