import gzip
import json
from pathlib import Path

import pytest

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import Level
from buurtzicht.sources.boundaries import MIRROR_GEOMETRY, read_geometry_file
from buurtzicht.sources.geojson import boundaries_from_geojson, web_feature_collection

SQUARE = {"type": "Polygon", "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.1], [5, 52]]]}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code: object, geometry: dict | None = SQUARE) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": "X"}, "geometry": geometry}


def read(tmp_path: Path, document: object, level: Level = Level.GEMEENTE):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return boundaries_from_geojson(
        path, level=level, year=2024, code_fields=["code"], name_fields=["name"]
    )


def test_truncated_json_names_line(tmp_path: Path) -> None:
    text = json.dumps(collection(feature("GM0001")), indent=1)
    with pytest.raises(SourceFormatError, match=r"g\.geojson, line \d+: invalid JSON.*truncated"):
        read(tmp_path, text[: len(text) // 2])


def test_not_a_feature_collection(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="not a FeatureCollection"):
        read(tmp_path, {"type": "Feature"})


def test_wrong_level_code(tmp_path: Path) -> None:
    with pytest.raises(
        SourceFormatError, match=r"record feature 1: WK000100 is not a gemeente code"
    ):
        read(tmp_path, collection(feature("WK000100")))


def test_integer_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="never be read as numbers"):
        read(tmp_path, collection(feature(363)))


def test_missing_geometry(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="feature 2: GM0002 has no geometry"):
        read(tmp_path, collection(feature("GM0001"), feature("GM0002", None)))


def test_rd_new_coordinates_are_refused(tmp_path: Path) -> None:
    rd = {
        "type": "Polygon",
        "coordinates": [[[121000, 487000], [122000, 487000], [122000, 488000], [121000, 487000]]],
    }
    with pytest.raises(SourceFormatError, match="not RD New metres"):
        read(tmp_path, collection(feature("GM0363", rd)))


def test_duplicate_region(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="GM0001 occurs twice"):
        read(tmp_path, collection(feature("GM0001"), feature("GM0001")))


def test_invalid_ring_is_repaired(tmp_path: Path) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[5, 52], [5.1, 52.1], [5.1, 52], [5, 52.1], [5, 52]]],
    }
    frame = read(tmp_path, collection(feature("GM0001", bowtie)))
    assert frame["geometry"].iloc[0].is_valid


def test_real_wijken_2024(mirror: Path) -> None:
    spec = next(s for s in MIRROR_GEOMETRY if s.level is Level.WIJK)
    frame, record = read_geometry_file(mirror, spec)
    assert len(frame) == 3475
    assert frame["code"].str.fullmatch(r"WK\d{4}[0-9A-Z]{2}").all()
    assert (frame["code"] == "WK0363AA").any()
    assert len(record.sha256) == 64
    web = web_feature_collection(frame)
    assert len(gzip.compress(web.encode())) < 1_500_000
    amsterdam_centrum = frame.set_index("code").loc["WK0363AA", "geometry"]
    # WK0363AA lies in the centre of Amsterdam (Dam: 4.893 E, 52.373 N).
    assert (
        4.85 < amsterdam_centrum.centroid.x < 4.95 and 52.35 < amsterdam_centrum.centroid.y < 52.40
    )


def test_real_gemeenten_per_year(mirror: Path) -> None:
    counts = {
        s.year: len(read_geometry_file(mirror, s)[0])
        for s in MIRROR_GEOMETRY
        if s.level is Level.GEMEENTE
    }
    # CBS: 415 gemeenten in 2012, 388 in 2017, 342 in 2024; the files add GM0998 Buitenland.
    assert counts[2012] == 416
    assert counts[2017] == 389
    assert counts[2024] == 343
