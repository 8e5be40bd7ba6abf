"""84468NED (2018), Veiligheidsmonitor and verdachten from the real mirror."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from buurtzicht.sources.base import Batch

ValueOf = Callable[..., float]


def test_misdrijven_wb_counts_and_rates(batches: dict[str, Batch], value_of: ValueOf) -> None:
    batch = batches["misdrijven_wb"]
    total = "misdrijven_wb.TotaalVermogenVernielingEnGeweld"
    assert value_of(batch, total, "GM1680", "2018JJ00", 2018) == 423
    # 423 / 25,390 inhabitants x 1000 = 16.7 -> 17
    assert value_of(batch, total + ".per1000inw", "GM1680", "2018JJ00", 2018) == 17
    obs = batch.observations
    regions = obs[obs["measure"] == "misdrijven_wb.AantalInwoners"]["region"]
    assert regions.str[:2].value_counts().to_dict() == {"BU": 7980, "WK": 1811, "GM": 209}
    assert any("TRUNCATED" in n for n in batch.notes)
    assert any("VernielingMisdrijfTegenOpenbareOrde <- TotaalVernieling" in n for n in batch.notes)


def test_veiligheidsmonitor_values_and_margins(
    batches: dict[str, Batch], value_of: ValueOf
) -> None:
    vm = batches["veiligheidsmonitor"]
    assert value_of(vm, "vm.VoeltZichWeleensOnveilig", "NL01", "2023JJ00", 2023) == 34.9
    assert value_of(vm, "vm.VoeltZichWeleensOnveilig.ondergrens", "NL01", "2023JJ00", 2023) == 34.5
    assert value_of(vm, "vm.VoeltZichWeleensOnveilig.bovengrens", "NL01", "2023JJ00", 2023) == 35.2
    obs = vm.observations
    regions = set(obs["region"])
    assert {"GM0363", "GM0164", "GM1992", "RE05", "PV21", "LD01"} <= regions  # Hengelo (O.)
    assert not any(r.startswith(("BT", "PD")) for r in regions)
    measures = {m.id: m for m in vm.measures}
    # Slachtoffers repeats once per kind of crime; without DataProperties only the order
    # tells them apart, so every occurrence is flagged.
    assert "positional-id" in measures["vm.Slachtoffers"].flags
    assert "positional-id" in measures["vm.Slachtoffers.2"].flags
    assert measures["vm.VoeltZichWeleensOnveilig"].flags == ()
    assert measures["vm.RapportcijferVeiligheidInBuurt"].unit == "rapportcijfer 1-10"
    assert measures["vm.VoeltZichWeleensOnveilig"].unit == "%"


def test_verdachten_blocks(batches: dict[str, Batch], value_of: ValueOf, raw: Path) -> None:
    batch = batches["verdachten"]
    assert (
        value_of(batch, "verdachten.TotaalVerdachtenVanMisdrijven", "NL01", "2022JJ00", 2022)
        == 158_290
    )
    rate = "verdachten.TotaalVerdachtenVanMisdrijven.per10000inw"
    assert value_of(batch, rate, "NL01", "2022JJ00", 2022) == 83
    old = "verdachten.TotaalVerdachtenVanMisdrijven.reeks1999"
    assert value_of(batch, old, "NL01", "1999JJ00", 1999) == 166_750
    assert (
        value_of(batch, "verdachten.VerdachtenVanDrugsmisdrijven", "NL01", "2022JJ00", 2022)
        == 12_880
    )
    # A rate block really is per 10,000 inhabitants: count / rate reproduces NL's population.
    pop = pd.read_csv(raw / "politie_47018NED_nationaal_bernasco_staat/NL_Population.csv")
    population = pop.set_index("year")["population"]
    for year in (2011, 2013, 2015):
        count = value_of(
            batch, "verdachten.TotaalVerdachtenVanMisdrijven", "NL01", f"{year}JJ00", year
        )
        per = value_of(batch, rate, "NL01", f"{year}JJ00", year)
        assert abs(count / per * 10_000 / population[year] - 1) < 0.02


def test_gebieden_values_per_year(batches: dict[str, Batch], raw: Path) -> None:
    path = raw / "cbs_statline_dumps_dertje/85385NED_gebieden_in_nederland_2023.csv"
    with path.open(encoding="utf-8-sig") as f:
        rows = {r["Code_1"].strip(): r for r in csv.DictReader(f, delimiter=";")}
    obs = batches["gebieden"].observations
    got = obs[(obs["measure"] == "gebieden.Inwonertal") & (obs["period"] == "2023JJ00")]
    assert len(got) == 342
    expected = {code: float(row["Inwonertal_56"]) for code, row in rows.items()}
    assert dict(zip(got["region"], got["value"], strict=True)) == expected
