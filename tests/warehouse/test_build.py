from __future__ import annotations

import dataclasses

import duckdb
import pytest

from buurtzicht.config import Settings
from buurtzicht.errors import BuildError, NoBuildError
from buurtzicht.queries.regions import first_region_of_level, region_record
from buurtzicht.warehouse.build import BuildInputs, run_build
from buurtzicht.warehouse.current import open_current
from buurtzicht.warehouse.layout import BuildLayout
from buurtzicht.warehouse.validate import Expectations, SumCheck
from tests.tiny import tiny_batch


def test_build_writes_and_activates(home: Settings, inputs: BuildInputs) -> None:
    result = run_build(home, lambda _say: inputs)
    layout = BuildLayout(home.warehouse_dir)
    assert layout.current_id() == result.build_id
    assert result.counts["observations"] == 3
    with open_current(home) as conn:
        (value,) = conn.execute(
            "SELECT value FROM observations WHERE region = 'GM0001'"
        ).fetchone() or (None,)
        assert value == 10.0
        manifest = conn.execute("SELECT table_id, version, length(sha256) FROM manifest").fetchall()
        assert manifest == [("TEST", "2024-01-01", 64)]
    assert layout.manifest_file(result.build_id).is_file()


def test_failed_validation_keeps_current_build(home: Settings, inputs: BuildInputs) -> None:
    first = run_build(home, lambda _say: inputs)
    broken = dataclasses.replace(
        inputs, expectations=Expectations(exact_regions={("gemeente", 2024): 342})
    )
    with pytest.raises(
        BuildError, match="2 gemeente regions in indeling 2024, expected exactly 342"
    ):
        run_build(home, lambda _say: broken)
    layout = BuildLayout(home.warehouse_dir)
    assert layout.current_id() == first.build_id
    assert not list(layout.builds.glob("*.partial*"))


def test_error_while_collecting_leaves_nothing(home: Settings) -> None:
    def collect(_say: object) -> BuildInputs:
        raise BuildError("source exploded")

    with pytest.raises(BuildError, match="source exploded"):
        run_build(home, collect)
    layout = BuildLayout(home.warehouse_dir)
    assert layout.current_id() is None
    assert layout.builds_on_disk() == []


def test_unknown_region_blocks_build(home: Settings, inputs: BuildInputs) -> None:
    batch = tiny_batch()
    batch.observations.loc[0, "region"] = "GM0999"
    with pytest.raises(BuildError, match=r"unknown regions.*GM0999"):
        run_build(home, lambda _say: dataclasses.replace(inputs, batches=[batch]))


def test_sum_check(home: Settings, inputs: BuildInputs) -> None:
    ok = dataclasses.replace(
        inputs, expectations=Expectations(sum_checks=(SumCheck("kwb.AantalInwoners", 2024),))
    )
    run_build(home, lambda _say: ok)
    bad = dataclasses.replace(ok, batches=[tiny_batch(value=5.0)])
    with pytest.raises(BuildError, match=r"sum to 25\.0, national figure 30\.0"):
        run_build(home, lambda _say: bad)


def test_earlier_batch_wins_and_conflict_is_recorded(home: Settings, inputs: BuildInputs) -> None:
    both = dataclasses.replace(inputs, batches=[tiny_batch(), tiny_batch(value=11.0, name="b")])
    result = run_build(home, lambda _say: both)
    with duckdb.connect(str(result.path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM observations").fetchone() == (3,)
        conflict = conn.execute("SELECT region, kept_value, other_value FROM conflicts").fetchall()
    assert conflict == [("GM0001", 10.0, 11.0)]
    assert any("differ between sources" in w for w in result.warnings)


def test_rollback_returns_to_previous(home: Settings, inputs: BuildInputs) -> None:
    first = run_build(home, lambda _say: inputs)
    second = run_build(home, lambda _say: dataclasses.replace(inputs, batches=[tiny_batch(12.0)]))
    layout = BuildLayout(home.warehouse_dir)
    assert layout.current_id() == second.build_id
    assert layout.rollback() == first.build_id
    with open_current(home) as conn:
        assert conn.execute("SELECT value FROM observations WHERE region='GM0001'").fetchone() == (
            10.0,
        )
    with pytest.raises(BuildError, match="no earlier build"):
        layout.rollback()


def test_prune_keeps_current(home: Settings, inputs: BuildInputs) -> None:
    ids = [run_build(home, lambda _say: inputs).build_id for _ in range(home.keep_builds + 2)]
    layout = BuildLayout(home.warehouse_dir)
    on_disk = layout.builds_on_disk()
    assert len(on_disk) == home.keep_builds
    assert ids[-1] in on_disk


def test_no_build_error(home: Settings) -> None:
    with pytest.raises(NoBuildError, match="run 'buurtzicht build'"):
        open_current(home)


def test_region_record_with_parents(home: Settings, inputs: BuildInputs) -> None:
    run_build(home, lambda _say: inputs)
    with open_current(home) as conn:
        record = region_record(conn, "BU00010000")
    assert record["name"] == "Kern"
    assert [p["code"] for p in record["parents"]] == ["WK000100", "GM0001"]


def test_first_region_of_level(home: Settings, inputs: BuildInputs) -> None:
    run_build(home, lambda _say: inputs)
    with open_current(home) as conn:
        found = {level: first_region_of_level(conn, level) for level in ("gemeente", "buurt")}
        assert first_region_of_level(conn, "provincie") is None
    assert found == {"gemeente": "GM0001", "buurt": "BU00010000"}
