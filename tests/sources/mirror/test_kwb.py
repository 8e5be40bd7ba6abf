"""KWB 2024 and the KWB attributes of the gemeente maps, checked against the raw files."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from buurtzicht.sources.base import Batch

ValueOf = Callable[..., float]
GEO = "geo_pdok_wijken_gemeenten_2024_anneversion"
DUMP = "cbs_statline_dumps_dertje/85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz"


def _geo(raw: Path, year: int) -> dict[str, dict[str, object]]:
    path = raw / GEO / f"gemeenten_{year}_simplified_with_kwb_crime_bag.geojson"
    features = json.loads(path.read_text())["features"]
    return {f["properties"]["gemeentecode"]: f["properties"] for f in features}


def _dump(raw: Path) -> dict[str, dict[str, str]]:
    with gzip.open(raw / DUMP, "rt", encoding="utf-8-sig") as f:
        return {r["Codering_3"].strip(): r for r in csv.DictReader(f, delimiter=";")}


def test_amsterdam_inhabitants_2024(batches: dict[str, Batch], value_of: ValueOf) -> None:
    kwb = batches["kwb"]
    assert value_of(kwb, "kwb.AantalInwoners", "GM0363", "2024JJ00", 2024) == 931_298
    assert value_of(kwb, "kwb.AantalInwoners", "GM0363", "2012JJ00", 2012) == 790_110


def test_dump_values_and_repeated_stems(
    batches: dict[str, Batch], value_of: ValueOf, raw: Path
) -> None:
    kwb = batches["kwb"]
    row = _dump(raw)["GM1680"]
    assert value_of(kwb, "kwb.AantalInwoners", "GM1680", "2024JJ00", 2024) == float(
        row["AantalInwoners_5"]
    )
    # EuropaExclusiefNederland occurs three times, under three TopicGroups.
    for measure, column in [
        ("kwb.EuropaExclusiefNederland", "EuropaExclusiefNederland_18"),
        ("kwb.EuropaExclusiefNederland.GeborenInNederland", "EuropaExclusiefNederland_21"),
        ("kwb.EuropaExclusiefNederland.GeborenBuitenNederland", "EuropaExclusiefNederland_23"),
    ]:
        assert value_of(kwb, measure, "GM1680", "2024JJ00", 2024) == float(row[column])
    assert value_of(kwb, "kwb.MateVanStedelijkheid", "NL01", "2024JJ00", 2024) == 2
    assert value_of(kwb, "kwb.GemiddeldeHuishoudensgrootte", "WK168000", "2024JJ00", 2024) == 2.2


def test_buurt_figures_from_subset_and_population(
    batches: dict[str, Batch], value_of: ValueOf, raw: Path
) -> None:
    kwb = batches["kwb"]
    obs = kwb.observations
    inwoners = obs[(obs["measure"] == "kwb.AantalInwoners") & obs["region"].str.startswith("BU")]
    assert inwoners["region"].nunique() == 14_574
    # BU01630408 ('n Oaln Diek, Hellendoorn) is only in the subset file, not in the dump.
    subset = raw / "kwb2024_buurt_subset_crime2024_microneighbourhood"
    with (subset / "buurten_features_clusters_with_crime_2024.csv").open() as f:
        row = next(r for r in csv.DictReader(f) if r["Codering_3"].strip() == "BU01630408")
    got = value_of(kwb, "kwb.MateVanStedelijkheid", "BU01630408", "2024JJ00", 2024)
    assert got == float(row["MateVanStedelijkheid_122"]) == 4
    assert value_of(kwb, "kwb.k_65JaarOfOuder", "BU01630408", "2024JJ00", 2024) == 180


def test_files_that_overlap_agree(raw: Path) -> None:
    """The same figure in two files is the same number (read from the raw files)."""
    dump = _dump(raw)
    geo = _geo(raw, 2024)
    compared = 0
    for code, row in dump.items():
        if code.startswith("GM"):
            assert float(geo[code]["aantal_inwoners"]) == float(row["AantalInwoners_5"]), code
            assert float(geo[code]["huishoudens"]) == float(row["HuishoudensTotaal_29"]), code
            compared += 1
    assert compared == 172
    stripped = json.loads(
        (raw / "cbs_kwb2024_85984NED_odata_meta/stripped_filtered_data_2024.json").read_text()
    )
    for code, row in dump.items():
        if code.startswith("WK"):
            assert stripped[code]["AantalInwoners_5"] == float(row["AantalInwoners_5"]), code
            assert stripped[code]["OppervlakteLand_123"] == float(row["OppervlakteLand_123"])


def test_kwb_notes_report_agreement(batches: dict[str, Batch]) -> None:
    assert batches["kwb"].conflicts.empty
    notes = " ".join(batches["kwb"].notes)
    assert "all agree" in notes
    assert "GeboorteTotaal_25" in notes  # empty in this revision, left out and said so


def test_percentages_get_their_own_ids(batches: dict[str, Batch], value_of: ValueOf) -> None:
    kwb = batches["kwb"]
    assert value_of(kwb, "kwb.Percentage0Tot15Jaar", "GM0363", "2012JJ00", 2012) == 16
    assert value_of(kwb, "kwb.Percentage0Tot15Jaar", "GM0363", "2024JJ00", 2024) == 13
    measures = {m.id: m for m in kwb.measures}
    assert measures["kwb.Percentage0Tot15Jaar"].unit == "%"
    assert measures["kwb.k_0Tot15Jaar"].unit == "aantal"


def test_measure_metadata_from_dataproperties(batches: dict[str, Batch]) -> None:
    measures = {m.id: m for m in batches["kwb"].measures}
    woz = measures["kwb.GemiddeldeWOZWaardeVanWoningen"]
    assert woz.unit == "x 1 000 euro" and woz.source_version == "2025-03-27T02:00:00"
    assert "WOZ" in woz.description
    # Same naming as the online client (qualified_stems): the later occurrence qualified.
    born = measures["kwb.EuropaExclusiefNederland.GeborenInNederland"]
    assert born.title == "Europa (exclusief Nederland) (Geboren in Nederland)"
    density = measures["kwb.GemiddeldeHuishoudensgrootte"]
    assert density.decimals == 1
    assert not any(m.startswith("kwb.Gemeentenaam") for m in measures)


def test_geometry_years_present(batches: dict[str, Batch]) -> None:
    obs = batches["kwb"].observations
    gm = obs[(obs["measure"] == "kwb.AantalInwoners") & obs["region"].str.startswith("GM")]
    per_year = gm.groupby("indeling")["region"].nunique().to_dict()
    assert per_year == {2012: 415, 2017: 388, 2018: 380, 2019: 355, 2022: 345, 2023: 342, 2024: 342}
    assert set(pd.unique(gm["period"])) == {f"{y}JJ00" for y in per_year}
