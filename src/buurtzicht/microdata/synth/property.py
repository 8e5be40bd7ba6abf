"""Who owns which address, the 20-year sales history, and the planted property patterns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from buurtzicht.microdata.schema import WORLD_DATE
from buurtzicht.microdata.synth import hidden, params
from buurtzicht.microdata.synth.common import NULL, day, members_of, sort_by, years_of
from buurtzicht.microdata.synth.population import Chunk

PERSON, LEGAL, UNKNOWN, FOREIGN = 0, 1, 2, 3
KINDS = np.array(["persoon", "rechtspersoon", "onbekend", "buitenland"], dtype=object)


@dataclass
class Owners:
    """Current owner of every address of the chunk (local indices, -1 = none)."""

    kind: np.ndarray
    person: np.ndarray
    business: np.ndarray


def heads(chunk: Chunk) -> np.ndarray:
    """The oldest member of each household (local person index)."""
    order = sort_by(chunk.age, chunk.household)
    head = np.full(len(chunk.household_id), -1, dtype=np.int64)
    head[chunk.household[order]] = order  # the last write per household is the oldest
    return head


def _take(pool: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if len(pool) == 0 or n == 0:
        return np.full(n, -1, dtype=np.int64)
    return pool[np.floor(rng.random(n) * len(pool)).astype(np.int64)]


def assign_owners(
    chunk: Chunk,
    special: dict[str, np.ndarray],
    business_address: np.ndarray,
    rng: np.random.Generator,
) -> Owners:
    """Owner-occupiers, corporations, private landlords, businesses, unknown and abroad."""
    n = len(chunk.address_id)
    kind = np.full(n, PERSON, dtype=np.int64)
    person = np.full(n, -1, dtype=np.int64)
    business = np.full(n, -1, dtype=np.int64)
    occupant = np.full(n, -1, dtype=np.int64)
    occupant[chunk.h_address] = np.arange(len(chunk.h_address))
    head = heads(chunk)
    adults = chunk.adults
    woon = chunk.a_dwelling
    koop = woon & (chunk.tenure == 0)
    occupied_koop = koop & (occupant >= 0)
    person[occupied_koop] = head[occupant[occupied_koop]]
    vacant_koop = np.flatnonzero(koop & (occupant < 0))
    person[vacant_koop] = _take(adults, len(vacant_koop), rng)
    corp = np.flatnonzero(woon & (chunk.tenure == 1))
    kind[corp], business[corp] = LEGAL, _take(special["corporation"], len(corp), rng)
    private = np.flatnonzero(woon & (chunk.tenure == 2))
    _private_owners(chunk, private, special, kind, person, business, rng)
    other = np.flatnonzero(~woon)
    _other_owners(chunk, other, business_address, kind, person, business, rng)
    return Owners(kind, person, business)


def _landlords(chunk: Chunk, n: int, rng: np.random.Generator) -> np.ndarray:
    """Wealthy adults who let dwellings (about LANDLORD_MEAN_DWELLINGS each)."""
    adults = chunk.adults
    if len(adults) == 0 or n == 0:
        return np.full(n, -1, dtype=np.int64)
    rich = adults[np.argsort(chunk.wealth[adults])[-max(1, len(adults) // 10) :]]
    landlords = rng.choice(rich, size=max(1, int(n / params.LANDLORD_MEAN_DWELLINGS)), replace=True)
    return landlords[np.floor(rng.random(n) * len(landlords)).astype(np.int64)]


def _private_owners(chunk, private, special, kind, person, business, rng) -> None:  # type: ignore[no-untyped-def]
    names = list(params.PRIVATE_RENTAL_OWNERS)
    p = np.array([params.PRIVATE_RENTAL_OWNERS[k] for k in names])
    draw = rng.choice(len(names), size=len(private), p=p / p.sum())
    for i, name in enumerate(names):
        hit = private[draw == i]
        if name == "persoon":
            person[hit] = _landlords(chunk, len(hit), rng)
        elif name in ("bv", "stichting"):
            kind[hit] = LEGAL
            business[hit] = _take(
                special["landlord_bv" if name == "bv" else "foundation"], len(hit), rng
            )
        else:
            kind[hit] = UNKNOWN if name == "onbekend" else FOREIGN


def _other_owners(chunk, other, business_address, kind, person, business, rng) -> None:  # type: ignore[no-untyped-def]
    """Non-dwellings mostly belong to a business established there; park units to persons."""
    located = np.full(len(chunk.address_id), -1, dtype=np.int64)
    located[business_address] = np.arange(len(business_address))
    u = rng.random(len(other))
    park = chunk.park[other] >= 0
    by_business = np.where(park, u < 0.2, u < 0.7)
    b = np.where(
        located[other] >= 0,
        located[other],
        _take(np.arange(len(business_address)), len(other), rng),
    )
    kind[other] = np.where(
        by_business, LEGAL, np.where(park | (u < 0.9), PERSON, np.where(u < 0.95, UNKNOWN, FOREIGN))
    )
    business[other] = np.where(by_business, b, -1)
    is_person = other[kind[other] == PERSON]
    person[is_person] = _take(chunk.adults, len(is_person), rng)


def plant_owners(
    chunk: Chunk,
    owners: Owners,
    foundations: np.ndarray,
    board: np.ndarray,
    rng: np.random.Generator,
    cases: Cases,
) -> dict[str, np.ndarray]:
    """Unexplained multiple ownership, criminals' property and foundation property.

    The dwellings come from private rental, likelier in buurten of high
    ``cases.weight``. Each dwelling of an unexplained owner is hidden (:mod:`.hidden`)
    with one minus the detection rate of its buurt: it is then registered to a foreign
    entity, so no register links it to him (all of them when fewer than two remain).
    """
    pool = np.flatnonzero(chunk.a_dwelling & (chunk.tenure == 2))
    pool = pool[hidden.weighted_order(cases.weight[chunk.a_buurt[pool]], rng)]
    cursor = 0

    def give(owner_person: int = -1, owner_business: int = -1, k: int = 2) -> np.ndarray:
        nonlocal cursor
        got = pool[cursor : cursor + k]
        cursor += len(got)
        owners.kind[got] = PERSON if owner_person >= 0 else 1
        owners.person[got] = owner_person
        owners.business[got] = owner_business
        return got

    adults = chunk.adults
    hh_income = np.bincount(
        chunk.household, weights=chunk.income, minlength=len(chunk.household_id)
    )[chunk.household]
    poor = adults[
        (hh_income[adults] < 35_000)
        & (chunk.age[adults] >= 25)
        & (chunk.age[adults] <= 70)
        & ~chunk.criminal[adults]
    ]
    poor = poor[~np.isin(poor, board)]
    n_unexplained = min(len(poor), rng.binomial(len(adults), params.PLANT_UNEXPLAINED_OWNER))
    unexplained = (
        rng.choice(poor, size=n_unexplained, replace=False)
        if n_unexplained
        else np.empty(0, np.int64)
    )
    truth: dict[str, list[int]] = {
        "unexplained_person": [],
        "unexplained_address": [],
        "foundation_address": [],
        "criminal_address": [],
        "hidden_address": [],
    }
    members, starts = members_of(chunk.household, len(chunk.household_id))

    def household_of(person: int) -> np.ndarray:
        h = chunk.household[person]
        return members[starts[h] : starts[h + 1]]

    for person in unexplained:
        chunk.wealth[household_of(person)] = 0
        chunk.wealth[person] = int(rng.integers(0, 15_000))
        got = give(owner_person=int(person), k=int(rng.integers(2, 6)))
        seen = hidden.registered(cases.detect[chunk.a_buurt[got]], cases.rng)
        if seen.sum() < 2:  # a single extra dwelling on his name shows no pattern
            seen[:] = False
        owners.kind[got[~seen]], owners.person[got[~seen]] = FOREIGN, -1
        truth["hidden_address"].extend(got[~seen].tolist())
        if seen.any():
            truth["unexplained_person"].append(int(person))
            truth["unexplained_address"].extend(got[seen].tolist())
    for person in np.flatnonzero(chunk.criminal):
        chunk.wealth[person] = int(rng.integers(0, 25_000))
        truth["criminal_address"].extend(
            give(owner_person=int(person), k=int(rng.integers(1, 4))).tolist()
        )
    for f in foundations:
        truth["foundation_address"].extend(
            give(owner_business=int(f), k=int(rng.integers(3, 13))).tolist()
        )
    for member in board:
        truth["unexplained_address"].extend(
            give(owner_person=int(member), k=int(rng.integers(2, 4))).tolist()
        )
        truth["unexplained_person"].append(int(member))
        chunk.wealth[household_of(member)] = 0
    return {k: np.asarray(v, dtype=np.int64) for k, v in truth.items()}


def household_capacity(chunk: Chunk) -> np.ndarray:
    """Financing capacity per household: wealth + 5 x income of all members."""
    h = len(chunk.household_id)
    wealth = np.bincount(chunk.household, weights=chunk.wealth, minlength=h)
    income = np.bincount(chunk.household, weights=chunk.income, minlength=h)
    return wealth + params.FINANCING_INCOME_MULTIPLE * income


def explain_legit_owners(
    chunk: Chunk, owners: Owners, protected: np.ndarray, rng: np.random.Generator
) -> None:
    """Give legitimate owners of 2+ dwellings the wealth that explains them (most of them)."""
    woon = np.flatnonzero(chunk.a_dwelling & (owners.kind == PERSON) & (owners.person >= 0))
    who = owners.person[woon]
    count = np.bincount(who, minlength=len(chunk.age))
    total = np.bincount(who, weights=chunk.woz[woon], minlength=len(chunk.age))
    multi = np.flatnonzero(count >= 2)
    multi = multi[~np.isin(multi, protected)]
    multi = multi[rng.random(len(multi)) >= params.UNEXPLAINED_NOISE]
    _top_up(chunk, multi, total[multi])


def _top_up(chunk: Chunk, persons: np.ndarray, required: np.ndarray) -> None:
    if len(persons) == 0:
        return
    capacity = household_capacity(chunk)[chunk.household[persons]]
    deficit = np.maximum(required - capacity, 0)
    np.add.at(chunk.wealth, persons, np.ceil(deficit * 1.1).astype(np.int64))


def price_index(years: np.ndarray) -> np.ndarray:
    """Synthetic house-price level relative to 2024 (not a real index)."""
    return 0.5 + 0.5 * (np.clip(years, 2005, 2024) - 2005) / 19


@dataclass
class History:
    """Ownership rows and sales (local indices; person/business -1 where not that kind)."""

    own_address: np.ndarray
    own_kind: np.ndarray
    own_person: np.ndarray
    own_business: np.ndarray
    own_start: np.ndarray
    own_end: np.ndarray
    tx_row: np.ndarray  # index into the ownership rows of the buyer's ownership
    tx_price: np.ndarray
    doorsluis: np.ndarray  # local addresses planted as doorsluiswoning (registered sales)
    doorsluis_hidden: np.ndarray  # planted ones whose flips Kadaster does not show


@dataclass
class Cases:
    """Where a chunk's planted cases of one theme go and how likely they are registered."""

    weight: np.ndarray  # per local buurt: relative chance of a planted case
    detect: np.ndarray  # per local buurt: detection rate of its gemeente
    rng: np.random.Generator  # the hidden-case stream (:mod:`.hidden`)


def sales_history(
    chunk: Chunk, owners: Owners, n_business: int, rng: np.random.Generator, cases: Cases
) -> History:
    """Up to three legitimate sales per dwelling in 20 years; planted ones five to eight.

    Planted doorsluiswoningen are likelier in buurten of high ``cases.weight``; of a
    hidden one (detection rate ``cases.detect``, see :mod:`.hidden`) Kadaster records
    only one or two sales, the others went through share transfers.
    """
    n = len(chunk.address_id)
    today, first = day(WORLD_DATE), day(params.SALES_FROM)
    sold = chunk.a_dwelling & (chunk.tenure != 1)
    k = np.where(
        sold, np.minimum(rng.poisson(params.LEGIT_SALES_MEAN, n), params.LEGIT_SALES_MAX), 0
    )
    candidates = np.flatnonzero(sold & (owners.kind != UNKNOWN))
    n_plant = min(len(candidates), rng.binomial(len(candidates), params.PLANT_DOORSLUIS))
    order = hidden.weighted_order(cases.weight[chunk.a_buurt[candidates]], rng)
    planted_all = np.sort(candidates[order[:n_plant]])
    seen = hidden.registered(cases.detect[chunk.a_buurt[planted_all]], cases.rng)
    doorsluis, concealed = planted_all[seen], planted_all[~seen]
    k[doorsluis] = rng.integers(5, 9, len(doorsluis))
    k[concealed] = cases.rng.integers(1, 3, len(concealed))
    rows = k + 1
    addr = np.repeat(np.arange(n), rows)
    pos = np.arange(len(addr)) - np.repeat(np.cumsum(rows) - rows, rows)
    last = pos == rows[addr] - 1
    dates = first + np.floor(rng.random(len(addr)) * (today - first)).astype(np.int64)
    dates = np.where(
        pos == 0, first - np.floor(rng.random(len(addr)) * 30 * 365.25).astype(np.int64), dates
    )
    order = sort_by(dates, addr)  # sales of one address in date order; row 0 stays first
    dates = dates[order]
    kind = np.where(
        rng.random(len(addr)) < 0.8, PERSON, np.where(rng.random(len(addr)) < 0.75, LEGAL, UNKNOWN)
    )
    person = np.where(kind == PERSON, _take(chunk.adults, len(addr), rng), -1)
    business = np.where(
        kind == LEGAL, np.floor(rng.random(len(addr)) * max(n_business, 1)).astype(np.int64), -1
    )
    kind = np.where((kind == LEGAL) & (n_business == 0), UNKNOWN, kind)
    kind[last], person[last], business[last] = (
        owners.kind[addr[last]],
        owners.person[addr[last]],
        owners.business[addr[last]],
    )
    end = np.where(last, NULL, np.roll(dates, -1))
    bought = np.flatnonzero(pos > 0)
    a = addr[bought]
    years = years_of(dates[bought].astype(np.int64))
    price = chunk.woz[a] * price_index(years) * rng.uniform(0.9, 1.1, len(a))
    planted = np.isin(a, planted_all)
    price[planted] *= 1.0 + 0.18 * pos[bought][planted]
    return History(
        addr,
        kind,
        person,
        business,
        dates,
        end,
        bought,
        np.round(price, -2).astype(np.int64),
        doorsluis,
        concealed,
    )


def purchases_above_capacity(
    chunk: Chunk, history: History, protected: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Plant purchases beyond the buyer's means; give the other buyers the means.

    Returns the planted sales (indices into ``history.tx_row``).
    """
    row = history.tx_row
    buyer = history.own_person[row]
    year = years_of(history.own_start[row].astype(np.int64))
    recent = np.flatnonzero(
        (history.own_kind[row] == PERSON) & (buyer >= 0) & np.isin(year, params.ANALYSIS_YEARS)
    )
    recent = recent[~np.isin(buyer[recent], protected)]
    plant = recent[rng.random(len(recent)) < params.PLANT_ABOVE_CAPACITY]
    households = chunk.household[buyer[plant]]
    chunk.wealth[np.isin(chunk.household, households)] = 0
    capacity = household_capacity(chunk)
    for sale in plant:
        cap = capacity[chunk.household[buyer[sale]]]
        history.tx_price[sale] = max(
            int(history.tx_price[sale]), int(np.round(1.4 * cap + 50_000, -3))
        )
    legit = recent[~np.isin(recent, plant) & ~np.isin(chunk.household[buyer[recent]], households)]
    legit = legit[rng.random(len(legit)) >= params.UNEXPLAINED_NOISE]
    _top_up(chunk, buyer[legit], history.tx_price[legit].astype(np.float64))
    return plant
