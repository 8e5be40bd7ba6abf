"""The regions frame built from the real mirror, checked against the raw files."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.sources.mirror.region_rows import REGION_COLUMNS


def _in(frame: pd.DataFrame, indeling: int, level: str) -> pd.DataFrame:
    return frame[(frame["indeling"] == indeling) & (frame["level"] == level)]


def _ordinary(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["special"].isna()]


def test_columns_and_unique_key(regions: pd.DataFrame) -> None:
    assert list(regions.columns) == REGION_COLUMNS
    assert not regions.duplicated(["code", "indeling"]).any()
    assert regions["name"].notna().all()


def test_indeling_2024_counts(regions: pd.DataFrame) -> None:
    counts = {
        level: len(_ordinary(_in(regions, 2024, level)))
        for level in ["land", "landsdeel", "provincie", "politie-eenheid", "veiligheidsregio"]
    }
    assert counts == {
        "land": 1,
        "landsdeel": 4,
        "provincie": 12,
        "politie-eenheid": 10,
        "veiligheidsregio": 25,
    }
    assert len(_in(regions, 2024, "corop")) == 40
    assert len(_ordinary(_in(regions, 2024, "gemeente"))) == 342


def test_wijken_and_buurten_2024_match_the_raw_dimension(regions: pd.DataFrame, raw: Path) -> None:
    with gzip.open(raw / "politie_47018NED_bernasco/population_WijkenEnBuurten.csv.gz", "rt") as f:
        keys = [row["Key"].strip() for row in csv.DictReader(f)]
    kwb_wijken = {k for k in keys if k.startswith("WK")}
    kwb_buurten = {k for k in keys if k.startswith("BU")}
    assert (len(kwb_wijken), len(kwb_buurten)) == (3393, 14574)
    wijken = _in(regions, 2024, "wijk")
    buurten = _in(regions, 2024, "buurt")
    assert kwb_wijken <= set(wijken["code"])
    assert set(buurten["code"]) == kwb_buurten | {"BU00000000"}
    with gzip.open(
        raw / "geo_pdok_wijken_gemeenten_2024_anneversion/"
        "wijken_2024_simplified_t0.0005.geojson.gz",
        "rt",
    ) as f:
        geo = {ft["properties"]["wijkcode"] for ft in json.load(f)["features"]}
    assert len(geo) == 3475
    assert set(wijken["code"]) == geo | {"WK000000"}


def test_special_regions_2024(regions: pd.DataFrame) -> None:
    special = regions[regions["indeling"] == 2024].set_index("code")["special"]
    assert special["GM0998"] == "buitenland"
    assert special["WK099899"] == "buitenland"
    for code in ["GM0000", "WK000000", "BU00000000", "GM0999", "LD99", "PV99", "RE99"]:
        assert special[code] == "onbekend", code
    water = regions[(regions["indeling"] == 2024) & (regions["special"] == "water")]
    assert len(water) == 81
    assert set(water["name"]) == {"Groot water"}
    # WK010699 ends in 99 but is "Buitengebied" with inhabitants: not water.
    assert pd.isna(special["WK010699"])


def test_every_wijk_and_buurt_has_its_gemeente_and_parents(regions: pd.DataFrame) -> None:
    below = regions[regions["level"].isin(["wijk", "buurt"]) & regions["special"].isna()]
    assert below["gemeente"].notna().all()
    for column in ["provincie", "politie_eenheid", "veiligheidsregio", "corop", "landsdeel"]:
        assert below[column].notna().all(), column
    buurten = below[below["level"] == "buurt"]
    assert (buurten["wijk"].str[2:8] == buurten["code"].str[2:8]).all()
    ams = regions[(regions["code"] == "BU0363AD03") & (regions["indeling"] == 2024)].iloc[0]
    assert (ams["gemeente"], ams["wijk"], ams["provincie"]) == ("GM0363", "WK0363AD", "PV27")


def test_amsterdam_2024_parents_from_gebieden(regions: pd.DataFrame) -> None:
    ams = regions[(regions["code"] == "GM0363") & (regions["indeling"] == 2024)].iloc[0]
    assert ams["name"] == "Amsterdam"
    assert (ams["provincie"], ams["politie_eenheid"], ams["veiligheidsregio"]) == (
        "PV27",
        "RE05",
        "VR13",
    )
    assert (ams["corop"], ams["landsdeel"], ams["stedelijkheid"]) == ("CR23", "LD03", 1)
    names = _in(regions, 2024, "politie-eenheid").set_index("code")["name"]
    assert names["RE05"] == "Amsterdam"
    # A COROP area inherits the provincie all its gemeenten share.
    cr23 = regions[(regions["code"] == "CR23") & (regions["indeling"] == 2024)].iloc[0]
    assert (cr23["provincie"], cr23["landsdeel"]) == ("PV27", "LD03")


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2018, 380), (2019, 355), (2020, 355), (2021, 352), (2022, 345), (2023, 342), (2024, 342)],
)
def test_gemeenten_per_gebieden_year(regions: pd.DataFrame, year: int, expected: int) -> None:
    gemeenten = _ordinary(_in(regions, year, "gemeente"))
    assert len(gemeenten) == expected
    assert gemeenten["stedelijkheid"].between(1, 5).all()


def test_gemeenten_2012_and_2017_from_geometry(regions: pd.DataFrame, raw: Path) -> None:
    for year, expected in [(2012, 415), (2017, 388)]:
        name = f"gemeenten_{year}_simplified_with_kwb_crime_bag.geojson"
        path = raw / "geo_pdok_wijken_gemeenten_2024_anneversion" / name
        codes = {f["properties"]["gemeentecode"] for f in json.loads(path.read_text())["features"]}
        ordinary = set(_ordinary(_in(regions, year, "gemeente"))["code"])
        assert len(ordinary) == expected
        assert ordinary <= codes


@pytest.mark.parametrize(
    ("name", "year", "code"),
    [
        ("Bergambacht", 2013, "GM0491"),  # only by name, in the 2012 geometry
        ("Anna Paulowna", 2011, "GM0366"),  # only in 83648NED's own RegioS list
        ("De Friese Meren", 2014, "GM1921"),  # renamed to De Fryske Marren (GM1940) in 2015
        ("Menameradiel", 2016, "GM1908"),
        ("Haaren", 2020, "GM0788"),
    ],
)
def test_former_gemeenten_of_83648(regions: pd.DataFrame, name: str, year: int, code: str) -> None:
    row = regions[(regions["code"] == code) & (regions["indeling"] == year)]
    assert row["name"].tolist() == [name]


def test_84468_regions_2018(regions: pd.DataFrame) -> None:
    assert len(_in(regions, 2018, "wijk")) == 1811
    assert len(_in(regions, 2018, "buurt")) == 7980
    annen = regions[(regions["code"] == "BU16800000") & (regions["indeling"] == 2018)].iloc[0]
    assert (annen["name"], annen["wijk"], annen["provincie"]) == ("Annen", "WK168000", "PV22")


def test_national_row_for_every_year(regions: pd.DataFrame) -> None:
    nl = regions[regions["code"] == "NL01"]
    assert set(nl["indeling"]) == set(range(1999, 2025))
