"""Where persons are registered: current addresses, earlier addresses, holiday parks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from buurtzicht.microdata.schema import WORLD_DATE
from buurtzicht.microdata.synth import params
from buurtzicht.microdata.synth.common import NULL, day, random_days, year_start
from buurtzicht.microdata.synth.population import BIJSTAND, Chunk, benefit_names

Columns = dict[str, Any]


def move_to_parks(
    chunk: Chunk, parks: pd.DataFrame, units: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Register small households at park units; misused parks get many, with risk.

    Returns the local household indices that moved.
    """
    if parks.empty or len(units) == 0:
        return np.empty(0, dtype=np.int64)
    size = np.bincount(chunk.household, minlength=len(chunk.household_id))
    risk = np.bincount(
        chunk.household, weights=chunk.debts | (chunk.benefit == BIJSTAND), minlength=len(size)
    )
    free = np.flatnonzero((size <= 2) & (size > 0))
    moved: list[np.ndarray] = []
    taken = np.zeros(len(size), dtype=bool)
    unit_park = chunk.park[units]
    for park_id, misused in zip(parks["holiday_park_id"], parks["misused"], strict=True):
        park_units = units[unit_park == park_id]
        want = rng.binomial(len(park_units), 0.5 if misused else 0.05)
        pool = free[~taken[free]]
        if want == 0 or len(pool) == 0:
            continue
        weight = 1.0 + (6.0 * risk[pool] if misused else np.zeros(len(pool)))
        pick = rng.choice(pool, size=min(want, len(pool)), replace=False, p=weight / weight.sum())
        taken[pick] = True
        chunk.h_address[pick] = rng.choice(park_units, size=len(pick), replace=False)
        moved.append(pick)
    return np.concatenate(moved) if moved else np.empty(0, dtype=np.int64)


def residence_columns(
    chunk: Chunk, moved: np.ndarray, rng: np.random.Generator, first_id: int
) -> Columns:
    """Current registrations for everyone, earlier ones for recent movers."""
    n = len(chunk.person_id)
    today = day(WORLD_DATE)
    address = chunk.h_address[chunk.household]
    span = np.minimum(chunk.age, 30) * 365.25
    start = (today - np.floor(rng.random(n) * span)).astype(np.int64)
    born = year_start(WORLD_DATE.year) - chunk.age * 365
    start = np.maximum(start, born)
    park_mover = np.zeros(len(chunk.household_id), dtype=bool)
    park_mover[moved] = True
    mover = park_mover[chunk.household] | ((rng.random(n) < params.MOVER_SHARE) & (chunk.age >= 18))
    start[mover] = random_days(rng, year_start(2019), today, int(mover.sum()))
    dwellings = np.flatnonzero(chunk.a_dwelling)
    prev_address = (
        chunk.address_id[
            dwellings[np.floor(rng.random(mover.sum()) * len(dwellings)).astype(np.int64)]
        ]
        if len(dwellings)
        else np.empty(0, np.int64)
    )
    prev_start = start[mover] - np.floor(rng.random(mover.sum()) * 3650).astype(np.int64)
    person = np.concatenate([chunk.person_id, chunk.person_id[mover]])
    return {
        "residence_id": first_id + np.arange(len(person), dtype=np.int64),
        "person_id": person,
        "address_id": np.concatenate([chunk.address_id[address], prev_address]),
        "start_date": np.concatenate([start, prev_start]),
        "end_date": np.concatenate([np.full(n, NULL), start[mover]]),
    }


def person_columns(chunk: Chunk) -> Columns:
    return {
        "person_id": chunk.person_id,
        "birth_year": WORLD_DATE.year - chunk.age,
        "sex": pc.take(pa.array(["V", "M"]), pa.array(chunk.male.astype(np.int8))),
        "household_id": chunk.household_id[chunk.household],
        "income": chunk.income,
        "wealth": chunk.wealth,
        "benefit": benefit_names(chunk.benefit),
        "problematic_debts": chunk.debts,
    }
