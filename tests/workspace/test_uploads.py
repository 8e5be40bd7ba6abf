"""Own data uploads against the real mirror build: planted places must be found, every
hostile or malformed file must give a clear report, and nothing may be stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest
import shapely
from pyproj import Transformer

from buurtzicht.config import Settings
from buurtzicht.warehouse.current import open_current
from buurtzicht.workspace.uploads.places import Gazetteer
from buurtzicht.workspace.uploads.read import UploadFileError, read_upload
from buurtzicht.workspace.uploads.validate import Preview, validate
from tests.workspace.files import csv_bytes, hostile_files, xlsx_bytes

TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def build(mirror_build: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = open_current(mirror_build)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def amsterdam(build: duckdb.DuckDBPyConnection) -> Gazetteer:
    return Gazetteer(build, ("GM0363",))


def check(data: bytes, filename: str, gazetteer: Gazetteer) -> Preview:
    table = read_upload(data, filename, 50_000_000, 250_000)
    return validate(table, gazetteer, filename, TODAY)


def planted_points(build: duckdb.DuckDBPyConnection, n: int) -> list[tuple[str, float, float]]:
    """(buurt code, lon, lat) of a point inside each of ``n`` Amsterdam buurten."""
    rows = build.execute(
        "SELECT code, geometry FROM boundaries WHERE level = 'buurt' AND code LIKE 'BU0363%' "
        "AND year = (SELECT max(year) FROM boundaries WHERE level = 'buurt') ORDER BY code LIMIT ?",
        [n],
    ).fetchall()
    out = []
    for code, wkb in rows:
        point = shapely.from_wkb(bytes(wkb)).representative_point()
        out.append((str(code), point.x, point.y))
    return out


def test_codes_with_decimal_comma_in_windows_1252(amsterdam: Gazetteer) -> None:
    data = csv_bytes(
        [
            "regiocode;jaar;waarde;opmerking",
            "GM0363;2023;1.234,5;café",
            "WK0363AA;2023;0,5;é",
            "BU0363AA01;2022;2;ü",
        ],
        "cp1252",
    )
    preview = check(data, "meldingen.csv", amsterdam)
    assert preview.ok and preview.encoding == "Windows-1252" and preview.separator == ";"
    cells = {(a.level, a.region, a.period): (a.count, a.total) for a in preview.aggregates}
    assert cells[("gemeente", "GM0363", "2023")] == (2, 1235.0)  # itself + its wijk
    assert cells[("wijk", "WK0363AA", "2023")] == (1, 0.5)
    assert cells[("buurt", "BU0363AA01", "2022")] == (1, 2.0)
    assert cells[("wijk", "WK0363AA", "2022")] == (1, 2.0)  # the buurt's wijk
    assert cells[("gemeente", "GM0363", "2022")] == (1, 2.0)


def test_wgs84_points_land_in_their_planted_buurt(build, amsterdam: Gazetteer) -> None:
    points = planted_points(build, 40)
    lines = ["id,lat,lon,datum"] + [
        f"{i},{lat},{lon},2024-03-{i % 28 + 1:02d}" for i, (_c, lon, lat) in enumerate(points)
    ]
    preview = check(csv_bytes(lines), "adressen.csv", amsterdam)
    assert preview.ok, preview.problems[:3]
    assert preview.key_kind == "wgs84" and preview.separator == ","
    buurten = {a.region: a.count for a in preview.aggregates if a.level == "buurt"}
    assert buurten == {code: 1 for code, _x, _y in points}
    gemeente = [a for a in preview.aggregates if a.level == "gemeente"]
    assert [(a.region, a.count) for a in gemeente] == [("GM0363", 40)]


def test_rd_new_coordinates_in_xlsx_land_in_their_buurt(build, amsterdam: Gazetteer) -> None:
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    points = planted_points(build, 10)
    rows: list[list[object]] = [["x", "y", "jaar"]]
    for _code, lon, lat in points:
        x, y = to_rd.transform(lon, lat)
        rows.append([round(x, 2), round(y, 2), 2023])
    preview = check(xlsx_bytes(rows), "rd.xlsx", amsterdam)
    assert preview.ok, preview.problems[:3]
    assert preview.file_format == "XLSX" and preview.key_kind == "rd"
    assert {a.region for a in preview.aggregates if a.level == "buurt"} == {c for c, _, _ in points}


def test_names_are_matched_ignoring_case_and_accents_and_a_gemeente_resolves(
    amsterdam: Gazetteer,
) -> None:
    preview = check(
        csv_bytes(["regio;gemeente;jaar", "amsterdam;;2023", "Betondorp;;2023"]), "n.csv", amsterdam
    )
    assert not preview.ok and list(preview.ambiguous) == ["Betondorp"]
    assert any("WK0363MP" in o for o in preview.ambiguous["Betondorp"])
    ok = check(
        csv_bytes(["regio;jaar", "AMSTERDAM;2023", "Planciusbuurt-Noord;2023"]), "n.csv", amsterdam
    )
    assert ok.ok and {a.region for a in ok.aggregates if a.level == "buurt"} == {"BU0363AA01"}


@pytest.mark.parametrize(
    ("case", "filename", "data", "expected"),
    hostile_files(),
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "",
)
def test_hostile_files_get_a_clear_report(
    amsterdam: Gazetteer, case: str, filename: str, data: bytes, expected: str
) -> None:
    try:
        preview = check(data, filename, amsterdam)
    except UploadFileError as exc:
        assert expected in str(exc) and filename in str(exc)
        return
    assert not preview.ok, case
    messages = " | ".join(p.message for p in preview.problems)
    assert expected in messages, messages[:500]
    assert all(p.row >= 2 for p in preview.problems)  # every problem names its line


def test_at_least_thirty_hostile_files() -> None:
    assert len(hostile_files()) >= 30
