"""Regions: codes, levels, hierarchy per indeling year, harmonisation across years."""

from buurtzicht.regions.codes import (
    Level,
    gemeente_of,
    level_of,
    normalise_code,
    special_kind,
    wijk_of,
)

__all__ = ["Level", "gemeente_of", "level_of", "normalise_code", "special_kind", "wijk_of"]
