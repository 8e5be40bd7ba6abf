"""Where a row lies: region codes, names and coordinates resolved against the build.

Only the gemeenten of the uploading organisation are candidates; a code elsewhere in the
country is reported as outside the organisation, not as unknown. Coordinates (WGS84 or
RD New, EPSG:28992) are placed in a buurt by point-in-polygon on the build's buurt
boundaries (an STR-tree query for all points at once), and so in its wijk and gemeente.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import shapely
from pyproj import Transformer

from buurtzicht.queries.boundaries import buurt_geometries
from buurtzicht.queries.regions import area_regions
from buurtzicht.regions.codes import is_region_code, normalise_code

LEVELS = ("gemeente", "wijk", "buurt")


@dataclass(frozen=True)
class Place:
    code: str
    level: str
    name: str
    wijk: str | None
    gemeente: str | None

    def chain(self) -> list[tuple[str, str]]:
        """(level, code) of this region and the coarser ones it lies in."""
        out = [(self.level, self.code)]
        if self.level == "buurt" and self.wijk:
            out.append(("wijk", self.wijk))
        if self.level != "gemeente" and self.gemeente:
            out.append(("gemeente", self.gemeente))
        return out


def fold(text: str) -> str:
    """Lower case without accents or surrounding space: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class Gazetteer:
    """The regions of an organisation's gemeenten, by code, name and buurt polygon."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, gemeenten: tuple[str, ...]) -> None:
        self.gemeenten = gemeenten
        mine = set(gemeenten)
        self.places: dict[str, Place] = {}
        self.national: set[str] = set()
        self.named: dict[str, list[Place]] = defaultdict(list)
        for code, level, name, wijk, gemeente in area_regions(conn):
            self.national.add(code)
            if (gemeente or code) in mine:
                place = Place(code, level, name, wijk, gemeente or code)
                self.places[code] = place
                self.named[fold(name)].append(place)
        self.boundary_year, shapes = buurt_geometries(conn, list(gemeenten))
        self._codes = [code for code, _ in shapes]
        self._tree = (
            shapely.STRtree(shapely.from_wkb([wkb for _, wkb in shapes])) if shapes else None
        )
        self._to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True)

    @property
    def has_geometry(self) -> bool:
        return self._tree is not None

    def by_code(self, text: str) -> Place | str:
        """The place, or why not."""
        if not is_region_code(text.strip()):
            return f"{text!r} is not a region code (GM0363, WK036300, BU03630000)"
        code = normalise_code(text)
        if code in self.places:
            return self.places[code]
        if code in self.national:
            return f"{code} lies outside the gemeenten of your organisation ({', '.join(self.gemeenten)})"
        return f"{code} is not a gemeente, wijk or buurt of the current indeling"

    def by_name(self, name: str, within: str = "") -> Place | str | list[Place]:
        """The place, why not, or the candidates when the name is ambiguous."""
        found = list(self.named.get(fold(name), []))
        if within:
            scope = self._gemeente_of(within)
            found = [p for p in found if p.gemeente == scope]
        if len(found) == 1:
            return found[0]
        if found:
            return found
        close = difflib.get_close_matches(fold(name), list(self.named), n=3, cutoff=0.8)
        hint = (
            f"; did you mean {', '.join(repr(self.named[c][0].name) for c in close)}?"
            if close
            else ""
        )
        return f"no gemeente, wijk or buurt named {name!r} in your organisation's gemeenten{hint}"

    def _gemeente_of(self, text: str) -> str:
        if is_region_code(text.strip()):
            return normalise_code(text)
        for place in self.named.get(fold(text), []):
            if place.level == "gemeente":
                return place.code
        return ""

    def locate(self, x: np.ndarray, y: np.ndarray, crs: str) -> list[str | None]:
        """The buurt code of each point (None outside every buurt of the organisation)."""
        if crs == "rd":
            x, y = self._to_wgs84.transform(x, y)
        found: list[str | None] = [None] * len(x)
        if self._tree is None or not len(x):
            return found
        points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        hits = self._tree.query(points, predicate="within")
        for point_index, shape_index in zip(hits[0], hits[1], strict=True):
            if found[point_index] is None:
                found[point_index] = self._codes[shape_index]
        return found
