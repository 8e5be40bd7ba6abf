"""``buurtzicht synth``: the whole synthetic world, chunk by chunk of gemeenten.

Deterministic for a seed: every chunk draws from ``default_rng([seed, chunk])`` and the
national stages from ``default_rng([seed, 0])``; the chunks are fixed batches of
gemeenten in code order. Everything is written to a temporary folder, validated with
:func:`buurtzicht.microdata.validate.validate_microdata`, and only then swapped in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.microdata import sbi
from buurtzicht.microdata.calibration import Calibration, load_calibration
from buurtzicht.microdata.national import NationalVolumes, load_national
from buurtzicht.microdata.store import atomic_dir, microdata_dir, planted_dir, write_json
from buurtzicht.microdata.synth import (
    business,
    cases,
    crime,
    hidden,
    params,
    population,
    residence,
    tables,
)
from buurtzicht.microdata.synth import property as ownership
from buurtzicht.microdata.synth import truth as truth_log
from buurtzicht.microdata.synth.common import Ids, PartWriter
from buurtzicht.microdata.synth.nation import NationBuilder, write_national
from buurtzicht.microdata.validate import validate_microdata

Progress = Callable[[str, float], None]


@dataclass
class WorldSummary:
    """What ``synth`` wrote: row counts per entity and wall time per stage."""

    seed: int
    scale: float
    rows: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    path: Path = Path()


def chunks_of(buurten: pd.DataFrame, scale: float, chunk_persons: int) -> list[pd.DataFrame]:
    """Batches of whole gemeenten, in code order, of about ``chunk_persons`` persons."""
    per_gm = buurten.groupby("gemeente", sort=True)["inhabitants"].sum() * scale
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0.0
    for gm, persons in per_gm.items():
        if current and size + persons > chunk_persons:
            groups.append(current)
            current, size = [], 0.0
        current.append(str(gm))
        size += persons
    if current:
        groups.append(current)
    return [buurten[buurten["gemeente"].isin(g)] for g in groups]


def _parks(buurten: pd.DataFrame, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Holiday parks in rural buurten (the number scales, a park's size does not)."""
    n = max(params.MIN_HOLIDAY_PARKS, round(params.HOLIDAY_PARKS * scale))
    rural = buurten["stedelijkheid"].to_numpy() >= 4
    w = np.where(rural, 1.0, 0.05) * (buurten["inhabitants"].to_numpy() > 0)
    where = rng.choice(len(buurten), size=n, replace=False, p=w / w.sum())
    misused = np.zeros(n, dtype=bool)
    misused[: max(params.MIN_MISUSED_PARKS, round(n * params.MISUSED_PARK_SHARE))] = True
    return pd.DataFrame(
        {
            "holiday_park_id": np.arange(1, n + 1, dtype=np.int64),
            "buurt_index": where,
            "buurt": buurten["buurt"].to_numpy()[where],
            "units": 40 + rng.geometric(1 / 110, n),
            "misused": misused,
        }
    )


def _clusters(buurten: pd.DataFrame, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Hennep cluster buurten: chosen where incomes are low and dwellings many."""
    n = max(
        params.MIN_HENNEP_CLUSTERS,
        round(params.HENNEP_CLUSTERS_PER_MILLION * 17.9 * scale**0.5),
    )
    w = (
        buurten["dwellings"].to_numpy() ** 1.5
        * (35_000 / buurten["income_per_inhabitant"].to_numpy()) ** 4
    )
    pick = rng.choice(len(buurten), size=n, replace=False, p=w / w.sum())
    mask = np.zeros(len(buurten), dtype=bool)
    mask[pick] = True
    return mask


def generate_world(
    scale: float,
    seed: int,
    *,
    settings: Settings | None = None,
    chunk_persons: int = 700_000,
    progress: Progress | None = None,
) -> WorldSummary:
    """Generate, validate and publish a synthetic world under ``<home>/secure``.

    Parameters
    ----------
    scale
        Fraction of the real population: 1.0 is the whole country (~17.9M persons),
        0.01 a small world for tests.
    seed
        Seed of every random draw: the same seed and scale give the same files.
    """
    settings = settings or Settings()
    mirror = settings.require_mirror()
    started = time.perf_counter()
    cal, volumes = load_calibration(mirror), load_national(mirror)
    summary = WorldSummary(seed=seed, scale=scale, rows={}, path=microdata_dir(settings))
    summary.seconds["calibration"] = time.perf_counter() - started
    with atomic_dir(planted_dir(settings)) as planted, atomic_dir(microdata_dir(settings)) as tmp:
        _build(tmp, planted, cal, volumes, scale, seed, chunk_persons, summary, progress)
        t0 = time.perf_counter()
        validate_microdata(tmp)
        summary.seconds["validate"] = time.perf_counter() - t0
        write_json(tmp / "world.json", _world_meta(summary, cal))
    return summary


def _world_meta(summary: WorldSummary, cal: Calibration) -> dict[str, object]:
    return {
        "synthetic": True,
        "source": f"synthetic:{summary.seed}:{summary.scale:g}",
        "seed": summary.seed,
        "scale": summary.scale,
        "rows": summary.rows,
        "seconds": summary.seconds,
        "calibration_fallbacks": cal.fallbacks,
        "analysis_years": list(params.ANALYSIS_YEARS),
        "warning": "SYNTHETIC population calibrated on open CBS/Politie figures: "
        "not real microdata.",
    }


def _build(
    tmp: Path,
    planted: Path,
    cal: Calibration,
    volumes: NationalVolumes,
    scale: float,
    seed: int,
    chunk_persons: int,
    summary: WorldSummary,
    progress: Progress | None,
) -> None:
    buurten = cal.buurten.reset_index(drop=True)
    national_rng = np.random.default_rng([seed, 0])
    parks = _parks(buurten, scale, national_rng)
    cluster = _clusters(buurten, scale, national_rng)
    # The true rate: about MEAN_DETECTION of these plantations are dismantled.
    base_rate = params.HENNEP_PER_YEAR / (buurten["dwellings"].sum() * 3.0 * hidden.MEAN_DETECTION)
    detection = hidden.detection_rates(sorted(buurten["gemeente"].unique()), seed)
    ids = Ids()
    nation = NationBuilder(buurten, parks)
    truth = truth_log.TruthLog()
    chunks = chunks_of(buurten, scale, chunk_persons)
    with PartWriter(tmp) as writer:
        t0 = time.perf_counter()
        for i, rows in enumerate(chunks):
            rng = np.random.default_rng([seed, i + 1])
            stream = np.random.default_rng([seed, i + 1, hidden.STREAM])
            rates = cases.ChunkRates(base_rate, detection, stream)
            _chunk(rows, rng, scale, parks, cluster, rates, writer, ids, nation, truth)
            if progress:
                progress("chunks", (i + 1) / len(chunks))
        summary.seconds["population"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_national(nation.build(), volumes, scale, national_rng, writer, ids, parks)
    summary.seconds["crime"] = time.perf_counter() - t0
    summary.rows = dict(writer.rows)
    summary.planted = truth.write(planted, cluster, buurten, parks)
    detection.reset_index().to_parquet(planted / "detection_rates.parquet", index=False)


def _chunk(
    rows: pd.DataFrame,
    rng: np.random.Generator,
    scale: float,
    parks: pd.DataFrame,
    cluster: np.ndarray,
    rates: cases.ChunkRates,
    writer: PartWriter,
    ids: Ids,
    nation: NationBuilder,
    truth: truth_log.TruthLog,
) -> None:
    global_index = rows.index.to_numpy()
    chunk = population.Chunk(buurten=rows.reset_index(drop=True))
    population.make_persons(chunk, rng, scale, ids.next.get("persons", 1))
    ids.take("persons", len(chunk.age))
    population.make_households(chunk, rng, scale, ids.next.get("households", 1))
    ids.take("households", len(chunk.household_id))
    adult_ok = (chunk.age >= 20) & (chunk.age <= 55)
    chunk.criminal = adult_ok & (
        rng.random(len(chunk.age)) < params.PLANT_CRIMINAL * 2.0 * np.where(chunk.male, 1.6, 0.4)
    )
    first_address = ids.next.get("addresses", 1)
    population.make_addresses(chunk, rng, scale, first_address)
    local_parks = parks[np.isin(parks["buurt_index"], global_index)].copy()
    local_parks["local_buurt"] = np.searchsorted(global_index, local_parks["buurt_index"])
    units = population.add_park_units(
        chunk, local_parks, rng, first_address + len(chunk.address_id)
    )
    ids.take("addresses", len(chunk.address_id))
    moved = residence.move_to_parks(chunk, local_parks, units, rng)
    weights = cases.case_weights(chunk)
    out, special = _businesses(chunk, rng, scale, truth)
    cases.plant_laundering(chunk, out, special, rates.cases(chunk, "witwas", weights["witwas"]))
    business_ids = ids.take("businesses", out.size) + np.arange(out.size, dtype=np.int64)
    owners = ownership.assign_owners(chunk, special, out.concat("address").astype(np.int64), rng)
    board = special["board"]
    planted = ownership.plant_owners(
        chunk,
        owners,
        special["planted_foundation"],
        board,
        rng,
        rates.cases(chunk, "onverklaarbaar_bezit", weights["onverklaarbaar_bezit"]),
    )
    protected = np.unique(
        np.concatenate([planted["unexplained_person"], np.flatnonzero(chunk.criminal), board])
    )
    ownership.explain_legit_owners(chunk, owners, protected, rng)
    history = ownership.sales_history(
        chunk,
        owners,
        out.size,
        rng,
        rates.cases(chunk, "doorsluiswoningen", weights["doorsluiswoningen"]),
    )
    above = ownership.purchases_above_capacity(chunk, history, protected, rng)
    detect = hidden.buurt_detection(chunk.buurten, rates.detection, "hennep")
    hennep = crime.plant_hennep(
        chunk, cluster[global_index], rates.hennep_base, rng, detect, rates.rng
    )
    _write_chunk(chunk, out, business_ids, history, hennep, special, moved, rng, writer, ids)
    truth_log.log_truth(truth, chunk, business_ids, planted, history, above, special, ids)
    truth_log.log_hidden(truth, chunk, business_ids, planted, history, hennep, special)
    nation.add(chunk, global_index, business_ids, out, special)


def _businesses(
    chunk: population.Chunk, rng: np.random.Generator, scale: float, truth: truth_log.TruthLog
) -> tuple[business.Businesses, dict[str, np.ndarray]]:
    out = business.make_businesses(chunk, rng, scale)
    private = int((chunk.a_dwelling & (chunk.tenure == 2)).sum())
    n_gm = chunk.buurten["gemeente"].nunique()
    n = len(chunk.age)
    special = {
        "corporation": business.add_special(
            out, chunk, sbi.HOUSING_CORPORATION, "stichting", n_gm, rng
        ),
        "landlord_bv": business.add_special(
            out, chunk, sbi.LETTING, "bv", max(1, int(private * 0.45 / 20)), rng
        ),
        "foundation": business.add_special(
            out, chunk, sbi.IDEAL_FOUNDATION, "stichting", max(1, int(private * 0.05 / 8)), rng
        ),
    }
    planted_f = business.add_special(
        out, chunk, sbi.IDEAL_FOUNDATION, "stichting", rng.binomial(n, params.PLANT_FOUNDATION), rng
    )
    special["planted_foundation"] = planted_f
    # One board member per planted foundation from a low-income household owns
    # dwellings personally (planted unexplained ownership).
    size = len(chunk.household_id)
    hh_income = np.bincount(chunk.household, weights=chunk.income, minlength=size)[chunk.household]
    poor = np.flatnonzero((chunk.age >= 30) & (hh_income < 35_000) & ~chunk.criminal)
    board = (
        rng.choice(poor, size=len(planted_f), replace=False)
        if len(planted_f) and len(poor) >= len(planted_f)
        else np.empty(0, np.int64)
    )
    out.add_directors(planted_f[: len(board)], board)
    special["board"] = board
    special["churn_address"] = business.plant_churn(
        out, chunk, rng.binomial(n, params.PLANT_CHURN_ADDRESS), rng
    )["address"]
    care = business.care_providers(out, chunk, rng.binomial(n, params.PLANT_CARE_FRAUD), rng)
    special.update({f"care_{k}": v for k, v in care.items()})
    return out, special


def _write_chunk(
    chunk: population.Chunk,
    out: business.Businesses,
    business_ids: np.ndarray,
    history: ownership.History,
    hennep: dict[str, np.ndarray],
    special: dict[str, np.ndarray],
    moved: np.ndarray,
    rng: np.random.Generator,
    writer: PartWriter,
    ids: Ids,
) -> None:
    writer.write("persons", residence.person_columns(chunk))
    writer.write("households", tables.household_columns(chunk))
    writer.write("addresses", population.address_columns(chunk))
    res = residence.residence_columns(chunk, moved, rng, ids.next.get("residences", 1))
    ids.take("residences", len(res["residence_id"]))
    writer.write("residences", res)
    writer.write(
        "ownerships",
        tables.ownership_columns(
            chunk, history, business_ids, ids.take("ownerships", len(history.own_address))
        ),
    )
    writer.write(
        "transactions",
        tables.transaction_columns(
            chunk, history, business_ids, ids.take("transactions", len(history.tx_row))
        ),
    )
    writer.write("businesses", tables.business_columns(chunk, out, business_ids))
    directors = tables.director_columns(chunk, out, business_ids, ids.next.get("directors", 1))
    ids.take("directors", len(directors["directorship_id"]))
    writer.write("directors", directors)
    n_prov = len(special["care_business"])
    provider_ids = ids.take("care_providers", n_prov) + np.arange(n_prov, dtype=np.int64)
    special["care_provider_ids"] = provider_ids
    writer.write(
        "care_providers",
        {
            "provider_id": provider_ids,
            "business_id": business_ids[special["care_business"]],
            "care_activity_registered": special["care_activity"],
        },
    )
    dec = business.declarations({"planted": special["care_planted"]}, chunk, rng)
    writer.write(
        "declarations",
        {
            "declaration_id": ids.take("declarations", len(dec["provider"]))
            + np.arange(len(dec["provider"]), dtype=np.int64),
            "provider_id": provider_ids[dec["provider"]],
            "person_id": chunk.person_id[dec["client"]],
            "date": dec["date"],
            "amount": dec["amount"],
        },
    )
    n_h = len(hennep["address"])
    writer.write(
        "hennep",
        {
            "plantation_id": ids.take("hennep", n_h) + np.arange(n_h, dtype=np.int64),
            "address_id": chunk.address_id[hennep["address"]],
            "date": hennep["date"],
            "plants": hennep["plants"],
        },
    )
