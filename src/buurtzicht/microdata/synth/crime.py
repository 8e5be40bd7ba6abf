"""Police registrations, suspects, hennep and FIU transactions.

Registered crimes follow the real national volume per 47018NED type and year; suspects
follow the real 81947NED volume per offence group with its sex and age profile. Who
becomes a suspect is weighted by planted risk factors (written to the planted truth)
that the *jonge aanwas* analysis must learn back from the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from buurtzicht.microdata.national import SUSPECT_GROUPS, UNDERMINING_CODES, NationalVolumes
from buurtzicht.microdata.synth import hidden, params
from buurtzicht.microdata.synth.common import (
    group_starts,
    pick_in_groups,
    weighted_choice,
    weighted_in_groups,
    year_start,
)
from buurtzicht.microdata.synth.population import Chunk, on_benefit

URBAN = np.array([0.0, 1.8, 1.4, 1.0, 0.8, 0.6])  # by stedelijkheid 1..5
#: Planted risk factors for becoming a suspect (multipliers on the age/sex base rate).
RISK = {"household_benefits": 2.0, "household_debts": 2.5, "household_low_income": 1.5}
YOUTH_DRUG_RISK = {"household_member_undermining_record": 8.0, "male": 1.5}
PARK_CODES = np.array(["3.1.1", "2.2.1", "1.4.5", "1.6.2"], dtype=object)
FORCED_CODES = np.array(["3.1.1", "3.1.3", "3.9.1", "1.6.3"], dtype=object)


@dataclass
class Nation:
    """National arrays collected from every chunk (persons sorted by gemeente)."""

    person_id: np.ndarray
    gemeente: np.ndarray  # index into gemeente codes
    age: np.ndarray
    male: np.ndarray
    hh_benefits: np.ndarray
    hh_debts: np.ndarray
    hh_low_income: np.ndarray
    hh_criminal: np.ndarray
    criminal: np.ndarray
    income: np.ndarray
    household: np.ndarray  # global household id
    buurt_codes: np.ndarray
    buurt_gemeente: np.ndarray
    buurt_weight: np.ndarray
    address_id: np.ndarray  # sorted by buurt
    address_buurt: np.ndarray
    address_park: np.ndarray
    parks: pd.DataFrame
    business_id: np.ndarray
    business_weight: np.ndarray


def plant_hennep(
    chunk: Chunk,
    cluster: np.ndarray,
    base_rate: float,
    rng: np.random.Generator,
    detect: np.ndarray,
    rng_hidden: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Plantations at risky dwellings, plus planted clusters in a few buurten.

    Risk: residents with debts or benefits, a planted criminal in the household, private
    rental. Every cluster buurt gets about ``HENNEP_CLUSTER_PER_YEAR`` extra plantations
    a year whatever the scale, so that clusters stand out in small worlds too; those are
    all dismantled. Of the others a plantation is dismantled with the detection rate
    ``detect`` of its buurt (:mod:`.hidden`); the rest stay hidden (``hidden_*`` keys).
    """
    occupant = np.full(len(chunk.address_id), -1, dtype=np.int64)
    occupant[chunk.h_address] = np.arange(len(chunk.h_address))
    h = len(chunk.household_id)
    risky = (
        np.bincount(chunk.household, weights=chunk.debts | on_benefit(chunk.benefit), minlength=h)
        > 0
    )
    crim = np.bincount(chunk.household, weights=chunk.criminal, minlength=h) > 0
    occ = occupant >= 0
    weight = np.where(occ, 1.0, 0.2) * chunk.a_dwelling
    weight *= np.where(chunk.tenure == 2, 2.0, 1.0)
    weight[occ] *= np.where(risky[occupant[occ]], 8.0, 1.0) * np.where(
        crim[occupant[occ]], 10.0, 1.0
    )
    rows_a, rows_d, rows_extra = [], [], []
    in_cluster = cluster[chunk.a_buurt] & (weight > 0)
    for year in params.ANALYSIS_YEARS:
        hit = np.flatnonzero(rng.random(len(weight)) < base_rate * weight)
        extra = [
            rng.choice(
                idx,
                size=min(len(idx), rng.poisson(params.HENNEP_CLUSTER_PER_YEAR)),
                replace=False,
                p=weight[idx] / weight[idx].sum(),
            )
            for b in np.unique(chunk.a_buurt[in_cluster])
            for idx in [np.flatnonzero(in_cluster & (chunk.a_buurt == b))]
        ]
        hit = np.unique(np.concatenate([hit, *extra])) if extra else hit
        rows_extra.append(
            np.isin(hit, np.concatenate(extra)) if extra else np.zeros(len(hit), bool)
        )
        rows_a.append(hit)
        rows_d.append(year_start(year) + np.floor(rng.random(len(hit)) * 365).astype(np.int64))
    address, when = np.concatenate(rows_a), np.concatenate(rows_d)
    seen = np.concatenate(rows_extra) | hidden.registered(
        detect[chunk.a_buurt[address]], rng_hidden
    )
    metered = seen | (rng_hidden.random(len(address)) < hidden.HENNEP_METERED)
    factor = rng.integers(4, 11, len(address))
    chunk.kwh[address[metered]] = chunk.kwh[address[metered]] * factor[metered]
    plants = rng.integers(100, 2000, len(address))
    return {
        "address": address[seen],
        "date": when[seen],
        "plants": plants[seen],
        "hidden_address": address[~seen],
        "hidden_date": when[~seen],
    }


def make_incidents(
    nation: Nation, volumes: NationalVolumes, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Registered crimes per type and year at buurten weighted by people and urbanity."""
    p = nation.buurt_weight / nation.buurt_weight.sum()
    counts = np.bincount(nation.address_buurt, minlength=len(p))
    starts = group_starts(counts)
    frames = []
    park_units = _park_units(nation)
    for year in params.CRIME_YEARS:
        per_type = volumes.crimes_in(year)
        n = per_type.to_numpy() * scale
        k = np.floor(n).astype(np.int64) + (rng.random(len(n)) < n - np.floor(n))
        code = np.repeat(per_type.index.to_numpy().astype(object), k)
        buurt = rng.choice(len(p), size=len(code), p=p)
        frames.append(pd.DataFrame({"code": code, "year": year, "buurt": buurt}))
        frames.append(_park_incidents(nation, park_units, year, rng))
    inc = pd.concat(frames, ignore_index=True)
    day0 = np.array([year_start(y) for y in params.CRIME_YEARS])
    inc["date"] = day0[inc["year"].to_numpy() - params.CRIME_YEARS[0]] + np.floor(
        rng.random(len(inc)) * 365
    ).astype(np.int64)
    pick = pick_in_groups(rng, inc["buurt"].to_numpy(), starts, counts)
    has = (rng.random(len(inc)) < 0.7) & (pick >= 0)
    address = np.where(has, pick, -1)
    park_rows = (
        inc["park_address"].notna().to_numpy()
        if "park_address" in inc
        else np.zeros(len(inc), bool)
    )
    address[park_rows] = inc.loc[park_rows, "park_address"].to_numpy().astype(np.int64)
    inc["address"] = address
    return inc.drop(columns=[c for c in ("park_address",) if c in inc])


def _park_units(nation: Nation) -> dict[int, np.ndarray]:
    """Address indices (ascending) of every misused park's units."""
    ids = nation.parks.loc[nation.parks["misused"], "holiday_park_id"].to_numpy()
    order = np.argsort(nation.address_park, kind="stable")
    sorted_parks = nation.address_park[order]
    lo = np.searchsorted(sorted_parks, ids, side="left")
    hi = np.searchsorted(sorted_parks, ids, side="right")
    return {int(p): order[a:b] for p, a, b in zip(ids, lo, hi, strict=True)}


def _park_incidents(
    nation: Nation, park_units: dict[int, np.ndarray], year: int, rng: np.random.Generator
) -> pd.DataFrame:
    misused = nation.parks[nation.parks["misused"]]
    rows = []
    for park_id, units in zip(misused["holiday_park_id"], misused["units"], strict=True):
        k = rng.poisson(0.08 * units)
        idx = park_units[int(park_id)]
        if k == 0 or len(idx) == 0:
            continue
        where = idx[rng.integers(0, len(idx), k)]
        rows.append(
            pd.DataFrame(
                {
                    "code": PARK_CODES[rng.integers(0, len(PARK_CODES), k)],
                    "year": year,
                    "buurt": nation.address_buurt[where],
                    "park_address": where,
                }
            )
        )
    return (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["code", "year", "buurt", "park_address"])
    )


class SuspectBands:
    """Persons per sex x age band of the suspect profile, and the risk multipliers.

    The same for every offence group, so computed once per nation.
    """

    def __init__(self, nation: Nation, profile: pd.DataFrame) -> None:
        self.members: dict[tuple[str, int, int], np.ndarray] = {}
        for sex, lo, hi in profile[["sex", "lo", "hi"]].drop_duplicates().itertuples(index=False):
            band = (nation.age >= lo) & (nation.age <= hi) & (nation.male == (sex == "M"))
            self.members[(sex, int(lo), int(hi))] = np.flatnonzero(band)
        self.risk = [
            np.where(nation.hh_benefits, RISK["household_benefits"], 1.0),
            np.where(nation.hh_debts, RISK["household_debts"], 1.0),
            np.where(nation.hh_low_income, RISK["household_low_income"], 1.0),
        ]


def _weights(
    nation: Nation,
    volumes: NationalVolumes,
    group: str,
    hh_member_record: np.ndarray,
    bands: SuspectBands,
) -> np.ndarray:
    prof = volumes.suspect_profile[volumes.suspect_profile["group"] == group]
    w = np.zeros(len(nation.age))
    for sex, lo, hi, count in zip(prof["sex"], prof["lo"], prof["hi"], prof["count"], strict=True):
        band = bands.members[(sex, int(lo), int(hi))]
        if len(band):
            w[band] = count / len(band)
    for factor in bands.risk:  # one factor at a time: the same rounding as always
        w *= factor
    if group == "VerdachtenVanDrugsmisdrijven":
        young = (nation.age >= 12) & (nation.age <= 23)
        w *= np.where(
            young & hh_member_record, YOUTH_DRUG_RISK["household_member_undermining_record"], 1.0
        )
        w *= np.where(young & nation.male, YOUTH_DRUG_RISK["male"], 1.0)
    return w


def _household_records(nation: Nation, persons: np.ndarray) -> np.ndarray:
    """Per person: does another household member aged 24+ have an undermining record?"""
    flagged = np.zeros(len(nation.age), dtype=bool)
    flagged[persons] = True
    flagged &= nation.age >= 24
    household = nation.household
    if household.min() < 0 or household.max() > 4 * len(household):
        _, household = np.unique(household, return_inverse=True)
    return (np.bincount(household, weights=flagged) > 0)[household] & ~flagged


def make_suspects(
    nation: Nation,
    incidents: pd.DataFrame,
    volumes: NationalVolumes,
    scale: float,
    rng: np.random.Generator,
    prior: np.ndarray,
) -> pd.DataFrame:
    """Suspect registrations: an incident of the group, a person weighted by risk.

    ``prior`` are persons with undermining records already (the planted criminals);
    young people in their households, and in those of other adults with undermining
    records, are likelier drug suspects (planted youth risk).
    """
    g_counts = np.bincount(nation.gemeente, minlength=int(nation.buurt_gemeente.max()) + 1)
    g_start = group_starts(g_counts)
    g_end = g_start + g_counts
    inc_gm = nation.buurt_gemeente[incidents["buurt"].to_numpy()]
    # Offence codes as integers: membership tests on millions of strings are slow.
    code_index, code_names = pd.factorize(incidents["code"].to_numpy())
    code_names = np.asarray(code_names, dtype=object)

    def has_code(rows: np.ndarray, codes: Sequence[str]) -> np.ndarray:
        return np.isin(rows, np.flatnonzero(np.isin(code_names, list(codes))))

    bands = SuspectBands(nation, volumes.suspect_profile)
    out: list[pd.DataFrame] = []
    for group, codes in SUSPECT_GROUPS.items():
        records = np.empty(0, dtype=np.int64)
        if group == "VerdachtenVanDrugsmisdrijven":
            done = (
                pd.concat(out, ignore_index=True)
                if out
                else pd.DataFrame({"person": [], "incident": []})
            )
            undermining = has_code(
                code_index[done["incident"].to_numpy().astype(np.int64)], UNDERMINING_CODES
            )
            records = np.concatenate(
                [prior, done["person"].to_numpy().astype(np.int64)[undermining]]
            )
        hh_record = (
            _household_records(nation, records)
            if len(records)
            else np.zeros(len(nation.age), dtype=bool)
        )
        w = _weights(nation, volumes, group, hh_record, bands)
        cw = np.cumsum(w)
        pool_codes = has_code(code_index, codes)
        for year in params.CRIME_YEARS:
            pool = np.flatnonzero(pool_codes & (incidents["year"].to_numpy() == year))
            n = round(volumes.suspects_in(year).get(group, 0) * scale)
            if n == 0 or len(pool) == 0:
                continue
            inc = pool[rng.integers(0, len(pool), n)]
            local = weighted_in_groups(rng, inc_gm[inc], cw, g_start, g_end)
            far = (rng.random(n) >= 0.7) | (local < 0)
            local[far] = np.minimum(
                np.searchsorted(cw, rng.random(far.sum()) * cw[-1], side="right"), len(cw) - 1
            )
            out.append(pd.DataFrame({"person": local, "incident": inc}))
    return pd.concat(out, ignore_index=True).drop_duplicates()


def forced_records(nation: Nation, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Undermining registrations for every planted criminal (extra incidents + suspects)."""
    crim = np.flatnonzero(nation.criminal)
    k = rng.integers(1, 4, len(crim))
    person = np.repeat(crim, k)
    years = np.array(params.CRIME_YEARS)[rng.integers(0, len(params.CRIME_YEARS), len(person))]
    gm = nation.gemeente[person]
    buurten = (
        np.flatnonzero(np.isin(nation.buurt_gemeente, np.unique(gm)))
        if len(gm)
        else np.empty(0, np.int64)
    )
    by_gm = {g: buurten[nation.buurt_gemeente[buurten] == g] for g in np.unique(gm)}
    buurt = np.array([by_gm[g][rng.integers(0, len(by_gm[g]))] for g in gm], dtype=np.int64)
    date = np.array([year_start(int(y)) for y in years], dtype=np.int64) + rng.integers(
        0, 365, len(person)
    )
    inc = pd.DataFrame(
        {
            "code": FORCED_CODES[rng.integers(0, len(FORCED_CODES), len(person))],
            "year": years,
            "buurt": buurt,
            "date": date,
            "address": -1,
        }
    )
    return inc, pd.DataFrame({"person": person})


def make_fiu(nation: Nation, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Unusual transactions of persons (weighted by income) and businesses."""
    frames = []
    wp = 1.0 + nation.income / 50_000 + 300.0 * nation.criminal
    wp = np.where(nation.age >= 18, wp, 0.0)
    for year in params.ANALYSIS_YEARS:
        n = round(params.FIU_UNUSUAL_PER_YEAR * scale)
        is_person = rng.random(n) < 0.75
        person = np.where(is_person, weighted_choice(rng, wp / wp.sum(), n), -1)
        business = np.where(
            ~is_person,
            weighted_choice(rng, nation.business_weight / nation.business_weight.sum(), n),
            -1,
        )
        crim = np.where(
            is_person,
            nation.criminal[np.maximum(person, 0)],
            nation.business_weight[np.maximum(business, 0)] > 50,
        )
        amount = (
            np.round(5000 * np.exp(1.2 * rng.standard_normal(n)) * np.where(crim, 5.0, 1.0)).astype(
                np.int64
            )
            + 1
        )
        suspicious = rng.random(n) < np.where(crim, 0.6, params.FIU_SUSPICIOUS_SHARE)
        date = year_start(year) + rng.integers(0, 365, n)
        frames.append(
            pd.DataFrame(
                {
                    "person": person,
                    "business": business,
                    "amount": amount,
                    "suspicious": suspicious,
                    "date": date,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
