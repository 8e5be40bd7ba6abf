"""A straightforward pandas implementation of the theme measures.

Written independently of the SQL pipeline, from the definitions in
``docs/microdata.md``: the tests check the pipeline against it, and
``benchmarks/microdata.py`` uses it as the baseline the engines are compared with. It
returns buurt-level values only (``measure, year, buurt, value``): the roll-up to
wijk, gemeente and Nederland is a plain sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from buurtzicht.microdata import sbi
from buurtzicht.microdata.national import DRUG_CODES, UNDERMINING_CODES
from buurtzicht.microdata.schema import ENTITIES
from buurtzicht.microdata.synth.params import ANALYSIS_YEARS, FINANCING_INCOME_MULTIPLE

P = "secure."


def read_world(folder: Path) -> dict[str, pd.DataFrame]:
    """Every entity as a pandas frame (dates as datetime64)."""
    return {name: pd.read_parquet(folder / name) for name in ENTITIES}


def _valid_at(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.Series:
    return (frame["start_date"] <= ref) & (frame["end_date"].isna() | (frame["end_date"] > ref))


def _dates(world: dict[str, pd.DataFrame]) -> None:
    for name, entity in ENTITIES.items():
        for column in entity.dates:
            world[name][column] = pd.to_datetime(world[name][column])


def _count(
    rows: pd.DataFrame, measure: str, year: int, unit: str, buurt: str = "buurt"
) -> pd.DataFrame:
    """One row per buurt: number of distinct units."""
    out = (
        rows.groupby(buurt)[unit]
        .nunique()
        .rename("value")
        .reset_index()
        .rename(columns={buurt: "buurt"})
    )
    out["measure"], out["year"] = P + measure, year
    return out


def baseline_measures(
    world: dict[str, pd.DataFrame], years: Sequence[int] = ANALYSIS_YEARS
) -> pd.DataFrame:
    """All measures per (measure, year, buurt), computed with pandas merges and groupbys."""
    _dates(world)
    persons, addresses = world["persons"], world["addresses"]
    hh = (
        persons.groupby("household_id")
        .agg(hh_income=("income", "sum"), hh_wealth=("wealth", "sum"))
        .reset_index()
    )
    hh["capacity"] = hh["hh_wealth"] + FINANCING_INCOME_MULTIPLE * hh["hh_income"]
    regs = world["suspects"].merge(world["incidents"], on="incident_id")
    out: list[pd.DataFrame] = []
    for year in years:
        ref = pd.Timestamp(year, 12, 31)
        res = world["residences"][_valid_at(world["residences"], ref)]
        people = res.merge(persons, on="person_id").merge(addresses, on="address_id")
        people["age"] = year - people["birth_year"]
        window = (regs["date"] > pd.Timestamp(year - 5, 12, 31)) & (regs["date"] <= ref)
        antecedent = set(
            regs.loc[window & regs["offence_code"].isin(UNDERMINING_CODES), "person_id"]
        )
        out += _basis(people, addresses, world, antecedent, year, ref)
        out += _vastgoed(world, people, hh, antecedent, year, ref)
        out += _drugs(world, regs, antecedent, people, year)
        out += _other(world, people, regs, antecedent, year, ref)
    return pd.concat(out, ignore_index=True)[["measure", "year", "buurt", "value"]]


def _basis(people, addresses, world, antecedent, year, ref) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    on_benefit = people["benefit"].isin(["bijstand", "ww", "ao"])
    business = world["businesses"][_valid_at(world["businesses"], ref)].merge(
        addresses[["address_id", "buurt"]], on="address_id"
    )
    return [
        _count(people, "basis.inwoners", year, "person_id"),
        _count(people[people["age"].between(8, 23)], "basis.jongeren_8_23", year, "person_id"),
        _count(people[on_benefit], "basis.inwoners_uitkering", year, "person_id"),
        _count(people[people["problematic_debts"]], "basis.inwoners_schulden", year, "person_id"),
        _count(
            people[people["person_id"].isin(antecedent)],
            "basis.inwoners_antecedenten",
            year,
            "person_id",
        ),
        _count(addresses[addresses["function"] == "woon"], "basis.woningen", year, "address_id"),
        _count(business, "basis.bedrijfsvestigingen", year, "business_id"),
    ]


def _owner_class(world: dict[str, pd.DataFrame], ref: pd.Timestamp) -> pd.DataFrame:
    own = world["ownerships"][_valid_at(world["ownerships"], ref)]
    own = own.merge(world["addresses"], on="address_id")
    own = own[own["function"] == "woon"].merge(
        world["businesses"][["business_id", "sbi", "legal_form"]],
        left_on="owner_business_id",
        right_on="business_id",
        how="left",
    )
    cls = own["owner_kind"].where(own["owner_kind"] != "rechtspersoon", "bedrijf")
    cls = cls.mask(
        (own["owner_kind"] == "rechtspersoon") & (own["legal_form"] == "stichting"), "stichting"
    )
    own["owner_class"] = cls.mask(
        (own["owner_kind"] == "rechtspersoon") & (own["sbi"] == sbi.HOUSING_CORPORATION),
        "woningcorporatie",
    )
    return own


def _vastgoed(world, people, hh, antecedent, year, ref) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    own = _owner_class(world, ref)
    out = [
        _count(g, f"vastgoed.woningen_eigenaar_{c}", year, "address_id")
        for c, g in own.groupby("owner_class")
    ]
    by_person = (
        own[own["owner_kind"] == "persoon"]
        .groupby("owner_person_id")
        .agg(n=("address_id", "size"), woz=("woz", "sum"))
    )
    cap = world["persons"].merge(hh, on="household_id").set_index("person_id")["capacity"]
    by_person["capacity"] = cap.reindex(by_person.index)
    unexplained = set(
        by_person[(by_person["n"] >= 2) & (by_person["woz"] > by_person["capacity"])].index
    )
    out.append(
        _count(
            own[own["owner_person_id"].isin(unexplained)],
            "vastgoed.onverklaarbaar_bezit_woningen",
            year,
            "address_id",
        )
    )
    out.append(
        _count(
            people[people["person_id"].isin(unexplained)],
            "vastgoed.onverklaarbaar_bezit_eigenaren",
            year,
            "person_id",
        )
    )
    out.append(
        _count(
            own[own["owner_person_id"].isin(antecedent)],
            "vastgoed.woningen_eigenaar_antecedenten",
            year,
            "address_id",
        )
    )
    tx = world["transactions"].merge(world["addresses"], on="address_id")
    recent = tx[
        (tx["date"] > pd.Timestamp(year - 20, 12, 31))
        & (tx["date"] <= ref)
        & (tx["function"] == "woon")
    ]
    sales = recent.groupby(["address_id", "buurt"]).size().rename("n").reset_index()
    out.append(_count(sales[sales["n"] >= 5], "vastgoed.doorsluiswoningen", year, "address_id"))
    bought = tx[(tx["date"].dt.year == year) & (tx["buyer_kind"] == "persoon")]
    bought = bought.assign(capacity=cap.reindex(bought["buyer_person_id"]).to_numpy())
    above = bought[bought["price"] > bought["capacity"]]
    out.append(
        _count(above, "vastgoed.aankopen_boven_financieringscapaciteit", year, "transaction_id")
    )
    amount = above.groupby("buurt")["price"].sum().rename("value").reset_index()
    out.append(
        amount.assign(
            measure=P + "vastgoed.aankopen_boven_financieringscapaciteit_bedrag", year=year
        )
    )
    directors = world["directors"][_valid_at(world["directors"], ref)]
    foundations = own.loc[own["owner_class"] == "stichting", "owner_business_id"].unique()
    board = set(directors.loc[directors["business_id"].isin(foundations), "person_id"])
    out.append(
        _count(
            own[own["owner_person_id"].isin(board)],
            "vastgoed.woningen_bestuurders_stichtingen",
            year,
            "address_id",
        )
    )
    return out


def _drugs(world, regs, antecedent, people, year) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    addresses, persons = world["addresses"], world["persons"]
    hennep = world["hennep"][world["hennep"]["date"].dt.year == year].merge(
        addresses, on="address_id"
    )
    out = [_count(hennep, "drugs.hennep_ontmanteld", year, "plantation_id")]
    res = world["residences"]
    at = hennep.merge(res, on="address_id")
    at = at[
        (at["start_date"] <= at["date"]) & (at["end_date"].isna() | (at["end_date"] > at["date"]))
    ].merge(persons, on="person_id")
    out.append(_count(at, "drugs.hennep_bewoners", year, "person_id"))
    out.append(
        _count(
            at[at["benefit"].isin(["bijstand", "ww", "ao"])],
            "drugs.hennep_bewoners_uitkering",
            year,
            "person_id",
        )
    )
    out.append(
        _count(at[at["problematic_debts"]], "drugs.hennep_bewoners_schulden", year, "person_id")
    )
    out.append(
        _count(
            at[at["person_id"].isin(antecedent)],
            "drugs.hennep_bewoners_antecedenten",
            year,
            "person_id",
        )
    )
    drug = regs[regs["offence_code"].isin(DRUG_CODES) & (regs["date"].dt.year == year)]
    out.append(
        _count(
            people[people["person_id"].isin(set(drug["person_id"]))],
            "drugs.verdachten",
            year,
            "person_id",
        )
    )
    home = drug.merge(res, on="person_id", suffixes=("", "_res"))
    home = home[
        (home["start_date"] <= home["date"])
        & (home["end_date"].isna() | (home["end_date"] > home["date"]))
    ]
    home = home.merge(
        addresses[["address_id", "buurt"]],
        left_on="address_id_res",
        right_on="address_id",
        suffixes=("", "_home"),
    )
    same = home["buurt_home"].str[2:6] == home["buurt"].str[2:6]
    out.append(_count(home, "drugs.registraties", year, "suspect_id", buurt="buurt_home"))
    out.append(
        _count(
            home[same],
            "drugs.registraties_pleeg_eigen_gemeente",
            year,
            "suspect_id",
            buurt="buurt_home",
        )
    )
    out.append(
        _count(
            home[~same],
            "drugs.registraties_pleeg_andere_gemeente",
            year,
            "suspect_id",
            buurt="buurt_home",
        )
    )
    return out


def _other(world, people, regs, antecedent, year, ref) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    addresses = world["addresses"]
    business = world["businesses"].merge(addresses[["address_id", "buurt"]], on="address_id")
    active = business[_valid_at(business, ref)]
    out = [
        _count(
            active[active["sbi"].isin(sbi.MONEY_LAUNDERING_SENSITIVE)],
            "bedrijven.witwasgevoelig",
            year,
            "business_id",
        )
    ]
    directors = world["directors"][_valid_at(world["directors"], ref)]
    flagged = set(directors.loc[directors["person_id"].isin(antecedent), "business_id"])
    out.append(
        _count(
            active[active["business_id"].isin(flagged)],
            "bedrijven.bestuurder_antecedenten",
            year,
            "business_id",
        )
    )
    short = business[
        business["end_date"].notna()
        & ((business["end_date"] - business["start_date"]).dt.days < 730)
    ]
    out.append(
        _count(
            short[short["end_date"].dt.year == year],
            "bedrijven.kortlevend_beeindigd",
            year,
            "business_id",
        )
    )
    ended = short[(short["end_date"] > pd.Timestamp(year - 5, 12, 31)) & (short["end_date"] <= ref)]
    churn = ended.groupby(["address_id", "buurt"]).size().rename("n").reset_index()
    out.append(_count(churn[churn["n"] >= 3], "bedrijven.adressen_verloop", year, "address_id"))
    out += _fiu(world, people, business, year)
    out += _care(world, business, antecedent, year)
    out += _parks(world, people, regs, year)
    return out


def _fiu(world, people, business, year) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    fiu = world["fiu"][world["fiu"]["date"].dt.year == year]
    where = fiu["person_id"].map(people.set_index("person_id")["buurt"])
    where = where.fillna(fiu["business_id"].map(business.set_index("business_id")["buurt"]))
    fiu = fiu.assign(buurt=where).dropna(subset=["buurt"])
    out = []
    for prefix, part in (("", fiu), ("verdacht_", fiu[fiu["status"] == "verdacht"])):
        grouped = part.groupby("buurt")["amount"]
        out.append(
            grouped.size()
            .astype(float)
            .rename("value")
            .reset_index()
            .assign(measure=f"{P}fiu.{prefix}transacties", year=year)
        )
        out.append(
            grouped.sum()
            .astype(float)
            .rename("value")
            .reset_index()
            .assign(measure=f"{P}fiu.{prefix}bedrag", year=year)
        )
    return out


def _care(world, business, antecedent, year) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    dec = world["declarations"][world["declarations"]["date"].dt.year == year]
    prov = world["care_providers"][
        world["care_providers"]["provider_id"].isin(dec["provider_id"])
    ].merge(business, on="business_id")
    with_record = set(
        world["directors"].loc[world["directors"]["person_id"].isin(antecedent), "business_id"]
    )
    care = prov["sbi"].str.startswith(sbi.CARE_PREFIXES)
    amount = (
        dec.merge(prov[["provider_id", "buurt"]], on="provider_id").groupby("buurt")["amount"].sum()
    )
    return [
        _count(prov, "zorg.aanbieders", year, "provider_id"),
        _count(
            prov[prov["business_id"].isin(with_record)],
            "zorg.aanbieders_antecedenten",
            year,
            "provider_id",
        ),
        _count(prov[~care], "zorg.aanbieders_gevoelige_branche", year, "provider_id"),
        _count(
            prov[~prov["care_activity_registered"]],
            "zorg.aanbieders_zonder_zorgactiviteit",
            year,
            "provider_id",
        ),
        amount.astype(float)
        .rename("value")
        .reset_index()
        .assign(measure=P + "zorg.declaraties_bedrag", year=year),
    ]


def _parks(world, people, regs, year) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    at_park = people[people["holiday_park_id"].notna()]
    suspects = set(regs.loc[regs["date"].dt.year == year, "person_id"])
    incidents = world["incidents"][world["incidents"]["date"].dt.year == year].merge(
        world["addresses"], on="address_id", suffixes=("_i", "")
    )
    incidents = incidents[incidents["holiday_park_id"].notna()]
    parks = world["holiday_parks"]
    return [
        _count(at_park, "vakantieparken.ingeschrevenen", year, "person_id"),
        _count(
            at_park[at_park["problematic_debts"]],
            "vakantieparken.ingeschrevenen_schulden",
            year,
            "person_id",
        ),
        _count(
            at_park[at_park["benefit"].isin(["bijstand", "ww", "ao"])],
            "vakantieparken.ingeschrevenen_uitkering",
            year,
            "person_id",
        ),
        _count(
            at_park[at_park["person_id"].isin(suspects)],
            "vakantieparken.ingeschrevenen_verdachten",
            year,
            "person_id",
        ),
        incidents.groupby("buurt")
        .size()
        .astype(float)
        .rename("value")
        .reset_index()
        .assign(measure=P + "vakantieparken.incidenten", year=year),
        _count(parks, "vakantieparken.parken", year, "holiday_park_id"),
    ]


def rollup(buurt_values: pd.DataFrame) -> pd.DataFrame:
    """Sum buurt values to wijk, gemeente and NL01 (``measure, year, region, value``)."""
    frames = []
    for code in (
        lambda b: b,
        lambda b: "WK" + b.str[2:8],
        lambda b: "GM" + b.str[2:6],
        lambda b: pd.Series("NL01", index=b.index),
    ):
        part = buurt_values.assign(region=code(buurt_values["buurt"]))
        frames.append(part.groupby(["measure", "year", "region"])["value"].sum().reset_index())
    out = pd.concat(frames, ignore_index=True)
    out["value"] = out["value"].astype(np.float64)
    return out
