"""The workspace of an organisation: ``/werkruimte`` (its data sets and the upload
form), the preview of an upload with a report per row, storing and deleting."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from buurtzicht.api.auth import ForbiddenError, MemberDep, WorkspaceDep, actor, require_csrf
from buurtzicht.api.deps import SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.config import Settings
from buurtzicht.web.contexts_workspace import (
    DatasetOut,
    LevelSummary,
    PreviewPage,
    ProblemOut,
    WorkspacePage,
)
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_meta
from buurtzicht.web.workspace_views import lang_of, organisation_out, private_page, see_other
from buurtzicht.workspace import audit, datasets
from buurtzicht.workspace.sessions import Principal
from buurtzicht.workspace.uploads.places import Gazetteer
from buurtzicht.workspace.uploads.read import UploadFileError, read_upload
from buurtzicht.workspace.uploads.validate import Preview, Problem, validate

router = APIRouter()
FormText = Annotated[str, Form(max_length=300)]


def dataset_out(info: datasets.DatasetInfo) -> DatasetOut:
    return DatasetOut(**info.__dict__)


def organisation_code(principal: Principal) -> str:
    """The organisation whose own data this user works with (403 without one)."""
    if principal.organisation is None:
        raise ForbiddenError("your account belongs to no organisation: there is no own data")
    return principal.organisation.code


@router.get("/werkruimte")
@router.get("/werkruimte.json")
def workspace(request: Request, principal: MemberDep, database: WorkspaceDep) -> Response:
    lang = lang_of(request)
    settings: Settings = request.app.state.settings
    mine = (
        datasets.datasets(database, principal.organisation.code) if principal.organisation else []
    )
    context = WorkspacePage(
        page=page_meta(request, translator(lang)["ws_workspace_title"], lang),
        csrf=principal.csrf_token,
        organisation=organisation_out(principal.organisation) if principal.organisation else None,
        datasets=[dataset_out(d) for d in mine],
        max_bytes=settings.upload_max_bytes,
        max_rows=settings.upload_max_rows,
    )
    return private_page(request, "workspace.html", context)


def check_upload(
    data: bytes,
    filename: str,
    snapshot: SnapshotDep,
    settings: Settings,
    gemeenten: tuple[str, ...],
) -> Preview:
    """Read and validate an upload against the current build (nothing is stored)."""
    try:
        table = read_upload(data, filename, settings.upload_max_bytes, settings.upload_max_rows)
        cursor = snapshot.cursor()
        try:
            gazetteer = Gazetteer(cursor, gemeenten)
        finally:
            cursor.close()
        return validate(table, gazetteer, filename, date.today())
    except UploadFileError as exc:
        preview = Preview(filename, "", "", "", 0)
        preview.problems = [Problem(0, "", "bestand", str(exc))]
        preview.problem_counts = {"bestand": 1}
        return preview


def _preview_page(
    request: Request, principal: Principal, preview: Preview, token: str | None
) -> Response:
    lang = lang_of(request)
    levels = Counter(a.level for a in preview.aggregates)
    rows: Counter[str] = Counter()
    for a in preview.aggregates:
        rows[a.level] += a.count
    context = PreviewPage(
        page=page_meta(request, translator(lang)["ws_preview_title"], lang),
        csrf=principal.csrf_token,
        filename=preview.filename,
        file_format=preview.file_format,
        encoding=preview.encoding,
        separator=preview.separator,
        rows=preview.rows,
        key_kind=preview.key_kind,
        value_label=preview.value_label,
        ok=preview.ok,
        problems=[ProblemOut(**p.__dict__) for p in preview.problems],
        problem_counts=preview.problem_counts,
        ambiguous=preview.ambiguous,
        levels=[
            LevelSummary(level=level, regions=levels[level], rows=rows[level])
            for level in ("gemeente", "wijk", "buurt")
            if levels[level]
        ],
        periods=preview.periods,
        token=token,
        default_name=PurePath(preview.filename).stem[:200],
    )
    return private_page(request, "preview.html", context, status=200 if preview.ok else 422)


@router.post("/werkruimte/voorbeeld")
async def preview_upload(
    request: Request,
    principal: MemberDep,
    database: WorkspaceDep,
    snapshot: SnapshotDep,
    bestand: Annotated[UploadFile, File()],
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    organisation = organisation_code(principal)
    assert principal.organisation is not None
    settings: Settings = request.app.state.settings
    data = await bestand.read(settings.upload_max_bytes + 1)
    filename = PurePath(bestand.filename or "upload").name[:300]
    preview = await run_in_threadpool(
        check_upload, data, filename, snapshot, settings, principal.organisation.gemeenten
    )
    token = None
    if preview.ok:
        token = datasets.stage(settings.home, preview, principal.username, organisation)
    detail: dict[str, object] = {
        "bestand": filename,
        "bytes": len(data),
        "rijen": preview.rows,
        "problemen": preview.problem_counts,
    }
    await run_in_threadpool(
        audit.record, database, actor(request, principal), "upload.gecontroleerd", filename, detail
    )
    return _preview_page(request, principal, preview, token)


@router.post("/werkruimte/opslaan")
def store_upload(
    request: Request,
    principal: MemberDep,
    database: WorkspaceDep,
    token: FormText,
    naam: FormText,
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    organisation = organisation_code(principal)
    settings: Settings = request.app.state.settings
    upload = datasets.staged(settings.home, token, principal.username, organisation)
    info = datasets.store(database, upload, naam)
    datasets.discard(settings.home, token)
    detail: dict[str, object] = {
        "naam": info.name,
        "versie": info.version,
        "rijen": info.rows,
        "bestand": info.filename,
    }
    audit.record(
        database, actor(request, principal), "dataset.opgeslagen", f"dataset {info.id}", detail
    )
    return see_other(f"/werkruimte/gegevens/{info.id}")


@router.post("/werkruimte/gegevens/{dataset_id}/verwijderen")
def delete_dataset(
    request: Request,
    principal: MemberDep,
    database: WorkspaceDep,
    dataset_id: int,
    csrf: FormText = "",
) -> Response:
    require_csrf(request, principal, csrf)
    organisation = organisation_code(principal)
    try:
        info = datasets.delete_dataset(database, organisation, dataset_id)
    except datasets.UnknownDatasetError as exc:
        raise NotFoundError(str(exc)) from None
    detail: dict[str, object] = {"naam": info.name, "versie": info.version}
    audit.record(
        database, actor(request, principal), "dataset.verwijderd", f"dataset {info.id}", detail
    )
    return see_other("/werkruimte")
