"""Which column holds what: the key (region code, name or coordinates), the period, an
optional value and an optional record id, recognised by their (Dutch or English) names."""

from __future__ import annotations

from dataclasses import dataclass

from buurtzicht.workspace.uploads.read import UploadFileError

CODE = ("regiocode", "code", "buurtcode", "wijkcode", "gemeentecode", "regio_code", "statcode")
NAME = ("regio", "regionaam", "naam", "buurt", "buurtnaam", "wijk", "wijknaam", "region", "name")
WITHIN = ("gemeente", "gemeentenaam", "municipality")
LAT = ("lat", "latitude", "breedtegraad")
LON = ("lon", "lng", "long", "longitude", "lengtegraad")
RD_X = ("x", "rd_x", "x_rd", "xcoord", "x_coordinaat")
RD_Y = ("y", "rd_y", "y_rd", "ycoord", "y_coordinaat")
PERIOD = ("jaar", "periode", "datum", "year", "period", "date", "peildatum")
VALUE = ("waarde", "aantal", "bedrag", "value", "amount")
IDENT = ("id", "kenmerk", "zaaknummer", "nummer", "dossiernummer")


@dataclass(frozen=True)
class ColumnPlan:
    key_kind: str  # code | name | wgs84 | rd
    key: tuple[int, ...]  # code: (i,), name: (i,), coordinates: (x/lon, y/lat)
    period: int
    value: int | None
    ident: int | None
    within: int | None
    names: tuple[str, ...]

    @property
    def value_label(self) -> str:
        return self.names[self.value] if self.value is not None else ""


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().lower().replace(" ", "_") for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def plan_columns(header: list[str], filename: str) -> ColumnPlan:
    """The plan, or :class:`UploadFileError` naming what is missing."""
    period = _find(header, PERIOD)
    if period is None:
        raise UploadFileError(
            f"{filename}: no period column; add one named {', '.join(PERIOD[:3])} "
            "(a year or a date per row)"
        )
    code, name = _find(header, CODE), _find(header, NAME)
    lat, lon = _find(header, LAT), _find(header, LON)
    x, y = _find(header, RD_X), _find(header, RD_Y)
    within = _find(header, WITHIN)
    key: tuple[int, ...]
    if code is not None:
        kind, key = "code", (code,)
    elif lat is not None and lon is not None:
        kind, key = "wgs84", (lon, lat)
    elif x is not None and y is not None:
        kind, key = "rd", (x, y)
    elif name is not None or within is not None:
        kind, key = "name", (name if name is not None else int(within or 0),)
        within = within if name is not None else None
    else:
        raise UploadFileError(
            f"{filename}: no column that says where a row lies; add a region code "
            "(regiocode), a region name (regio), WGS84 coordinates (lat, lon) or RD New "
            f"coordinates (x, y). Columns found: {', '.join(header)}"
        )
    return ColumnPlan(
        kind, key, period, _find(header, VALUE), _find(header, IDENT), within, tuple(header)
    )
