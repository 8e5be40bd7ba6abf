"""The HTML error page (the API answers errors in JSON)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from buurtzicht.web.contexts import ErrorPage
from buurtzicht.web.render import page_meta, render


def error_page(request: Request, *, status: int, title: str, detail: str, lang: str) -> Response:
    context = ErrorPage(
        page=page_meta(request, f"{status} {title}", lang),
        status=status,
        title=title,
        detail=detail,
    )
    return render(request, "error.html", context, as_json=False, status=status)
