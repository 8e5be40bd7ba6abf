"""Render a page context as HTML (Jinja2) or as JSON: the same model either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

import duckdb
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from buurtzicht.api.cache import MISSING
from buurtzicht.api.params import accepted_query_params
from buurtzicht.api.response_cache import media_type, request_key, shared_answer
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

    Links back to the page (JSON twin, language toggle) and the answer cache use only
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
    """A page rendered once per build and request (:func:`public_page`)."""
    body, media, _ = public_page(
        request, snapshot, lang, as_json=as_json, template=template, build=build
    )
    response = Response(body, media_type=media)
    remember_language(request, response)
    return response


def page_key(request: Request, lang: str) -> tuple[object, ...]:
    """The key of a page in the answer cache (path, accepted query, language)."""
    return request_key(request, lang) or ("page", request.url.path, lang)


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
    """The page's bytes, media type and ``also(context)``, from the one answer cache
    (:func:`~buurtzicht.api.response_cache.shared_answer`).

    Pages are pure functions of the build and the URL, so they are rendered once per
    build, path, query and language; ``build`` gets a cursor only when the page is not
    cached yet. ``also`` derives something public from the same context (the regions a
    page shows) that is kept beside the answer, so that no later request needs the
    context again.
    """
    contexts: list[Context] = []

    def context() -> Context:
        if not contexts:
            contexts.append(snapshot.read(build))
        return contexts[0]

    def make() -> tuple[bytes, str]:
        if as_json:
            return context().model_dump_json().encode(), "application/json"
        html = TEMPLATES.get_template(template).render(
            ctx=context(), t=translator(lang), lang=lang, request=request
        )
        return html.encode(), "text/html; charset=utf-8"

    stored = shared_answer(request, snapshot, lang, make)
    if also is None:
        return stored.raw, media_type(stored), None
    beside = ("shown", *page_key(request, lang))
    extra: T = snapshot.cache.lookup(beside)
    if extra is MISSING:
        extra = also(context())
        snapshot.cache.put(beside, extra)
    return stored.raw, media_type(stored), extra
