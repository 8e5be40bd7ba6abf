"""Exception handlers: every error becomes a readable 4xx (or 503), never a traceback.

JSON for the API and for ``.json`` pages; a proper HTML page for a person when the
server has given the app one (:func:`render_html_errors_with`; the API alone answers
in JSON throughout).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from buurtzicht.api.params import pattern_meaning
from buurtzicht.api.problems import ProblemError, classify, without_server_paths
from buurtzicht.errors import BuurtzichtError

log = logging.getLogger("buurtzicht.api")


class ErrorPage(Protocol):
    """Renders the HTML page of an error for a person (``buurtzicht.web.errors``)."""

    def __call__(
        self, request: Request, *, status: int, title: str, detail: str, lang: str
    ) -> Response: ...


def render_html_errors_with(app: FastAPI, page: ErrorPage) -> None:
    """Answer errors of requests that do not want JSON with ``page`` (the server entry
    passes the pages' error page; the API does not import the web layer)."""
    app.state.error_page = page


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang")
    return "en" if lang == "en" else "nl"


def error_response(
    request: Request,
    status: int,
    title_nl: str,
    title_en: str,
    detail: str,
    parameter: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    lang = _lang(request)
    title = title_en if lang == "en" else title_nl
    detail = without_server_paths(detail)
    page: ErrorPage | None = getattr(request.app.state, "error_page", None)
    if page is None or wants_json(request):
        body = {
            "error": {
                "status": status,
                "title": title,
                "detail": detail,
                "parameter": parameter,
                "path": request.url.path,
            }
        }
        response: Response = JSONResponse(body, status_code=status)
    else:
        response = page(request, status=status, title=title, detail=detail, lang=lang)
    response.headers.update(headers or {})
    return response


async def _domain(request: Request, exc: Exception) -> Response:
    status, title_nl, title_en = classify(exc)
    parameter = exc.parameter if isinstance(exc, ProblemError) else None
    return error_response(request, status, title_nl, title_en, str(exc), parameter)


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    parameter = None
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        parameter = parameter or (location[-1] if location else None)
        message = error.get("msg", "invalid")
        if error.get("type") == "string_pattern_mismatch":
            wanted = pattern_meaning(str(error.get("ctx", {}).get("pattern", "")))
            message = f"{error.get('input')!r} is not {wanted}"
        problems.append(f"{'.'.join(location) or 'request'}: {message}")
    return error_response(
        request, 422, "Ongeldige parameter", "Invalid parameter", "; ".join(problems), parameter
    )


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        detail = f"{request.url.path} does not exist; start at / or see /api/docs"
        return error_response(request, 404, "Pagina niet gevonden", "Page not found", detail)
    if exc.status_code == 405:
        allow = allowed_methods(request)
        detail = f"{request.method} is not allowed on {request.url.path}; use {allow}"
        return error_response(
            request,
            405,
            "Methode niet toegestaan",
            "Method not allowed",
            detail,
            headers={"Allow": allow},
        )
    return error_response(
        request, exc.status_code, "Fout", "Error", str(exc.detail), headers=exc.headers
    )


def allowed_methods(request: Request) -> str:
    """The ``Allow`` header of a path: the methods of every route that matches it (HEAD
    wherever GET is, :class:`~buurtzicht.api.security.HeadAsGet`)."""
    methods: set[str] = set()
    # The path as the client sent it (a mounted app's scope is relative to its mount).
    scope = {"type": "http", "path": request.url.path, "root_path": "", "method": "GET"}
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.NONE:
            continue
        methods |= getattr(route, "methods", None) or {"GET"}  # a Mount serves files
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(
        request,
        500,
        "Interne fout",
        "Internal error",
        "something went wrong on our side; the error has been logged",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(BuurtzichtError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
