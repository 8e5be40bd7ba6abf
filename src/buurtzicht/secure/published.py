"""The published secure release as the warehouse sees it: read, verify, turn into a batch.

This is the only secure-side file the publication side reads. :func:`read_published`
refuses a file without its disclosure report (``published.json``), a file whose
checksum differs from the one in its report, and a file that carries a value (or a
non-suppressed status) in a cell the engine suppressed; the build then stops with the
reason. :func:`secure_batch` gives the verified cells to the warehouse with the
measures' titles and units from the catalog, flagged ``synthetic``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from buurtzicht.config import Settings
from buurtzicht.errors import BuildError
from buurtzicht.indicators.loader import Catalog
from buurtzicht.microdata.store import secure_dir
from buurtzicht.sources.base import Batch, SourceFile, sha256_of
from buurtzicht.sources.observations import (
    OBSERVATION_COLUMNS,
    Measure,
    Status,
    observations_frame,
)
from buurtzicht.warehouse.audit_note import audit_note

#: Version of the report document (``published.json``).
FORMAT = 1
#: Reasons of suppressed cells (docs/disclosure.md, "Published output").
SUPPRESSION_REASONS = frozenset({"population", "min_units", "dominance", "p_percent", "secondary"})
#: Manifest table id of the published file, and the batch name in the warehouse.
TABLE_ID = "secure.published"
BATCH = "secure"
PUBLISHER = "buurtzicht (synthetisch)"


class PublicationError(BuildError):
    """A published secure file that the warehouse must not load."""


def published_path(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "published.parquet"


def certificates_path(folder: Path) -> Path:
    """The certificates of the protection in ``folder`` (secure side only, never loaded).

    :mod:`buurtzicht.disclosure.certificates`: what secondary suppression proved, for
    the audit to check and use (``buurtzicht disclosure audit``, ``--warehouse``).
    """
    return folder / "certificates.parquet"


def report_path(folder: Path) -> Path:
    """The protection report beside the published file in ``folder``."""
    return folder / "published.json"


def read_aggregates_metadata(path: Path) -> dict[str, Any]:
    """The sidecar of the secure aggregates (``aggregates.json``), else the Parquet key."""
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        return dict(json.loads(sidecar.read_text(encoding="utf-8")))
    meta = pq.read_schema(path).metadata or {}
    if b"buurtzicht" not in meta:
        raise PublicationError(f"{path}: no metadata (aggregates.json) beside the aggregates")
    return dict(json.loads(meta[b"buurtzicht"]))


@dataclass(frozen=True)
class PublishedRelease:
    """A verified published file with its report."""

    frame: pd.DataFrame
    report: dict[str, Any]
    path: Path
    sha256: str

    @property
    def source(self) -> str:
        return str(self.report["source"])


def read_published(path: Path) -> PublishedRelease:
    """Read and verify a published file; :class:`PublicationError` names what is wrong."""
    report_file = report_path(path.parent)
    if not report_file.is_file():
        raise PublicationError(
            f"{path} has no disclosure report ({report_file.name}); only files written by "
            "`buurtzicht secure publish` are loaded"
        )
    report = json.loads(report_file.read_text(encoding="utf-8"))
    digest = sha256_of(path)
    if report.get("format") != FORMAT or report["published"]["sha256"] != digest:
        raise PublicationError(
            f"{path} does not match its disclosure report {report_file.name} (checksum "
            "differs): it was changed after protection; run `buurtzicht secure publish`"
        )
    frame = pd.read_parquet(path)
    _check_suppressed(frame, report, path)
    return PublishedRelease(frame, report, path, digest)


def _check_suppressed(frame: pd.DataFrame, report: dict[str, Any], path: Path) -> None:
    missing = [c for c in [*OBSERVATION_COLUMNS, "reason"] if c not in frame]
    if missing:
        raise PublicationError(f"{path}: columns {missing} are missing")
    reason = frame["reason"].astype("string")
    engine_hid = reason.isin(SUPPRESSION_REASONS).fillna(False)
    leaks = frame[engine_hid & (frame["value"].notna() | (frame["status"] != Status.SUPPRESSED))]
    if len(leaks):
        row = leaks.iloc[0]
        raise PublicationError(
            f"{path}: {len(leaks)} cell(s) the disclosure engine suppressed carry a value or "
            f"status, e.g. {row['measure']} / {row['region']} / {row['period']} "
            f"({row['reason']}: {row['value']}, {row['status']})"
        )
    hidden = frame["status"] == Status.SUPPRESSED
    unexplained = frame[hidden & ~engine_hid]
    if len(unexplained) or int(hidden.sum()) != int(report["published"]["suppressed"]):
        raise PublicationError(
            f"{path}: {int(hidden.sum())} suppressed cells, the report says "
            f"{report['published']['suppressed']}; the file does not come from this report"
        )
    unknown = sorted(set(frame["measure"]) - set(report["release"]["measures"]))
    if unknown:
        raise PublicationError(f"{path}: measures outside the release, e.g. {unknown[0]}")


def secure_batch(release: PublishedRelease, catalog: Catalog) -> Batch:
    """The published cells as a warehouse batch; metadata from the catalog's definitions."""
    synthetic = bool(release.report.get("synthetic"))
    measures = []
    for measure in sorted(set(release.frame["measure"])):
        if measure not in catalog.measures:
            raise PublicationError(
                f"{release.path}: measure {measure} has no definition in the catalog"
            )
        definition = catalog.measures[measure]
        flags = ("synthetic",) if synthetic else ()
        measures.append(
            Measure(
                measure,
                definition.title.nl,
                unit=definition.unit.nl,
                decimals=0,
                description=f"{definition.description.nl} / {definition.description.en}",
                source_table=TABLE_ID,
                source_version=release.source,
                publisher=PUBLISHER if synthetic else "buurtzicht",
                licence="CC BY 4.0",
                flags=(*flags, f"disclosure:{definition.disclosure_rule}"),
            )
        )
    observations = observations_frame(release.frame[OBSERVATION_COLUMNS], source=release.source)
    files = [
        SourceFile(
            str(release.path),
            TABLE_ID,
            release.source,
            release.sha256,
            publisher=PUBLISHER if synthetic else "buurtzicht",
        ),
        SourceFile.of(
            report_path(release.path.parent),
            f"{TABLE_ID}.report",
            release.source,
            publisher=PUBLISHER if synthetic else "buurtzicht",
        ),
    ]
    counts = release.report["published"]
    notes = [
        release.report.get("label") or "secure side",
        f"{counts['rows']:,} cells, {counts['suppressed']:,} suppressed by disclosure control",
        audit_note(release.report),
    ]
    return Batch(
        BATCH, observations, measures, files, notes, tables={REASONS_TABLE: suppressions(release)}
    )


#: Warehouse table of the suppressed cells' published reasons (``secure_``: it comes and
#: goes with the release, see assembly/from_current).
REASONS_TABLE = "secure_suppressions"
REASON_COLUMNS = ["measure", "region", "period", "indeling", "reason"]


def suppressions(release: PublishedRelease) -> pd.DataFrame:
    """The reason of every suppressed cell as the release publishes it (``min_units``,
    ``population``, ``dominance``, ``p_percent``, ``secondary``), so that the dashboard
    can say why a figure is missing. The reasons are part of the release: the audit
    counts what they give away (docs/disclosure.md, "What an attacker knows")."""
    frame = release.frame
    hidden = frame[frame["status"] == Status.SUPPRESSED]
    out = hidden[REASON_COLUMNS].astype(
        {"measure": str, "region": str, "period": str, "reason": str}
    )
    return out.astype({"indeling": "int32"}).reset_index(drop=True)
