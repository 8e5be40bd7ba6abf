"""A small TopoJSON decoder: topology -> GeoJSON features.

TopoJSON (https://github.com/topojson/topojson-specification, version 1.0) stores each
shared boundary once as an *arc*; polygons list the arcs of their rings by index, a
negative index ``~i`` meaning arc ``i`` reversed. A quantised topology (with
``transform``) stores integer positions, each arc's positions delta-encoded from the
previous one. Decoding stitches the arcs of a ring end to start (the shared position
appears once) and applies ``scale`` and ``translate``.

Only what boundary files use is supported: Polygon, MultiPolygon, LineString,
MultiLineString, Point, MultiPoint, GeometryCollection and null geometries. Errors name
the file and the object.

Examples
--------
Two unit squares sharing one arc (the middle edge), quantised on a grid of 0.5:

>>> topology = {
...     "type": "Topology",
...     "transform": {"scale": [0.5, 0.5], "translate": [4.0, 52.0]},
...     "objects": {"areas": {"type": "GeometryCollection", "geometries": [
...         {"type": "Polygon", "arcs": [[0, 1]], "properties": {"code": "A"}},
...         {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"code": "B"}},
...     ]}},
...     "arcs": [
...         [[2, 0], [0, 2]],                      # x=1: (2,0) -> (2,2), shared
...         [[2, 2], [-2, 0], [0, -2], [2, 0]],    # west half, back to the start
...         [[2, 0], [2, 0], [0, 2], [-2, 0]],     # east half, ends where arc 0 ends
...     ],
... }
>>> a, b = features(topology, "areas")
>>> a["properties"]["code"], a["geometry"]["coordinates"][0]
('A', [[5.0, 52.0], [5.0, 53.0], [4.0, 53.0], [4.0, 52.0], [5.0, 52.0]])
>>> b["geometry"]["coordinates"][0]
[[5.0, 52.0], [6.0, 52.0], [6.0, 53.0], [5.0, 53.0], [5.0, 52.0]]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.statline_csv import open_text

Position = list[float]
Feature = dict[str, Any]


class _Arcs:
    """The arcs of a topology, decoded to absolute positions once."""

    def __init__(self, topology: dict[str, Any], where: str) -> None:
        self.where = where
        raw = topology.get("arcs")
        if not isinstance(raw, list):
            raise SourceFormatError(where, "no arcs array", expected='"arcs": [[[x, y], ...], ...]')
        transform = topology.get("transform")
        self.decoded = [self._decode(arc, transform, n) for n, arc in enumerate(raw)]

    def _decode(self, arc: Any, transform: Any, number: int) -> list[Position]:
        if not isinstance(arc, list) or not all(isinstance(p, list) and len(p) >= 2 for p in arc):
            raise SourceFormatError(self.where, f"arc {number} is not a list of positions")
        if not transform:
            return [[float(p[0]), float(p[1])] for p in arc]
        try:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceFormatError(
                self.where, "transform lacks scale or translate", expected="[sx, sy], [tx, ty]"
            ) from exc
        x = y = 0
        out = []
        for dx, dy, *_ in arc:
            x, y = x + int(dx), y + int(dy)
            out.append([x * sx + tx, y * sy + ty])
        return out

    def line(self, indices: Any, what: str) -> list[Position]:
        """The positions of consecutive arcs joined into one line (or ring)."""
        if not isinstance(indices, list) or not indices:
            raise SourceFormatError(self.where, f"{what} has an empty or malformed arc list")
        out: list[Position] = []
        for index in indices:
            if not isinstance(index, int) or not -len(self.decoded) <= index < len(self.decoded):
                raise SourceFormatError(
                    self.where,
                    f"{what} refers to arc {index!r}; the topology has {len(self.decoded)} arcs",
                )
            positions = self.decoded[index] if index >= 0 else self.decoded[~index][::-1]
            # Consecutive arcs share their joining position: keep it once.
            out.extend(positions[1:] if out else positions)
        return out


def _geometry(arcs: _Arcs, geometry: dict[str, Any], transform: Any, what: str) -> Any:
    kind = geometry.get("type")
    parts = geometry.get("arcs")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [arcs.line(ring, what) for ring in parts or []]}
    if kind == "MultiPolygon":
        return {
            "type": kind,
            "coordinates": [[arcs.line(r, what) for r in polygon] for polygon in parts or []],
        }
    if kind == "LineString":
        return {"type": kind, "coordinates": arcs.line(parts, what)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [arcs.line(line, what) for line in parts or []]}
    if kind in ("Point", "MultiPoint"):
        points = geometry.get("coordinates")
        single = kind == "Point"
        decoded = [_point(p, transform) for p in ([points] if single else points or [])]
        return {"type": kind, "coordinates": decoded[0] if single else decoded}
    if kind is None:
        return None
    raise SourceFormatError(
        arcs.where, f"{what} has geometry type {kind!r}", expected="a TopoJSON geometry type"
    )


def _point(position: Any, transform: Any) -> Position:
    if not transform:
        return [float(position[0]), float(position[1])]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    return [position[0] * sx + tx, position[1] * sy + ty]


def features(topology: dict[str, Any], name: str, *, where: str = "topology") -> list[Feature]:
    """GeoJSON features of object ``name`` (a GeometryCollection is flattened)."""
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise SourceFormatError(where, "not a TopoJSON Topology", expected='"type": "Topology"')
    objects = topology.get("objects") or {}
    if name not in objects:
        raise SourceFormatError(
            where, f"no object {name!r}", expected=f"one of {sorted(objects)} in objects"
        )
    arcs = _Arcs(topology, where)
    transform = topology.get("transform")
    root = objects[name]
    members = root.get("geometries", []) if root.get("type") == "GeometryCollection" else [root]
    out = []
    for number, member in enumerate(members, start=1):
        what = f"{name} geometry {number}"
        feature: Feature = {
            "type": "Feature",
            "properties": member.get("properties") or {},
            "geometry": _geometry(arcs, member, transform, what),
        }
        if "id" in member:
            feature["id"] = member["id"]
        out.append(feature)
    return out


def read_topojson(path: Path, name: str) -> list[Feature]:
    """The features of object ``name`` of a TopoJSON file (optionally gzipped)."""
    try:
        document = json.loads(open_text(path))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            path,
            f"invalid JSON ({exc.msg}, column {exc.colno}); the file may be truncated",
            line=exc.lineno,
            expected="a TopoJSON Topology",
        ) from exc
    return features(document, name, where=str(path))
