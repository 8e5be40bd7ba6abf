"""Every theme measure equals an independent pandas computation on the same microdata."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from buurtzicht.microdata.baseline import baseline_measures, read_world, rollup
from buurtzicht.microdata.pipeline import profile
from buurtzicht.microdata.pipeline.measures import TOTALS
from buurtzicht.microdata.store import aggregates_path
from buurtzicht.regions.codes import is_region_code


@pytest.fixture(scope="module")
def expected(small_world) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    values = rollup(baseline_measures(read_world(small_world.folder)))
    values["period"] = values["year"].astype(str) + "JJ00"
    return values


def test_every_measure_matches_pandas_in_every_region(linked, expected) -> None:  # type: ignore[no-untyped-def]
    got = linked.aggregates
    pipeline_measures = set(got["measure"]) - {"secure.drugs.jonge_aanwas"}
    assert pipeline_measures == set(expected["measure"]), pipeline_measures ^ set(
        expected["measure"]
    )
    merged = got.merge(
        expected, on=["measure", "region", "period"], how="outer", suffixes=("", "_pandas")
    )
    merged = merged[merged["measure"] != "secure.drugs.jonge_aanwas"]
    mismatch = merged[merged["value"].fillna(0) != merged["value_pandas"].fillna(0)]
    assert mismatch.empty, mismatch.head(10).to_string()
    assert len(merged) > 100_000


def test_units_cells_count_units(linked) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates
    assert (a["n_units"] >= 1).all()
    assert (a["top1"] >= a["top2"]).all() and (a["top1"] <= a["value"]).all()
    inwoners = a[(a["measure"] == "secure.basis.inwoners")]
    assert (inwoners["value"] == inwoners["n_units"]).all()
    fiu = a[(a["measure"] == "secure.fiu.bedrag") & (a["region"] == "NL01")]
    assert (fiu["n_units"] < fiu["value"]).all() and (fiu["top1"] > 0).all()


def test_dominance_figures_match_pandas(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    """top1/top2 of the care declarations per gemeente, recomputed per provider."""
    world = read_world(small_world.folder)
    dec = world["declarations"]
    dec = dec[pd.to_datetime(dec["date"]).dt.year == 2024]
    where = (
        world["care_providers"]
        .merge(world["businesses"], on="business_id")
        .merge(world["addresses"], on="address_id")
    )
    per_provider = (
        dec.groupby("provider_id")["amount"]
        .sum()
        .rename("v")
        .reset_index()
        .merge(where[["provider_id", "buurt"]])
    )
    per_provider["gm"] = "GM" + per_provider["buurt"].str[2:6]
    a = linked.aggregates
    cells = a[(a["measure"] == "secure.zorg.declaraties_bedrag") & (a["period"] == "2024JJ00")]
    cells = cells.set_index("region")
    for gm, part in per_provider.groupby("gm"):
        top = [*sorted(part["v"], reverse=True), 0]
        row = cells.loc[gm]
        assert (row["value"], row["n_units"], row["top1"], row["top2"]) == (
            part["v"].sum(),
            len(part),
            top[0],
            top[1],
        )


def test_levels_add_up(linked) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates
    level = a["region"].str[:2]
    sums = a[level == "GM"].groupby(["measure", "period"])["value"].sum()
    national = a[a["region"] == "NL01"].set_index(["measure", "period"])["value"]
    assert np.allclose(sums.reindex(national.index), national)


def test_totals_equal_their_components(linked) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates.set_index(["measure", "region", "period"])["value"]
    for total, components in TOTALS.items():
        t = a.xs(total, level="measure")
        parts = sum(a.xs(c, level="measure").reindex(t.index, fill_value=0) for c in components)
        assert np.allclose(t, parts), total


def test_output_contract_and_synthetic_label(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates
    assert list(a.columns) == [
        "measure",
        "region",
        "period",
        "value",
        "n_units",
        "top1",
        "top2",
        "source",
    ]
    assert a["measure"].str.match(r"secure\.[a-z]+\.[a-z0-9_]+$").all()
    assert all(is_region_code(r) for r in a["region"].unique())
    assert set(a["period"]) == {"2023JJ00", "2024JJ00"}
    assert (a["source"] == "synthetic:20241:0.01").all()
    path = aggregates_path(small_world.settings)
    meta = json.loads(pq.read_schema(path).metadata[b"buurtzicht"])
    assert meta["synthetic"] is True and "SYNTHETIC" in meta["label"]
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["totals"] == TOTALS
    assert sidecar["denominators"]["woningen"]["open"] == "kwb.Woningvoorraad"
    assert (path.parent / "flows.parquet").is_file() and (path.parent / "profile.json").is_file()


def test_flows_match_the_drug_registrations(linked, expected) -> None:  # type: ignore[no-untyped-def]
    flows = linked.flows
    for period in ("2023JJ00", "2024JJ00"):
        f = flows[flows["period"] == period]
        total = expected.query(
            "measure == 'secure.drugs.registraties' and region == 'NL01' and period == @period"
        )["value"].item()
        assert f["value"].sum() == total
        other = f[f["home_gemeente"] != f["offence_gemeente"]]["value"].sum()
        elsewhere = expected.query(
            "measure == 'secure.drugs.registraties_pleeg_andere_gemeente' "
            "and region == 'NL01' and period == @period"
        )
        assert other == elsewhere["value"].item()


def test_jonge_aanwas_recomputed_from_the_profile(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    """Young people 8-23 in a profile combination, not drug suspects themselves (pandas)."""
    w = read_world(small_world.folder)
    ref = pd.Timestamp(2024, 12, 31)
    res = w["residences"]
    res = res[
        (pd.to_datetime(res["start_date"]) <= ref)
        & (res["end_date"].isna() | (pd.to_datetime(res["end_date"]) > ref))
    ]
    people = res.merge(w["persons"], on="person_id").merge(w["addresses"], on="address_id")
    people["age"] = 2024 - people["birth_year"]
    hh = (
        w["persons"]
        .assign(on_benefit=w["persons"]["benefit"].isin(["bijstand", "ww", "ao"]))
        .groupby("household_id")
        .agg(inc=("income", "sum"), debts=("problematic_debts", "max"), ben=("on_benefit", "any"))
    )
    regs = w["suspects"].merge(w["incidents"], on="incident_id")
    regs["date"] = pd.to_datetime(regs["date"])
    window = regs[(regs["date"] > pd.Timestamp(2019, 12, 31)) & (regs["date"] <= ref)]
    und = set(
        window[
            window["offence_code"].isin(
                ["3.1.1", "3.1.2", "3.1.3", "1.6.3", "1.4.7", "1.6.1", "3.9.1", "3.9.2", "3.9.3"]
            )
        ]["person_id"]
    )
    drug = set(window[window["offence_code"] == "3.1.1"]["person_id"])
    older = people[(people["age"] >= 24) & people["person_id"].isin(und)]["household_id"]
    young = people[people["age"].between(8, 23)].copy()
    young["male"] = (young["sex"] == "M").astype(int)
    young["hh_benefits"] = young["household_id"].map(hh["ben"]).astype(int)
    young["hh_debts"] = young["household_id"].map(hh["debts"]).astype(int)
    young["hh_low_income"] = (young["household_id"].map(hh["inc"]) < 25_000).astype(int)
    young["hh_member_antecedents"] = young["household_id"].isin(set(older)).astype(int)
    learnt = next(p for p in linked.profiles if p.year == 2024)
    combos = learnt.combinations[learnt.combinations["in_profile"]][list(profile.FEATURES)]
    hit = young.merge(combos, on=list(profile.FEATURES))
    hit = hit[~hit["person_id"].isin(drug)]
    got = linked.aggregates.query(
        "measure == 'secure.drugs.jonge_aanwas' and region == 'NL01' and period == '2024JJ00'"
    )
    assert len(combos) > 0 and len(hit) > 0
    assert got["value"].item() == len(hit)
