"""One HTTP session per run, with retries, backoff and a disk page cache.

Every remote source (CBS OData v3/v4, PDOK WFS) goes through one :class:`Client`. It
holds a single ``httpx.Client`` (connection reuse: never a new session per page),
retries transient failures with exponential backoff and turns everything else into a
domain error that names the URL:

* connection errors, timeouts, a body cut short, HTTP 429 (honouring ``Retry-After``)
  and 5xx are retried ``Settings.http_retries`` times, waiting
  ``Settings.http_backoff`` seconds and doubling each time; after the last try
  :class:`~buurtzicht.errors.SourceUnavailableError`;
* any other 4xx fails at once with :class:`~buurtzicht.errors.SourceUnavailableError`
  (404: the table or layer does not exist there);
* a response that is not the JSON we asked for raises
  :class:`~buurtzicht.errors.SourceFormatError`.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from buurtzicht import __version__
from buurtzicht.config import Settings
from buurtzicht.errors import SourceFormatError, SourceUnavailableError
from buurtzicht.sources.page_cache import PageCache

#: Statuses worth another try: rate limiting and server-side trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Never wait longer than this for one ``Retry-After``, whatever the server asks.
MAX_RETRY_AFTER = 120.0


@dataclass
class RequestStats:
    """What the session did: tests and the CLI report these."""

    requests: int = 0
    retries: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class Response:
    """A successful GET: the final URL, the raw body and its parsed JSON."""

    url: str
    body: bytes
    payload: Any


class Client:
    """The HTTP session of one run: retries, backoff, request counts and the cache.

    Use it as a context manager so the connection pool is closed::

        with Client(settings) as client:
            table = fetch_v3_table(client, spec)

    Parameters
    ----------
    settings
        Base URLs, retry count and first backoff delay, cache folder.
    transport
        An ``httpx`` transport, for tests that want to intercept requests.
    sleep
        Called with the delay before a retry; tests pass a recorder.
    timeout
        Seconds for connect and read.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        self.settings = settings
        self.retries = settings.http_retries
        self.backoff = settings.http_backoff
        self.cache = PageCache(settings.cache_dir)
        self.stats = RequestStats()
        self._sleep = sleep
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": f"buurtzicht/{__version__}", "Accept": "application/json"},
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Response:
        """GET ``url`` and parse JSON; retried on transient failures."""
        response = self._get(url, params)
        return Response(str(response.url), response.content, parse_json(response))

    def _get(self, url: str, params: Mapping[str, str] | None) -> httpx.Response:
        attempt = 0
        while True:
            self.stats.requests += 1
            try:
                response = self._http.get(url, params=params)
                response.read()
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                delay = self._delay(attempt, None)
            else:
                self.stats.bytes += len(response.content)
                if response.is_success:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise _client_error(response)
                problem = f"HTTP {response.status_code}"
                delay = self._delay(attempt, response.headers.get("Retry-After"))
            if attempt >= self.retries:
                raise SourceUnavailableError(
                    f"{_with_params(url, params)}: gave up after {attempt + 1} tries "
                    f"(last: {problem}); check the network or try again later "
                    "(BUURTZICHT_HTTP_RETRIES sets the number of retries)"
                )
            attempt += 1
            self.stats.retries += 1
            self._sleep(delay)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        wait = self.backoff * (2**attempt)
        asked = parse_retry_after(retry_after)
        if asked is not None:
            wait = max(wait, min(asked, MAX_RETRY_AFTER))
        return wait


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now=1445412480.0)
    5.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def parse_json(response: httpx.Response) -> Any:
    """The JSON body of a response, or a :class:`SourceFormatError` naming the URL."""
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        kind = response.headers.get("Content-Type", "unknown content type")
        raise SourceFormatError(
            str(response.url),
            f"response is not valid JSON ({exc}); got {kind}, {len(response.content)} bytes",
            expected="a JSON document",
        ) from exc


def _client_error(response: httpx.Response) -> SourceUnavailableError:
    url = str(response.url)
    if response.status_code == 404:
        return SourceUnavailableError(
            f"{url}: HTTP 404, not found; check the table id / layer name and the base "
            "URL setting (BUURTZICHT_CBS_ODATA_V3_URL, _V4_URL, _PDOK_WFS_URL)"
        )
    snippet = response.text[:200].replace("\n", " ")
    return SourceUnavailableError(
        f"{url}: HTTP {response.status_code} (not retried: the request itself was refused); "
        f"server said: {snippet!r}"
    )


def _with_params(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    return str(httpx.URL(url, params=dict(params)))
