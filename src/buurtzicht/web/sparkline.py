"""Trend sparklines as inline SVG, drawn on the server: no JavaScript, printable."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from buurtzicht.api.schemas import TrendPoint

WIDTH, HEIGHT, PAD = 120.0, 32.0, 3.0


def sparkline(points: Sequence[TrendPoint], label: str = "") -> Markup:
    """A line through the yearly figures (gaps where a figure is missing)."""
    known = [(p.year, p.figure.value) for p in points if p.figure.value is not None]
    if len(known) < 2:
        return Markup("")
    years = [y for y, _ in known]
    values = [v for _, v in known if v is not None]
    x0, x1 = min(years), max(years)
    lo, hi = min(values), max(values)
    span_x = (x1 - x0) or 1
    span_y = (hi - lo) or 1.0

    def xy(year: int, value: float) -> str:
        x = PAD + (year - x0) / span_x * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (value - lo) / span_y * (HEIGHT - 2 * PAD)
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(y, v) for y, v in known if v is not None)
    last_x, last_y = xy(*known[-1]).split(",")
    return Markup(
        f'<svg class="spark" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" width="{WIDTH:.0f}" '
        f'height="{HEIGHT:.0f}" role="img" aria-label="{escape(label)}">'
        f'<polyline points="{line}" fill="none" stroke="#154273" stroke-width="2"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="#154273"/></svg>'
    )
