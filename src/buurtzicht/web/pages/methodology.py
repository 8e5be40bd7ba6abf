"""Methodology and sources: an index of the themes and the sources, and a page per
theme with every indicator's definition, method, source and licence; what the
indicators of a theme share is said once, in user-facing names."""

from __future__ import annotations

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.analysis.composite import DRAWS, SEED, SPREAD
from buurtzicht.api.deps import LangDep, SnapshotDep
from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.schemas.card import format_number
from buurtzicht.api.schemas.figures import ThemeOut
from buurtzicht.api.services.build import build_summary
from buurtzicht.api.services.catalog import COMPOSITE_THEME, model_catalog
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.indicators.themes import Catalog as ModelCatalog
from buurtzicht.queries.secure_release import secure_audit
from buurtzicht.warehouse.audit_note import AuditFigures
from buurtzicht.web.contexts import (
    DisclosureAudit,
    MethodComposite,
    MethodIndicator,
    MethodologyPage,
    MethodologyThemePage,
    MethodTheme,
    SourceName,
)
from buurtzicht.web.i18n import translator
from buurtzicht.web.methodology_text import humanise, own_text, shared_sentences
from buurtzicht.web.pages.home import themes
from buurtzicht.web.render import cached_page, page_meta, split_json
from buurtzicht.web.source_names import source_name

router = APIRouter()


def _method_theme(theme: ThemeOut, model: ModelCatalog, lang: str) -> MethodTheme:
    """A theme with its description from the build's catalog."""
    loaded = next((t.theme for t in model.themes if t.theme.theme == theme.id), None)
    description = (
        "" if loaded is None else (loaded.description.en if lang == "en" else loaded.description.nl)
    )
    return MethodTheme(
        id=theme.id,
        title=theme.title,
        description=description,
        indicators=len(theme.indicators),
        url=f"/methodologie/{theme.id}",
    )


def _measure_names(all_themes: list[ThemeOut], model: ModelCatalog, lang: str) -> dict[str, str]:
    """Measure id -> title: the build catalog's secure measures, then its raw ones."""
    names = {m: (d.title.en if lang == "en" else d.title.nl) for m, d in model.measures.items()}
    for theme in all_themes:
        if theme.indicators and not theme.indicators[0].catalog:
            names.update({i.id: i.title for i in theme.indicators if i.id not in names})
    return names


MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}


def _audit(audit: AuditFigures, lang: str) -> DisclosureAudit:
    text = None
    if audit.date:
        year, month, day = (int(part) for part in audit.date.split("-"))
        text = f"{day} {MONTHS['en' if lang == 'en' else 'nl'].split()[month - 1]} {year}"
    return DisclosureAudit(figures=audit, date_text=text)


def _index(request: Request, snapshot: Snapshot, lang: str, as_json: bool) -> Response:
    def build(cursor: duckdb.DuckDBPyConnection) -> MethodologyPage:
        all_themes = themes(snapshot, cursor, lang)
        summary = build_summary(snapshot, cursor, lang)
        secure_release, audit = secure_audit(cursor)
        return MethodologyPage(
            page=page_meta(
                request, translator(lang)["method_title"], lang, build_id=snapshot.build_id
            ),
            themes=[
                _method_theme(t, model_catalog(snapshot), lang)
                for t in all_themes
                if t.indicators[0].catalog
            ],
            source_themes=[
                t for t in all_themes if not t.indicators[0].catalog and t.id != COMPOSITE_THEME[0]
            ],
            sources=[
                SourceName(
                    name=source_name(s.table, lang),
                    publisher=s.publisher,
                    version=s.version,
                    licence=s.licence,
                )
                for s in summary.sources
            ],
            build=summary,
            secure_release=secure_release,
            audit=_audit(audit, lang) if audit else None,
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="methodology.html", build=build
    )


def _theme(request: Request, snapshot: Snapshot, lang: str, name: str) -> Response:
    theme_id, as_json = split_json(name)

    def build(cursor: duckdb.DuckDBPyConnection) -> MethodologyThemePage:
        all_themes = themes(snapshot, cursor, lang)
        theme = next((t for t in all_themes if t.id == theme_id and t.indicators[0].catalog), None)
        if theme is None:
            known = ", ".join(t.id for t in all_themes if t.indicators[0].catalog)
            raise NotFoundError(f"no theme {theme_id!r}; themes: {known}")
        model = model_catalog(snapshot)
        names = _measure_names(all_themes, model, lang)
        texts = [i.methodology for i in theme.indicators]
        shared = shared_sentences(texts)
        return MethodologyThemePage(
            page=page_meta(
                request,
                f"{translator(lang)['method_title']}: {theme.title}",
                lang,
                build_id=snapshot.build_id,
            ),
            theme=_method_theme(theme, model, lang),
            shared=[humanise(s, names) for s in shared],
            indicators=[
                MethodIndicator(
                    indicator=i, method=humanise(own_text(i.methodology, shared), names)
                )
                for i in theme.indicators
            ],
            composites=_composites(all_themes, theme_id, lang),
        )

    return cached_page(
        request, snapshot, lang, as_json=as_json, template="methodology_theme.html", build=build
    )


def _composites(all_themes: list[ThemeOut], theme_id: str, lang: str) -> list[MethodComposite]:
    """The composite indexes built from this theme's indicators."""
    group = next((t for t in all_themes if t.id == COMPOSITE_THEME[0]), None)
    sensitivity = translator(lang)["composite_method_sensitivity_text"].format(
        draws=DRAWS,
        low=format_number(1 - SPREAD, 1, lang),
        high=format_number(1 + SPREAD, 1, lang),
        seed=SEED,
    )
    return [
        MethodComposite(indicator=i, normalisation=i.methodology, sensitivity=sensitivity)
        for i in (group.indicators if group else [])
        if i.theme == theme_id
    ]


@router.get("/methodologie")
def methodology(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _index(request, snapshot, lang, False)


@router.get("/methodologie.json")
def methodology_json(request: Request, snapshot: SnapshotDep, lang: LangDep) -> Response:
    return _index(request, snapshot, lang, True)


@router.get("/methodologie/{theme}")
def methodology_theme(
    request: Request, snapshot: SnapshotDep, lang: LangDep, theme: str
) -> Response:
    return _theme(request, snapshot, lang, theme)
