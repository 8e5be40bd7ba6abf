"""The TopoJSON decoder against hand-made topologies and the real 2019 buurt layer."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.topojson import features, read_topojson

BUURTEN_2019 = "geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson"
GEMEENTEN_2019 = "geo_pdok_wijken_gemeenten_2024_anneversion/gemeenten_2019_simplified_with_kwb_crime_bag.geojson"


def topology(geometries: list[dict], arcs: list, transform: dict | None = None) -> dict:
    document = {
        "type": "Topology",
        "objects": {"o": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }
    if transform:
        document["transform"] = transform
    return document


def test_unquantised_polygon_with_a_hole_and_a_reversed_arc() -> None:
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
    (f,) = features(topology([{"type": "Polygon", "arcs": [[0], [~1]]}], [outer, hole[::-1]]), "o")
    polygon = shape(f["geometry"])
    assert polygon.is_valid and polygon.area == pytest.approx(16 - 1)
    assert f["geometry"]["coordinates"][1] == [[float(x), float(y)] for x, y in hole]


def test_quantised_arcs_are_delta_decoded_and_scaled() -> None:
    transform = {"scale": [0.01, 0.02], "translate": [5.0, 52.0]}
    # absolute (0,0) (10,0) (10,10) (0,10) (0,0) as deltas
    arc = [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]
    (f,) = features(topology([{"type": "Polygon", "arcs": [[0]]}], [arc], transform), "o")
    ring = f["geometry"]["coordinates"][0]
    assert ring[2] == pytest.approx([5.1, 52.2])
    assert shape(f["geometry"]).area == pytest.approx(0.1 * 0.2)


def test_multipolygon_point_and_null_geometry() -> None:
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    shifted = [[3, 0], [4, 0], [4, 1], [3, 1], [3, 0]]
    geometries = [
        {"type": "MultiPolygon", "arcs": [[[0]], [[1]]], "id": "m"},
        {"type": "Point", "coordinates": [2, 3]},
        {"type": None, "properties": {"code": "x"}},
    ]
    multi, point, empty = features(topology(geometries, [square, shifted]), "o")
    assert shape(multi["geometry"]).area == pytest.approx(2) and multi["id"] == "m"
    assert point["geometry"] == {"type": "Point", "coordinates": [2.0, 3.0]}
    assert empty["geometry"] is None and empty["properties"] == {"code": "x"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"type": "FeatureCollection"}, "not a TopoJSON Topology"),
        ({"type": "Topology", "objects": {}, "arcs": []}, "no object 'o'"),
        (topology([{"type": "Polygon", "arcs": [[3]]}], [[[0, 0], [1, 1]]]), "refers to arc 3"),
        (topology([{"type": "Polygon", "arcs": [[0]]}], "x"), "no arcs array"),
        (topology([{"type": "Circle", "arcs": [[0]]}], [[[0, 0], [1, 1]]]), "type 'Circle'"),
    ],
)
def test_malformed_topologies_name_the_problem(document: dict, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        features(document, "o", where="t.topojson")


def test_truncated_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.topojson.gz"
    path.write_bytes(gzip.compress(b'{"type": "Topology", "arcs": [[[0, 0]'))
    with pytest.raises(SourceFormatError, match=r"cut\.topojson\.gz.*truncated"):
        read_topojson(path, "o")


def test_real_2019_buurt_layer(raw: Path) -> None:
    decoded = read_topojson(raw / BUURTEN_2019, "buurten")
    document = json.loads((raw / BUURTEN_2019).read_text(encoding="utf-8"))
    members = document["objects"]["buurten"]["geometries"]
    assert len(decoded) == len(members) == 13594  # SOURCE.md
    kinds = [f["geometry"]["type"] for f in decoded]
    assert (kinds.count("Polygon"), kinds.count("MultiPolygon")) == (13392, 202)
    geometries = [shapely.make_valid(shape(f["geometry"])) for f in decoded]
    by_code = {f["properties"]["statcode"]: g for f, g in zip(decoded, geometries, strict=True)}
    # Amsterdam-Centrum's Burgwallen-Oude Zijde (2019 code) lies around Dam square.
    assert by_code["BU03630000"].distance(shapely.Point(4.8952, 52.3731)) < 0.01
    # A decoding slip (a dropped or doubled joint, a reversed arc read forwards) would
    # tear the rings: the buurten of a gemeente must tile the gemeente's own 2019 outline
    # from another source (PDOK gemeenten 2019).
    gemeenten = json.loads((raw / GEMEENTEN_2019).read_text(encoding="utf-8"))["features"]
    for code in ("GM0344", "GM0014", "GM0855"):
        outline = next(
            shapely.make_valid(shape(g["geometry"]))
            for g in gemeenten
            if g["properties"]["gemeentecode"] == code
        )
        mine = [g for c, g in by_code.items() if c[2:6] == code[2:]]
        union = shapely.union_all(mine)
        overlap = shapely.intersection(union, outline).area / shapely.union(union, outline).area
        assert overlap > 0.97, (code, overlap)
        assert sum(g.area for g in mine) == pytest.approx(union.area, rel=1e-3)  # no overlaps
