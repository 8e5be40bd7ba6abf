"""Where a chunk plants the cases of each theme and which of them a register sees.

Glue between :mod:`.hidden` (detection rates, the hidden-case stream) and the stages
that plant cases (:mod:`.crime`, :mod:`.property`, the businesses of a chunk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from buurtzicht.microdata.synth import business, crime, hidden, population
from buurtzicht.microdata.synth import property as ownership


@dataclass
class ChunkRates:
    """Hennep base rate, detection rates per gemeente and the hidden-case stream."""

    hennep_base: float
    detection: pd.DataFrame
    rng: np.random.Generator

    def cases(self, chunk: population.Chunk, theme: str, weight: np.ndarray) -> ownership.Cases:
        detect = hidden.buurt_detection(chunk.buurten, self.detection, theme)
        return ownership.Cases(weight=weight, detect=detect, rng=self.rng)


def case_weights(chunk: population.Chunk) -> dict[str, np.ndarray]:
    """Per local buurt the relative chance of a planted case, per theme (:mod:`.hidden`)."""
    n = len(chunk.buurten)
    poor = hidden.deprivation(chunk.buurten)
    urban = crime.URBAN[chunk.buurten["stedelijkheid"].round().clip(1, 5).astype(int).to_numpy()]
    private = hidden.private_rental_share(chunk.a_buurt, chunk.a_dwelling, chunk.tenure, n)
    return {
        "doorsluiswoningen": poor * urban * (0.2 + private),
        "onverklaarbaar_bezit": poor * urban,
        "witwas": poor * urban**2,
    }


def plant_laundering(
    chunk: population.Chunk,
    out: business.Businesses,
    special: dict[str, np.ndarray],
    cases: ownership.Cases,
) -> None:
    """Money-laundering vestigingen; the registered ones draw FIU reports (nation.py)."""
    b_buurt = chunk.a_buurt[out.concat("address").astype(np.int64)]
    n = cases.rng.binomial(len(chunk.age), hidden.PLANT_LAUNDERING)
    picked = hidden.laundering_businesses(out.concat("sbi"), cases.weight[b_buurt], n, cases.rng)
    seen = hidden.registered(cases.detect[b_buurt[picked]], cases.rng)
    special["laundering"], special["laundering_hidden"] = picked[seen], picked[~seen]
