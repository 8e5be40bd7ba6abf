"""CBS OData v3 (``opendata.cbs.nl`` and ``dataderden.cbs.nl``): metadata first, then
``TypedDataSet`` page by page, into the long observations shape.

Order of work, as CBS's own clients do it: ``TableInfos`` (always fresh: its
``Modified`` is the cache key), ``DataProperties`` and every dimension code list
(cached per ``Modified``), then the data pages. Keys come padded (``"GM0363    "``,
``"1.1.1 "``) and are stripped; filters are sent with the padded key from the code
list, because that is what the server compares against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.cbs_odata_v3_frame import V3Frame
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import (
    PageProgress,
    TableResult,
    cached_collection,
    collection,
    iter_pages,
)
from buurtzicht.sources.tables import TableSpec

NEXT_LINK = "odata.nextLink"
DIMENSION_TYPES = frozenset({"Dimension", "TimeDimension", "GeoDimension", "GeoDetail"})
GEO_TYPES = frozenset({"GeoDimension", "GeoDetail"})


@dataclass(frozen=True)
class V3Metadata:
    """``TableInfos``, ``DataProperties`` and the code lists of one table version."""

    table: str
    info: dict[str, Any]
    properties: list[dict[str, Any]]
    code_lists: dict[str, list[dict[str, Any]]]

    @property
    def version(self) -> str:
        return str(self.info["Modified"])

    @property
    def dimensions(self) -> list[dict[str, Any]]:
        return [p for p in self.properties if p.get("Type") in DIMENSION_TYPES]

    @property
    def topics(self) -> list[dict[str, Any]]:
        return [p for p in self.properties if p.get("Type") == "Topic"]

    def dimension(self, *types: str) -> dict[str, Any] | None:
        found = [p for p in self.dimensions if p.get("Type") in types]
        return found[0] if found else None


def table_info(client: Client, base: str) -> dict[str, Any]:
    """The ``TableInfos`` record; its ``Modified`` identifies the table version."""
    url = f"{base}/TableInfos"
    response = client.get_json(url)
    rows = collection(response.payload, response.url)
    if not rows or not rows[0].get("Modified"):
        raise SourceFormatError(
            response.url, "TableInfos has no 'Modified' date", expected="one record with Modified"
        )
    return rows[0]


def read_metadata(client: Client, spec: TableSpec, base: str) -> V3Metadata:
    """TableInfos (fresh), DataProperties and code lists (cached per ``Modified``)."""
    info = table_info(client, base)
    version = str(info["Modified"])

    def meta(name: str) -> list[dict[str, Any]]:
        path = client.cache.odata_meta(spec.id, version, "v3", name)
        return cached_collection(client, f"{base}/{name}", path, next_key=NEXT_LINK)

    properties = meta("DataProperties")
    dims = [p["Key"] for p in properties if p.get("Type") in DIMENSION_TYPES]
    if not any(p.get("Type") == "Topic" for p in properties):
        raise SourceFormatError(
            f"{base}/DataProperties", "no Topic entries", expected="DataProperties with topics"
        )
    return V3Metadata(spec.id, info, properties, {dim: meta(dim) for dim in dims})


def data_filter(spec: TableSpec, meta: V3Metadata) -> str:
    """The OData ``$filter`` for the spec's filters, totals and recent periods.

    Keys are matched after stripping and sent padded, exactly as in the code list.
    """
    wanted: dict[str, list[str]] = {}
    for dimension, filtered in spec.filters.items():
        wanted[dimension] = [_raw_key(meta, dimension, key) for key in filtered]
    for dimension in spec.totals:
        wanted[dimension] = [_total_key(meta, dimension)]
    time = meta.dimension("TimeDimension")
    if spec.recent_periods and time is not None:
        keys = [str(c["Key"]) for c in meta.code_lists.get(time["Key"], [])]
        wanted[time["Key"]] = keys[-spec.recent_periods :]
    clauses = [
        "(" + " or ".join(f"{dim} eq '{key}'" for key in keys) + ")"
        for dim, keys in sorted(wanted.items())
    ]
    return " and ".join(clauses)


def _codes(meta: V3Metadata, dimension: str) -> list[dict[str, Any]]:
    if dimension not in meta.code_lists:
        raise SourceFormatError(
            f"{meta.table}/DataProperties",
            f"dimension {dimension!r} named in the registry does not exist",
            expected=f"one of {sorted(meta.code_lists)}",
        )
    return meta.code_lists[dimension]


def _raw_key(meta: V3Metadata, dimension: str, key: str) -> str:
    for code in _codes(meta, dimension):
        if str(code["Key"]).strip() == key.strip():
            return str(code["Key"])
    raise SourceFormatError(
        f"{meta.table}/{dimension}",
        f"key {key!r} is not in the code list; the table changed",
        expected="the key named in buurtzicht.sources.tables",
    )


def _total_key(meta: V3Metadata, dimension: str) -> str:
    """The total member of a dimension: the first code titled '... totaal ...'."""
    for code in _codes(meta, dimension):
        if "totaal" in str(code.get("Title", "")).lower():
            return str(code["Key"])
    raise SourceFormatError(
        f"{meta.table}/{dimension}",
        "no member titled 'Totaal' to reduce the dimension to",
        expected="a total member",
    )


def fetch_v3_table(
    client: Client, spec: TableSpec, *, progress: PageProgress | None = None
) -> TableResult:
    """Fetch (or read from the cache) one v3 table and convert it to a :class:`Batch`."""
    base = spec.base_url(client.settings)
    meta = read_metadata(client, spec, base)
    query = data_filter(spec, meta)
    params = {"$filter": query} if query else None
    store = client.cache.odata_pages(spec.id, meta.version, "v3", query)
    frame = V3Frame(spec, meta.properties, meta.code_lists, meta.info)
    task = progress.task(f"{spec.id} ({meta.version[:10]})") if progress else None
    pages = fetched = 0
    for page in iter_pages(client, f"{base}/TypedDataSet", params, next_key=NEXT_LINK, store=store):
        frame.add(page.rows, page.source)
        pages, fetched = pages + 1, fetched + (not page.cached)
        if progress is not None and task is not None:
            progress.advance(task, len(page.rows))
    url = _data_url(base, query)
    batch = frame.batch(url=url, version=meta.version, sha256=store.digest(pages))
    batch.notes.append(f"{spec.id}: {pages} pages ({fetched} fetched, {pages - fetched} cached)")
    client.cache.prune_odata(spec.id, meta.version)
    return TableResult(
        batch=batch,
        version=meta.version,
        url=url,
        pages=pages,
        pages_fetched=fetched,
        rows=frame.rows,
        attributes=frame.attributes(),
        code_lists={k: _stripped(v) for k, v in meta.code_lists.items()},
    )


def _data_url(base: str, query: str) -> str:
    url = f"{base}/TypedDataSet"
    return f"{url}?$filter={query}" if query else url


def _stripped(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "Key": str(c.get("Key", "")).strip()} for c in codes]
