"""Yearly series as charts draw them: a line only joins figures of successive years.

A series such as the registered crime rate has figures for 2012 and for 2017-2024 and
none in between. A line drawn straight from 2012 to 2017 would invent four years, so
the charts break a line wherever a figure is missing and mark the years for which no
region has a figure. "Successive" follows the series' own rhythm (its step): a survey
held every other year joins 2021 to 2023.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from buurtzicht.api.schemas.card import TrendPoint
from buurtzicht.api.schemas.figures import TrendsOut
from buurtzicht.web.contexts import ChartRow, TrendChart, YearSpan


def step_of(years: Iterable[int]) -> int:
    """The rhythm of a series: the smallest distance between two of its years (1 if none).

    >>> step_of([2012, 2017, 2018, 2019]), step_of([2019, 2021, 2023]), step_of([2024])
    (1, 2, 1)
    """
    ordered = sorted(set(years))
    return min((b - a for a, b in itertools.pairwise(ordered)), default=1)


def runs(points: Sequence[TrendPoint], step: int | None = None) -> list[list[tuple[int, float]]]:
    """The figures of ``points`` in unbroken stretches of successive years.

    A stretch ends at a missing year and at a point without a figure (suppressed).

    >>> from buurtzicht.api.schemas.card import Figure
    >>> def p(year, value):
    ...     return TrendPoint(period=str(year), year=year, figure=Figure(value=value,
    ...                       display="", status="ok" if value is not None else "suppressed"))
    >>> runs([p(2012, 9.0), p(2017, 7.0), p(2018, 6.0), p(2019, None), p(2020, 5.0)])
    [[(2012, 9.0)], [(2017, 7.0), (2018, 6.0)], [(2020, 5.0)]]
    """
    step = step or step_of(p.year for p in points)
    found: list[list[tuple[int, float]]] = []
    last: int | None = None
    for point in sorted(points, key=lambda p: p.year):
        value = point.figure.value
        if value is None:
            last = None
            continue
        if last is None or point.year - last > step:
            found.append([])
        found[-1].append((point.year, value))
        last = point.year
    return found


def missing_spans(known: Iterable[int], step: int) -> list[YearSpan]:
    """The stretches of years (in steps of ``step``) between the first and the last of
    ``known`` that are not in it.

    >>> [(s.first, s.last) for s in missing_spans([2012, 2017, 2018, 2020], 1)]
    [(2013, 2016), (2019, 2019)]
    """
    years = sorted(set(known))
    spans: list[YearSpan] = []
    for before, after in itertools.pairwise(years):
        if after - before > step:
            spans.append(YearSpan(first=before + step, last=after - step))
    return spans


def trend_chart(trends: TrendsOut, no_figure: str) -> TrendChart:
    """The rows of a line chart of ``trends``: every series gets a row for every year of
    the common rhythm from the first to the last year with a figure, ``value`` None
    (``display`` ``no_figure``) where it has none, so that its line breaks there."""
    points = [p for s in trends.series for p in s.points]
    known = [p.year for p in points if p.figure.value is not None]
    step = step_of(p.year for p in points)
    grid = range(min(known), max(known) + 1, step) if known else range(0)
    rows: list[ChartRow] = []
    for series in trends.series:
        region = series.region.name or series.region.code
        figures = {p.year: p.figure for p in series.points}
        for year in grid:
            figure = figures.get(year)
            shown = figure is not None and figure.value is not None
            rows.append(
                ChartRow(
                    region=region,
                    year=year,
                    value=figure.value if figure is not None else None,
                    display=figure.display if figure is not None and shown else no_figure,
                )
            )
    return TrendChart(step=step, rows=rows, missing=missing_spans(known, step))
