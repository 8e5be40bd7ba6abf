"""What stands out in a region profile ("Wat valt op"): per theme, the indicators on
which the region differs from the Netherlands beyond chance and by a margin that
matters, and whether it differs from its peers too.

The reliability the engine computed decides, not the raw figure or rank:

* figures flagged ``onbetrouwbaar``, suppressed figures and counts (inhabitants, euros)
  are never a finding; neither is an ``indicatief`` figure without an interval;
* the difference is measured from the end of the 95% interval nearest NL (Poisson
  counts, survey margins), else from the Empirical Bayes rate, else from the figure
  (:func:`buurtzicht.analysis.deviations.conservative`): an interval that holds NL is no
  difference at all;
* a finding needs that conservative figure at least :data:`MIN_FACTOR` times NL (or at
  most NL divided by it);
* "and than its peers" is said only when the interval (or, without one, the figure)
  lies wholly on the same side of the peer value.

Per theme the :data:`PER_THEME` largest differences are kept, largest first, measured
as ``|ln(conservative / NL)|``.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict

from buurtzicht.analysis.deviations import conservative
from buurtzicht.analysis.region_profile import IndicatorProfile, RegionProfile

#: A difference must be at least 15% beyond the interval to be worth a sentence.
MIN_FACTOR = 1.15
PER_THEME = 3


class Highlight(BaseModel):
    """One indicator on which a region stands out."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    theme: str
    period: str
    value: float
    nl_value: float
    ratio: float  # value / NL
    direction: str  # "above" or "below" NL
    peers_value: float | None
    peers_direction: str | None  # "above" / "below" the peers beyond chance, else None
    reliability: str | None
    strength: float  # |ln(conservative / NL)|


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _finding(item: IndicatorProfile) -> Highlight | None:
    rel = item.reliability
    has_interval = rel.ci_low is not None and rel.ci_high is not None
    if (
        item.value is None
        or not item.nl_value
        or item.suppressed
        or rel.flag == "onbetrouwbaar"
        or (rel.flag == "indicatief" and not has_interval)
        or item.index is None  # counts carry no index
        or item.period is None
        or item.value <= 0
    ):
        return None
    near = float(
        conservative(
            np.array([item.value]),
            np.array([item.nl_value]),
            np.array([_nan(rel.ci_low)]),
            np.array([_nan(rel.ci_high)]),
            np.array([_nan(rel.eb_value)]),
        )[0]
    )
    if near <= 0:
        return None
    strength = abs(math.log(near / item.nl_value))
    if strength < math.log(MIN_FACTOR):
        return None
    direction = "above" if near > item.nl_value else "below"
    peers = item.peers.value if item.peers else None
    low, high = (rel.ci_low, rel.ci_high) if has_interval else (item.value, item.value)
    peers_direction = None
    if peers is not None and low is not None and high is not None:
        if low > peers:
            peers_direction = "above"
        elif high < peers:
            peers_direction = "below"
    return Highlight(
        indicator=item.id,
        theme=item.theme,
        period=item.period,
        value=item.value,
        nl_value=item.nl_value,
        ratio=item.value / item.nl_value,
        direction=direction,
        peers_value=peers,
        peers_direction=peers_direction,
        reliability=rel.flag,
        strength=strength,
    )


def highlights(profile: RegionProfile, *, per_theme: int = PER_THEME) -> dict[str, list[Highlight]]:
    """Per theme (catalog order), the largest significant differences with NL."""
    out: dict[str, list[Highlight]] = {}
    for item in profile.indicators:
        found = _finding(item)
        if found is not None:
            out.setdefault(item.theme, []).append(found)
    return {
        theme: sorted(found, key=lambda h: -h.strength)[:per_theme] for theme, found in out.items()
    }
