"""Trend sparklines as inline SVG, drawn on the server: no JavaScript, printable."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from buurtzicht.api.schemas.card import TrendPoint
from buurtzicht.web.yearly import runs

WIDTH, HEIGHT, PAD = 120.0, 32.0, 3.0
COLOUR = "#154273"


def sparkline(points: Sequence[TrendPoint], label: str = "") -> Markup:
    """A line through the yearly figures, broken where a year has no figure (2012, then
    2017: two pieces, not a straight line across four years nobody measured); a figure
    with no neighbour is a dot."""
    stretches = runs(points)
    known = [pair for stretch in stretches for pair in stretch]
    if len(known) < 2:
        return Markup("")
    years = [y for y, _ in known]
    values = [v for _, v in known]
    x0, x1 = min(years), max(years)
    lo, hi = min(values), max(values)
    span_x = (x1 - x0) or 1
    span_y = (hi - lo) or 1.0

    def xy(year: int, value: float) -> tuple[str, str]:
        x = PAD + (year - x0) / span_x * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (value - lo) / span_y * (HEIGHT - 2 * PAD)
        return f"{x:.1f}", f"{y:.1f}"

    marks = []
    for stretch in stretches:
        if len(stretch) == 1:
            cx, cy = xy(*stretch[0])
            marks.append(f'<circle cx="{cx}" cy="{cy}" r="1.5" fill="{COLOUR}"/>')
        else:
            line = " ".join(",".join(xy(y, v)) for y, v in stretch)
            marks.append(
                f'<polyline points="{line}" fill="none" stroke="{COLOUR}" stroke-width="2"/>'
            )
    last_x, last_y = xy(*known[-1])
    return Markup(
        f'<svg class="spark" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" width="{WIDTH:.0f}" '
        f'height="{HEIGHT:.0f}" role="img" aria-label="{escape(label)}">'
        + "".join(marks)
        + f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="{COLOUR}"/></svg>'
    )
