"""83648NED (registered crime, total) and Gebieden in Nederland from the real mirror."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from buurtzicht.sources.base import Batch

ValueOf = Callable[..., float]
SLICE = (
    "cbs_statline_dumps_dertje/83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
)


def test_nl_2023_total(batches: dict[str, Batch], value_of: ValueOf) -> None:
    batch = batches["misdrijven"]
    total = "misdrijven.TotaalGeregistreerdeMisdrijven"
    assert value_of(batch, total, "NL01", "2023JJ00", 2023) == 816_375
    obs = batch.observations
    gm_2023 = obs[
        (obs["measure"] == total)
        & (obs["period"] == "2023JJ00")
        & obs["region"].str.startswith("GM")
        & (obs["region"] != "GM0999")
    ]
    assert len(gm_2023) == 342
    assert gm_2023["value"].sum() == 815_490  # SOURCE.md: sum of the 342 gemeenten


def test_every_gemeente_row_with_a_figure_maps_to_that_years_indeling(
    batches: dict[str, Batch], regions: pd.DataFrame, raw: Path
) -> None:
    with (raw / SLICE).open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["region_level"] == "GM"]
    with_figures = [r for r in rows if r["TotaalGeregistreerdeMisdrijven_1"].strip()]
    obs = batches["misdrijven"].observations
    total = obs[obs["measure"] == "misdrijven.TotaalGeregistreerdeMisdrijven"]
    gm = total[total["region"].str.startswith("GM") & (total["region"] != "GM0999")]
    assert len(gm) == len(with_figures)
    per_year = gm.groupby("indeling")["region"].nunique()
    raw_per_year = pd.Series([int(r["Perioden"]) for r in with_figures]).value_counts()
    assert per_year.sort_index().tolist() == raw_per_year.sort_index().tolist()
    known = set(zip(regions["code"], regions["indeling"], strict=True))
    assert all((r, i) in known for r, i in zip(gm["region"], gm["indeling"], strict=True))


def test_former_gemeente_by_name_carries_its_figures(
    batches: dict[str, Batch], value_of: ValueOf, raw: Path
) -> None:
    with (raw / SLICE).open(encoding="utf-8-sig") as f:
        row = next(
            r
            for r in csv.DictReader(f)
            if r["region_label"] == "Bergambacht" and r["Perioden"] == "2013"
        )
    expected = float(row["TotaalGeregistreerdeMisdrijven_1"])
    got = value_of(
        batches["misdrijven"],
        "misdrijven.TotaalGeregistreerdeMisdrijven",
        "GM0491",
        "2013JJ00",
        2013,
    )
    assert got == expected


def test_niet_in_te_delen_has_missing_per_1000(batches: dict[str, Batch]) -> None:
    obs = batches["misdrijven"].observations
    ld99 = obs[(obs["region"] == "LD99") & (obs["period"] == "2010JJ00")].set_index("measure")
    assert ld99.loc["misdrijven.TotaalGeregistreerdeMisdrijven", "value"] == 2400
    per_1000 = ld99.loc["misdrijven.GeregistreerdeMisdrijvenPer1000Inw"]
    assert pd.isna(per_1000["value"]) and per_1000["status"] == "missing"


def test_politie_eenheden_resolved(batches: dict[str, Batch]) -> None:
    obs = batches["misdrijven"].observations
    regions = set(obs[obs["period"] == "2024JJ00"]["region"])
    assert {f"RE{n:02d}" for n in range(1, 11)} | {"RE99"} <= regions


def test_gebieden_inwonertal(batches: dict[str, Batch], value_of: ValueOf) -> None:
    batch = batches["gebieden"]
    assert value_of(batch, "gebieden.Inwonertal", "GM1680", "2024JJ00", 2024) == 25_845
    assert value_of(batch, "gebieden.Stedelijkheid", "GM0363", "2018JJ00", 2018) == 1
    assert value_of(batch, "gebieden.Inwonertal", "GM1680", "2018JJ00", 2018) == 25_390
