"""Charts over the years break a line where a figure is missing instead of drawing a
straight line across years without figures (the registered crime rate has 2012, then
2017-2024 in the mirror)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from buurtzicht.api.schemas.card import Figure, TrendPoint
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.schemas.figures import TrendSeries, TrendsOut
from buurtzicht.web.sparkline import sparkline
from buurtzicht.web.yearly import trend_chart


def _point(year: int, value: float | None) -> TrendPoint:
    status = "ok" if value is not None else "suppressed"
    return TrendPoint(
        period=f"{year}JJ00", year=year, figure=Figure(value=value, status=status, display="")
    )


def _series(name: str, figures: dict[int, float | None]) -> TrendSeries:
    points = [_point(year, value) for year, value in figures.items()]
    return TrendSeries(region=RegionRef(code=name, level="gemeente", name=name), points=points)


def test_a_chart_row_for_every_year_with_none_where_no_figure() -> None:
    # As in the mirror: 2012, then 2017 onwards; Rotterdam's 2019 suppressed, 2020 absent.
    trends = TrendsOut.model_construct(
        series=[
            _series("Amsterdam", {2012: 9.0, 2017: 8.0, 2018: 7.5, 2019: 7.0, 2020: 6.0}),
            _series("Rotterdam", {2012: 9.5, 2017: 8.5, 2018: 8.0, 2019: None}),
        ]
    )
    chart = trend_chart(trends, "geen cijfer")
    assert (chart.step, [(s.first, s.last, s.label) for s in chart.missing]) == (
        1,
        [(2013, 2016, "2013–2016")],
    )
    for region, drawn in (
        ("Amsterdam", {2012, 2017, 2018, 2019, 2020}),
        ("Rotterdam", {2012, 2017, 2018}),
    ):
        rows = [r for r in chart.rows if r.region == region]
        # Successive rows are successive years: a line through them never joins 2012 to
        # 2017, it meets 2013-2016 as values it cannot draw and breaks there.
        assert [r.year for r in rows] == list(range(2012, 2021))
        assert {r.year for r in rows if r.value is not None} == drawn
        assert {r.display for r in rows if r.value is None} == {"geen cijfer"}


def test_the_compare_page_carries_the_chart_rows(client: TestClient) -> None:
    body = client.get("/vergelijk.json?regio=GM0363,GM0599").json()
    # The small build has 2023 and 2024 only: nothing missing, no band, no note on it.
    assert body["chart"]["missing"] == []
    assert {(r["region"], r["year"]) for r in body["chart"]["rows"]} == {
        (name, year) for name in ("Amsterdam", "Rotterdam", "Nederland") for year in (2023, 2024)
    }
    html = client.get("/vergelijk?regio=GM0363,GM0599").text
    assert "Een lijn is onderbroken waar een gebied in een jaar geen cijfer heeft" in html
    assert "Geen cijfers voor" not in html


def test_sparkline_breaks_at_a_missing_year_and_a_suppressed_figure() -> None:
    points = [_point(2012, 10.0), _point(2017, 8.0), _point(2018, 6.0), _point(2019, None)]
    points += [_point(2020, 7.0), _point(2021, 9.0)]
    svg = str(sparkline(points, "trend"))
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    # 2017-2018 and 2020-2021; 2012 stands alone as a dot (x = 3.0, the first year).
    assert [len(line.split()) for line in lines] == [2, 2]
    assert not any(line.startswith("3.0,") for line in lines)
    assert re.search(r'<circle cx="3.0" cy="[\d.]+" r="1.5"', svg)


def test_sparkline_of_a_survey_every_other_year_is_one_line() -> None:
    svg = str(sparkline([_point(2019, 5.0), _point(2021, 6.0), _point(2023, 4.0)]))
    assert len(re.findall("<polyline", svg)) == 1
