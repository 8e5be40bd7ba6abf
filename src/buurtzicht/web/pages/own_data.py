"""One stored data set of the organisation: ``/werkruimte/gegevens/{id}`` (table and
map per level and period, labelled "eigen gegevens"), and its CSV and XLSX exports.
Every view and export is written to the audit log."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from buurtzicht.analysis.stats.legend_classes import NO_DATA, classify
from buurtzicht.api.auth import MemberDep, WorkspaceDep, actor, private
from buurtzicht.api.deps import SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.schemas.card import format_number
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.web.contexts_workspace import DatasetPage, LegendOut, OwnRow
from buurtzicht.web.pages.workspace import dataset_out, organisation_code
from buurtzicht.web.render import page_meta
from buurtzicht.web.workspace_views import lang_of, private_page
from buurtzicht.workspace import audit, datasets
from buurtzicht.workspace.exports import safe_cell
from buurtzicht.workspace.sessions import Principal
from buurtzicht.workspace.uploads.validate import Aggregate

router = APIRouter()
Level = Literal["gemeente", "wijk", "buurt"]
LEVELS = ("gemeente", "wijk", "buurt")


def _owned(database: WorkspaceDep, principal: Principal, dataset_id: int) -> datasets.DatasetInfo:
    try:
        return datasets.dataset_info(database, organisation_code(principal), dataset_id)
    except datasets.UnknownDatasetError as exc:
        raise NotFoundError(str(exc)) from None


def _geometry_url(snapshot: SnapshotDep, level: str, gemeenten: tuple[str, ...]) -> str | None:
    cursor = snapshot.cursor()
    try:
        years = [year for lv, year, _n in geometry_queries.available(cursor) if lv == level]
    finally:
        cursor.close()
    if not years:
        return None
    parent = f"?parent={gemeenten[0]}" if len(gemeenten) == 1 and level != "gemeente" else ""
    return f"/api/geometry/{level}/{max(years)}{parent}"


def _names(snapshot: SnapshotDep, codes: list[str]) -> dict[str, str]:
    cursor = snapshot.cursor()
    try:
        return region_queries.names(cursor, codes, 2024)
    finally:
        cursor.close()


@router.get("/werkruimte/gegevens/{name}")
def dataset_page(
    request: Request,
    principal: MemberDep,
    database: WorkspaceDep,
    snapshot: SnapshotDep,
    name: str,
    niveau: Level = "gemeente",
    periode: Annotated[str, Query(max_length=16)] = "",
    maat: Literal["count", "total"] = "count",
) -> Response:
    raw = name.removesuffix(".json")
    if not raw.isdigit():
        raise NotFoundError(f"no data set {raw!r}")
    info = _owned(database, principal, int(raw))
    period = periode if periode in info.periods else (info.periods[-1] if info.periods else "")
    measure = maat if info.value_label else "count"
    rows = datasets.values(
        database, principal.organisation_code, info.id, level=niveau, period=period
    )
    numbers: list[float | None] = [float(r.count) if measure == "count" else r.total for r in rows]
    classes = classify(numbers, scheme="quantiles", k=5, national=None)
    names = _names(snapshot, [r.region for r in rows])
    lang = lang_of(request)
    decimals = 0 if measure == "count" else 2
    context = DatasetPage(
        page=page_meta(request, f"{info.name} (v{info.version})", lang),
        csrf=principal.csrf_token,
        dataset=dataset_out(info),
        level=niveau,
        levels=list(LEVELS),
        period=period,
        measure=measure,
        rows=[
            OwnRow(
                code=r.region,
                name=names.get(r.region, r.region),
                count=r.count,
                total=r.total,
                colour=classes.colour_of(classes.assignments[i]),
                display="."
                if numbers[i] is None
                else format_number(float(numbers[i] or 0), decimals, lang),
            )
            for i, r in enumerate(rows)
        ],
        legend=[
            LegendOut(lower=c.lower, upper=c.upper, colour=c.colour, count=c.count)
            for c in classes.classes
        ],
        geometry_url=_geometry_url(
            snapshot, niveau, principal.organisation.gemeenten if principal.organisation else ()
        ),
        parent=None,
        no_data_colour=NO_DATA,
        csv_url=f"/werkruimte/gegevens/{info.id}/export.csv",
        xlsx_url=f"/werkruimte/gegevens/{info.id}/export.xlsx",
    )
    detail: dict[str, object] = {"niveau": niveau, "periode": period}
    audit.record(
        database, actor(request, principal), "dataset.bekeken", f"dataset {info.id}", detail
    )
    return private_page(request, "own_data.html", context)


EXPORT_HEADER = (
    "dataset",
    "versie",
    "niveau",
    "regiocode",
    "regionaam",
    "periode",
    "aantal",
    "som",
)


def _export_rows(
    info: datasets.DatasetInfo, rows: list[Aggregate], names: dict[str, str]
) -> list[list[object]]:
    return [
        [
            safe_cell(v)
            for v in (
                info.name,
                info.version,
                r.level,
                r.region,
                names.get(r.region, ""),
                r.period,
                r.count,
                r.total,
            )
        ]
        for r in rows
    ]


@router.get("/werkruimte/gegevens/{dataset_id}/export.{suffix}")
def export(
    request: Request,
    principal: MemberDep,
    database: WorkspaceDep,
    snapshot: SnapshotDep,
    dataset_id: int,
    suffix: Literal["csv", "xlsx"],
) -> Response:
    """The aggregates of a data set; every text cell neutralised against formulas."""
    info = _owned(database, principal, dataset_id)
    rows = datasets.values(database, principal.organisation_code, info.id)
    table = _export_rows(info, rows, _names(snapshot, sorted({r.region for r in rows})))
    filename = f"eigen-gegevens-{info.id}-v{info.version}.{suffix}"
    if suffix == "csv":
        import csv

        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(
            [
                [str(v).replace(".", ",") if isinstance(v, float) else v for v in row]
                for row in table
            ]
        )
        body, media = ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("eigen gegevens")
        sheet.append(list(EXPORT_HEADER))
        for row in table:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record(
        database,
        actor(request, principal),
        "dataset.geexporteerd",
        f"dataset {info.id}",
        {"formaat": suffix, "rijen": len(table)},
    )
    response = Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
    return private(response)
