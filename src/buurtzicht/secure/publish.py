"""The publication step: secure aggregates -> disclosure control -> published observations.

``publish`` reads ``<home>/secure/aggregates.parquet`` (true values, never published)
and its sidecar, protects the measures the catalog releases with the rule set each one
names, and writes ``<home>/secure/published.parquet`` (observation shape plus ``reason``)
and the protection report ``published.json`` beside it. Both go to temporary files
first and are renamed only when protection succeeded; a run that cannot protect every
cell (or whose optional audit finds an unprotected one) writes nothing, so nothing
unprotected ever reaches the path the warehouse build reads.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from buurtzicht.config import Settings
from buurtzicht.disclosure import AuditReport, DisclosureError, audit, protect
from buurtzicht.disclosure.report import utility_report
from buurtzicht.errors import ConfigurationError
from buurtzicht.indicators.loader import Catalog, default_catalog
from buurtzicht.microdata.store import aggregates_path, atomic_file
from buurtzicht.secure import cells as release_cells
from buurtzicht.secure.context import PopulationChoice, RegionContext, region_context
from buurtzicht.secure.levels import (
    ORDER,
    keep_levels,
    keep_released_levels,
    parse_levels,
    restrict,
)
from buurtzicht.secure.published import (
    FORMAT,
    certificates_path,
    published_path,
    read_aggregates_metadata,
    report_path,
)
from buurtzicht.secure.published_models import write_published_models
from buurtzicht.secure.release import Release, release_from_catalog
from buurtzicht.sources.base import sha256_of
from buurtzicht.sources.observations import Status


@dataclass(frozen=True)
class PublishResult:
    """What :func:`publish` wrote: the published frame, per-table report and document."""

    published: pd.DataFrame
    report: pd.DataFrame
    document: dict[str, Any]
    path: Path
    seconds: float


@dataclass(frozen=True)
class PreparedRelease:
    """A release with its engine input and context (shared by publish and the audit)."""

    release: Release
    context: RegionContext
    cells: pd.DataFrame
    zeros_after: pd.DataFrame
    source: str
    levels: tuple[str, ...] = ORDER
    population: PopulationChoice = "auto"

    def audit(
        self, published: pd.DataFrame, certificates: pd.DataFrame | None = None
    ) -> AuditReport:
        """Audit ``published`` against these true cells, rules and relations.

        ``certificates`` (those of the protection, checked by the audit itself) spare
        the programs of every cell they prove; ``None`` audits fully independently.
        """
        return audit(
            published,
            self.cells,
            self.release.spec,
            self.release.rules,
            population=self.context.population,
            hierarchy=self.context.hierarchy,
            certificates=certificates,
        )


def prepare_release(
    settings: Settings,
    aggregates: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    catalog: Catalog | None = None,
    population: PopulationChoice = "auto",
    levels: tuple[str, ...] = ORDER,
) -> PreparedRelease:
    """Release, hierarchy, populations and the engine's cells for these aggregates.

    ``levels`` (coarse to fine, see :mod:`.levels`) limits the regions released.
    """
    release, context = release_context(
        settings, aggregates, metadata, catalog=catalog, population=population, levels=levels
    )
    aggregates = keep_released_levels(keep_levels(aggregates, levels), release.released_levels)
    empty = keep_released_levels(
        release_cells.empty_cells(aggregates, release.measures), release.released_levels
    )
    empty = release_cells.covered_periods(empty, release.period_years)
    present = aggregates[aggregates["measure"].isin(release.measures)]
    hidden, after = release_cells.split_empty_cells(
        empty, release.rules, context.population, (release.spec, context.hierarchy), present
    )
    cells = release_cells.engine_cells(aggregates, release.measures, hidden)
    return PreparedRelease(
        release, context, cells, after, str(metadata["source"]), levels, population
    )


def release_context(
    settings: Settings,
    aggregates: pd.DataFrame,
    metadata: dict[str, Any],
    *,
    catalog: Catalog | None = None,
    population: PopulationChoice = "auto",
    levels: tuple[str, ...] = ORDER,
) -> tuple[Release, RegionContext]:
    """The release of the catalog and its region context, without the cells (quick)."""
    catalog = catalog or default_catalog()
    produced = sorted(set(aggregates["measure"].astype(str)))
    release = release_from_catalog(catalog, metadata.get("totals", {}), produced)
    context = region_context(settings, keep_levels(aggregates, levels), population=population)
    return release, replace(context, hierarchy=restrict(context.hierarchy, levels))


def publish(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    population: PopulationChoice = "auto",
    levels: tuple[str, ...] | None = None,
    check: bool = False,
) -> PublishResult:
    """Protect the secure aggregates and write the published file and its report.

    ``levels`` defaults to ``BUURTZICHT_SECURE_LEVELS``. With ``check`` the disclosure
    audit runs on the result before anything is written and a single unprotected cell
    stops the publication.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    source_path = aggregates_path(settings)
    aggregates, metadata = _read_aggregates(source_path)
    prepared = prepare_release(
        settings,
        aggregates,
        metadata,
        catalog=catalog,
        population=population,
        levels=levels or parse_levels(settings.secure_levels),
    )
    release, context = prepared.release, prepared.context
    protected = protect(
        prepared.cells,
        release.spec,
        release.rules,
        population=context.population,
        hierarchy=context.hierarchy,
        source=prepared.source,
    )
    if protected.limited:
        raise DisclosureError(
            f"{len(protected.limited)} cell(s) could not reach their protection level; "
            "nothing was published (see `buurtzicht disclosure audit` for the cells)"
        )
    published = _with_zeros(protected.published, prepared.zeros_after, prepared.source)
    audited = _audit(published, prepared, protected.certificates) if check else None
    document = _document(
        metadata, prepared, protected.report, published, audited, source_path, protected
    )
    target = published_path(settings)
    _write(published, document, target, metadata, protected.certificates)
    document["published"]["sha256"] = sha256_of(target)
    write_published_models(settings, published, document["published"]["sha256"])
    return PublishResult(
        published, protected.report, document, target, time.perf_counter() - started
    )


def _read_aggregates(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    if not path.is_file():
        raise ConfigurationError(
            f"{path} does not exist; run `buurtzicht synth` and `buurtzicht secure link` first"
        )
    return pd.read_parquet(path), read_aggregates_metadata(path)


def _with_zeros(published: pd.DataFrame, zeros: pd.DataFrame, source: str) -> pd.DataFrame:
    """The protected cells plus the empty cells published as 0 (see :mod:`.cells`)."""
    if zeros.empty:
        return published
    extra = zeros.assign(
        indeling=published["indeling"].iloc[0] if len(published) else 2024,
        value=0.0,
        status=Status.OK.value,
        source=source,
        reason=None,
    )
    out = pd.concat([published, extra[published.columns]], ignore_index=True)
    out = out.astype(published.dtypes.to_dict())
    return out.sort_values(["measure", "period", "region"]).reset_index(drop=True)


def _audit(
    published: pd.DataFrame, prepared: PreparedRelease, certificates: pd.DataFrame | None
) -> dict[str, Any]:
    """Audit before writing (using the protection's certificates, checked by the audit
    itself); the figures go into the report (``audit``)."""
    started = time.perf_counter()
    report = prepared.audit(published, certificates)
    if not report.ok:
        raise DisclosureError(
            f"the audit found {len(report.unprotected)} unprotected cell(s), "
            f"{report.public_hidden} hidden public margin cell(s) and "
            f"{report.zeros_given_away} hidden cell(s) a published 0 gives away; "
            "nothing was published"
        )
    return {
        "cells": len(prepared.cells),
        "published_rows": len(published),
        "empty_cells_as_zero": len(prepared.zeros_after),
        "checked_intervals": len(report.intervals),
        "linear_programs": report.programs,
        "unprotected": len(report.unprotected),
        "public_hidden": report.public_hidden,
        "zeros_given_away": report.zeros_given_away,
        "seconds": round(time.perf_counter() - started, 1),
        **certificate_figures(report),
        "tables": _records(report.tables),
    }


def certificate_figures(report: AuditReport) -> dict[str, Any]:
    """How the audit proved its cells: by checked certificates or by its own programs."""
    check = report.certificates
    return {
        "proven_by_certificates": report.proven_by_certificates,
        "proven_by_programs": report.proven_by_programs,
        "certificates_checked": check.given if check else 0,
        "certificates_rejected": check.rejected if check else 0,
        "certificates_rejected_why": dict(check.why) if check else {},
        "certificate_check_seconds": round(check.seconds, 1) if check else 0.0,
    }


def _document(
    metadata: dict[str, Any],
    prepared: PreparedRelease,
    report: pd.DataFrame,
    published: pd.DataFrame,
    audited: dict[str, Any] | None,
    source_path: Path,
    protected: Any,
) -> dict[str, Any]:
    status = published["status"].value_counts().to_dict()
    release = prepared.release
    return {
        "format": FORMAT,
        "synthetic": bool(metadata.get("synthetic", False)),
        "source": prepared.source,
        "label": metadata.get("label", ""),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "published": {
            "file": "published.parquet",
            "sha256": "",
            "rows": len(published),
            "suppressed": int(status.get(Status.SUPPRESSED.value, 0)),
            "rounded": int(status.get(Status.ROUNDED.value, 0)),
            "zero_cells_after_protection": len(prepared.zeros_after),
        },
        "aggregates": {"sha256": sha256_of(source_path), "cells": len(prepared.cells)},
        "release": {
            "measures": list(release.measures),
            "levels": list(prepared.levels),
            "population": prepared.population,
            "rules": release.rule_names,
            "released_levels": release.released_levels,
            "period_years": release.period_years,
            "tables": [t.model_dump() for t in release.spec.tables],
        },
        "context": {
            "hierarchy": prepared.context.hierarchy_source,
            "population": prepared.context.population_source,
            "fingerprint": prepared.context.fingerprint(),
        },
        "tables": json.loads(report.to_json(orient="records")),
        "utility": _records(utility_report(published, _true_values(published, prepared))),
        "audited": audited is not None,
        "audit": audited,
        "timings": {k: round(v, 2) for k, v in protected.timings.items()},
        "programs": protected.programs,
    }


def _true_values(published: pd.DataFrame, prepared: PreparedRelease) -> np.ndarray:
    """The secure value of every published row (empty cells added after protection: 0)."""
    truth = prepared.cells[[*release_cells.KEY, "value"]].astype({"period": str})
    keys = published[release_cells.KEY].astype({"period": str})
    merged = keys.merge(truth, on=release_cells.KEY, how="left")
    return merged["value"].fillna(0.0).to_numpy(float)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", double_precision=4))
    return records


def _write(
    published: pd.DataFrame,
    document: dict[str, Any],
    target: Path,
    metadata: dict[str, Any],
    certificates: pd.DataFrame,
) -> None:
    """Write the files to temporary names, then rename: the report last.

    The certificates stay beside the published file on the secure side; the warehouse
    build never reads them.
    """
    table = pa.Table.from_pandas(published, preserve_index=False)
    label = json.dumps({"synthetic": metadata.get("synthetic"), "source": metadata.get("source")})
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"buurtzicht": label.encode()}
    )
    proofs = certificates_path(target.parent)
    tmp_data, tmp_report = atomic_file(target), atomic_file(report_path(target.parent))
    tmp_proofs = atomic_file(proofs)
    try:
        pq.write_table(table, tmp_data)
        certificates.to_parquet(tmp_proofs, index=False)
        document["published"]["sha256"] = sha256_of(tmp_data)
        document["certificates"] = {
            "file": proofs.name,
            "sha256": sha256_of(tmp_proofs),
            "certificates": int(certificates["certificate"].nunique()),
            "rows": len(certificates),
        }
        tmp_report.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    except BaseException:
        for tmp in (tmp_data, tmp_proofs, tmp_report):
            tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp_data, target)
    os.replace(tmp_proofs, proofs)
    os.replace(tmp_report, report_path(target.parent))
