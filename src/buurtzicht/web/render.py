"""Render a page context as HTML (Jinja2) or as JSON: the same model either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

import duckdb
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from buurtzicht.api.params import accepted_query_params
from buurtzicht.api.security import set_cookie
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import Context, PageMeta
from buurtzicht.web.i18n import translator
from buurtzicht.web.templating import TEMPLATES

T = TypeVar("T")


def split_json(name: str) -> tuple[str, bool]:
    """``GM0363.json`` -> (``GM0363``, True)."""
    return (name[:-5], True) if name.endswith(".json") else (name, False)


def page_meta(request: Request, title: str, lang: str, *, build_id: str | None = None) -> PageMeta:
    path = request.url.path
    base = path[:-5] if path.endswith(".json") else path
    base = "/" if base == "/index" else base
    json_path = "/index.json" if base == "/" else base + ".json"
    query_text = urlencode(page_query(request))
    other = "en" if lang == "nl" else "nl"
    return PageMeta(
        title=title,
        lang=lang,
        path=base,
        json_url=json_path + (f"?{query_text}" if query_text else ""),
        other_lang_url=base + "?" + "&".join(filter(None, [query_text, f"lang={other}"])),
        build_id=build_id,
    )


def page_query(request: Request) -> list[tuple[str, str]]:
    """The query parameters the page's route accepts (``lang`` aside), as sent.

    Links back to the page (JSON twin, language toggle) and the page cache use only
    these: junk parameters neither travel along nor create new cache entries.
    """
    known = accepted_query_params(request)
    return [(k, v) for k, v in request.query_params.multi_items() if k in known and k != "lang"]


def remember_language(request: Request, response: Response) -> None:
    """``?lang=`` chosen with the language toggle is kept in a cookie for a year."""
    requested = request.query_params.get("lang")
    if requested in ("nl", "en"):
        set_cookie(response, request, "lang", requested, max_age=365 * 24 * 3600)


def render(
    request: Request, template: str, context: Context, *, as_json: bool, status: int = 200
) -> Response:
    lang = getattr(getattr(context, "page", None), "lang", "nl")
    response: Response
    if as_json:
        response = JSONResponse(context.model_dump(mode="json"), status_code=status)
    else:
        response = TEMPLATES.TemplateResponse(
            request,
            template,
            {"ctx": context, "t": translator(lang), "lang": lang},
            status_code=status,
        )
    remember_language(request, response)
    return response


def cached_page(
    request: Request,
    snapshot: Snapshot,
    lang: str,
    *,
    as_json: bool,
    template: str,
    build: Callable[[duckdb.DuckDBPyConnection], Context],
) -> Response:
    """A page rendered once per build, path, query and language (:func:`public_page`)."""
    body, media_type, _ = public_page(
        request, snapshot, lang, as_json=as_json, template=template, build=build
    )
    response = Response(body, media_type=media_type)
    remember_language(request, response)
    return response


def page_key(request: Request, lang: str, *, as_json: bool) -> tuple[object, ...]:
    """The key of a page in the build's cache: path, accepted query, language, twin."""
    return ("page", request.url.path, tuple(sorted(page_query(request))), lang, as_json)


def public_page(
    request: Request,
    snapshot: Snapshot,
    lang: str,
    *,
    as_json: bool,
    template: str,
    build: Callable[[duckdb.DuckDBPyConnection], Context],
    also: Callable[[Context], T] | None = None,
) -> tuple[bytes, str, T | None]:
    """The page's bytes, media type and ``also(context)``, kept in the build snapshot.

    Pages are pure functions of the build and the URL, so they are rendered once per
    build, path, query and language; ``build`` gets a cursor only when the page is not
    cached yet. ``also`` derives something public from the same context (the regions a
    page shows) that is kept beside the bytes, so that no later request needs the
    context again.
    """
    key = page_key(request, lang, as_json=as_json)

    def compute() -> tuple[bytes, str, T | None]:
        context = snapshot.read(build)
        extra = also(context) if also is not None else None
        if as_json:
            return context.model_dump_json().encode(), "application/json", extra
        html = TEMPLATES.get_template(template).render(
            ctx=context, t=translator(lang), lang=lang, request=request
        )
        return html.encode(), "text/html; charset=utf-8", extra

    found: tuple[bytes, str, T | None] = snapshot.cached(key, compute)
    return found
