"""The analyses recover the planted patterns (precision and recall stated in docs/microdata.md).

Unit-level results are read from the pipeline's own tables (the DuckDB engine stays
open); the planted truth is read only here, never by the pipeline.
"""

from __future__ import annotations

import pandas as pd
import pytest

from buurtzicht.microdata.pipeline.profile import FEATURES

YEAR = 2024


def units(engine, measure: str, year: int | None = YEAR) -> set[int]:  # type: ignore[no-untyped-def]
    where = f"measure = 'secure.{measure}'" + (f" AND year = {year}" if year else "")
    return set(
        engine.fetch(f"SELECT DISTINCT unit_id FROM contrib_units WHERE {where}")[
            "unit_id"
        ].tolist()
    )


def scores(
    found: set[int], truth: set[int], explained: set[int] | None = None
) -> tuple[float, float]:
    """Recall of ``truth``; precision of ``found`` against ``explained`` (default truth)."""
    hits = len(found & truth)
    recall = hits / len(truth) if truth else 1.0
    precision = len(found & (explained or truth)) / len(found) if found else 0.0
    print(f"recall {recall:.3f} precision {precision:.3f} found {len(found)} truth {len(truth)}")
    return recall, precision


def test_unexplained_ownership(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = linked_engine
    flagged = set(
        engine.fetch(f"SELECT person_id FROM unexplained_owners WHERE year = {YEAR}")["person_id"]
    )
    planted = small_world.truth("unexplained_owners")
    recall, precision = scores(flagged, planted, planted | small_world.truth("criminal_persons"))
    assert recall >= 0.9 and precision >= 0.75
    dwellings = units(engine, "vastgoed.onverklaarbaar_bezit_woningen")
    assert (
        len(dwellings & small_world.truth("unexplained_addresses"))
        / len(small_world.truth("unexplained_addresses"))
        >= 0.9
    )


def test_doorsluiswoningen(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    recall, precision = scores(
        units(linked_engine[0], "vastgoed.doorsluiswoningen"),
        small_world.truth("doorsluiswoningen"),
    )
    assert recall == 1.0 and precision == 1.0


def test_purchases_above_capacity(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine = linked_engine[0]
    found = units(engine, "vastgoed.aankopen_boven_financieringscapaciteit", None)
    recall, precision = scores(found, small_world.truth("above_capacity_transactions"))
    assert recall >= 0.95 and precision >= 0.5


def test_foundations_and_their_board(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine = linked_engine[0]
    foundation = units(engine, "vastgoed.woningen_eigenaar_stichting")
    recall, _ = scores(foundation, small_world.truth("foundation_addresses"), foundation)
    assert recall == 1.0
    board_dwellings = units(engine, "vastgoed.woningen_bestuurders_stichtingen")
    board = small_world.truth("foundation_board_members")
    owned = engine.fetch(f"SELECT address_id, owner_person_id FROM owner_class WHERE year = {YEAR}")
    theirs = set(owned[owned["owner_person_id"].isin(board)]["address_id"])
    assert theirs and theirs <= board_dwellings


def test_criminal_owners(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    found = units(linked_engine[0], "vastgoed.woningen_eigenaar_antecedenten")
    recall, _ = scores(found, small_world.truth("criminal_addresses"), found)
    assert recall >= 0.6  # a criminal whose only record is older than five years drops out


def test_business_churn_and_care_misuse(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine = linked_engine[0]
    recall, precision = scores(
        units(engine, "bedrijven.adressen_verloop"), small_world.truth("churn_addresses")
    )
    # Multi-tenant buildings also collect short-lived businesses: precision stays lower.
    assert recall == 1.0 and precision >= 0.5
    fraud = small_world.truth("care_fraud_providers")
    for measure in ("zorg.aanbieders_zonder_zorgactiviteit", "zorg.aanbieders_gevoelige_branche"):
        found = units(engine, measure)
        assert fraud <= found, measure
    _, precision = scores(units(engine, "zorg.aanbieders_gevoelige_branche"), fraud)
    assert precision == 1.0


def test_hennep_cluster_recall(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates
    clusters = set(pd.read_parquet(small_world.planted / "hennep_cluster_buurten.parquet")["buurt"])
    counts = a[
        (a["measure"] == "secure.drugs.hennep_ontmanteld") & a["region"].str.startswith("BU")
    ]
    ranked = counts.groupby("region")["value"].sum().sort_values(ascending=False)
    top = set(ranked.index[: 2 * len(clusters)])
    recall, _ = scores(top, clusters, clusters)
    assert recall == 1.0


def test_misused_parks_stand_out(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    a = linked.aggregates
    misused = set(pd.read_parquet(small_world.planted / "misused_parks.parquet")["buurt"])
    cells = a[
        (a["measure"] == "secure.vakantieparken.incidenten") & a["region"].str.startswith("BU")
    ]
    ranked = cells.groupby("region")["value"].sum().sort_values(ascending=False)
    recall, _ = scores(set(ranked.index[: len(misused)]), misused)
    assert recall == 1.0
    residents = a[
        (a["measure"] == "secure.vakantieparken.ingeschrevenen") & a["region"].str.startswith("BU")
    ]
    top = (
        residents.groupby("region")["value"]
        .sum()
        .sort_values(ascending=False)
        .index[: len(misused)]
    )
    assert set(top) == misused


def test_jonge_aanwas_profile_learns_the_planted_factors(linked, small_world) -> None:  # type: ignore[no-untyped-def]
    import json

    planted = json.loads((small_world.planted / "risk_factors.json").read_text())
    assert planted["young_drug_suspects"]["household_member_undermining_record"] > 1
    for profile in linked.profiles:
        print(profile.year, {k: round(v, 2) for k, v in profile.odds_ratios.items()})
        assert set(profile.odds_ratios) == set(FEATURES)
        assert all(v > 1.2 for v in profile.odds_ratios.values()), profile.odds_ratios
        assert profile.combinations["in_profile"].any()


@pytest.mark.parametrize(
    "measure", ["secure.drugs.hennep_bewoners_schulden", "secure.drugs.hennep_bewoners_uitkering"]
)
def test_residents_of_plantations_differ_from_all_residents(linked, measure: str) -> None:
    a = linked.aggregates.query("region == 'NL01'").set_index(["measure", "period"])["value"]
    base = measure.replace("secure.drugs.hennep_bewoners", "secure.basis.inwoners")
    for period in ("2023JJ00", "2024JJ00"):
        share = a[(measure, period)] / a[("secure.drugs.hennep_bewoners", period)]
        assert share > 1.5 * a[(base, period)] / a[("secure.basis.inwoners", period)]
