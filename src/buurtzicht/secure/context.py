"""The region hierarchy and populations that disclosure control of a release needs.

Both come from the current warehouse build when there is one: the hierarchy from its
``regions`` table (indeling 2024; special regions kept out of totals), the inhabitants
for the minimum-population rule from the open KWB count (``kwb.AantalInwoners``, latest
period), which is what CBS applies to its own small-area figures. Regions without a
KWB figure, or every region when there is no build, take the secure side's own count
(``secure.basis.inwoners``): in a scaled synthetic world that is smaller, so the rule
errs on the strict side. A region with no inhabitants in either counts as 0.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.disclosure import RegionHierarchy
from buurtzicht.errors import ConfigurationError, NoBuildError
from buurtzicht.queries.secure_release import hierarchy_rows, newest_yearly_values
from buurtzicht.regions.codes import NEDERLAND
from buurtzicht.warehouse.layout import BuildLayout

INDELING = 2024
KWB_INHABITANTS = "kwb.AantalInwoners"
SECURE_INHABITANTS = "secure.basis.inwoners"
PopulationChoice = Literal["auto", "kwb", "secure"]


@dataclass(frozen=True)
class RegionContext:
    """Hierarchy and populations of one release, with where they came from."""

    hierarchy: RegionHierarchy
    population: dict[str, float]
    hierarchy_source: str
    population_source: str

    def fingerprint(self) -> dict[str, str]:
        """sha256 of the hierarchy and of the populations: the audit must use the same."""

        def digest(payload: object) -> str:
            text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            return hashlib.sha256(text.encode()).hexdigest()

        return {
            "hierarchy": digest([[p, list(c)] for p, c in self.hierarchy.relations]),
            "population": digest(sorted(self.population.items())),
        }


def region_context(
    settings: Settings, aggregates: pd.DataFrame, *, population: PopulationChoice = "auto"
) -> RegionContext:
    """The context for ``aggregates``: from the current build, or from the codes alone."""
    codes = set(aggregates["region"].astype(str))
    build_id = BuildLayout(settings.warehouse_dir).current_id()
    if build_id is None:
        if population == "kwb":
            raise NoBuildError("--population kwb needs a warehouse build; run `buurtzicht build`")
        hierarchy = RegionHierarchy.from_codes(codes)
        own = _secure_population(aggregates, codes)
        return RegionContext(hierarchy, own, "region codes", f"{SECURE_INHABITANTS} (no build)")
    path = BuildLayout(settings.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        regions = hierarchy_rows(conn, INDELING)
        kwb = (
            newest_yearly_values(conn, KWB_INHABITANTS, INDELING) if population != "secure" else {}
        )
    _check_known(codes, set(regions["code"]), build_id)
    hierarchy = RegionHierarchy.from_regions_table(regions)
    own = _secure_population(aggregates, codes)
    merged = {code: kwb.get(code, own[code]) for code in sorted(codes)}
    from_kwb = sum(code in kwb for code in codes)
    source = (
        f"{KWB_INHABITANTS} of build {build_id} for {from_kwb:,} regions, "
        f"{SECURE_INHABITANTS} for {len(codes) - from_kwb:,}"
    )
    return RegionContext(hierarchy, merged, f"regions of build {build_id}", source)


def _secure_population(aggregates: pd.DataFrame, codes: set[str]) -> dict[str, float]:
    own = aggregates[aggregates["measure"] == SECURE_INHABITANTS].sort_values("period")
    latest = own.drop_duplicates("region", keep="last").set_index("region")["value"]
    return {code: float(latest.get(code, 0.0)) for code in sorted(codes)}


def _check_known(codes: set[str], known: set[str], build_id: str) -> None:
    unknown = sorted(codes - known - {NEDERLAND})
    if unknown:
        raise ConfigurationError(
            f"{len(unknown)} region(s) of the secure aggregates are not in the regions of "
            f"build {build_id} (indeling {INDELING}), e.g. {unknown[0]}; rebuild the warehouse "
            "from the mirror the world was calibrated on"
        )
