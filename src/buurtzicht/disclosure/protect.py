"""``protect``: secure aggregates in, publishable observations out.

Every secure-side aggregate passes here before it reaches the warehouse: primary
suppression by the rules of its rule set, secondary suppression across the region
hierarchy, table totals and linked tables, then rounding, in the observation shape
(:mod:`buurtzicht.disclosure.publish`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from buurtzicht.disclosure.cells import prepare_cells
from buurtzicht.disclosure.certificates import COLUMNS, certificate_frame
from buurtzicht.disclosure.lanes import default_workers
from buurtzicht.disclosure.primary import apply_primary
from buurtzicht.disclosure.publish import published_frame
from buurtzicht.disclosure.report import table_summary
from buurtzicht.disclosure.rules import RuleSet, get_rule_set
from buurtzicht.disclosure.secondary import secondary_suppression
from buurtzicht.disclosure.spec import DisclosureSpec, RegionHierarchy
from buurtzicht.disclosure.structure import Structure, build_structure, check_additivity
from buurtzicht.disclosure.zeros import publish_forced_zeros

Rules = RuleSet | Mapping[str, RuleSet] | None


@dataclass(frozen=True)
class ProtectedTable:
    """The result of :func:`protect`.

    Attributes
    ----------
    published : DataFrame
        Observation shape (``measure, region, period, indeling, value, status, source``)
        plus ``reason``: what may leave the secure side.
    cells : DataFrame
        Secure-side detail per cell: true ``value``, ``reason``, ``primary``, protection
        levels ``upl``/``lpl``. Never publish this frame.
    report : DataFrame
        Per table: cells, published, primary, secondary, information loss.
    limited : tuple of int
        Row numbers in ``cells`` whose protection level could not be reached in full
        (the audit reports them); empty in every table we have seen.
    timings : dict
        Seconds per stage.
    certificates : DataFrame
        Every certificate secondary suppression relied on, sparse (``certificate,
        measure, region, period, delta``: :mod:`buurtzicht.disclosure.certificates`),
        for the audit to check and use. Secure side only: never publish this frame.
    """

    published: pd.DataFrame
    cells: pd.DataFrame
    report: pd.DataFrame
    limited: tuple[int, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    programs: int = 0
    certificates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMNS))


def resolve_rules(measures: pd.Series, spec: DisclosureSpec, rules: Rules) -> dict[str, RuleSet]:
    """The rule set of every measure: one for all, a mapping, or the spec's names."""
    names = sorted(set(measures.astype(str)))
    if isinstance(rules, RuleSet):
        return dict.fromkeys(names, rules)
    if rules is not None:
        return {m: rules[m] if m in rules else get_rule_set(spec.rules_of(m)) for m in names}
    return {m: get_rule_set(spec.rules_of(m)) for m in names}


def prepare(
    aggregates: pd.DataFrame,
    spec: DisclosureSpec,
    hierarchy: RegionHierarchy | None,
    rules: Rules,
) -> tuple[pd.DataFrame, Structure, dict[str, RuleSet]]:
    """Validated cells, their relations (checked to add up) and the rule set per measure."""
    cells = prepare_cells(aggregates)
    hierarchy = hierarchy or RegionHierarchy.from_codes(cells["region"].unique())
    structure = build_structure(cells, spec, hierarchy)
    check_additivity(cells, structure)
    return cells, structure, resolve_rules(cells["measure"], spec, rules)


def protect(
    aggregates: pd.DataFrame,
    spec: DisclosureSpec | None = None,
    rules: Rules = None,
    *,
    population: Mapping[str, float] | None = None,
    hierarchy: RegionHierarchy | None = None,
    secondary: bool = True,
    indeling: int = 2024,
    source: str = "secure",
    workers: int | None = None,
) -> ProtectedTable:
    """Apply disclosure control to secure aggregates.

    Parameters
    ----------
    aggregates : DataFrame
        One row per cell: ``measure, region, period, value, n_units, top1, top2`` and
        optionally ``structural_zero`` (see docs/disclosure.md).
    spec : DisclosureSpec, optional
        Table totals, linked tables and rule-set names per table.
    rules : RuleSet or mapping of measure to RuleSet, optional
        Overrides the rule sets named in ``spec``.
    population : mapping of region code to inhabitants, optional
        For the minimum-population rule.
    hierarchy : RegionHierarchy, optional
        Explicit region relations; by default derived from the codes.
    secondary : bool
        ``False`` gives primary suppression only: unsafe, for demonstrating the audit.
    workers : int, optional
        Processes for secondary suppression (default: up to two cores); the result
        does not depend on it (:mod:`buurtzicht.disclosure.lanes`).

    Examples
    --------
    A wijk of two buurten, one with 3 addresses: the 3 is suppressed, and so is its
    sibling, otherwise 33 - 30 would give it away.

    >>> frame = pd.DataFrame({"measure": "m", "period": "2024JJ00",
    ...     "region": ["WK036300", "BU03630000", "BU03630001"],
    ...     "value": [33.0, 3.0, 30.0], "n_units": [33, 3, 30], "top1": 1.0, "top2": 1.0})
    >>> out = protect(frame)
    >>> out.published[["region", "status", "reason"]].values.tolist()  # doctest: +ELLIPSIS
    [['BU03630000', 'suppressed', 'min_units'], ['BU03630001', 'suppressed', 'secondary'], ...]
    >>> out.published["value"].tolist()
    [nan, nan, 35.0]
    """
    spec = spec or DisclosureSpec()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    cells, structure, by_measure = prepare(aggregates, spec, hierarchy, rules)
    timings["structure"] = time.perf_counter() - started
    started = time.perf_counter()
    cells = publish_forced_zeros(
        apply_primary(cells, by_measure, population), structure, by_measure
    )
    timings["primary"] = time.perf_counter() - started
    started = time.perf_counter()
    reason = cells["reason"].to_numpy(object)
    limited: tuple[int, ...] = ()
    programs, recorded = 0, []
    if secondary:
        workers = default_workers() if workers is None else workers
        result = secondary_suppression(cells, structure, by_measure, spec, workers=workers)
        reason, limited, programs = result.reason, tuple(result.limited), result.programs
        recorded = result.certificates
    cells["reason"] = reason
    timings["secondary"] = time.perf_counter() - started
    started = time.perf_counter()
    published = published_frame(cells, reason, by_measure, indeling=indeling, source=source)
    hidden = published["status"].eq("suppressed").to_numpy()
    report = table_summary(
        cells, hidden, cells["primary"].to_numpy(bool), cells["measure"].map(spec.table_of)
    )
    certificates = certificate_frame(cells, recorded)
    timings["publish"] = time.perf_counter() - started
    return ProtectedTable(published, cells, report, limited, timings, programs, certificates)
