"""What CBS OData v3 and v4 have in common: paging, the page cache, progress,
the fetch result, and the indeling and status rules.

Paging follows the server's next link (``odata.nextLink`` in v3, ``@odata.nextLink``
in v4) and never computes ``$skip`` itself, so a server that changes its page size
(CBS: 10,000 rows) keeps working. Each data page is stored in the
:class:`~buurtzicht.sources.page_cache.PageStore` as it arrives; a later run reads the
stored pages and asks the server only for the first page it lacks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.expect import SourceCoverageError
from buurtzicht.sources.http import Client
from buurtzicht.sources.observations import Status
from buurtzicht.sources.page_cache import PageStore, write_atomic

#: Period code-list statuses that mark provisional figures.
PROVISIONAL = frozenset({"voorlopig", "nader voorlopig"})
_INDELING = re.compile(r"indeling\s+(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One page of an OData collection, fresh from the server or from the cache."""

    index: int
    source: str  # URL, or the cache file it was read from
    rows: list[dict[str, Any]]
    cached: bool


@dataclass
class TableResult:
    """A fetched table: the batch for the warehouse plus what the build may also want."""

    batch: Batch
    version: str
    url: str
    pages: int = 0
    pages_fetched: int = 0
    rows: int = 0
    #: Text topics per region (names, SoortRegio, Codering, Gebieden memberships).
    attributes: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Dimension code lists as CBS sent them (keys stripped).
    code_lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class PageProgress:
    """A Rich progress bar of pages and rows; silent when disabled or not a TTY."""

    def __init__(self, enabled: bool = True, console: Console | None = None) -> None:
        console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[pages]} pages, {task.fields[rows]:,} rows"),
            TimeElapsedColumn(),
            console=console,
            disable=not (enabled and console.is_terminal),
        )

    def __enter__(self) -> PageProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def task(self, description: str, total: int | None = None) -> TaskID:
        return self.progress.add_task(description, total=total, pages=0, rows=0)

    def advance(self, task: TaskID, rows: int) -> None:
        state = self.progress.tasks[self.progress.task_ids.index(task)]
        self.progress.update(
            task,
            advance=1,
            pages=state.fields["pages"] + 1,
            rows=state.fields["rows"] + rows,
        )


def collection(payload: Any, source: str) -> list[dict[str, Any]]:
    """The ``value`` list of an OData collection response, checked."""
    rows = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SourceFormatError(
            source,
            "the response has no 'value' list of records",
            expected="an OData collection {'value': [{...}, ...]}",
        )
    return rows


def iter_pages(
    client: Client,
    url: str,
    params: Mapping[str, str] | None,
    *,
    next_key: str,
    store: PageStore | None = None,
) -> Iterator[Page]:
    """Yield the pages of a collection, following the server's next link.

    With a ``store``, pages already on disk are read from it and each new page is
    written once the consumer has accepted it, so an interrupted run resumes at the
    first missing page.
    """
    index, current, query, received = 0, url, dict(params or {}), 0
    while True:
        cached = _read_cached(store, index)
        if cached is not None:
            source, payload = str(store.path(index)), cached  # type: ignore[union-attr]
        else:
            response = client.get_json(current, query or None)
            source, payload = response.url, response.payload
        rows = collection(payload, source)
        received += len(rows)
        link = payload.get(next_key)
        if link:
            check_continuation(str(link), received, source)
        yield Page(index, source, rows, cached is not None)
        # Stored only once the consumer has taken the page without an error, so a
        # page with a changed schema never poisons the cache.
        if cached is None and store is not None:
            store.write(index, response.body)
        if not link:
            return
        index, current, query = index + 1, str(link), {}


_SKIP = re.compile(r"[?&](?:\$|%24)skip=(\d+)", re.IGNORECASE)


def check_continuation(link: str, received: int, source: str) -> None:
    """A next link that skips to row N after fewer than N rows means a short page.

    CBS pages by ``$skip`` in the next link; rows the server skipped past without
    sending them would be lost without a trace. Links without ``$skip`` are not checked.

    >>> check_continuation("https://x/TypedDataSet?$skip=20000", 20000, "page 2")
    >>> check_continuation("https://x/TypedDataSet?$skip=20000", 15000, "page 2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    buurtzicht.sources.expect.SourceCoverageError: page 2: short page: 15,000 rows ...
    """
    found = _SKIP.search(link)
    if found and int(found.group(1)) > received:
        skip = int(found.group(1))
        raise SourceCoverageError(
            source,
            f"short page: {received:,} rows received so far, but the next link continues "
            f"at row {skip:,}; {skip - received:,} rows were never sent",
            expected="every row up to the next link; fetch again",
        )


def wanted_periods(
    codes: Sequence[Mapping[str, Any]],
    key: str,
    *,
    filtered: Iterable[str] = (),
    recent: int | None,
) -> list[str]:
    """The period keys a fetch asks for: the filtered ones, the ``recent`` last, or all.

    >>> codes = [{"Key": "2022JJ00 "}, {"Key": "2023JJ00"}, {"Key": "2024JJ00"}]
    >>> wanted_periods(codes, "Key", recent=2)
    ['2023JJ00', '2024JJ00']
    """
    keys = [str(c[key]).strip() for c in codes]
    chosen = [str(k).strip() for k in filtered]
    if chosen:
        return chosen
    return keys[-recent:] if recent else keys


def check_periods(present: Iterable[object], wanted: Sequence[str], source: str) -> None:
    """Every period asked for (and listed in the code list) must come back with rows.

    >>> check_periods(["2023JJ00"], ["2023JJ00", "2024JJ00"], "47018NED")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    buurtzicht.sources.expect.SourceCoverageError: 47018NED: periods ['2024JJ00'] ...
    """
    seen = {str(p).strip() for p in present}
    missing = [p for p in wanted if p not in seen]
    if missing:
        raise SourceCoverageError(
            source,
            f"periods {missing} of the period code list came back without a single row",
            expected=f"rows for every period asked for ({', '.join(wanted)})",
        )


def _read_cached(store: PageStore | None, index: int) -> Any | None:
    if store is None:
        return None
    body = store.read(index)
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError:
        # A damaged cache file (disk trouble): fetch it, and what follows, again.
        store.discard(index)
        return None


def cached_collection(
    client: Client,
    url: str,
    path: Path,
    *,
    next_key: str,
    params: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """A whole (metadata) collection, read from ``path`` or fetched and stored there."""
    try:
        rows = json.loads(path.read_bytes())
        if isinstance(rows, list):
            return rows
    except (FileNotFoundError, ValueError):
        pass
    rows = [row for page in iter_pages(client, url, params, next_key=next_key) for row in page.rows]
    write_atomic(path, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    return rows


def indeling_of(description: str | None, map_year: object, *, geo_detail: bool) -> int | None:
    """The regional classification year of a region dimension, if it states one.

    CBS writes it in the description ("Wijken en buurten (indeling 2024)"); a GeoDetail
    dimension also has ``MapYear``. The description wins: 47018NED says "indeling
    2024" next to a stale ``MapYear`` of 2019. ``None`` means: each period's own year.

    >>> indeling_of("Wijken en buurten (indeling 2024)", 2019, geo_detail=True)
    2024
    >>> indeling_of("", 2024, geo_detail=True), indeling_of("", None, geo_detail=False)
    (2024, None)
    """
    found = _INDELING.search(description or "")
    if found:
        return int(found.group(1))
    if geo_detail and isinstance(map_year, int | str) and str(map_year).strip().isdigit():
        return int(map_year)
    return None


def provisional_periods(codes: list[dict[str, Any]], key: str = "Key") -> set[str]:
    """Period keys whose code-list ``Status`` says voorlopig (provisional).

    >>> provisional_periods([{"Key": "2023JJ00", "Status": "Voorlopig"},
    ...                      {"Key": "2022JJ00", "Status": "Definitief"}])
    {'2023JJ00'}
    """
    return {
        str(c[key]).strip()
        for c in codes
        if str(c.get("Status") or "").strip().lower() in PROVISIONAL
    }


def mark_provisional(frame: pd.DataFrame, provisional: set[str]) -> pd.DataFrame:
    """Status ``provisional`` for figures of provisional periods that have a value."""
    if provisional:
        hit = frame["period"].isin(provisional) & frame["value"].notna()
        frame.loc[hit, "status"] = Status.PROVISIONAL.value
    return frame


def check_unique(frame: pd.DataFrame, source: str) -> None:
    """One row per (measure, region, period, indeling), or a clear error."""
    keys = ["measure", "region", "period", "indeling"]
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        row = frame[dup].iloc[0]
        raise SourceFormatError(
            source,
            f"{int(dup.sum())} rows share a (measure, region, period): e.g. "
            f"{row['measure']} {row['region']} {row['period']}; a dimension is not folded "
            "into the measure id (see buurtzicht.sources.tables)",
        )
