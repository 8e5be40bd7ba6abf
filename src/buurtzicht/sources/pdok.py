"""Boundaries of gemeenten, wijken and buurten of any year from the PDOK WFS of the
CBS wijk- en buurtkaart (``service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0``).

WFS 2.0 ``GetFeature`` with ``typeNames=wijkenbuurten:<layer>``,
``outputFormat=application/json`` and ``srsName=EPSG:4326``, paged with ``count`` and
``startIndex`` (PDOK returns at most 1,000 features per request). Pages are cached as
they arrive (an interrupted download resumes); the merged FeatureCollection is written
once per (year, layer) and later runs read it without asking PDOK again. Coordinates
come out as longitude/latitude: EPSG:4326 in WFS 2.0 is latitude-first, and since the
Netherlands lies at longitude 3-8 and latitude 50-54, the order is checked and fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buurtzicht.errors import ConfigurationError, SourceFormatError
from buurtzicht.sources.expect import SourceCoverageError
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import PageProgress
from buurtzicht.sources.page_cache import PageCache, PageStore, sha256_bytes, write_atomic

SERVICE = "wijkenbuurten"
#: Level -> (WFS layer, property that holds the region code).
LAYERS: dict[str, tuple[str, str]] = {
    "gemeente": ("gemeenten", "gemeentecode"),
    "wijk": ("wijken", "wijkcode"),
    "buurt": ("buurten", "buurtcode"),
}
PAGE_SIZE = 1000


@dataclass(frozen=True)
class GeometryFile:
    """One downloaded layer: a GeoJSON FeatureCollection on disk, for the manifest."""

    path: Path
    year: int
    level: str
    url: str
    features: int
    sha256: str
    pages_fetched: int = 0


def layer_of(level: str) -> tuple[str, str]:
    try:
        return LAYERS[level]
    except KeyError:
        raise ConfigurationError(
            f"unknown geometry level {level!r}; choose one of {', '.join(LAYERS)}"
        ) from None


def cached_layer(cache_dir: Path, year: int, level: str) -> Path | None:
    """The merged layer ``buurtzicht fetch`` left in the cache, or None (no network)."""
    layer, _ = layer_of(level)
    path = PageCache(cache_dir).pdok_file(SERVICE, year, layer)
    return path if path.is_file() else None


def wfs_url(client: Client, year: int) -> str:
    return client.settings.pdok_wfs_url.format(year=int(year))


def fetch_boundaries(
    client: Client,
    year: int,
    level: str,
    *,
    page_size: int = PAGE_SIZE,
    refresh: bool = False,
    progress: PageProgress | None = None,
) -> GeometryFile:
    """Download (or reuse) one layer of one year and return the merged GeoJSON file."""
    layer, code = layer_of(level)
    url = wfs_url(client, year)
    final = client.cache.pdok_file(SERVICE, year, layer)
    if final.is_file() and not refresh:
        return _describe(final, year, level, url, fetched=0)
    store = client.cache.pdok_pages(SERVICE, year, layer)
    if refresh:
        store.clear()
    task = progress.task(f"PDOK {layer} {year}") if progress else None
    features: list[dict[str, Any]] = []
    fetched, matched = 0, None
    for page, source, was_cached in _pages(client, url, layer, store, page_size):
        features.extend(_checked(page, code, source))
        fetched += not was_cached
        matched = page.get("numberMatched") if matched is None else matched
        if progress is not None and task is not None:
            progress.advance(task, len(page["features"]))
    if isinstance(matched, int) and len(features) < matched:
        store.clear()  # a short page ends the paging early: fetch the layer afresh next time
        raise SourceCoverageError(
            url,
            f"{layer} {year}: {len(features):,} of the {matched:,} features the server "
            "matched; a page came back short",
            expected="numberMatched features; fetch again",
        )
    _check_unique(features, code, url)
    collection = {"type": "FeatureCollection", "features": [_lon_lat(f) for f in features]}
    write_atomic(final, json.dumps(collection, ensure_ascii=False).encode("utf-8"))
    store.clear()
    return _describe(final, year, level, url, fetched=fetched)


def _pages(
    client: Client, url: str, layer: str, store: PageStore, page_size: int
) -> Iterator[tuple[dict[str, Any], str, bool]]:
    """Pages as (payload, source, cached); a new page is stored once it was accepted."""
    index = 0
    while True:
        body = store.read(index)
        if body is not None:
            payload, source = json.loads(body), str(store.path(index))
        else:
            response = client.get_json(url, _params(layer, page_size, index * page_size))
            payload, source = response.payload, response.url
            _collection(payload, source)
        yield payload, source, body is not None
        if body is None:
            store.write(index, response.body)
        if len(payload["features"]) < page_size:
            return
        index += 1


def _params(layer: str, count: int, start: int) -> dict[str, str]:
    return {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": f"{SERVICE}:{layer}",
        "outputFormat": "application/json",
        "srsName": "EPSG:4326",
        "count": str(count),
        "startIndex": str(start),
    }


def _collection(payload: Any, source: str) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise SourceFormatError(
            source, "not a GeoJSON FeatureCollection", expected="{'type': 'FeatureCollection', ...}"
        )


def _checked(page: dict[str, Any], code: str, source: str) -> list[dict[str, Any]]:
    for feature in page["features"]:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not props.get(code) or not feature.get("geometry"):
            raise SourceFormatError(
                source,
                f"a feature lacks geometry or the {code!r} property",
                record=str(feature.get("id") if isinstance(feature, dict) else feature)[:80],
                expected=f"features with geometry and properties.{code}",
            )
    return list(page["features"])


def _check_unique(features: list[dict[str, Any]], code: str, source: str) -> None:
    seen: set[str] = set()
    for feature in features:
        value = str(feature["properties"][code])
        if value in seen:
            raise SourceFormatError(
                source,
                f"{code} {value} occurs twice; the paging went wrong (server order changed?)",
                expected="each region once",
            )
        seen.add(value)


def _lon_lat(feature: dict[str, Any]) -> dict[str, Any]:
    """The feature with lon/lat coordinates, swapping a latitude-first order."""
    geometry = feature["geometry"]
    first = _first_position(geometry.get("coordinates"))
    if first is not None and 50.0 <= first[0] <= 54.0 and 3.0 <= first[1] <= 8.0:
        geometry = {**geometry, "coordinates": _swap(geometry["coordinates"])}
    return {**feature, "geometry": geometry}


def _first_position(coords: Any) -> list[float] | None:
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    if isinstance(coords, list) and len(coords) >= 2:
        return coords
    return None


def _swap(coords: Any) -> Any:
    if coords and isinstance(coords[0], list):
        return [_swap(c) for c in coords]
    return [coords[1], coords[0], *coords[2:]]


def _describe(path: Path, year: int, level: str, url: str, *, fetched: int) -> GeometryFile:
    body = path.read_bytes()
    count = len(json.loads(body)["features"])
    return GeometryFile(path, int(year), level, url, count, sha256_bytes(body), fetched)
