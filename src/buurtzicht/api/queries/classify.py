"""Legend classes for a choropleth (mapclassify) and their colours relative to NL.

Classes are cut with mapclassify (quantiles, Fisher-Jenks natural breaks or equal
intervals). When the national figure falls inside a class, that class is split at it,
so every class lies wholly below or wholly above NL: cool (blue) below, warm (orange
to red) above, darker further from NL. Without a national figure a sequential ramp is
used. Regions without a figure get no class.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
#: Cool colours from dark to light, warm colours from light to dark (ColorBrewer RdBu).
COOL = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0")
WARM = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b")
NEUTRAL = "#f7f7f7"
SEQUENTIAL = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000", "#7f0000", "#4d0000")
NO_DATA = "#bdbdbd"


@dataclass(frozen=True)
class LegendClass:
    lower: float
    upper: float
    colour: str
    count: int
    relation: str  # "below" or "above" NL ("around" for a class of NL alone), "" without NL


@dataclass(frozen=True)
class Classification:
    scheme: str
    classes: tuple[LegendClass, ...]
    assignments: tuple[int | None, ...]  # class index per input value (None: no figure)

    def colour_of(self, index: int | None) -> str:
        return NO_DATA if index is None else self.classes[index].colour


def classify(
    values: list[float | None], *, scheme: str, k: int, national: float | None
) -> Classification:
    """Cut ``values`` into at most ``k`` classes; None values get no class."""
    present = [v for v in values if v is not None and math.isfinite(v)]
    if not present:
        return Classification(scheme, (), tuple(None for _ in values))
    y = np.asarray(present, dtype=float)
    distinct = len(np.unique(y))
    k = max(1, min(k, distinct))
    uppers = _split_at(_breaks(y, scheme, k), national, float(y.min()))
    lowers = [float(y.min()), *uppers[:-1]]
    bins = np.asarray(uppers)
    assigned: list[int | None] = []
    for v in values:
        if v is None or not math.isfinite(v):
            assigned.append(None)
        else:
            assigned.append(min(int(np.searchsorted(bins, v, side="left")), len(bins) - 1))
    counts = [sum(1 for a in assigned if a == i) for i in range(len(uppers))]
    colours, relations = _colours(lowers, uppers, national)
    classes = tuple(
        LegendClass(lo, hi, colour, n, rel)
        for lo, hi, colour, n, rel in zip(lowers, uppers, colours, counts, relations, strict=True)
    )
    return Classification(scheme, classes, tuple(assigned))


def _breaks(y: np.ndarray, scheme: str, k: int) -> list[float]:
    if k == 1:
        return [float(y.max())]
    if scheme == "quantiles":
        classifier = mapclassify.Quantiles(y, k=k)
    elif scheme == "natural_breaks":
        with warnings.catch_warnings():
            # Without numba mapclassify says it is slow; for ~3,500 regions it is not.
            warnings.filterwarnings("ignore", message="Numba not installed")
            classifier = mapclassify.FisherJenks(y, k=k)
    elif scheme == "equal_interval":
        classifier = mapclassify.EqualInterval(y, k=k)
    else:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {SCHEMES}")
    uppers = sorted({float(b) for b in classifier.bins})
    uppers[-1] = max(uppers[-1], float(y.max()))
    return uppers


def _split_at(uppers: list[float], national: float | None, low: float) -> list[float]:
    """Make the national figure a class bound when it lies strictly inside the range.

    A break within 2% of the range from NL moves onto NL (no sliver classes such as
    23.5–23.5); otherwise NL becomes an extra bound.
    """
    if national is None or not low < national < uppers[-1] or national in uppers:
        return uppers
    inner = uppers[:-1]
    nearest = min(inner, key=lambda b: abs(b - national), default=None)
    if nearest is not None and abs(nearest - national) < 0.02 * (uppers[-1] - low):
        return sorted({*(b for b in inner if b != nearest), national, uppers[-1]})
    return sorted([*uppers, national])


def _colours(
    lowers: list[float], uppers: list[float], national: float | None
) -> tuple[list[str], list[str]]:
    n = len(uppers)
    if national is None:
        step = max(1, len(SEQUENTIAL) // n)
        return [SEQUENTIAL[min(i * step, len(SEQUENTIAL) - 1)] for i in range(n)], [""] * n
    relations = [
        "below" if hi <= national and lo < national else "above" if lo >= national else "around"
        for lo, hi in zip(lowers, uppers, strict=True)
    ]
    below = [i for i, r in enumerate(relations) if r == "below"]
    above = [i for i, r in enumerate(relations) if r == "above"]
    colours = [NEUTRAL] * n
    for distance, i in enumerate(reversed(below)):  # nearest NL first: lightest
        colours[i] = COOL[max(0, len(COOL) - 1 - distance)]
    for distance, i in enumerate(above):
        colours[i] = WARM[min(distance, len(WARM) - 1)]
    return colours, relations
