"""Bad microdata gives a clear error naming table and key, and nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from buurtzicht.config import Settings
from buurtzicht.microdata.errors import MicrodataError, MicrodataMissingError
from buurtzicht.microdata.pipeline.run import run_linkage
from buurtzicht.microdata.schema import ENTITIES
from buurtzicht.microdata.validate import key_range, validate_microdata


def corrupt(
    world, tmp_path: Path, entity: str, change: Callable[[pd.DataFrame], pd.DataFrame]
) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the tiny world with one entity rewritten by ``change``."""
    folder = tmp_path / "microdata"
    shutil.copytree(world.folder, folder)
    for part in (folder / entity).glob("*.parquet"):
        part.unlink()
    frame = change(pd.read_parquet(world.folder / entity, dtype_backend="pyarrow"))
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False), folder / entity / "part-0000.parquet"
    )
    return folder


def test_the_generated_world_is_valid(tiny_world) -> None:  # type: ignore[no-untyped-def]
    rows = validate_microdata(tiny_world.folder)
    assert rows["persons"] == tiny_world.summary.rows["persons"]


def test_missing_column_names_table_and_column(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = corrupt(tiny_world, tmp_path, "persons", lambda f: f.drop(columns=["income"]))
    with pytest.raises(MicrodataError, match=r"table 'persons'.*\['income'\] are missing"):
        validate_microdata(folder)


def test_dangling_owner_names_the_key(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def dangle(f: pd.DataFrame) -> pd.DataFrame:
        row = f.index[f["owner_person_id"].notna()][0]
        f.loc[row, "owner_person_id"] = 999_999_999
        return f

    folder = corrupt(tiny_world, tmp_path, "ownerships", dangle)
    with pytest.raises(
        MicrodataError,
        match=r"table 'ownerships', key 'owner_person_id'.*999999999 does not exist in persons",
    ) as info:
        validate_microdata(folder)
    assert info.value.table == "ownerships" and info.value.key == "owner_person_id"


def test_wrong_type_names_column(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = corrupt(
        tiny_world, tmp_path, "persons", lambda f: f.assign(income=f["income"].astype(str))
    )
    with pytest.raises(
        MicrodataError,
        match=r"table 'persons', key 'income': column income has type VARCHAR \(expected BIGINT\)",
    ):
        validate_microdata(folder)


def test_duplicate_id(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = corrupt(tiny_world, tmp_path, "businesses", lambda f: pd.concat([f, f.iloc[[0]]]))
    with pytest.raises(
        MicrodataError, match=r"table 'businesses', key 'business_id': duplicate id"
    ):
        validate_microdata(folder)


@pytest.mark.parametrize("when", [date(1850, 1, 1), date(2031, 6, 1)])
def test_date_out_of_range(tiny_world, tmp_path: Path, when: date) -> None:  # type: ignore[no-untyped-def]
    def shift(f: pd.DataFrame) -> pd.DataFrame:
        f["date"] = f["date"].astype("object")
        f.loc[f.index[0], "date"] = when
        f["date"] = f["date"].astype(pd.ArrowDtype(pa.date32()))
        return f

    folder = corrupt(tiny_world, tmp_path, "hennep", shift)
    with pytest.raises(
        MicrodataError, match=rf"table 'hennep', key 'date': date {when} is out of range"
    ):
        validate_microdata(folder)


def test_unknown_category_and_bad_buurt_code(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = corrupt(tiny_world, tmp_path / "a", "fiu", lambda f: f.assign(status="weird"))
    with pytest.raises(
        MicrodataError, match=r"table 'fiu', key 'status': status 'weird' is not a known value"
    ):
        validate_microdata(folder)
    folder = corrupt(
        tiny_world,
        tmp_path / "b",
        "addresses",
        lambda f: f.assign(buurt=f["buurt"].where(f.index > 0, "363")),
    )
    with pytest.raises(
        MicrodataError, match=r"table 'addresses', key 'buurt': buurt '363' is not a buurt code"
    ):
        validate_microdata(folder)


def test_missing_table(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "microdata"
    shutil.copytree(tiny_world.folder, folder)
    shutil.rmtree(folder / "suspects")
    with pytest.raises(MicrodataMissingError, match="table 'suspects'"):
        validate_microdata(folder)


def test_bad_input_writes_nothing(tiny_world, tmp_path: Path, mirror: Path) -> None:  # type: ignore[no-untyped-def]
    folder = corrupt(
        tiny_world, tmp_path, "directors", lambda f: f.assign(person_id=f["person_id"] + 10**9)
    )
    settings = Settings(mirror=mirror, home=tmp_path / "var")
    with pytest.raises(MicrodataError, match="table 'directors'"):
        run_linkage(settings=settings, folder=folder)
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").rglob("*.parquet"))


def test_keys_in_any_order_are_valid(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ids need not be sorted: unsorted keys get the general (grouping) checks."""
    folder = corrupt(tiny_world, tmp_path, "persons", lambda f: f.iloc[::-1])
    assert key_range(folder, ENTITIES["persons"]) is None
    rows = validate_microdata(folder)
    assert rows["persons"] == tiny_world.summary.rows["persons"]


def test_dangling_key_in_a_gap_of_the_target(tiny_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A reference inside the id range of a target with gaps is still found (anti join)."""
    businesses = pd.read_parquet(tiny_world.folder / "businesses")
    missing = int(businesses["business_id"].iloc[5])
    folder = corrupt(tiny_world, tmp_path, "businesses", lambda f: f[f["business_id"] != missing])
    target = key_range(folder, ENTITIES["businesses"])
    assert target is not None and not target.dense
    with pytest.raises(MicrodataError, match=rf"{missing} does not exist in businesses"):
        validate_microdata(folder)
