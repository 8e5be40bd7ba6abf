"""``/api/docs``: Swagger UI on the OpenAPI document, from npm and served locally.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline
script; this one works offline and under the strict Content-Security-Policy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from buurtzicht.web.templating import TEMPLATES

router = APIRouter()


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return TEMPLATES.TemplateResponse(
        request, "api_docs.html", {"openapi_url": request.app.openapi_url}
    )
