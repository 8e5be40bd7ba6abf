"""Shed overload instead of queueing it: request slots, a bounded wait, a time limit.

An uncached request costs CPU (DuckDB, rendering); a server that accepts every request
at once only makes all of them slow, and a client that gave up after 10 s still costs
the full price. So each worker process works on at most ``BUURTZICHT_REQUEST_SLOTS``
requests at a time; up to ``BUURTZICHT_QUEUE_MAX`` more wait, each at most
``BUURTZICHT_QUEUE_WAIT`` seconds; a request that has not started its answer after
``BUURTZICHT_REQUEST_TIMEOUT`` seconds is answered. Each of these answers is
``503 Service Unavailable`` with ``Retry-After`` and a JSON error body.

Cached answers never reach this middleware (:mod:`buurtzicht.api.response_cache` sits
above it), nor do static files.
"""

from __future__ import annotations

import asyncio
import json
import math
from contextlib import suppress

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from buurtzicht.config import Settings


def busy_answer(detail: str, retry_after: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps(
        {"error": {"status": 503, "title": "Server bezet / Server busy", "detail": detail}}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"cache-control", b"no-store"),
    ]
    return headers, body


class RequestSlots:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.slots = settings.request_slots
        self.queue_max = settings.queue_max
        self.queue_wait = settings.queue_wait
        self.timeout = settings.request_timeout
        self.retry_after = max(1, math.ceil(settings.queue_wait))
        self._semaphore: asyncio.Semaphore | None = None
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        if not await self._acquire(self._semaphore):
            await self._busy(send, "too many requests at once; try again shortly")
            return
        await self._run(scope, receive, send, self._semaphore)

    async def _acquire(self, semaphore: asyncio.Semaphore) -> bool:
        if not semaphore.locked():
            await semaphore.acquire()
            return True
        if self._waiting >= self.queue_max:
            return False
        self._waiting += 1
        try:
            await asyncio.wait_for(semaphore.acquire(), self.queue_wait)
        except TimeoutError:
            return False
        finally:
            self._waiting -= 1
        return True

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, semaphore: asyncio.Semaphore
    ) -> None:
        """Run the request; answer 503 when it has not started answering in time. Its
        work goes on (a thread cannot be stopped) and keeps the slot until it ends."""
        started = asyncio.Event()
        late = False

        async def guarded_send(message: Message) -> None:
            if late:
                return
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        task.add_done_callback(lambda done: _release(done, semaphore))
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({task, waiter}, timeout=self.timeout, return_when="FIRST_COMPLETED")
        finally:
            waiter.cancel()
        if task.done() or started.is_set():
            await task
            return
        late = True
        await self._busy(send, f"the answer took longer than {self.timeout:g} s")

    async def _busy(self, send: Send, detail: str) -> None:
        headers, body = busy_answer(detail, self.retry_after)
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _release(task: asyncio.Future[None], semaphore: asyncio.Semaphore) -> None:
    semaphore.release()
    if not task.cancelled():
        with suppress(Exception):
            task.exception()  # a late request's error is logged by the app, not here
