"""Police crime types, national series and per-gemeente figures from the real mirror."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from buurtzicht.sources.base import Batch

ValueOf = Callable[..., float]
STAAT = "politie_47018NED_nationaal_bernasco_staat"


def test_catalogue_of_59_types(batches: dict[str, Batch]) -> None:
    batch = batches["politie_misdrijven"]
    table = batch.tables["crime_types"]
    assert list(table.columns) == ["code", "title", "description", "brengdelict"]
    assert len(table) == 59 and table["code"].is_unique
    row = table.set_index("code").loc["1.1.1"]
    assert row["title"] == "Diefstal/inbraak woning"
    assert "A20 Gekwal. Diefstal in/uit woning" in row["description"]
    assert bool(row["brengdelict"]) is True
    measures = {m.id: m for m in batch.measures}
    assert len(measures) == 59
    assert measures["politie.misdrijven.3.1.1"].title == "Geregistreerde misdrijven: Drugshandel"
    assert measures["politie.misdrijven.3.1.1"].publisher == "Politie"


def test_national_series(batches: dict[str, Batch], value_of: ValueOf, raw: Path) -> None:
    batch = batches["politie_misdrijven"]
    with (raw / STAAT / "NL_Crime.csv").open() as f:
        rows = list(csv.DictReader(f))
    drugs = next(
        r for r in rows if r["incident_type_code"] == "3.1.1 Drugshandel" and r["year"] == "2023"
    )
    got = value_of(batch, "politie.misdrijven.3.1.1", "NL01", "2023JJ00", 2023)
    assert got == float(drugs["incident_count"]) == 13_468
    # The table's own rows (newer revision) win over NL_Crime.csv for the total.
    assert value_of(batch, "politie.misdrijven.0.0.0", "NL01", "2023JJ00", 2023) == 805_584
    assert value_of(batch, "politie.misdrijven.0.0.0", "NL01", "2024JJ00", 2024) == 805_327
    assert "disagree" in " ".join(batch.notes)
    conflicts = batch.conflicts
    assert len(conflicts) == 12 and set(conflicts["region"]) == {"NL01"}
    row = conflicts[conflicts["period"] == "2023JJ00"].iloc[0]
    assert (row["kept_value"], row["other_value"]) == (805_584, 802_043)


def test_first_rows_on_indeling_2024(batches: dict[str, Batch]) -> None:
    obs = batches["politie_misdrijven"].observations
    aa = obs[(obs["region"] == "GM1680") & (obs["indeling"] == 2024)]
    assert set(aa["period"]) == {f"{y}JJ00" for y in range(2012, 2025)}
    buurten = obs[obs["region"].str.startswith("BU")]
    assert set(buurten["indeling"]) == {2024}


def test_gemeente_crime_per_type(batches: dict[str, Batch], value_of: ValueOf) -> None:
    batch = batches["politie_misdrijven"]
    # SOURCE.md: Amsterdam cr_totaal 2023 = 81,216 (third-party buurt sum)
    assert value_of(batch, "politie.misdrijven.0.0.0", "GM0363", "2023JJ00", 2023) == 81_216
    assert value_of(batch, "politie.misdrijven.2.1.1", "GM0363", "2023JJ00", 2023) == 8
    assert value_of(batch, "politie.misdrijven.1.2.3", "GM0363", "2024JJ00", 2024) == 11_980
    obs = batch.observations
    total = obs[(obs["measure"] == "politie.misdrijven.0.0.0") & obs["region"].str.startswith("GM")]
    gm_2012 = total[total["indeling"] == 2012]
    assert gm_2012["region"].nunique() == 318  # SOURCE.md: crime for 318 gemeenten in 2012


def test_suspicious_categories_flagged(batches: dict[str, Batch]) -> None:
    measures = {m.id: m for m in batches["politie_misdrijven"].measures}
    drugs_drank = measures["politie.misdrijven.2.1.1"]
    assert "suspicious" in drugs_drank.flags
    assert "cr_drugs_drank" in drugs_drank.description
    for code in ["0.0.0", "1.1.1", "1.2.3", "2.2.1", "3.7.4", "3.9.1"]:
        assert measures[f"politie.misdrijven.{code}"].flags == (), code


def test_overlast(batches: dict[str, Batch], value_of: ValueOf) -> None:
    batch = batches["politie_overlast"]
    assert len(batch.observations) == 108
    assert value_of(batch, "politie.overlast.E33", "NL01", "2023JJ00", 2023) == 141_724
    assert value_of(batch, "politie.overlast.0.0.0", "NL01", "2023JJ00", 2023) == 444_177
