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
from buurtzicht.microdata.baseline_themes import count, other_measures, valid_at
from buurtzicht.microdata.national import DRUG_CODES, UNDERMINING_CODES
from buurtzicht.microdata.schema import ENTITIES
from buurtzicht.microdata.synth.params import ANALYSIS_YEARS, FINANCING_INCOME_MULTIPLE

P = "secure."
World = dict[str, pd.DataFrame]


def read_world(folder: Path) -> dict[str, pd.DataFrame]:
    """Every entity as a pandas frame (dates as datetime64)."""
    return {name: pd.read_parquet(folder / name) for name in ENTITIES}


def _dates(world: dict[str, pd.DataFrame]) -> None:
    for name, entity in ENTITIES.items():
        for column in entity.dates:
            world[name][column] = pd.to_datetime(world[name][column])


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
        res = world["residences"][valid_at(world["residences"], ref)]
        people = res.merge(persons, on="person_id").merge(addresses, on="address_id")
        people["age"] = year - people["birth_year"]
        window = (regs["date"] > pd.Timestamp(year - 5, 12, 31)) & (regs["date"] <= ref)
        antecedent = set(
            regs.loc[window & regs["offence_code"].isin(UNDERMINING_CODES), "person_id"]
        )
        out += _basis(people, addresses, world, antecedent, year, ref)
        out += _vastgoed(world, people, hh, antecedent, year, ref)
        out += _drugs(world, regs, antecedent, people, year)
        out += other_measures(world, people, regs, antecedent, year, ref)
    yearly = pd.concat(out, ignore_index=True)[["measure", "year", "buurt", "value"]]
    return pd.concat([yearly, two_year_totals(yearly, years)], ignore_index=True)


#: Counts of rare events that are also released as two-year totals (``<measure>_2jaar``).
POOLED = (P + "drugs.hennep_ontmanteld", P + "vastgoed.aankopen_boven_financieringscapaciteit")


def two_year_totals(yearly: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """``<measure>_2jaar`` of every :data:`POOLED` measure: the year and the year before,
    for each year whose year before is computed too (each event falls in one year)."""
    parts = []
    for year in (y for y in years if y - 1 in years):
        rows = yearly[yearly["measure"].isin(POOLED) & yearly["year"].isin([year - 1, year])]
        pooled = rows.groupby(["measure", "buurt"], as_index=False)["value"].sum()
        parts.append(pooled.assign(measure=pooled["measure"] + "_2jaar", year=year))
    return pd.concat(parts, ignore_index=True) if parts else yearly.iloc[:0]


def _basis(
    people: pd.DataFrame,
    addresses: pd.DataFrame,
    world: World,
    antecedent: set[int],
    year: int,
    ref: pd.Timestamp,
) -> list[pd.DataFrame]:
    on_benefit = people["benefit"].isin(["bijstand", "ww", "ao"])
    business = world["businesses"][valid_at(world["businesses"], ref)].merge(
        addresses[["address_id", "buurt"]], on="address_id"
    )
    return [
        count(people, "basis.inwoners", year, "person_id"),
        count(people[people["age"].between(8, 23)], "basis.jongeren_8_23", year, "person_id"),
        count(people[on_benefit], "basis.inwoners_uitkering", year, "person_id"),
        count(people[people["problematic_debts"]], "basis.inwoners_schulden", year, "person_id"),
        count(
            people[people["person_id"].isin(antecedent)],
            "basis.inwoners_antecedenten",
            year,
            "person_id",
        ),
        count(addresses[addresses["function"] == "woon"], "basis.woningen", year, "address_id"),
        count(business, "basis.bedrijfsvestigingen", year, "business_id"),
    ]


def _owner_class(world: dict[str, pd.DataFrame], ref: pd.Timestamp) -> pd.DataFrame:
    own = world["ownerships"][valid_at(world["ownerships"], ref)]
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


def _vastgoed(
    world: World,
    people: pd.DataFrame,
    hh: pd.DataFrame,
    antecedent: set[int],
    year: int,
    ref: pd.Timestamp,
) -> list[pd.DataFrame]:
    own = _owner_class(world, ref)
    out = [
        count(g, f"vastgoed.woningen_eigenaar_{c}", year, "address_id")
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
        count(
            own[own["owner_person_id"].isin(unexplained)],
            "vastgoed.onverklaarbaar_bezit_woningen",
            year,
            "address_id",
        )
    )
    out.append(
        count(
            people[people["person_id"].isin(unexplained)],
            "vastgoed.onverklaarbaar_bezit_eigenaren",
            year,
            "person_id",
        )
    )
    out.append(
        count(
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
    out.append(count(sales[sales["n"] >= 5], "vastgoed.doorsluiswoningen", year, "address_id"))
    bought = tx[(tx["date"].dt.year == year) & (tx["buyer_kind"] == "persoon")]
    bought = bought.assign(capacity=cap.reindex(bought["buyer_person_id"]).to_numpy())
    above = bought[bought["price"] > bought["capacity"]]
    out.append(
        count(above, "vastgoed.aankopen_boven_financieringscapaciteit", year, "transaction_id")
    )
    amount = above.groupby("buurt")["price"].sum().rename("value").reset_index()
    out.append(
        amount.assign(
            measure=P + "vastgoed.aankopen_boven_financieringscapaciteit_bedrag", year=year
        )
    )
    directors = world["directors"][valid_at(world["directors"], ref)]
    foundations = own.loc[own["owner_class"] == "stichting", "owner_business_id"].unique()
    board = set(directors.loc[directors["business_id"].isin(foundations), "person_id"])
    out.append(
        count(
            own[own["owner_person_id"].isin(board)],
            "vastgoed.woningen_bestuurders_stichtingen",
            year,
            "address_id",
        )
    )
    return out


def _drugs(
    world: World, regs: pd.DataFrame, antecedent: set[int], people: pd.DataFrame, year: int
) -> list[pd.DataFrame]:
    addresses, persons = world["addresses"], world["persons"]
    hennep = world["hennep"][world["hennep"]["date"].dt.year == year].merge(
        addresses, on="address_id"
    )
    out = [count(hennep, "drugs.hennep_ontmanteld", year, "plantation_id")]
    res = world["residences"]
    at = hennep.merge(res, on="address_id")
    at = at[
        (at["start_date"] <= at["date"]) & (at["end_date"].isna() | (at["end_date"] > at["date"]))
    ].merge(persons, on="person_id")
    out.append(count(at, "drugs.hennep_bewoners", year, "person_id"))
    out.append(
        count(
            at[at["benefit"].isin(["bijstand", "ww", "ao"])],
            "drugs.hennep_bewoners_uitkering",
            year,
            "person_id",
        )
    )
    out.append(
        count(at[at["problematic_debts"]], "drugs.hennep_bewoners_schulden", year, "person_id")
    )
    out.append(
        count(
            at[at["person_id"].isin(antecedent)],
            "drugs.hennep_bewoners_antecedenten",
            year,
            "person_id",
        )
    )
    drug = regs[regs["offence_code"].isin(DRUG_CODES) & (regs["date"].dt.year == year)]
    out.append(
        count(
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
    out.append(count(home, "drugs.registraties", year, "suspect_id", buurt="buurt_home"))
    out.append(
        count(
            home[same],
            "drugs.registraties_pleeg_eigen_gemeente",
            year,
            "suspect_id",
            buurt="buurt_home",
        )
    )
    out.append(
        count(
            home[~same],
            "drugs.registraties_pleeg_andere_gemeente",
            year,
            "suspect_id",
            buurt="buurt_home",
        )
    )
    return out


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
