"""The risk models recover planted truth better than the baselines (small world, issue 17)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from buurtzicht.microdata.store import aggregates_path
from buurtzicht.regions.codes import wijk_of
from buurtzicht.secure.models import areas, youth
from buurtzicht.secure.models.metrics import auc_delong, capture
from buurtzicht.secure.models.run import ModelRun, models_current, run_models, write_run
from buurtzicht.secure.models.zoekgebieden import risk_class


@pytest.fixture(scope="module")
def model_run(linked, small_world) -> ModelRun:  # type: ignore[no-untyped-def]
    run = run_models(small_world.settings)
    write_run(run, small_world.settings)
    return run


def _validation(run: ModelRun, key: str) -> pd.DataFrame:
    return pd.DataFrame(run.release["validation"][key])


def test_zoekgebieden_finds_twice_the_hidden_cases_of_the_registered_rate(model_run) -> None:  # type: ignore[no-untyped-def]
    table = _validation(model_run, "zoekgebieden")
    for design in ("temporeel", "ruimtelijk"):
        rows = table[table["design"] == design].set_index(["theme", "method"])
        found = rows["gevonden_top10"].groupby(level="method").sum()
        print(design, found.to_dict())
        assert found["model"] >= 2 * found["geregistreerd_per_eenheid"]
        assert found["model"] > 2 * found["willekeurig"]
        assert found["model"] > found["samengestelde_index"]
        for theme in areas.THEME_BY_NAME:
            assert rows.loc[(theme, "model"), "auc"] > rows.loc[(theme, "willekeurig"), "auc"]


def test_jonge_aanwas_auc_with_interval_beats_the_baselines(model_run) -> None:  # type: ignore[no-untyped-def]
    table = _validation(model_run, "jonge_aanwas").set_index(["design", "method"])
    model = table.loc[("temporeel", "model")]
    assert model["auc_low"] < model["auc"] < model["auc_high"]
    assert model["auc_low"] > 0.7
    for baseline in ("geregistreerd_buurt", "samengestelde_index", "willekeurig"):
        assert model["auc_low"] > table.loc[("temporeel", baseline), "auc_high"], baseline
    assert table.loc[("ruimtelijk", "model"), "auc"] > 0.7


def test_jonge_aanwas_learns_the_planted_risk_factors(model_run) -> None:  # type: ignore[no-untyped-def]
    coef = {
        c["feature"]: c["ratio_per_sd"]
        for c in model_run.release["models"]["jonge_aanwas"]["coefficients"]
    }
    for planted in ("man", "uitkering", "schulden", "laag_inkomen"):  # risk_factors.json
        assert coef[planted] > 1.05, planted


def test_no_protected_characteristics_are_features() -> None:
    names = [f.name for f in youth.FEATURES] + [f.name for f in areas.FEATURES]
    for name in names:
        assert not any(p in name for p in youth.PROTECTED), name


def test_expected_counts_add_up_from_buurt_to_wijk(model_run) -> None:  # type: ignore[no-untyped-def]
    cells = model_run.cells
    for measure in (
        "secure.zoekgebieden.onverklaarbaar_bezit_verwacht",
        "secure.jonge_aanwas.verwacht",
    ):
        part = cells[(cells["measure"] == measure) & (cells["period"] == "2024JJ00")]
        buurten = part[part["region"].str.startswith("BU")]
        summed = buurten.groupby(buurten["region"].map(wijk_of))["value"].sum()
        wijken = part[part["region"].str.startswith("WK")].set_index("region")["value"]
        np.testing.assert_allclose(wijken.reindex(summed.index), summed, rtol=1e-9)
        assert (part["n_units"] > 0).all() and (part["top1"] >= part["top2"]).all()


def test_no_person_level_score_leaves_the_model_run(model_run, small_world) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(model_run.release)
    assert '"person_id"' not in text and '"probability"' not in text
    youth_cells = model_run.cells[model_run.cells["measure"] == "secure.jonge_aanwas.verwacht"]
    assert youth_cells["region"].str[:2].isin(["BU", "WK", "GM", "NL"]).all()
    assert set(model_run.cells.columns) == {
        "measure",
        "region",
        "period",
        "value",
        "n_units",
        "top1",
        "top2",
        "source",
    }
    written = {p.name for p in (small_world.settings.home / "secure" / "models").iterdir()}
    assert written == {"release.json", "areas.parquet"}


def test_explanations_only_for_regions_meeting_the_thresholds(model_run) -> None:  # type: ignore[no-untyped-def]
    release = model_run.release
    limits = release["thresholds"]
    explained = pd.DataFrame(release["explanations"])
    assert len(explained) > 100
    scored = model_run.areas.assign(period=lambda f: f["year"].astype(str) + "JJ00")
    units = scored.set_index(["region", "period", "theme"])["units"]
    keys = pd.MultiIndex.from_frame(explained[["region", "period", "theme"]])
    assert (units.reindex(keys) >= limits["min_units"]).all()
    names = set(areas.FEATURE_BY_NAME)
    assert all(set(f) <= names and 0 < len(f) <= 3 for f in explained["factoren"])


def test_models_are_written_into_the_aggregates(model_run, small_world) -> None:  # type: ignore[no-untyped-def]
    aggregates = pd.read_parquet(aggregates_path(small_world.settings))
    assert set(model_run.cells["measure"]) <= set(aggregates["measure"])
    assert models_current(small_world.settings)


def test_risk_class_and_capture_by_hand() -> None:
    assert risk_class(np.array([4.0]), np.array([0.0])).tolist() == ["hoog"]  # P(0 | 4) = 0.018
    assert risk_class(np.array([1.5]), np.array([0.0])).tolist() == ["gemiddeld"]  # 0.22
    found, recall, precision = capture(np.array([3.0, 2.0, 1.0, 0.0]), np.array([0, 2, 1, 1]), 0.5)
    assert (found, recall, precision) == (2.0, 0.5, 0.5)
    assert auc_delong(np.array([1.0, 2.0]), np.array([0, 1])).auc == 1.0
