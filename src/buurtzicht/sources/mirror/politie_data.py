"""Datasets ``politie_misdrijven`` and ``politie_overlast`` (Politie, via CBS).

``politie_misdrijven`` holds everything measured in 47018NED crime types, so that each
``politie.misdrijven.<code>`` measure is defined once: the 59-type catalogue (also as
the ``crime_types`` table), the first 1,000 rows of the table (NL and Aa en Hunze
2012-2024), the national series NL_Crime.csv (2012-2023) and the per-gemeente
``cr_*`` figures of the geometry files, checked against the national series. Where
two files give the same key the official table rows win over NL_Crime.csv (an older
revision) and both win over the third party's gemeente sums.
"""

from __future__ import annotations

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES, GEOMETRY_YEARS
from buurtzicht.sources.mirror.politie import first_rows, national_series, read_catalogue
from buurtzicht.sources.mirror.politie_gemeenten import (
    Check,
    check_against_national,
    coverage_per_year,
    flags_from_checks,
    gemeente_crime,
)
from buurtzicht.sources.mirror.readers import numeric_columns
from buurtzicht.sources.mirror.wide import merge_by_priority, summarise
from buurtzicht.sources.observations import Measure, observations_frame


def load_politie_misdrijven(ctx: MirrorContext) -> Batch:
    """47018NED crime types: catalogue, national series, first rows, per-gemeente sums."""
    catalogue = read_catalogue(ctx)
    official = first_rows(ctx, catalogue)
    national = national_series(ctx, catalogue)
    gemeenten = gemeente_crime(ctx)
    reference, _, _ = merge_by_priority([official[official["region"] == "NL01"], national])
    checks = check_against_national(gemeenten, reference, coverage_per_year(ctx))
    flags = flags_from_checks(checks)
    merged, conflicts, agreed = merge_by_priority([official, national, gemeenten])
    keys = [
        "politie_soorten",
        "politie_brengdelicten",
        "politie_first_rows",
        "politie_nl_crime",
        *[f"gemeenten_geo_{y}" for y in GEOMETRY_YEARS],
    ]
    return Batch(
        name="politie_misdrijven",
        observations=observations_frame(merged),
        measures=catalogue.measures(flags),
        files=ctx.source_files(*keys),
        notes=[
            "47018NED presents all years on the 2024 wijk/buurt indeling (indeling 2024); "
            "national figures use the period's year; cr_* figures the geometry file's year",
            "duplicate keys: " + summarise(conflicts, agreed),
            *_check_notes(checks, flags),
            "cr_drugs_drank is 2.1.1 Drugs/drankoverlast (a misdrijf category of ~200 a "
            "year), not drugs crime: drugshandel is 3.1.1, which the cr_* attributes lack",
            "brengdelict in crime_types is W. Bernasco's classification (victim-reported "
            "crime), not a Politie field; NULL for 0.0.0",
        ],
        tables={"crime_types": catalogue.table},
        conflicts=conflicts,
    )


def _check_notes(checks: list[Check], flags: dict[str, tuple[tuple[str, ...], str]]) -> list[str]:
    checked = [c for c in checks if c.ratio is not None]
    lines = [
        f"cr_* check against the national series: {len(checked)} type-years compared, "
        f"{sum(c.failed for c in checked)} outside tolerance; flagged suspicious: "
        + (", ".join(sorted(flags)) or "none")
    ]
    lines += [
        f"politie.misdrijven.{code} suspicious: {reason}" for code, (_, reason) in flags.items()
    ]
    return lines


def _overlast_measures(codes: pd.DataFrame) -> list[Measure]:
    return [
        Measure(
            id=f"politie.overlast.{str(k).strip()}",
            title=f"Registraties overlast: {str(t).strip()}",
            unit="aantal",
            description=str(d or "").strip(),
            source_table="Politie overlast",
            source_version=FILES["politie_nl_disorder"].version,
            publisher="Politie",
            datatype="Long",
        )
        for k, t, d in zip(
            codes["Key"], codes["Title"], codes["Description"].fillna(""), strict=True
        )
    ]


def load_politie_overlast(ctx: MirrorContext) -> Batch:
    """National registrations of overlast (nuisance) per type, 2012-2023."""
    codes = ctx.table("politie_overlast_codes")
    by_title = {
        str(t).strip(): str(k).strip() for k, t in zip(codes["Key"], codes["Title"], strict=True)
    }
    path = ctx.path("politie_nl_disorder")
    table = ctx.read_table("politie_nl_disorder")
    labels = [str(t).strip() for t in table["incident_type_code"]]
    for line, label in enumerate(labels, start=2):
        if label not in by_title:
            raise SourceFormatError(
                path, f"overlast type {label!r} is not in Overlast.csv", line=line
            )
    years = [int(y) for y in table["year"]]
    values = numeric_columns(table, ["incident_count"], path=path)["incident_count"]
    frame = pd.DataFrame(
        {
            "measure": [f"politie.overlast.{by_title[label]}" for label in labels],
            "region": "NL01",
            "period": [f"{y}JJ00" for y in years],
            "indeling": years,
            "value": values.to_numpy(),
            "status": "ok",
            "source": "Politie overlast (NL_Disorder.csv)",
        }
    )
    return Batch(
        name="politie_overlast",
        observations=observations_frame(frame),
        measures=_overlast_measures(codes),
        files=ctx.source_files("politie_nl_disorder", "politie_overlast_codes"),
        notes=["national figures only (NL01), 2012-2023"],
    )
