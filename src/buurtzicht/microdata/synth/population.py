"""Persons, households and addresses of one chunk of buurten, calibrated per buurt."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from buurtzicht.microdata.synth import params
from buurtzicht.microdata.synth.common import group_starts, sort_by, stochastic_round

WORLD_YEAR = 2024
AGE_LO = np.array([0, 15, 25, 45, 65])
AGE_SPAN = np.array([15, 10, 20, 20, 30])
DWELLING_TYPES = np.array(
    ["appartement", "tussenwoning", "hoekwoning", "twee_onder_een_kap", "vrijstaand"], dtype=object
)
TYPE_WOZ = np.array([0.8, 0.9, 0.95, 1.15, 1.5])
TYPE_KWH = np.array([2200, 2800, 3000, 3400, 4200])
NON_DWELLING = np.array(
    ["winkel", "kantoor", "industrie", "bijeenkomst", "logies", "overig"], dtype=object
)
NON_DWELLING_P = np.array([0.2, 0.2, 0.3, 0.1, 0.05, 0.15])
#: Benefit codes of ``Chunk.benefit`` (kept as small integers: comparisons and the
#: conversion to Arrow are much cheaper than on arrays of Python strings).
BENEFITS = np.array(["geen", "bijstand", "ww", "ao", "aow"], dtype=object)
GEEN, BIJSTAND, AOW = 0, 1, 4
_LETTERS = np.array(
    [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    dtype=object,
)

Columns = dict[str, Any]


@dataclass
class Chunk:
    """Arrays of one chunk; later stages (businesses, property, crime) read them."""

    buurten: pd.DataFrame  # calibration rows of this chunk, positional index 0..B-1
    # persons (sorted by buurt)
    person_id: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    p_buurt: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    age: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    male: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    household: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # local index
    income: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    wealth: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    benefit: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))  # BENEFITS index
    debts: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    criminal: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    # households (local index = position)
    household_id: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    h_address: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.int64)
    )  # local address index
    # addresses (sorted by buurt)
    address_id: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    a_buurt: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    a_dwelling: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    woz: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    kwh: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    park: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # holiday_park_id or -1
    tenure: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.int8)
    )  # 0 koop 1 corp 2 private 3 park
    kind: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # DWELLING_TYPES index
    function: np.ndarray = field(default_factory=lambda: np.empty(0, object))
    build_year: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def adults(self) -> np.ndarray:
        return np.flatnonzero(self.age >= 18)


def make_persons(chunk: Chunk, rng: np.random.Generator, scale: float, first_id: int) -> None:
    """Persons per buurt with age, sex, income, wealth, benefits and debts."""
    b = chunk.buurten
    n_b = stochastic_round(b["inhabitants"].to_numpy() * scale, rng)
    bidx = np.repeat(np.arange(len(b)), n_b)
    n = len(bidx)
    shares = b[[f"age_{i}" for i in range(5)]].to_numpy()
    cum = np.cumsum(shares / shares.sum(axis=1, keepdims=True).clip(min=1e-9), axis=1)
    group = (rng.random(n)[:, None] > cum[bidx]).sum(axis=1).clip(max=4)
    age = AGE_LO[group] + np.floor(rng.random(n) * AGE_SPAN[group]).astype(np.int64)
    old = group == 4
    age[old] = 65 + np.minimum(rng.exponential(11.0, old.sum()), 40).astype(np.int64)
    chunk.p_buurt, chunk.age = bidx, age
    chunk.male = rng.random(n) < np.where(old, 0.45, 0.505)
    chunk.person_id = first_id + np.arange(n, dtype=np.int64)
    _income_wealth(chunk, rng)


def _income_wealth(chunk: Chunk, rng: np.random.Generator) -> None:
    b, age, n = chunk.buurten, chunk.age, len(chunk.age)
    adult = age >= 18
    adults_b = np.bincount(chunk.p_buurt[adult], minlength=len(b)).clip(min=1)
    persons_b = np.bincount(chunk.p_buurt, minlength=len(b))
    mean_adult = b["income_per_inhabitant"].to_numpy() * persons_b / adults_b
    factor = np.select([age < 25, age >= params.AOW_AGE], [0.45, 0.7], 1.0)
    mu = np.log(mean_adult[chunk.p_buurt] * factor) - params.INCOME_SIGMA**2 / 2
    income = np.where(adult, np.exp(mu + params.INCOME_SIGMA * rng.standard_normal(n)), 0.0)
    income = np.where((age >= 15) & ~adult, rng.random(n) * 3000, income)
    wealth_factor = np.select([age < 30, age < 45, age >= 65], [0.1, 0.5, 1.6], 1.0)
    median = b["wealth_median"].to_numpy()[chunk.p_buurt] * 0.5 * wealth_factor
    wealth = median * np.exp(params.WEALTH_SIGMA * rng.standard_normal(n))
    wealth = np.where(adult & (rng.random(n) > params.WEALTH_ZERO_SHARE), wealth, 0.0)
    # Benefits are likelier where incomes are low.
    poverty = np.clip(32_500 / b["income_per_inhabitant"].to_numpy(), 0.5, 2.0) ** 2
    f = poverty[chunk.p_buurt]
    u = rng.random(n)
    working_age = adult & (age < params.AOW_AGE)
    benefit = np.full(n, GEEN, dtype=np.int8)
    edge = 0.0
    for kind, rate in params.BENEFIT_RATES.items():
        hit = working_age & (u >= edge * f) & (u < (edge + rate) * f)
        benefit[hit] = list(BENEFITS).index(kind)
        edge += rate
    benefit[age >= params.AOW_AGE] = AOW
    on_bijstand = benefit == BIJSTAND
    income[on_bijstand] = 14_000 + rng.random(on_bijstand.sum()) * 5_000
    debt_p = (
        params.DEBT_RATE * np.where(on_bijstand, 3.0, 1.0) * np.where(income < 20_000, 1.5, 1.0)
    )
    chunk.debts = adult & (rng.random(n) < debt_p)
    wealth[chunk.debts] = 0
    chunk.income, chunk.wealth = (
        np.round(income).astype(np.int64),
        np.round(wealth).astype(np.int64),
    )
    chunk.benefit = benefit
    chunk.criminal = np.zeros(n, dtype=bool)


def on_benefit(benefit: np.ndarray) -> np.ndarray:
    """Bijstand, WW or AO (not AOW): the benefits the risk factors count."""
    return (benefit >= 1) & (benefit <= 3)


def benefit_names(benefit: np.ndarray) -> pa.Array:
    """The benefit codes as the strings of the ``persons.benefit`` column."""
    return pc.take(pa.array(BENEFITS, pa.string()), pa.array(benefit, pa.int8()))


def make_households(chunk: Chunk, rng: np.random.Generator, scale: float, first_id: int) -> None:
    """Adults head the households of their buurt; everyone else joins one at random."""
    b, n = chunk.buurten, len(chunk.age)
    n_b = np.bincount(chunk.p_buurt, minlength=len(b))
    h_b = stochastic_round(b["households"].to_numpy() * scale, rng)
    h_b = np.minimum(np.maximum(h_b, (n_b > 0).astype(np.int64)), n_b)
    # np.lexsort((random, child, buurt)): by the random key first, then stably by the rest.
    by_random = np.argsort(rng.random(n), kind="stable")
    order = by_random[sort_by((chunk.age < 18)[by_random], chunk.p_buurt[by_random])]
    _reorder_persons(chunk, order)
    rank = np.arange(n) - group_starts(n_b)[chunk.p_buurt]
    heads = h_b[chunk.p_buurt]
    local = np.where(
        rank < heads, rank, np.floor(rng.random(n) * np.maximum(heads, 1)).astype(np.int64)
    )
    chunk.household = group_starts(h_b)[chunk.p_buurt] + local
    chunk.household_id = first_id + np.arange(int(h_b.sum()), dtype=np.int64)
    chunk.h_address = np.full(len(chunk.household_id), -1, dtype=np.int64)


def _reorder_persons(chunk: Chunk, order: np.ndarray) -> None:
    for name in ("p_buurt", "age", "male", "income", "wealth", "benefit", "debts", "criminal"):
        setattr(chunk, name, getattr(chunk, name)[order])


def household_kinds(chunk: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """Size and kind of every household of the chunk."""
    h = len(chunk.household_id)
    size = np.bincount(chunk.household, minlength=h)
    adults = np.bincount(chunk.household, weights=chunk.age >= 18, minlength=h)
    kind = np.where(size == 1, "eenpersoons", "zonder_kinderen").astype(object)
    kind[(size > adults) & (adults >= 2)] = "met_kinderen"
    kind[(size > adults) & (adults < 2)] = "eenouder"
    return size, kind


def make_addresses(chunk: Chunk, rng: np.random.Generator, scale: float, first_id: int) -> None:
    """Dwellings (at least one per household) and other verblijfsobjecten per buurt."""
    b = chunk.buurten
    h_b = np.bincount(_household_buurt(chunk), minlength=len(b))
    d_b = np.maximum(stochastic_round(b["dwellings"].to_numpy() * scale, rng), h_b)
    nd_b = stochastic_round(b["non_dwellings"].to_numpy() * scale, rng)
    per_buurt = d_b + nd_b
    a_buurt = np.repeat(np.arange(len(b)), per_buurt)
    rank = np.arange(len(a_buurt)) - group_starts(per_buurt)[a_buurt]
    dwelling = rank < d_b[a_buurt]
    n = len(a_buurt)
    meer = b["share_meergezins"].to_numpy()[a_buurt]
    u = rng.random(n)
    kind = np.where(u < meer, 0, 1 + np.floor(rng.random(n) * 4).astype(np.int64))
    woz = (
        b["woz"].to_numpy()[a_buurt] * TYPE_WOZ[kind] * np.exp(0.25 * rng.standard_normal(n) - 0.03)
    )
    kwh = TYPE_KWH[kind] * np.exp(0.3 * rng.standard_normal(n))
    nd = ~dwelling
    woz[nd] = 450_000 * np.exp(0.8 * rng.standard_normal(nd.sum()))
    kwh[nd] = 15_000 * np.exp(0.8 * rng.standard_normal(nd.sum()))
    chunk.address_id = first_id + np.arange(n, dtype=np.int64)
    chunk.a_buurt, chunk.a_dwelling = a_buurt, dwelling
    chunk.woz, chunk.kwh = np.round(woz, -3).astype(np.int64), np.round(kwh).astype(np.int64)
    chunk.park = np.full(n, -1, dtype=np.int64)
    chunk.kind = kind
    chunk.function = np.where(
        dwelling, "woon", NON_DWELLING[rng.choice(6, size=n, p=NON_DWELLING_P)]
    ).astype(object)
    new = rng.random(n) < b["share_new"].to_numpy()[a_buurt]
    chunk.build_year = np.where(
        new, 2014 + np.floor(rng.random(n) * 10), 1900 + np.floor(114 * rng.beta(3, 2, n))
    ).astype(np.int64)
    tenure_u = rng.random(n)
    koop = b["share_koop"].to_numpy()[a_buurt]
    corp = b["share_corporatie"].to_numpy()[a_buurt]
    chunk.tenure = np.select([tenure_u < koop, tenure_u < koop + corp], [0, 1], 2).astype(np.int8)
    # Households take the first dwellings of their buurt (dwelling order is random).
    hb = _household_buurt(chunk)
    h_rank = np.arange(len(hb)) - group_starts(h_b)[hb]
    chunk.h_address = group_starts(per_buurt)[hb] + h_rank


def _household_buurt(chunk: Chunk) -> np.ndarray:
    hb = np.zeros(len(chunk.household_id), dtype=np.int64)
    hb[chunk.household] = chunk.p_buurt
    return hb


def add_park_units(
    chunk: Chunk, parks: pd.DataFrame, rng: np.random.Generator, first_id: int
) -> np.ndarray:
    """Append the units of this chunk's holiday parks; return their local indices."""
    if parks.empty:
        return np.empty(0, dtype=np.int64)
    units = parks["units"].to_numpy()
    n = int(units.sum())
    start = len(chunk.address_id)
    chunk.address_id = np.concatenate([chunk.address_id, first_id + np.arange(n)])
    chunk.a_buurt = np.concatenate(
        [chunk.a_buurt, np.repeat(parks["local_buurt"].to_numpy(), units)]
    )
    chunk.a_dwelling = np.concatenate([chunk.a_dwelling, np.zeros(n, bool)])
    chunk.woz = np.concatenate(
        [chunk.woz, np.round(150_000 * np.exp(0.3 * rng.standard_normal(n)), -3).astype(np.int64)]
    )
    chunk.kwh = np.concatenate(
        [chunk.kwh, np.round(1800 * np.exp(0.3 * rng.standard_normal(n))).astype(np.int64)]
    )
    chunk.park = np.concatenate([chunk.park, np.repeat(parks["holiday_park_id"].to_numpy(), units)])
    chunk.kind = np.concatenate([chunk.kind, np.full(n, -1)])
    chunk.function = np.concatenate([chunk.function, np.full(n, "logies", dtype=object)])
    chunk.build_year = np.concatenate(
        [chunk.build_year, 1965 + np.floor(rng.random(n) * 45).astype(np.int64)]
    )
    chunk.tenure = np.concatenate([chunk.tenure, np.full(n, 3, dtype=np.int8)])
    return start + np.arange(n)


def address_columns(chunk: Chunk) -> Columns:
    """The ``addresses`` table of the chunk (postcodes are synthetic PC6)."""
    codes = chunk.buurten["buurt"].to_numpy()
    pc4 = np.array([str(1000 + zlib.crc32(c.encode()) % 9000) for c in codes], dtype=object)
    # Rank of each address within its buurt (park units were appended unsorted).
    order = np.argsort(chunk.a_buurt, kind="stable")
    starts = group_starts(np.bincount(chunk.a_buurt, minlength=len(codes)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[chunk.a_buurt[order]]
    letters = _LETTERS[np.minimum(rank // 18, len(_LETTERS) - 1)]
    postcode = pc.binary_join_element_wise(pa.array(pc4[chunk.a_buurt]), pa.array(letters), "")
    dtype = np.asarray(
        np.where(chunk.kind >= 0, DWELLING_TYPES[np.maximum(chunk.kind, 0)], None), dtype=object
    )
    dtype[chunk.park >= 0] = "recreatiewoning"
    dtype[~chunk.a_dwelling & (chunk.park < 0)] = None
    return {
        "address_id": chunk.address_id,
        "buurt": pa.array(codes[chunk.a_buurt]),
        "postcode": postcode,
        "function": chunk.function,
        "dwelling_type": dtype,
        "woz": chunk.woz,
        "electricity_kwh": chunk.kwh,
        "build_year": chunk.build_year,
        "holiday_park_id": np.where(chunk.park >= 0, chunk.park, np.iinfo(np.int64).min),
    }
