"""The pandas baseline of the Bedrijvigheid, FIU, Zorg and Vakantieparken themes.

Part of :mod:`buurtzicht.microdata.baseline` (split to keep modules small).
"""

from __future__ import annotations

import pandas as pd

from buurtzicht.microdata import sbi

P = "secure."
World = dict[str, pd.DataFrame]


def valid_at(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.Series:
    return (frame["start_date"] <= ref) & (frame["end_date"].isna() | (frame["end_date"] > ref))


def count(
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


def other_measures(
    world: World,
    people: pd.DataFrame,
    regs: pd.DataFrame,
    antecedent: set[int],
    year: int,
    ref: pd.Timestamp,
) -> list[pd.DataFrame]:
    """Bedrijvigheid, FIU, zorg and vakantieparken."""
    addresses = world["addresses"]
    business = world["businesses"].merge(addresses[["address_id", "buurt"]], on="address_id")
    active = business[valid_at(business, ref)]
    out = [
        count(
            active[active["sbi"].isin(sbi.MONEY_LAUNDERING_SENSITIVE)],
            "bedrijven.witwasgevoelig",
            year,
            "business_id",
        )
    ]
    directors = world["directors"][valid_at(world["directors"], ref)]
    flagged = set(directors.loc[directors["person_id"].isin(antecedent), "business_id"])
    out.append(
        count(
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
        count(
            short[short["end_date"].dt.year == year],
            "bedrijven.kortlevend_beeindigd",
            year,
            "business_id",
        )
    )
    ended = short[(short["end_date"] > pd.Timestamp(year - 5, 12, 31)) & (short["end_date"] <= ref)]
    churn = ended.groupby(["address_id", "buurt"]).size().rename("n").reset_index()
    out.append(count(churn[churn["n"] >= 3], "bedrijven.adressen_verloop", year, "address_id"))
    out += _fiu(world, people, business, year)
    out += _care(world, business, antecedent, year)
    out += _parks(world, people, regs, year)
    return out


def _fiu(
    world: World, people: pd.DataFrame, business: pd.DataFrame, year: int
) -> list[pd.DataFrame]:
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


def _care(
    world: World, business: pd.DataFrame, antecedent: set[int], year: int
) -> list[pd.DataFrame]:
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
        count(prov, "zorg.aanbieders", year, "provider_id"),
        count(
            prov[prov["business_id"].isin(with_record)],
            "zorg.aanbieders_antecedenten",
            year,
            "provider_id",
        ),
        count(prov[~care], "zorg.aanbieders_gevoelige_branche", year, "provider_id"),
        count(
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


def _parks(world: World, people: pd.DataFrame, regs: pd.DataFrame, year: int) -> list[pd.DataFrame]:
    at_park = people[people["holiday_park_id"].notna()]
    suspects = set(regs.loc[regs["date"].dt.year == year, "person_id"])
    incidents = world["incidents"][world["incidents"]["date"].dt.year == year].merge(
        world["addresses"], on="address_id", suffixes=("_i", "")
    )
    incidents = incidents[incidents["holiday_park_id"].notna()]
    parks = world["holiday_parks"]
    return [
        count(at_park, "vakantieparken.ingeschrevenen", year, "person_id"),
        count(
            at_park[at_park["problematic_debts"]],
            "vakantieparken.ingeschrevenen_schulden",
            year,
            "person_id",
        ),
        count(
            at_park[at_park["benefit"].isin(["bijstand", "ww", "ao"])],
            "vakantieparken.ingeschrevenen_uitkering",
            year,
            "person_id",
        ),
        count(
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
        count(parks, "vakantieparken.parken", year, "holiday_park_id"),
    ]
