"""The disclosure audit of a whole published warehouse.

Takes every ``secure.*`` observation of a build (by default the current one: what the
API serves) and proves with :func:`buurtzicht.disclosure.audit` against the true secure
aggregates that no suppressed cell can be narrowed down: with the same release, rule sets, hierarchy
and populations the publication used (their fingerprints are in the protection report),
and with the suppression reasons of the published file as attacker knowledge, although
the dashboard does not show them (the strict side). Empty cells published as 0 after
protection are checked to be empty in truth.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.disclosure.zeros import zeros_given_away
from buurtzicht.indicators.loader import Catalog
from buurtzicht.microdata.store import aggregates_path
from buurtzicht.queries.secure_release import loaded_checksums, secure_observations
from buurtzicht.secure.levels import ORDER
from buurtzicht.secure.publish import PreparedRelease, certificate_figures, prepare_release
from buurtzicht.secure.published import (
    TABLE_ID,
    PublicationError,
    certificates_path,
    published_path,
    read_aggregates_metadata,
    read_published,
)
from buurtzicht.warehouse.layout import BuildLayout

KEY = ["measure", "region", "period"]


@dataclass(frozen=True)
class WarehouseAudit:
    """What the audit of a build found.

    Attributes
    ----------
    tables : DataFrame
        Per table: cells, published, primary, secondary, information loss (share of
        cells and of value suppressed) and ``unprotected`` (must be 0).
    unprotected : DataFrame
        The sensitive cells an attacker could narrow down too far (empty when safe).
    observations : int
        ``secure.*`` observations of the build that were checked.
    zero_cells : int
        Of those, empty cells published as 0 after protection (checked against truth).
    """

    build_id: str
    tables: pd.DataFrame
    unprotected: pd.DataFrame
    intervals: pd.DataFrame
    observations: int
    zero_cells: int
    programs: int
    seconds: float
    public_hidden: int = 0
    zeros_given_away: int = 0
    certificates: dict[str, object] | None = None

    @property
    def ok(self) -> bool:
        """Nothing unprotected, every public margin shown, no "." that a shown 0 gives away."""
        return self.unprotected.empty and self.public_hidden == 0


def audit_warehouse(
    settings: Settings | None = None,
    *,
    database: Path | None = None,
    catalog: Catalog | None = None,
    certificates: bool = True,
) -> WarehouseAudit:
    """Audit the secure cells of a build (default: the current one).

    The attacker's view is what the build serves (``secure.*`` observations); the true
    values come from ``<home>/secure/aggregates.parquet``, with the levels, population
    choice, hierarchy and rule sets of the release the build holds. The certificates
    of the protection (``<home>/secure/certificates.parquet``), when present and
    ``certificates`` is left on, are checked against the build's cells and spare the
    programs of every cell they prove (:mod:`buurtzicht.disclosure.certificates`);
    ``certificates=False`` is the fully independent check.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    path = database or BuildLayout(settings.warehouse_dir).current_database()
    if not path.is_file():
        raise PublicationError(f"{path}: no warehouse database there; run `buurtzicht build`")
    shown, loaded = _secure_cells(path)
    release = read_published(published_path(settings))
    if release.sha256 not in loaded:
        raise PublicationError(
            f"build {path.stem} does not hold the release in {release.path}; load it with "
            "`buurtzicht secure load` (or `buurtzicht build`) before auditing"
        )
    source = aggregates_path(settings)
    choice = release.report["release"]
    prepared = prepare_release(
        settings,
        pd.read_parquet(source),
        read_aggregates_metadata(source),
        catalog=catalog,
        population=choice.get("population", "auto"),
        levels=tuple(choice.get("levels", ORDER)),
    )
    _same_context(prepared, release.report)
    shown = _attach_reasons(shown, release.frame)
    _check_zero_cells(shown, prepared)
    proofs = certificates_path(source.parent)
    given = pd.read_parquet(proofs) if certificates and proofs.is_file() else None
    report = prepared.audit(shown, given)
    return WarehouseAudit(
        path.stem,
        report.tables,
        report.unprotected,
        report.intervals,
        len(shown),
        len(prepared.zeros_after),
        report.programs,
        time.perf_counter() - started,
        report.public_hidden,
        report.zeros_given_away + _hidden_zeros_given_away(shown, prepared),
        certificate_figures(report) if given is not None else None,
    )


def _secure_cells(path: Path) -> tuple[pd.DataFrame, set[str]]:
    """The build's secure observations and the checksums of the releases it loaded."""
    with duckdb.connect(str(path), read_only=True) as conn:
        shown = secure_observations(conn)
        loaded = loaded_checksums(conn, TABLE_ID)
    return shown, loaded


def _same_context(prepared: PreparedRelease, report: dict[str, object]) -> None:
    context = report["context"]
    assert isinstance(context, dict)
    if prepared.context.fingerprint() != context["fingerprint"]:
        raise PublicationError(
            "the region hierarchy or the populations differ from those the release was "
            "protected with (another build or world); publish and load again before auditing"
        )


def _attach_reasons(shown: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    reasons = published[[*KEY, "reason"]].astype({c: str for c in KEY})
    out = shown.astype({c: str for c in KEY}).merge(reasons, on=KEY, how="left")
    return out


def _check_zero_cells(shown: pd.DataFrame, prepared: PreparedRelease) -> None:
    """Every warehouse cell is a cell of the release; its empty cells are 0 in the build."""
    engine = prepared.cells[KEY].assign(kind="engine")
    zeros = prepared.zeros_after[KEY].assign(kind="zero")
    known = pd.concat([engine, zeros], ignore_index=True).astype({c: str for c in KEY})
    merged = shown.merge(known, on=KEY, how="outer", indicator=True)
    stray = merged[merged["_merge"] != "both"]
    if len(stray):
        row = stray.iloc[0]
        where = "in the build only" if row["_merge"] == "left_only" else "missing in the build"
        raise PublicationError(
            f"{len(stray)} secure cell(s) differ between the build and the release, e.g. "
            f"{row['measure']} / {row['region']} / {row['period']} ({where})"
        )
    empty = merged[merged["kind"] == "zero"]
    wrong = empty[(empty["value"] != 0) | (empty["status"] != "ok")]
    if len(wrong):
        row = wrong.iloc[0]
        raise PublicationError(
            f"{len(wrong)} empty cell(s) are not published as 0, e.g. "
            f"{row['measure']} / {row['region']} / {row['period']}"
        )


def _hidden_zeros_given_away(shown: pd.DataFrame, prepared: PreparedRelease) -> int:
    """Suppressed cells that are 0 in truth under a total the build shows as 0.

    The engine's own audit sees only its cells; the empty cells published as 0 after
    protection sit above them in the build, so this rule is checked here on the whole
    build (:mod:`buurtzicht.disclosure.zeros`).
    """
    truth = prepared.cells[[*KEY, "value"]].astype({c: str for c in KEY})
    cells = shown.astype({c: str for c in KEY}).merge(
        truth.rename(columns={"value": "true_value"}), on=KEY, how="left"
    )
    # Cells not in the engine are the empty cells published as 0 (checked before).
    zero = cells["true_value"].fillna(0.0).eq(0).to_numpy()
    shown_zero = (cells["status"].eq("ok") & cells["value"].eq(0)).to_numpy()
    forced = zeros_given_away(
        cells, zero, shown_zero, prepared.release.spec, prepared.context.hierarchy
    )
    return int((forced & cells["status"].eq("suppressed").to_numpy()).sum())
