"""JSON responses encoded and gzipped once per build.

Everything the API serves depends only on the build and the request's parameters, so
the encoded bytes are cached in the build snapshot: a repeated request costs a cache
lookup, not a query, a validation and a compression. Each answer carries an ETag
(build + key) for conditional requests.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import BaseModel

from buurtzicht.api.warehouse import Snapshot

CACHE_CONTROL = "public, max-age=300, must-revalidate"


@dataclass(frozen=True)
class Encoded:
    raw: bytes
    gzipped: bytes
    etag: str


def encode(body: bytes, tag: str) -> Encoded:
    digest = hashlib.sha256(tag.encode()).hexdigest()[:32]
    return Encoded(body, gzip.compress(body, compresslevel=6, mtime=0), f'"{digest}"')


async def cached_json(
    request: Request,
    snapshot: Snapshot,
    key: tuple[object, ...],
    compute: Callable[[], BaseModel | Sequence[BaseModel]],
) -> Response:
    """The JSON of ``compute()``, computed once per build and ``key``."""

    def build() -> Encoded:
        value = compute()
        if isinstance(value, BaseModel):
            body = value.model_dump_json().encode()
        else:
            body = b"[" + b",".join(item.model_dump_json().encode() for item in value) + b"]"
        return encode(body, f"{snapshot.build_id}/{key!r}")

    encoded: Encoded = await snapshot.cached_async(("json", *key), build)
    return respond(request, encoded, media_type="application/json")


def respond(request: Request, encoded: Encoded, *, media_type: str) -> Response:
    headers = {"ETag": encoded.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if encoded.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(encoded.gzipped, media_type=media_type, headers=headers)
    return Response(encoded.raw, media_type=media_type, headers=headers)
