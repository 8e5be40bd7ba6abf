"""A small static map of a region's wijken or buurten as inline SVG, drawn on the
server: no JavaScript, prints on paper (the printable summary)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

WIDTH = 360.0


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def minimap(
    features: list[dict[str, Any]], colours: dict[str, str], label: str, no_data: str
) -> Markup:
    """Every feature filled with the colour of its code (``no_data`` without one),
    in a WIDTH-wide equirectangular projection corrected for the latitude."""
    rings = [(f["properties"]["code"], list(_rings(f["geometry"]))) for f in features]
    points = [p for _code, rs in rings for ring in rs for p in ring]
    if not points:
        return Markup("")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    squeeze = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x = (max(xs) - min(xs)) * squeeze or 1e-9
    span_y = (max(ys) - min(ys)) or 1e-9
    scale = WIDTH / span_x
    height = span_y * scale

    def path(ring: list[list[float]]) -> str:
        coords = " ".join(
            f"{(x - min(xs)) * squeeze * scale:.1f},{(max(ys) - y) * scale:.1f}" for x, y in ring
        )
        return f"M{coords}Z"

    shapes = "".join(
        f'<path d="{" ".join(path(r) for r in rs)}" fill="{escape(colours.get(code, no_data))}">'
        f"<title>{escape(code)}</title></path>"
        for code, rs in rings
    )
    return Markup(
        f'<svg class="minimap" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(label)}" stroke="#4a4a4a" stroke-width="0.5" '
        f'fill-rule="evenodd">{shapes}</svg>'
    )
