"""Businesses, their directors, pgb care providers and declarations of one chunk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from buurtzicht.microdata import sbi
from buurtzicht.microdata.schema import WORLD_DATE
from buurtzicht.microdata.synth import params
from buurtzicht.microdata.synth.common import (
    NULL,
    day,
    group_starts,
    pick_in_groups,
    random_days,
    stochastic_round,
    weighted_choice,
    year_start,
)
from buurtzicht.microdata.synth.population import GEEN, Chunk

FORMS = np.array(
    ["eenmanszaak", "vof", "bv", "nv", "stichting", "vereniging", "overig"], dtype=object
)
FORM_P = {
    "default": [0.62, 0.06, 0.24, 0.003, 0.04, 0.02, 0.017],
    6: [0.55, 0.03, 0.15, 0.0, 0.22, 0.03, 0.02],
    7: [0.55, 0.03, 0.08, 0.0, 0.14, 0.18, 0.02],
}
DIRECTORS_PER_FORM = np.array([1, 2, 1, 2, 3, 3, 1])
SENSITIVE = np.array(sorted(sbi.MONEY_LAUNDERING_SENSITIVE), dtype=object)


@dataclass
class Businesses:
    """Businesses of a chunk as parallel arrays (local index = position)."""

    sbi: list[np.ndarray] = field(default_factory=list)
    form: list[np.ndarray] = field(default_factory=list)
    address: list[np.ndarray] = field(default_factory=list)  # local address index
    start: list[np.ndarray] = field(default_factory=list)
    end: list[np.ndarray] = field(default_factory=list)
    directors: list[tuple[np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # (business, person local)
    size: int = 0

    def add(self, code: Any, form: Any, address: Any, start: Any, end: Any) -> np.ndarray:
        n = len(address)
        for target, values in (
            (self.sbi, code),
            (self.form, form),
            (self.address, address),
            (self.start, start),
            (self.end, end),
        ):
            target.append(np.broadcast_to(np.asarray(values), (n,)).copy())
        local = self.size + np.arange(n, dtype=np.int64)
        self.size += n
        return local

    def add_directors(self, business: np.ndarray, person: np.ndarray) -> None:
        self.directors.append((business, person))

    def concat(self, name: str) -> np.ndarray:
        return np.concatenate(getattr(self, name)) if getattr(self, name) else np.empty(0)


def _sbi_for_sections(section: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(section), dtype=object)
    for s, codes in sbi.SECTION_SBI.items():
        hit = np.flatnonzero(section == s)
        names = np.array([c for c, _ in codes], dtype=object)
        p = np.array([w for _, w in codes])
        out[hit] = names[rng.choice(len(names), size=len(hit), p=p / p.sum())]
    return out


def _lifetimes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    today = day(WORLD_DATE)
    # Ages are exponential (mean 9 years), capped: registers hold no firm founded before 1950.
    age = np.minimum(np.floor(rng.exponential(9 * 365.25, n)), today - day(date(1950, 1, 1)))
    start = today - age.astype(np.int64)
    ended = rng.random(n) < 0.12
    end = start + np.floor(rng.exponential(4 * 365.25, n)).astype(np.int64) + 30
    end = np.where(ended & (end <= today), end, NULL)
    return start, end


def make_businesses(chunk: Chunk, rng: np.random.Generator, scale: float) -> Businesses:
    """Regular establishments calibrated on the KWB counts and sector shares per buurt."""
    b = chunk.buurten
    n_b = stochastic_round(b["businesses"].to_numpy() * scale, rng)
    bidx = np.repeat(np.arange(len(b)), n_b)
    n = len(bidx)
    shares = b[[f"sector_{i}" for i in range(8)]].to_numpy()
    cum = np.cumsum(shares / shares.sum(axis=1, keepdims=True).clip(min=1e-9), axis=1)
    section = (rng.random(n)[:, None] > cum[bidx]).sum(axis=1).clip(max=7)
    codes = _sbi_for_sections(section, rng)
    form_idx = np.zeros(n, dtype=np.int64)
    for key, p in FORM_P.items():
        hit = (
            np.flatnonzero(~np.isin(section, [6, 7]))
            if key == "default"
            else np.flatnonzero(section == key)
        )
        form_idx[hit] = rng.choice(len(FORMS), size=len(hit), p=np.array(p) / sum(p))
    address = _business_addresses(chunk, bidx, rng)
    start, end = _lifetimes(n, rng)
    out = Businesses()
    local = out.add(codes, FORMS[form_idx], address, start, end)
    _directors(out, chunk, local, form_idx, rng)
    return out


def _business_addresses(chunk: Chunk, bidx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Half at home (a dwelling of the buurt), half at another verblijfsobject."""
    nb = len(chunk.buurten)
    regular = chunk.park < 0
    picks = []
    for want_dwelling in (True, False):
        idx = np.flatnonzero(regular & (chunk.a_dwelling == want_dwelling))
        counts = np.bincount(chunk.a_buurt[idx], minlength=nb)
        picks.append(
            idx[np.maximum(pick_in_groups(rng, bidx, group_starts(counts), counts), 0)]
            if len(idx)
            else np.full(len(bidx), -1)
        )
    home = rng.random(len(bidx)) < 0.5
    first, second = (picks[0], picks[1])
    chosen = np.where(home, first, second)
    chosen = np.where(chosen < 0, np.where(home, second, first), chosen)
    fallback = np.flatnonzero(regular)
    bad = chosen < 0
    chosen[bad] = fallback[np.floor(rng.random(bad.sum()) * len(fallback)).astype(np.int64)]
    return chosen


def _directors(
    out: Businesses, chunk: Chunk, local: np.ndarray, form_idx: np.ndarray, rng: np.random.Generator
) -> None:
    k = DIRECTORS_PER_FORM[form_idx]
    business = np.repeat(local, k)
    pool = np.flatnonzero((chunk.age >= 23) & (chunk.age <= 75))
    if len(pool) == 0:
        return
    out.add_directors(
        business, pool[np.floor(rng.random(len(business)) * len(pool)).astype(np.int64)]
    )


def add_special(
    out: Businesses,
    chunk: Chunk,
    code: str | np.ndarray,
    form: str,
    count: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Housing corporations, landlord BVs, foundations: businesses the property stage needs."""
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    nondwelling = np.flatnonzero(~chunk.a_dwelling & (chunk.park < 0))
    pool = nondwelling if len(nondwelling) else np.flatnonzero(chunk.park < 0)
    address = pool[np.floor(rng.random(count) * len(pool)).astype(np.int64)]
    start = day(WORLD_DATE) - np.floor(rng.uniform(5, 60, count) * 365.25).astype(np.int64)
    local = out.add(code, form, address, start, np.full(count, NULL))
    adults = np.flatnonzero((chunk.age >= 30) & (chunk.age <= 75))
    k = 3 if form == "stichting" else 1
    out.add_directors(
        np.repeat(local, k), adults[np.floor(rng.random(count * k) * len(adults)).astype(np.int64)]
    )
    return local


def plant_churn(
    out: Businesses, chunk: Chunk, count: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Addresses where short-lived businesses follow each other (planted truth)."""
    pool = np.flatnonzero(~chunk.a_dwelling & (chunk.park < 0))
    if count <= 0 or len(pool) == 0:
        return {"address": np.empty(0, np.int64)}
    addresses = rng.choice(pool, size=min(count, len(pool)), replace=False)
    k = rng.integers(4, 8, len(addresses))
    address = np.repeat(addresses, k)
    n = len(address)
    start = random_days(rng, year_start(2020), day(WORLD_DATE) - 400, n)
    end = start + np.floor(rng.uniform(90, 600, n)).astype(np.int64)
    end = np.minimum(end, day(WORLD_DATE) - 1)
    local = out.add(
        SENSITIVE[rng.integers(0, len(SENSITIVE), n)], "eenmanszaak", address, start, end
    )
    straw = np.flatnonzero(
        (chunk.age >= 18) & (chunk.age < 30) & (chunk.debts | (chunk.benefit != GEEN))
    )
    straw = straw if len(straw) else np.flatnonzero(chunk.age >= 18)
    out.add_directors(local, straw[np.floor(rng.random(n) * len(straw)).astype(np.int64)])
    return {"address": addresses}


def care_providers(
    out: Businesses, chunk: Chunk, n_fraud: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """pgb providers among care businesses, plus planted misusing providers.

    Returns local business indices of providers, their care-activity flag and whether
    they are planted misusers.
    """
    codes = out.concat("sbi")
    care = (
        np.flatnonzero(np.array([c.startswith(sbi.CARE_PREFIXES) for c in codes], dtype=bool))
        if len(codes)
        else np.empty(0, np.int64)
    )
    regular = care[rng.random(len(care)) < params.PGB_SHARE_OF_CARE_BUSINESSES]
    activity = rng.random(len(regular)) < 0.97
    fraud = np.empty(0, dtype=np.int64)
    criminals = np.flatnonzero(chunk.criminal)
    if n_fraud > 0 and len(criminals):
        sensitive = SENSITIVE[rng.integers(0, len(SENSITIVE), n_fraud)]
        fraud = add_special(out, chunk, sensitive, "bv", n_fraud, rng)
        out.add_directors(
            fraud, criminals[np.floor(rng.random(n_fraud) * len(criminals)).astype(np.int64)]
        )
    providers = np.concatenate([regular, fraud])
    flags = np.concatenate([activity, np.zeros(len(fraud), dtype=bool)])
    planted = np.concatenate([np.zeros(len(regular), bool), np.ones(len(fraud), bool)])
    return {"business": providers, "activity": flags, "planted": planted}


def declarations(
    providers: dict[str, np.ndarray], chunk: Chunk, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Declarations per provider and analysis year; misusers declare more and more."""
    rows_provider, rows_year = [], []
    for year in params.ANALYSIS_YEARS:
        lam = np.where(
            providers["planted"],
            4 * params.DECLARATIONS_PER_PROVIDER,
            params.DECLARATIONS_PER_PROVIDER,
        )
        k = rng.poisson(lam)
        rows_provider.append(np.repeat(np.arange(len(k)), k))
        rows_year.append(np.full(int(k.sum()), year))
    provider = np.concatenate(rows_provider) if rows_provider else np.empty(0, np.int64)
    years = np.concatenate(rows_year) if rows_year else np.empty(0, np.int64)
    n = len(provider)
    weight = np.where(chunk.age >= 65, 3.0, 1.0)
    client = (
        weighted_choice(rng, weight / weight.sum(), n) if len(chunk.age) else np.empty(0, np.int64)
    )
    first_day = np.zeros(n, dtype=np.int64)
    for y in params.ANALYSIS_YEARS:
        first_day[years == y] = year_start(y)
    date = first_day + np.floor(rng.random(n) * 365).astype(np.int64)
    median = np.where(providers["planted"][provider], 4000, 1500) if n else np.empty(0)
    amount = np.round(median * np.exp(0.6 * rng.standard_normal(n))).astype(np.int64)
    return {"provider": provider, "client": client, "date": date, "amount": amount}
