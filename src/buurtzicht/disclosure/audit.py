"""The disclosure audit: can anything published be used to pin down a sensitive cell?

For every suppressed cell the audit solves the two linear programs of an attacker who
knows everything published: each published value (as an interval when it is rounded),
what each status and reason gives away (:mod:`buurtzicht.disclosure.knowledge`), that
every cell is non-negative and that the table adds up. The minimum and maximum of the
cell over that polytope is its *feasible interval* (Hundepool et al. 2012, §4.3.2;
the "audit" of τ-ARGUS). A cell that fails a rule is *protected* when the interval
reaches at least its protection level on both sides, capped only by what its own
status says (a ``min_units`` count is known to be below the threshold):

    high >= min(x + upl, status_high)   and   low <= max(x - lpl, status_low)

The audit runs on the secure side: it needs the true values to know which cells are
sensitive and how far their intervals must reach. It recomputes sensitivity from the
rules and the true values itself, so a sensitive cell that was published by mistake
is found too (its interval is the single published point).

Certificates of the protection, when given, are checked against the audit's own
knowledge and relations and prove every sensitive cell they move far enough both ways
(:mod:`buurtzicht.disclosure.certificates`); only the other cells need programs.

Programs are solved per view, narrow to wide: a buurt in its wijk family, a wijk in
its gemeente block (:mod:`buurtzicht.disclosure.blocks`), cells above the wijk level
on a neighbourhood; a cell that fails in a narrow view is looked at again in a wider
one (its gemeente block, then neighbourhoods of growing size), the last as wide as the
widest neighbourhood secondary suppression searches. In each view
the published cells in it are intervals and everything outside is fixed at its true
value. Fixing cells only narrows the attacker's
intervals, so the audit errs on the strict side. Counts are integers, so their
intervals are rounded inwards.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, §4.3.
de Wolf, P.P. et al. (2014). *τ-ARGUS 4.1 user's manual*, §4.2.6 (audit).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from buurtzicht.disclosure.apriori import (
    APRIORI_DEEPER,
    APRIORI_DEPTH,
)
from buurtzicht.disclosure.audit_apriori import (
    ball_apriori,
    cap_a_priori,
    family_apriori,
    summed_apriori,
)
from buurtzicht.disclosure.audit_views import in_blocks, in_neighbourhoods, relook
from buurtzicht.disclosure.audit_views import intervals as view_intervals
from buurtzicht.disclosure.blocks import gemeente_blocks, region_blocks, table_blocks
from buurtzicht.disclosure.certificates import CertificateCheck, check_certificates
from buurtzicht.disclosure.knowledge import cell_bounds, public_bounds, status_bounds
from buurtzicht.disclosure.lanes import deal, default_workers, run_lanes
from buurtzicht.disclosure.primary import SECONDARY, apply_primary
from buurtzicht.disclosure.protect import Rules, prepare
from buurtzicht.disclosure.report import table_summary
from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.disclosure.search_state import DEPTHS
from buurtzicht.disclosure.spec import DisclosureSpec, RegionHierarchy
from buurtzicht.disclosure.structure import Structure
from buurtzicht.disclosure.tree import Forest, find_forest, tree_intervals
from buurtzicht.disclosure.zeros import publish_forced_zeros
from buurtzicht.errors import DisclosureError

INTERVAL_COLUMNS = [
    "cell", "measure", "region", "period", "value", "reason", "hidden", "sensitive",
    "required_low",
    "required_high", "low", "high", "protected",
]  # fmt: skip


@dataclass(frozen=True)
class AuditReport:
    """What the audit found.

    Attributes
    ----------
    tables : DataFrame
        Per table: cells, published, primary, secondary, information loss and
        ``unprotected`` (must be 0).
    intervals : DataFrame
        Per suppressed or sensitive cell: true value, required and feasible interval.
    """

    tables: pd.DataFrame
    intervals: pd.DataFrame
    programs: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    public_hidden: int = 0
    zeros_given_away: int = 0
    certificates: CertificateCheck | None = None
    proven_by_certificates: int = 0
    seconds: float = 0.0

    @property
    def proven_by_programs(self) -> int:
        """Sensitive hidden cells proven protected by the audit's own views and programs."""
        frame = self.intervals
        proven = frame["sensitive"] & frame["hidden"] & frame["protected"]
        return int(proven.sum()) - self.proven_by_certificates

    @property
    def unprotected(self) -> pd.DataFrame:
        """The sensitive cells an attacker can narrow down too far."""
        return self.intervals[~self.intervals["protected"]]

    @property
    def ok(self) -> bool:
        """Every sensitive cell protected and every public margin shown."""
        # zeros_given_away is reported, not blocking: such a "." hides nothing the
        # published 0 does not already say (docs/disclosure.md, exact zeros).
        clean = self.public_hidden == 0
        return bool(self.intervals["protected"].all()) and clean


def audit(
    published: pd.DataFrame,
    aggregates: pd.DataFrame,
    spec: DisclosureSpec | None = None,
    rules: Rules = None,
    *,
    population: Mapping[str, float] | None = None,
    hierarchy: RegionHierarchy | None = None,
    workers: int | None = None,
    certificates: pd.DataFrame | None = None,
) -> AuditReport:
    """Audit published observations against the secure aggregates they came from.

    ``published`` has ``measure, region, period, value, status`` and ``reason`` (the
    output of :func:`buurtzicht.disclosure.protect`); ``aggregates`` the secure input
    (true values). Both must be about the same cells; the rules and the spec must be
    those used for protection. ``workers`` processes share the gemeenten (default: up
    to two cores); the report does not depend on it.

    ``certificates`` (:func:`buurtzicht.disclosure.certificates.certificate_frame`,
    e.g. ``protect(...).certificates``) are checked against the audit's own knowledge
    and relations (:func:`~buurtzicht.disclosure.certificates.check_certificates`);
    a sensitive cell that valid certificates move to both required ends is proven
    without programs, only the rest goes through the views. The verdict is the same
    with or without them; rejected certificates are counted and ignored.
    """
    begun = time.perf_counter()
    spec = spec or DisclosureSpec()
    workers = default_workers() if workers is None else workers
    cells, structure, by_measure = prepare(aggregates, spec, hierarchy, rules)
    by_rules = apply_primary(cells, by_measure, population)
    cells = publish_forced_zeros(by_rules, structure, by_measure)
    forced = by_rules["primary"].to_numpy(bool) & ~cells["primary"].to_numpy(bool)
    cells = _attach_published(cells, published)
    bounds = cell_bounds(cells, by_measure)
    x = cells["value"].to_numpy(float)
    _check_consistent(cells, bounds, x)
    hidden = np.isnan(cells["published"].to_numpy(float))
    required_low, required_high, sensitive = _requirements(cells, bounds)
    check, shown = None, np.column_stack([x, x])
    proven = np.zeros(len(cells), dtype=bool)
    if certificates is not None:
        check = check_certificates(certificates, cells, structure, bounds)
        shown = np.column_stack(_integers(cells, check.low, check.high))
        slack = 1e-5 * np.maximum(1.0, np.abs(x))
        reached = (shown[:, 1] >= required_high - slack) & (shown[:, 0] <= required_low + slack)
        proven = sensitive & hidden & reached
    open_ = sensitive & ~proven
    attack = _Attack(
        cells=cells,
        structure=structure,
        bounds=bounds,
        hidden=hidden,
        wanted=np.column_stack(
            [np.where(open_, required_low, np.inf), np.where(open_, required_high, -np.inf)]
        ),
        shown=shown,
        status=_status(cells, by_measure),
        forest=find_forest(structure),
        families=list(region_blocks(cells, spec, "wijk").values()),
        blocks=gemeente_blocks(cells, spec),
        tables=table_blocks(cells, spec),
        certified=check is not None and check.valid > 0,
    )
    groups = _gemeente_groups(cells)
    lanes = [[groups[k] for k in lane] for lane in deal([len(g) for g in groups])]
    found = run_lanes(_lane_intervals, attack, lanes, workers, len(cells))
    intervals = pd.concat([f[0] for f in found]).sort_values("cell").reset_index(drop=True)
    programs = sum(f[1] for f in found)
    table = cells["measure"].map(spec.table_of)
    tables = table_summary(cells, hidden, cells["primary"].to_numpy(bool), table)
    failing = intervals.loc[~intervals["protected"]].assign(
        table=lambda f: f["measure"].map(spec.table_of)
    )
    tables["unprotected"] = tables["table"].map(failing.groupby("table").size()).fillna(0)
    tables["unprotected"] = tables["unprotected"].astype(int)
    public, _ = public_bounds(cells, by_measure)
    return AuditReport(
        tables,
        intervals,
        programs,
        (),
        int((public & hidden).sum()),
        int((forced & hidden).sum()) + _given_away(intervals),
        check,
        int(proven.sum()),
        time.perf_counter() - begun,
    )


def _given_away(intervals: pd.DataFrame) -> int:
    """Hidden sensitive cells the attacker can pin to exactly 0 (a published 0 above them).

    Views narrow intervals, so a reported maximum of 0 after every view and a-priori cap
    is the attacker's maximum: such a cell should have been published as 0
    (:mod:`buurtzicht.disclosure.zeros`).
    """
    pinned = intervals["hidden"] & intervals["sensitive"] & (intervals["value"] == 0)
    return int((pinned & (intervals["high"] <= 1e-9) & (intervals["low"] >= -1e-9)).sum())


@dataclass(frozen=True)
class _Attack:
    """What the attacker knows, and what each cell must reach: the audit's fixed inputs."""

    cells: pd.DataFrame
    structure: Structure
    bounds: np.ndarray
    hidden: np.ndarray
    wanted: np.ndarray
    shown: np.ndarray  # per cell the lowest and highest value valid certificates show
    status: np.ndarray
    forest: Forest
    families: list[np.ndarray]
    blocks: list[np.ndarray]
    tables: list[np.ndarray]
    certified: bool = False  # valid certificates were given: caps before the views


def _lane_intervals(attack: _Attack, lane: list[np.ndarray]) -> tuple[pd.DataFrame, int]:
    """Judged intervals of the cells of one lane (whole gemeenten), and programs solved.

    Every cell is looked at in narrow views and capped a priori on narrow relaxations
    first (with certificates the caps come first); each later step (an a-priori cap
    or a wider view) only looks at the cells still failing.
    """
    cells, structure, bounds, hidden = attack.cells, attack.structure, attack.bounds, attack.hidden
    x, forest, wanted = cells["value"].to_numpy(float), attack.forest, attack.wanted
    mine = np.zeros(len(cells), dtype=bool)
    mine[np.concatenate(lane) if lane else []] = True
    general = ~forest.member & mine
    blocks = [b for b in attack.blocks if mine[b[0]]]
    views = [f for f in attack.families if mine[f[0]]] + blocks
    exact_low, exact_high = tree_intervals(forest, bounds)
    low, high = np.where(forest.member, exact_low, x), np.where(forest.member, exact_high, x)
    # Points of the attacker's polytope, like the views' own: the interval holds them all.
    low, high = np.minimum(low, attack.shown[:, 0]), np.maximum(high, attack.shown[:, 1])
    intervals = _judge(cells, bounds, *_integers(cells, low, high))
    programs = 0
    if not attack.certified:  # the views prove most cells; caps only for the rest
        intervals, programs = _in_views(intervals, attack, views, general)
    apriori_low, apriori_high = tree_intervals(forest, attack.status)
    intervals = cap_a_priori(
        intervals, cells, lambda t, _: (apriori_low[t], apriori_high[t]), forest.member & mine
    )
    intervals = cap_a_priori(intervals, cells, summed_apriori(structure, attack.status), general)
    intervals = cap_a_priori(
        intervals, cells, family_apriori(attack.families, structure, attack.status, x), general
    )
    # The cap protection applies before a gemeente block's failures go further: the
    # whole block with its gemeente's bounds (neither a family nor two steps see them).
    intervals = cap_a_priori(
        intervals, cells, family_apriori(blocks, structure, attack.status, x), general
    )
    if attack.certified:
        # Most cells certificates leave short stop at a cap protection applied, which
        # no view can move them past: the caps first, the views for what they leave.
        intervals, programs = _in_views(intervals, attack, views, general)
    intervals, more = relook(
        intervals, cells, in_blocks(structure, x, bounds, hidden, blocks, wanted), general
    )
    programs += more
    intervals = cap_a_priori(
        intervals, cells, ball_apriori(structure, attack.status, APRIORI_DEPTH), general
    )
    for size in DEPTHS[1:]:  # the smallest adds nothing to the block view
        wider = in_neighbourhoods(structure, x, bounds, hidden, wanted, size)
        intervals, more = relook(intervals, cells, wider, general)
        programs += more
    intervals = cap_a_priori(
        intervals, cells, ball_apriori(structure, attack.status, APRIORI_DEEPER), general
    )
    # Last resort, for the few cells whose certificates reach further: the whole table,
    # which is the attacker's full problem and gives the exact a-priori interval.
    intervals, more = relook(
        intervals, cells, in_blocks(structure, x, bounds, hidden, attack.tables, wanted), general
    )
    programs += more
    intervals = cap_a_priori(
        intervals, cells, family_apriori(attack.tables, structure, attack.status, x), general
    )
    return intervals[mine[intervals["cell"].to_numpy(np.int64)]], programs


def _in_views(
    judged: pd.DataFrame, attack: _Attack, views: list[np.ndarray], among: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """Failing cells (``among`` them) in their narrow views, to the ends still missing.

    ``judged`` holds the requirements so far (capped a priori) and what is reached so
    far (certificates): a view only needs to reach what is still missing.
    """
    x = attack.cells["value"].to_numpy(float)
    row = np.full(len(x), -1, dtype=np.int64)
    row[judged["cell"].to_numpy(np.int64)] = np.arange(len(judged))

    def narrow(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        rows = row[targets]
        slack = 1e-5 * np.maximum(1.0, np.abs(x[targets]))
        need_low = judged["required_low"].to_numpy(float)[rows]
        need_high = judged["required_high"].to_numpy(float)[rows]
        wanted = np.column_stack([np.full(len(x), np.inf), np.full(len(x), -np.inf)])
        short_low = judged["low"].to_numpy(float)[rows] > need_low + slack
        short_high = judged["high"].to_numpy(float)[rows] < need_high - slack
        wanted[targets, 0] = np.where(short_low, need_low, np.inf)
        wanted[targets, 1] = np.where(short_high, need_high, -np.inf)
        hidden = attack.hidden & among
        low, high, programs = view_intervals(
            attack.structure, x, attack.bounds, hidden, views, wanted
        )
        return low[targets], high[targets], programs

    return relook(judged, attack.cells, narrow, among)


def _gemeente_groups(cells: pd.DataFrame) -> list[np.ndarray]:
    """Cell numbers per gemeente (its own cells, wijken and buurten); the rest apart."""
    region = cells["region"].astype(str)
    prefix = region.str[:2]
    gemeente = np.where(
        prefix.isin(["BU", "WK"]), "GM" + region.str[2:6], np.where(prefix == "GM", region, "")
    )
    groups = pd.Series(np.arange(len(cells))).groupby(gemeente, sort=True).indices
    return [np.asarray(group, dtype=np.int64) for group in groups.values()]


def _attach_published(cells: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    needed = ["measure", "region", "period", "value", "status"]
    missing = [c for c in needed if c not in published]
    if missing:
        raise DisclosureError(f"published table lacks columns {missing}; expected {needed}")
    shown = published[needed].rename(columns={"value": "published"})
    shown["reason"] = published.get("reason", None)
    shown = shown.astype({"measure": str, "region": str, "period": str})
    merged = cells.drop(columns=["reason"]).merge(
        shown.rename(columns={"reason": "shown_reason"}),
        on=["measure", "region", "period"],
        how="left",
    )
    merged["reason"] = (
        merged["shown_reason"].astype(object).where(merged["shown_reason"].notna(), "")
    )
    merged["published_reason"] = merged["reason"]
    merged["reason_rule"] = cells["reason"].to_numpy()
    return merged.drop(columns=["shown_reason"])


def _check_consistent(cells: pd.DataFrame, bounds: np.ndarray, x: np.ndarray) -> None:
    slack = 1e-6 * np.maximum(1.0, np.abs(x))
    bad = np.flatnonzero((x < bounds[:, 0] - slack) | (x > bounds[:, 1] + slack))
    if bad.size:
        row = cells.iloc[int(bad[0])]
        raise DisclosureError(
            f"{bad.size} published cell(s) do not match the secure values; first: "
            f"{row['measure']} / {row['region']} / {row['period']} is {row['value']:g} but "
            f"was published as {row['published']} ({row['status']}, {row['reason']!r}). "
            "Audit a published table together with the aggregates it was made from"
        )


def _status(cells: pd.DataFrame, rules: Mapping[str, RuleSet]) -> np.ndarray:
    """What each cell's published status alone gives away (see secondary suppression)."""
    published = cells["published"].to_numpy(float)
    hidden = np.isnan(published)
    reason = np.where(hidden, cells["reason"].to_numpy(str), SECONDARY)
    fixed = (~hidden & (published == 0) & (cells["status"] == "ok").to_numpy()) | cells[
        "structural_zero"
    ].to_numpy(bool)
    return status_bounds(cells, reason, fixed, rules)


def _integers(cells: pd.DataFrame, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, ...]:
    count = cells["count"].to_numpy(bool)
    low = np.where(count, np.ceil(low - 1e-6), low)
    high = np.where(count & np.isfinite(high), np.floor(high + 1e-6), high)
    return low, high


def _requirements(cells: pd.DataFrame, bounds: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell the ends its interval must reach, and whether it is sensitive at all."""
    x = cells["value"].to_numpy(float)
    sensitive = cells["primary"].to_numpy(bool)
    required_high = np.where(sensitive, np.minimum(x + cells["upl"], bounds[:, 1]), x)
    required_low = np.where(sensitive, np.maximum(x - cells["lpl"], bounds[:, 0]), x)
    if cells["count"].any():  # an integer count can only be required to reach integers
        count = cells["count"].to_numpy(bool)
        required_high = np.where(count, np.floor(required_high + 1e-9), required_high)
        required_low = np.where(count, np.ceil(required_low - 1e-9), required_low)
    return required_low, required_high, sensitive


def _judge(
    cells: pd.DataFrame, bounds: np.ndarray, low: np.ndarray, high: np.ndarray
) -> pd.DataFrame:
    x = cells["value"].to_numpy(float)
    hidden = np.isnan(cells["published"].to_numpy(float))
    required_low, required_high, sensitive = _requirements(cells, bounds)
    slack = 1e-5 * np.maximum(1.0, np.abs(x))
    protected = ~sensitive | (
        hidden & (high >= required_high - slack) & (low <= required_low + slack)
    )
    frame = cells[["measure", "region", "period", "value", "reason"]].assign(
        cell=np.arange(len(cells)),
        hidden=hidden,
        sensitive=sensitive,
        required_low=required_low,
        required_high=required_high,
        low=low,
        high=high,
        protected=protected,
    )
    return frame[hidden | sensitive].reset_index(drop=True)[INTERVAL_COLUMNS]
