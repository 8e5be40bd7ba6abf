"""The one cache of answers, at the HTTP edge: per build, keyed by the normalised request.

Public pages and API answers are pure functions of the build and the URL, so a repeated
request costs a dictionary lookup instead of routing, dependency injection, validation,
rendering and compression. The key (:func:`answer_key`) holds only what the answer
depends on:

- the path (the format with it: ``/gemeente/GM0363`` or ``/gemeente/GM0363.json``);
- the query parameters the route accepts, sorted by name (the values of one name in the
  order sent: ``regio=A&regio=B`` compares A with B). On pages an unknown parameter
  (``?cb=123``) is left out of the key, so junk cannot bypass the cache nor grow it; on
  the API an unknown parameter is answered 422 by the route, never cached;
- the language (``?lang=`` on the API, else the ``lang`` cookie);

and the build, since every build has a cache of its own (``Snapshot.cache``, and the
store of pre-rendered answers beside the build file).

:class:`ResponseCache`, the middleware, answers anonymous requests from it before
routing. The routes of requests it does not answer (a signed-in member's, whose page
adds the organisation's own figures to the public one; a page asked with ``?lang=``)
read and fill the same entries through :func:`cached_json` and :func:`shared_answer`, so
no layer below keeps answers of its own.

Which parameters a path accepts is learnt from the route on the first (uncached)
answer. Entries live in the build's :class:`~buurtzicht.api.cache.ByteCache`, so their
memory counts against ``BUURTZICHT_CACHE_MB`` and a new build drops them.

Never shared: a request that carries a session cookie (a signed-in member may see data
of their own organisation) is neither answered from nor stored in this cache; nor is
any answer that sets a cookie, is not a 200, or says ``private``, ``no-store`` or
``Vary: Cookie``; nor anything under the workspace's paths.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from buurtzicht.api.answer_store import AnswerStores, Stored
from buurtzicht.api.params import accepted_query_params
from buurtzicht.api.warehouse import Snapshot, Warehouse
from buurtzicht.errors import BuurtzichtError

SESSION_COOKIE = "bz_sessie"  # buurtzicht.api.auth.SESSION_COOKIE (not imported: cycle)
#: The workspace (accounts, own data, beheer): private, whatever the answer says.
PRIVATE_PREFIXES = (
    "/werkruimte",
    "/api/werkruimte",
    "/beheer",
    "/account",
    "/inloggen",
    "/uitloggen",
)
#: How long a browser may keep an API answer before it asks again (with its ETag).
CACHE_CONTROL = "public, max-age=300, must-revalidate"
#: Headers of the original answer that are not replayed (recomputed per answer).
_DROPPED = {b"content-length", b"content-encoding", b"date", b"server", b"transfer-encoding"}


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return b""


def _cookies(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope.get("headers", ()) if k == b"cookie")
    return cookie_parser(raw.decode("latin-1")) if raw else {}


def shareable_request(scope: Scope) -> bool:
    """A GET that may be answered from (and stored in) the shared cache."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path: str = scope["path"]
    if path.startswith("/static/") or path.startswith(PRIVATE_PREFIXES):
        return False
    if SESSION_COOKIE in _cookies(scope):
        return False
    # A page asked with ?lang= sets the language cookie: answered by the route.
    query = scope.get("query_string", b"")
    return path.startswith("/api/") or b"lang=" not in query


def _language(scope: Scope, query: list[tuple[str, str]]) -> str:
    if scope["path"].startswith("/api/"):
        for name, value in query:
            if name == "lang" and value in ("nl", "en"):
                return value
    return "en" if _cookies(scope).get("lang") == "en" else "nl"


def cache_key(scope: Scope, accepted: frozenset[str], *, strict: bool) -> tuple[object, ...] | None:
    """The key of a request given the parameters its route accepts; None when ``strict``
    (the API) and the query holds a parameter the route does not know."""
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if strict and any(name not in accepted for name, _ in query):
        return None
    languages = [value for name, value in query if name == "lang"]
    if len(languages) > 1 or any(value not in ("nl", "en") for value in languages):
        return None  # the route says 422
    return answer_key(scope["path"], query, accepted, _language(scope, query))


def answer_key(
    path: str, query: Sequence[tuple[str, str]], accepted: frozenset[str], lang: str
) -> tuple[object, ...]:
    """The key of an answer: path, the accepted parameters by name, language.

    >>> answer_key("/x.json", [("b", "2"), ("a", "9"), ("cb", "1"), ("b", "1")], frozenset("ab"), "en")
    ('answer', '/x.json', (('a', '9'), ('b', '2'), ('b', '1')), 'en')
    """
    kept = [(name, value) for name, value in query if name in accepted and name != "lang"]
    return ("answer", path, tuple(sorted(kept, key=lambda item: item[0])), lang)


def _accepted(scope: Scope) -> frozenset[str] | None:
    route = scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    return accepted_query_params(Request(scope)) | {"lang"}


def _storable(message: Message) -> bool:
    if message["status"] != 200:
        return False
    for name, value in message.get("headers", ()):
        name = name.lower()
        value = value.lower()
        if name in (b"set-cookie", b"content-encoding"):
            return False
        if name == b"cache-control" and (b"private" in value or b"no-store" in value):
            return False
        if name == b"vary" and b"cookie" in value:
            return False
    return True


class ResponseCache:
    """The middleware; ``app`` is the application below it (uncompressed answers).

    Requests it does not cache go through gzip (pages and files; the API's own
    answers are small or come gzipped from the cache)."""

    def __init__(self, app: ASGIApp, warehouse: Warehouse) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024)
        self.warehouse = warehouse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        snapshot = self._snapshot() if shareable_request(scope) else None
        if snapshot is None:
            if scope["type"] == "http" and not scope["path"].startswith("/api/"):
                await self.gzip(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        path = scope["path"]
        accepted = snapshot.cache.peek(("accepts", path))
        if accepted is not None:
            key = cache_key(scope, accepted, strict=path.startswith("/api/"))
            stored = snapshot.cache.peek(key) if key is not None else None
            if isinstance(stored, Stored):
                await _replay(scope, send, stored)
                return
        stored = self._prerendered(scope, snapshot)
        if stored is not None:
            await _replay(scope, send, stored)
            return
        await self._fill(scope, receive, send, snapshot)

    def _prerendered(self, scope: Scope, snapshot: Snapshot) -> Stored | None:
        """The answer from the build's store of pre-rendered answers (kept in memory
        from then on), or None."""
        stores: AnswerStores | None = self.warehouse.answers
        store = stores.store(snapshot.build_id) if stores is not None else None
        if store is None:
            return None
        path = scope["path"]
        accepted = store.accepts(path)
        if accepted is None:
            return None
        key = cache_key(scope, accepted, strict=path.startswith("/api/"))
        stored = store.answer(key) if key is not None else None
        if stored is not None:
            snapshot.cache.put(("accepts", path), accepted)
            snapshot.cache.put(key, stored)
        return stored

    def _snapshot(self) -> Snapshot | None:
        try:
            return self.warehouse.snapshot()
        except BuurtzichtError:
            return None

    async def _fill(self, scope: Scope, receive: Receive, send: Send, snapshot: Snapshot) -> None:
        """Ask the application for a plain answer; keep it when it may be shared."""
        inner = {
            **scope,
            "headers": [
                (k, v)
                for k, v in scope.get("headers", ())
                if k not in (b"accept-encoding", b"if-none-match")
            ],
        }
        limit = snapshot.cache.max_bytes // 4
        start: Message | None = None
        parts: list[bytes] = []
        size = 0
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if not _storable(message):
                    passing = True
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            size += len(parts[-1])
            if size > limit and message.get("more_body", False):
                passing = True  # too big to keep: stream the rest through
                await send(start or {})
                await send(
                    {"type": "http.response.body", "body": b"".join(parts), "more_body": True}
                )
                parts.clear()

        await self.app(inner, receive, capture)
        if passing or start is None:
            return
        accepted = _accepted(inner)
        key = None
        if accepted is not None:
            key = cache_key(inner, accepted, strict=scope["path"].startswith("/api/"))
        stored = _stored(start, b"".join(parts), snapshot.build_id, key, snapshot)
        if accepted is not None and key is not None:
            snapshot.cache.put(("accepts", scope["path"]), accepted)
            snapshot.cache.put(key, stored)
            if self.warehouse.recorder is not None:
                self.warehouse.recorder(scope["path"], accepted, key, stored)
        await _replay(scope, send, stored)


def _etag(build_id: str, body: bytes) -> bytes:
    return f'"{hashlib.sha256(build_id.encode() + b"/" + body).hexdigest()[:32]}"'.encode()


def _stored(
    start: Message,
    body: bytes,
    build_id: str,
    key: tuple[object, ...] | None,
    snapshot: Snapshot,
) -> Stored:
    """The answer as kept; the route's own entry when it kept this very answer
    (:func:`shared_answer`), so that it is not compressed a second time."""
    headers = tuple(
        (k.lower(), v) for k, v in start.get("headers", ()) if k.lower() not in _DROPPED
    )
    etag = next((v for k, v in headers if k == b"etag"), b"")
    if not etag:
        etag = _etag(build_id, body)
        headers += ((b"etag", etag),)
    if not any(k == b"vary" for k, _ in headers):
        headers += ((b"vary", b"Accept-Encoding"),)
    kept = snapshot.cache.peek(key) if key is not None else None
    if isinstance(kept, Stored) and kept.raw == body and set(kept.headers) == set(headers):
        return kept
    return Stored(headers, body, gzip.compress(body, compresslevel=6, mtime=0), etag)


async def _replay(scope: Scope, send: Send, stored: Stored) -> None:
    headers = list(stored.headers)
    if stored.etag and stored.etag in _header(scope, b"if-none-match"):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = stored.raw
    if b"gzip" in _header(scope, b"accept-encoding") and len(stored.gzipped) < len(body):
        body = stored.gzipped
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def request_key(request: Request, lang: str | None) -> tuple[object, ...] | None:
    """The key of the answer a route gives to ``request`` in ``lang`` (None: the
    language the middleware would key it by); None when it is not kept."""
    accepted = accepted_query_params(request) | {"lang"}
    query = request.query_params.multi_items()
    if request.url.path.startswith("/api/") and any(name not in accepted for name, _ in query):
        return None
    return answer_key(request.url.path, query, accepted, lang or _language(request.scope, query))


def media_type(stored: Stored) -> str:
    return next(v for k, v in stored.headers if k == b"content-type").decode("latin-1")


def shared_answer(
    request: Request, snapshot: Snapshot, lang: str | None, make: Callable[[], tuple[bytes, str]]
) -> Stored:
    """The public answer to ``request`` from the cache, or ``make()`` (body, media type)
    kept there: the entry the middleware would keep for it."""
    key = request_key(request, lang)
    found = snapshot.cache.peek(key) if key is not None else None
    if isinstance(found, Stored):
        return found
    body, media = make()
    headers = [(b"content-type", media.encode("latin-1"))]
    if request.url.path.startswith("/api/"):
        headers.append((b"cache-control", CACHE_CONTROL.encode()))
    etag = _etag(snapshot.build_id, body)
    headers += [(b"etag", etag), (b"vary", b"Accept-Encoding")]
    stored = Stored(tuple(headers), body, gzip.compress(body, compresslevel=6, mtime=0), etag)
    if key is not None:
        snapshot.cache.put(("accepts", request.url.path), accepted_query_params(request) | {"lang"})
        snapshot.cache.put(key, stored)
    return stored


async def cached_json(
    request: Request,
    snapshot: Snapshot,
    lang: str | None,
    compute: Callable[[], BaseModel | Sequence[BaseModel]],
) -> Response:
    """The JSON of ``compute()``, computed once per build and request
    (:func:`shared_answer`); a hit answers on the event loop, a miss in the thread pool."""

    def make() -> tuple[bytes, str]:
        value = compute()
        if isinstance(value, BaseModel):
            return value.model_dump_json().encode(), "application/json"
        body = b"[" + b",".join(item.model_dump_json().encode() for item in value) + b"]"
        return body, "application/json"

    key = request_key(request, lang)
    hit = snapshot.cache.peek(key) if key is not None else None
    found: Stored = (
        hit
        if isinstance(hit, Stored)
        else await run_in_threadpool(shared_answer, request, snapshot, lang, make)
    )
    return respond(request, found)


def respond(request: Request, stored: Stored) -> Response:
    """A kept answer for a request the middleware passed on (ETag, 304, gzip)."""
    etag = stored.etag.decode("latin-1")
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(stored.gzipped, media_type=media_type(stored), headers=headers)
    return Response(stored.raw, media_type=media_type(stored), headers=headers)
