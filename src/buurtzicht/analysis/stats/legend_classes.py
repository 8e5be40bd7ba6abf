"""Legend classes for a choropleth (mapclassify), centred on the national figure.

With a national figure inside the range of the values, the regions below NL and those
above it are classed separately, each side with the chosen scheme (quantiles, Fisher-
Jenks natural breaks or equal intervals). The ``k`` classes are shared out over the two
sides in proportion to the number of regions on each side (a side with a tenth of the
regions or more gets two classes at least), so NL is always a class bound and a map
where most gemeenten lie below NL still shows its highest ones in classes of their own.
Colours come from ColorBrewer's RdBu (colour-blind safe): blue below NL, red above it,
darker further from NL, and every class has a colour of its own. Without a national
figure a sequential ramp is used. Regions without a figure get no class.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
#: ColorBrewer RdBu (11 classes) without its neutral middle, each side from NL outwards.
COOL = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")
WARM = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f")
#: Which shades of a side's ramp ``m`` classes use (nearest NL first): spread out, so
#: that one class above NL is a clear red rather than the palest one.
SHADES = {1: (2,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
MAX_PER_SIDE = len(COOL)
#: A side with at least this share of the regions gets two classes (if it can).
TWO_CLASS_SHARE = 0.10
SEQUENTIAL = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000", "#7f0000", "#4d0000")
NO_DATA = "#bdbdbd"


@dataclass(frozen=True)
class LegendClass:
    lower: float
    upper: float
    colour: str
    count: int
    relation: str  # "below" or "above" NL, "" without NL


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
    """Cut ``values`` into at most ``k`` classes; None values get no class.

    >>> c = classify([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 20.0],
    ...              scheme="quantiles", k=4, national=7.5)
    >>> [(c.upper, c.relation) for c in c.classes]
    [(4.0, 'below'), (7.5, 'below'), (9.0, 'above'), (20.0, 'above')]
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {SCHEMES}")
    present = [v for v in values if v is not None and math.isfinite(v)]
    if not present:
        return Classification(scheme, (), tuple(None for _ in values))
    y = np.asarray(present, dtype=float)
    if national is None:
        uppers = _breaks(y, scheme, min(k, len(SEQUENTIAL)))
        colours = _sequential(len(uppers))
        relations = [""] * len(uppers)
    else:
        uppers, colours, relations = _diverging(y, scheme, k, national)
    lowers = [float(y.min()), *uppers[:-1]]
    bins = np.asarray(uppers)
    assigned: list[int | None] = [
        None
        if v is None or not math.isfinite(v)
        else min(int(np.searchsorted(bins, v, side="left")), len(bins) - 1)
        for v in values
    ]
    counts = [sum(1 for a in assigned if a == i) for i in range(len(uppers))]
    classes = tuple(
        LegendClass(lo, hi, colour, n, rel)
        for lo, hi, colour, n, rel in zip(lowers, uppers, colours, counts, relations, strict=True)
    )
    return Classification(scheme, classes, tuple(assigned))


def _diverging(
    y: np.ndarray, scheme: str, k: int, national: float
) -> tuple[list[float], list[str], list[str]]:
    """Class upper bounds, colours and relations with NL as a bound between the sides."""
    below = y[y <= national]
    above = y[y > national]
    k_below, k_above = share_classes(len(below), len(above), k)
    k_below = min(k_below, len(np.unique(below)))
    k_above = min(k_above, len(np.unique(above)))
    lower_side = _breaks(below, scheme, k_below) if k_below else []
    upper_side = _breaks(above, scheme, k_above) if k_above else []
    if lower_side and upper_side:
        lower_side[-1] = national  # NL closes the last class below it
    n_below, n_above = len(lower_side), len(upper_side)
    colours = [COOL[s] for s in reversed(SHADES[n_below])] if n_below else []
    colours += [WARM[s] for s in SHADES[n_above]] if n_above else []
    uppers = lower_side + upper_side
    return uppers, colours, ["below"] * n_below + ["above"] * n_above


def share_classes(n_below: int, n_above: int, k: int) -> tuple[int, int]:
    """Classes for each side of NL, in proportion to the regions on that side.

    >>> share_classes(284, 58, 5), share_classes(5, 5, 5), share_classes(0, 9, 7)
    ((3, 2), (2, 3), (0, 5))
    """
    n = n_below + n_above
    if n_below == 0 or n_above == 0:
        return (min(k, MAX_PER_SIDE), 0) if n_above == 0 else (0, min(k, MAX_PER_SIDE))
    k = max(k, 2)
    k_above = min(max(1, math.floor(k * n_above / n + 0.5)), k - 1)
    if n_above >= TWO_CLASS_SHARE * n and k >= 4:
        k_above = max(k_above, 2)
    if n_below >= TWO_CLASS_SHARE * n and k >= 4:
        k_above = min(k_above, k - 2)
    k_below = k - k_above
    return min(k_below, MAX_PER_SIDE), min(k_above, MAX_PER_SIDE)


def _sequential(n: int) -> list[str]:
    step = max(1, len(SEQUENTIAL) // n)
    return [SEQUENTIAL[min(i * step, len(SEQUENTIAL) - 1)] for i in range(n)]


def _breaks(y: np.ndarray, scheme: str, k: int) -> list[float]:
    """Sorted distinct class upper bounds of ``y``; the last one is the maximum."""
    k = max(1, min(k, len(np.unique(y))))
    if k == 1:
        return [float(y.max())]
    if scheme == "quantiles":
        classifier = mapclassify.Quantiles(y, k=k)
    elif scheme == "natural_breaks":
        with warnings.catch_warnings():
            # Without numba mapclassify says it is slow; for ~3,500 regions it is not.
            warnings.filterwarnings("ignore", message="Numba not installed")
            classifier = mapclassify.FisherJenks(y, k=k)
    else:
        classifier = mapclassify.EqualInterval(y, k=k)
    uppers = sorted({float(b) for b in classifier.bins})
    uppers[-1] = max(uppers[-1], float(y.max()))
    return uppers
