"""Columns of the ``regions`` table (docs/data-model.md), shared by every producer."""

from __future__ import annotations

REGION_COLUMNS = [
    "code",
    "indeling",
    "level",
    "name",
    "gemeente",
    "wijk",
    "provincie",
    "politie_eenheid",
    "veiligheidsregio",
    "corop",
    "landsdeel",
    "stedelijkheid",
    "special",
    "source",
]
#: Parent columns of a gemeente (and, through it, of its wijken and buurten).
PARENT_COLUMNS = ["provincie", "politie_eenheid", "veiligheidsregio", "corop", "landsdeel"]
