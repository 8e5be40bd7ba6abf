"""Assemble a build from the offline mirror: regions, every mirrored dataset,
boundaries, harmonised series, the published secure release when there is one, and the
checks a complete build must pass."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from buurtzicht.analysis.deviations_table import materialise_deviations
from buurtzicht.analysis.materialise import materialise
from buurtzicht.analysis.profile_comparisons_table import materialise_comparisons
from buurtzicht.config import Settings
from buurtzicht.errors import BuildError
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.regions.codes import Level
from buurtzicht.secure.published import published_path, read_published, secure_batch
from buurtzicht.secure.published_models import model_tables, published_models_path
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.boundary_changes import boundary_changes_source
from buurtzicht.sources.mirror import DATASETS, load_datasets, load_regions
from buurtzicht.warehouse.boundary_sets import mirror_boundaries
from buurtzicht.warehouse.build import BoundarySet, BuildInputs, Step
from buurtzicht.warehouse.harmonisation import harmonise_gemeenten
from buurtzicht.warehouse.validate import Expectations, SumCheck

CRIME_TOTAL = "misdrijven.TotaalGeregistreerdeMisdrijven"

MIRROR_EXPECTATIONS = Expectations(
    exact_regions={("gemeente", 2024): 342},
    min_regions={("wijk", 2024): 3393, ("buurt", 2024): 14574},
    datasets=tuple(d.name for d in DATASETS),
    sum_checks=(SumCheck(CRIME_TOTAL, 2024, first_year=2012),),
)


def collect_from_mirror(settings: Settings, say: Step) -> BuildInputs:
    mirror = settings.require_mirror()
    say("regions")
    regions = load_regions(mirror)
    say("datasets")
    batches = load_datasets(mirror, regions=regions)
    say("boundaries")
    boundary_sets, geometry_files = mirror_boundaries(mirror, regions.frame, settings.cache_dir)
    say("harmonisation to the 2024 indeling")
    harmonised, weights, matrix_file = _harmonise(mirror, regions.frame, batches, boundary_sets)
    secure = published_batches(settings, say)
    return BuildInputs(
        regions=regions.frame,
        batches=[*batches, harmonised, *secure],
        boundaries=boundary_sets,
        tables=_tables(batches),
        harmonisation=weights,
        files=[*regions.files, *geometry_files, matrix_file],
        expectations=MIRROR_EXPECTATIONS,
        description=f"offline mirror {mirror}",
        derive=[
            ("indicator values", materialise),
            ("deviating children of every gemeente and wijk", materialise_deviations),
            ("profile comparisons of every gemeente", materialise_comparisons),
        ],
    )


def published_batches(settings: Settings, say: Step) -> list[Batch]:
    """The published secure release as a batch, verified; none when nothing is published.

    Only ``<home>/secure/published.parquet`` with its disclosure report is read, never the
    secure aggregates; a file that fails verification stops the build.
    """
    path = published_path(settings)
    if not path.is_file():
        return []
    say("secure release (published after disclosure control)")
    release = read_published(path)
    batch = secure_batch(release, default_catalog())
    models = model_tables(release.frame, release.sha256, published_models_path(settings))
    return [dataclasses.replace(batch, tables={**batch.tables, **models})]


def _harmonise(
    mirror: Path, regions: pd.DataFrame, batches: list[Batch], sets: list[BoundarySet]
) -> tuple[Batch, pd.DataFrame, SourceFile]:
    matrix, matrix_file = boundary_changes_source(mirror)
    gemeenten = {s.year: s.frame for s in sets if s.level == Level.GEMEENTE.value}
    wijken = _wijken_with_population(regions, batches, sets)
    current = set(
        regions.loc[
            (regions["indeling"] == 2024)
            & (regions["level"] == "gemeente")
            & regions["special"].isna(),
            "code",
        ]
    )
    try:
        result = harmonise_gemeenten(batches, matrix, gemeenten, wijken, current)
    except ValueError as exc:
        raise BuildError(f"harmonisation failed: {exc}") from exc
    return result.batch, result.weights, matrix_file


def _wijken_with_population(
    regions: pd.DataFrame, batches: list[Batch], sets: list[BoundarySet]
) -> pd.DataFrame:
    geometry = next(s.frame for s in sets if s.level == Level.WIJK.value and s.year == 2024)
    population = pd.concat(
        b.observations[
            (b.observations["measure"] == "kwb.AantalInwoners")
            & (b.observations["indeling"] == 2024)
            & b.observations["region"].str.startswith("WK")
        ]
        for b in batches
    ).drop_duplicates("region")
    frame = geometry.merge(
        population[["region", "value"]], left_on="code", right_on="region", how="inner"
    )
    wijk_gemeente = regions[regions["indeling"] == 2024].set_index("code")["gemeente"]
    frame["gemeente"] = frame["code"].map(wijk_gemeente)
    frame = frame[(frame["value"].fillna(0) > 0) & frame["gemeente"].notna()]
    return frame.rename(columns={"value": "population"})[
        ["code", "gemeente", "population", "geometry"]
    ]


def _tables(batches: list[Batch]) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for batch in batches:
        tables.update(getattr(batch, "tables", {}) or {})
    return tables
