"""Validate every row of an upload and aggregate the valid ones per region and period.

The result is a :class:`Preview`: the report per row (unknown or ambiguous region,
outside the organisation, duplicate, bad number, date out of range, formula) and the
aggregates that would be stored. Storing is all or nothing: a preview with any problem
cannot be stored (see :mod:`buurtzicht.workspace.datasets`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from buurtzicht.workspace.uploads.columns import ColumnPlan, plan_columns
from buurtzicht.workspace.uploads.places import Gazetteer, Place
from buurtzicht.workspace.uploads.read import RawTable, UploadFileError
from buurtzicht.workspace.uploads.values import CellError, parse_number, parse_period

MAX_LISTED = 500  # problems listed one by one; all are counted
BOUNDS = {"wgs84": ((3.2, 7.3), (50.7, 53.6)), "rd": ((0.0, 300_000.0), (289_000.0, 629_000.0))}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    kind: str
    message: str


@dataclass(frozen=True)
class Aggregate:
    level: str
    region: str
    period: str
    count: int
    total: float | None


@dataclass
class Preview:
    filename: str
    file_format: str
    encoding: str
    separator: str
    rows: int
    key_kind: str = ""
    value_label: str = ""
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    aggregates: list[Aggregate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem_counts and self.rows > 0

    @property
    def periods(self) -> list[str]:
        return sorted({a.period for a in self.aggregates})


class _Report:
    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.bad_rows: set[int] = set()

    def add(self, index: int, row: int, column: str, kind: str, message: str) -> None:
        self.counts[kind] += 1
        self.bad_rows.add(index)
        if len(self.listed) < MAX_LISTED:
            self.listed.append(Problem(row, column, kind, message))


def validate(table: RawTable, gazetteer: Gazetteer, filename: str, today: date) -> Preview:
    """Check every row of ``table`` and aggregate the rows."""
    plan = plan_columns(table.header, filename)
    preview = Preview(
        filename,
        table.file_format,
        table.encoding,
        table.separator,
        len(table.rows),
        plan.key_kind,
        plan.value_label,
    )
    report = _Report()
    for row, kind, message in table.problems:
        index = table.numbers.index(row) if row in table.numbers else -1
        report.add(index, row, "", kind, message)
    width = len(table.header)
    for index, cells in enumerate(table.rows):
        if len(cells) != width:
            report.add(
                index,
                table.numbers[index],
                "",
                "kolommen",
                f"{len(cells)} fields where the header has {width} (mixed separators or an "
                f"unquoted '{table.separator}' inside a value?)",
            )
    _duplicates(table, plan, report)
    periods = _periods(table, plan, report, today)
    values = _values(table, plan, report)
    places = _places(table, plan, gazetteer, report, preview)
    totals: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for index in range(len(table.rows)):
        if index in report.bad_rows:
            continue
        place, period = places[index], periods[index]
        assert place is not None and period is not None
        for level, code in place.chain():
            cell = totals[(level, code, period)]
            cell[0] += 1
            cell[1] += values[index] or 0.0
    preview.aggregates = [
        Aggregate(level, code, period, int(c), total if plan.value is not None else None)
        for (level, code, period), (c, total) in sorted(totals.items())
    ]
    preview.problems = sorted(report.listed, key=lambda p: p.row)
    preview.problem_counts = dict(report.counts)
    return preview


def _duplicates(table: RawTable, plan: ColumnPlan, report: _Report) -> None:
    seen: dict[object, int] = {}
    for index, cells in enumerate(table.rows):
        key: object = cells[plan.ident].strip() if plan.ident is not None else tuple(cells)
        if key in seen:
            what = f"{plan.names[plan.ident]} {key}" if plan.ident is not None else "the same row"
            report.add(
                index,
                table.numbers[index],
                "",
                "dubbel",
                f"duplicate: {what} as on line {seen[key]}",
            )
        elif key:
            seen[key] = table.numbers[index]


def _cell(cells: list[str], column: int) -> str:
    return cells[column].strip() if column < len(cells) else ""


def _periods(table: RawTable, plan: ColumnPlan, report: _Report, today: date) -> list[str | None]:
    out: list[str | None] = []
    column = plan.names[plan.period]
    for index, cells in enumerate(table.rows):
        try:
            out.append(parse_period(_cell(cells, plan.period), today))
        except CellError as exc:
            kind = "datum" if "out of range" not in str(exc) else "datum_buiten_bereik"
            report.add(index, table.numbers[index], column, kind, str(exc))
            out.append(None)
    return out


def _values(table: RawTable, plan: ColumnPlan, report: _Report) -> list[float | None]:
    if plan.value is None:
        return [None] * len(table.rows)
    out: list[float | None] = []
    column = plan.names[plan.value]
    for index, cells in enumerate(table.rows):
        text = _cell(cells, plan.value)
        try:
            out.append(parse_number(text) if text else None)
        except CellError as exc:
            report.add(index, table.numbers[index], column, "getal", str(exc))
            out.append(None)
    return out


def _places(
    table: RawTable, plan: ColumnPlan, gazetteer: Gazetteer, report: _Report, preview: Preview
) -> list[Place | None]:
    if plan.key_kind in ("wgs84", "rd"):
        return _coordinates(table, plan, gazetteer, report)
    out: list[Place | None] = []
    column = plan.names[plan.key[0]]
    for index, cells in enumerate(table.rows):
        text = _cell(cells, plan.key[0])
        if not text:
            report.add(index, table.numbers[index], column, "regio_leeg", "no region given")
            out.append(None)
            continue
        if plan.key_kind == "code":
            found: Place | str | list[Place] = gazetteer.by_code(text)
        else:
            within = _cell(cells, plan.within) if plan.within is not None else ""
            found = gazetteer.by_name(text, within)
        if isinstance(found, Place):
            out.append(found)
            continue
        if isinstance(found, list):
            options = [f"{p.code} ({p.level}, {p.name}, {p.gemeente})" for p in found]
            preview.ambiguous[text] = options
            message = f"{text!r} is ambiguous: {'; '.join(options)}; use the code or add a gemeente column"
            report.add(index, table.numbers[index], column, "regio_dubbelzinnig", message)
        else:
            report.add(index, table.numbers[index], column, "regio_onbekend", found)
        out.append(None)
    return out


def _coordinates(
    table: RawTable, plan: ColumnPlan, gazetteer: Gazetteer, report: _Report
) -> list[Place | None]:
    if not gazetteer.has_geometry:
        raise UploadFileError(
            f"{table.file_format} with coordinates: the current build has no buurt boundaries "
            "to place them in; use region codes or names"
        )
    n = len(table.rows)
    xs, ys = np.full(n, np.nan), np.full(n, np.nan)
    (x_lo, x_hi), (y_lo, y_hi) = BOUNDS[plan.key_kind]
    names = (plan.names[plan.key[0]], plan.names[plan.key[1]])
    for index, cells in enumerate(table.rows):
        try:
            x, y = parse_number(_cell(cells, plan.key[0])), parse_number(_cell(cells, plan.key[1]))
        except CellError as exc:
            report.add(index, table.numbers[index], "/".join(names), "coordinaat", str(exc))
            continue
        if not (x_lo <= x <= x_hi and y_lo <= y <= y_hi):
            hint = " (latitude and longitude swapped?)" if y_lo <= x <= y_hi else ""
            report.add(
                index,
                table.numbers[index],
                "/".join(names),
                "coordinaat",
                f"({x}, {y}) lies outside the Netherlands{hint}",
            )
            continue
        xs[index], ys[index] = x, y
    usable = ~np.isnan(xs)
    codes: list[str | None] = [None] * n
    located = gazetteer.locate(xs[usable], ys[usable], plan.key_kind)
    for position, code in zip(np.flatnonzero(usable), located, strict=True):
        codes[int(position)] = code
    out: list[Place | None] = []
    for index in range(n):
        code = codes[index]
        if code is None or code not in gazetteer.places:
            if usable[index]:
                report.add(
                    index,
                    table.numbers[index],
                    "/".join(names),
                    "buiten_gebied",
                    f"({xs[index]}, {ys[index]}) lies in no buurt of your organisation's "
                    f"gemeenten ({', '.join(gazetteer.gemeenten)})",
                )
            out.append(None)
        else:
            out.append(gazetteer.places[code])
    return out
