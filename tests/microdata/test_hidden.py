"""Hidden cases: planted truth the registers miss, deterministic per seed (issue 17)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.microdata import sbi
from buurtzicht.microdata.store import planted_dir
from buurtzicht.microdata.synth import hidden
from buurtzicht.microdata.synth.world import generate_world
from tests.microdata.test_recovery import units


def _table(world, entity: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return duckdb.sql(f"SELECT * FROM '{world.folder / entity}/*.parquet'").df()


def test_detection_rates_are_fixed_per_seed_and_within_bounds() -> None:
    codes = [f"GM{i:04d}" for i in range(300)]
    a, b = hidden.detection_rates(codes, 5), hidden.detection_rates(codes, 5)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(hidden.detection_rates(codes, 6))
    assert a.to_numpy().min() > hidden.DETECTION_LOW
    assert a.to_numpy().max() < hidden.DETECTION_HIGH
    assert abs(a.to_numpy().mean() - hidden.MEAN_DETECTION) < 0.03


def test_weighted_order_puts_heavy_positions_first() -> None:
    rng = np.random.default_rng(1)
    weight = np.array([0.0, 1.0, 100.0])
    firsts = [int(hidden.weighted_order(weight, rng)[0]) for _ in range(200)]
    assert firsts.count(2) > 180 and 0 not in firsts


def test_every_theme_has_hidden_and_registered_cases(small_world) -> None:  # type: ignore[no-untyped-def]
    counts = small_world.summary.planted
    for registered, concealed in (
        ("doorsluiswoningen", "hidden_doorsluiswoningen"),
        ("unexplained_addresses", "hidden_onverklaarbaar_bezit"),
        ("witwas_vestigingen", "hidden_witwas_vestigingen"),
    ):
        assert counts[registered] > 0 and counts[concealed] > 0, (registered, concealed)
    assert counts["hidden_hennep"] > 0


def test_hidden_plantations_are_not_dismantled(small_world) -> None:  # type: ignore[no-untyped-def]
    concealed = pd.read_parquet(small_world.planted / "hidden_hennep.parquet")
    dismantled = _table(small_world, "hennep")
    both = concealed.merge(
        dismantled, left_on=["id", "date"], right_on=["address_id", "date"], how="inner"
    )
    assert len(concealed) > 0 and both.empty


def test_hidden_doorsluiswoningen_escape_the_measure(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = linked_engine
    found = units(engine, "vastgoed.doorsluiswoningen")
    concealed = small_world.truth("hidden_doorsluiswoningen")
    assert concealed and not (found & concealed)
    assert small_world.truth("doorsluiswoningen") <= found


def test_hidden_unexplained_dwellings_have_a_foreign_owner(linked_engine, small_world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = linked_engine
    concealed = small_world.truth("hidden_onverklaarbaar_bezit")
    owners = _table(small_world, "ownerships")
    current = owners[owners["end_date"].isna() & owners["address_id"].isin(concealed)]
    assert set(current["address_id"]) == concealed
    assert (current["owner_kind"] == "buitenland").all()
    assert not (units(engine, "vastgoed.onverklaarbaar_bezit_woningen") & concealed)


def test_laundering_vestigingen_are_in_sensitive_branches(small_world) -> None:  # type: ignore[no-untyped-def]
    businesses = _table(small_world, "businesses").set_index("business_id")
    fiu = _table(small_world, "fiu")
    for pattern in ("witwas_vestigingen", "hidden_witwas_vestigingen"):
        ids = sorted(small_world.truth(pattern))
        assert businesses.loc[ids, "sbi"].isin(sbi.MONEY_LAUNDERING_SENSITIVE).all()
    reports = fiu[fiu["status"] == "verdacht"].groupby("business_id").size()
    seen = reports.reindex(sorted(small_world.truth("witwas_vestigingen"))).fillna(0)
    unseen = reports.reindex(sorted(small_world.truth("hidden_witwas_vestigingen"))).fillna(0)
    assert seen.mean() > 5 * max(unseen.mean(), 0.1)


def test_detection_follows_the_gemeente_rate(small_world) -> None:  # type: ignore[no-untyped-def]
    """Planted cases in gemeenten that detect much are registered more often."""
    rates = pd.read_parquet(small_world.planted / "detection_rates.parquet")
    addresses = _table(small_world, "addresses")[["address_id", "buurt"]]
    gm = dict(zip(addresses["address_id"], "GM" + addresses["buurt"].str[2:6], strict=True))
    rate = rates.set_index("gemeente")["onverklaarbaar_bezit"]
    seen = [rate[gm[a]] for a in small_world.truth("unexplained_addresses") if a in gm]
    unseen = [rate[gm[a]] for a in small_world.truth("hidden_onverklaarbaar_bezit")]
    assert np.mean(seen) > np.mean(unseen) + 0.05


def test_hidden_truth_is_the_same_for_the_same_seed(tmp_path: Path, mirror: Path) -> None:
    frames = []
    for name in ("a", "b"):
        settings = Settings(mirror=mirror, home=tmp_path / name)
        generate_world(0.0005, 3, settings=settings)
        folder = planted_dir(settings)
        frames.append({p.name: pd.read_parquet(p) for p in sorted(folder.glob("hidden_*.parquet"))})
    assert frames[0].keys() == frames[1].keys() and frames[0]
    for name, frame in frames[0].items():
        pd.testing.assert_frame_equal(frame, frames[1][name])
