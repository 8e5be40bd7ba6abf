"""Fetch the remote tables and boundaries the project needs when it is online.

Everything goes through one :class:`~buurtzicht.sources.http.Client` per call (one
HTTP session, one cache). A table whose ``Modified`` has not changed since the last
run is read from the cache with a single request (``TableInfos`` / ``Properties``);
boundary layers already on disk take none.

>>> "85984NED" in DEFAULT_TABLES and (2024, "buurt") in DEFAULT_GEOMETRY
True
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from buurtzicht.config import Settings
from buurtzicht.errors import MirrorMissingError
from buurtzicht.sources.base import Batch, SourceFile, sha256_of
from buurtzicht.sources.cbs_odata_v3 import fetch_v3_table
from buurtzicht.sources.cbs_odata_v4 import fetch_v4_table
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import PageProgress, TableResult
from buurtzicht.sources.pdok import GeometryFile, fetch_boundaries
from buurtzicht.sources.tables import TABLES, Api, TableSpec, get_spec

#: The tables the dashboard needs online (see docs/sources-online.md).
DEFAULT_TABLES: tuple[str, ...] = (
    "85984NED",  # KWB 2024: every measure for every gemeente, wijk and buurt
    "47018NED",  # police: registered crime per buurt by crime type
    "83648NED",  # registered crime totals per gemeente, politie-eenheid, provincie
    "85755NED",  # Gebieden in Nederland 2024: divisions, stedelijkheid, inhabitants
    "85146NED",  # Veiligheidsmonitor
    "81947NED",  # suspects, national
)
#: Boundaries: the 2024 buurt layer is not in the offline mirror (only 2019 and Amsterdam).
DEFAULT_GEOMETRY: tuple[tuple[int, str], ...] = (
    (2024, "gemeente"),
    (2024, "wijk"),
    (2024, "buurt"),
)


def fetch_table(
    client: Client, spec: TableSpec, *, progress: PageProgress | None = None
) -> TableResult:
    """One table through the client, v3 or v4 as the registry says."""
    if spec.api is Api.V4:
        return fetch_v4_table(client, spec, progress=progress)
    return fetch_v3_table(client, spec, progress=progress)


@contextmanager
def _session(settings: Settings, client: Client | None) -> Iterator[Client]:
    if client is not None:
        yield client
        return
    with Client(settings) as own:
        yield own


def fetch_table_results(
    settings: Settings,
    table_ids: Iterable[str] = DEFAULT_TABLES,
    *,
    progress: bool = True,
    client: Client | None = None,
    recent_periods: int | None = None,
) -> list[TableResult]:
    """Fetch tables with everything the fetch produced (attributes, code lists, counts).

    ``recent_periods`` overrides the registry's number of most recent periods for
    tables that have one (47018NED: 5); ``0`` fetches every period.
    """
    specs = [get_spec(t) for t in table_ids]
    if recent_periods is not None:
        specs = [_with_periods(s, recent_periods) for s in specs]
    with _session(settings, client) as session, PageProgress(progress) as bar:
        return [fetch_table(session, spec, progress=bar) for spec in specs]


def fetch_tables(
    settings: Settings,
    table_ids: Iterable[str] = DEFAULT_TABLES,
    *,
    progress: bool = True,
    client: Client | None = None,
) -> list[Batch]:
    """Fetch tables (or read them from the cache) as batches for the warehouse."""
    results = fetch_table_results(settings, table_ids, progress=progress, client=client)
    return [r.batch for r in results]


def fetch_geometry(
    settings: Settings,
    layers: Iterable[tuple[int, str]] = DEFAULT_GEOMETRY,
    *,
    progress: bool = True,
    client: Client | None = None,
    refresh: bool = False,
) -> list[GeometryFile]:
    """Download (or reuse) boundary layers; returns one GeoJSON file per (year, level)."""
    with _session(settings, client) as session, PageProgress(progress) as bar:
        return [
            fetch_boundaries(session, year, level, refresh=refresh, progress=bar)
            for year, level in layers
        ]


def geometry_source(geometry: GeometryFile) -> SourceFile:
    """The manifest entry of a downloaded boundary layer."""
    return SourceFile(
        path=str(geometry.path),
        table=f"pdok:wijkenbuurten:{geometry.level}",
        version=str(geometry.year),
        sha256=geometry.sha256,
        publisher="CBS/Kadaster (PDOK)",
    )


def _with_periods(spec: TableSpec, recent: int) -> TableSpec:
    if spec.recent_periods is None:
        return spec
    return dataclasses.replace(spec, recent_periods=recent or None)


# -- offline: what the mirror holds -----------------------------------------------------
_TOKEN = re.compile(
    r"`([^`\s/]+(?:\.|…)(?:csv|json|geojson|gz|xlsx|zip|parquet|txt|gpkg)(?:\.gz)?)`"
)


@dataclass(frozen=True)
class MirrorFolder:
    """One folder of the offline mirror checked against its SOURCE.md."""

    name: str
    files: dict[str, str]  # file name -> sha256
    sizes: dict[str, int]
    missing: list[str]  # named in SOURCE.md (plainly) but not present
    unnamed: list[str]  # present but not named in SOURCE.md
    tables: list[str]  # registry tables the SOURCE.md mentions


def _described(name: str, tokens: set[str]) -> bool:
    for token in tokens:
        pattern = re.escape(token).replace("YYYY", r"\d{4}").replace("…", ".*").replace(r"\*", ".*")
        stem = token.split(".", 1)[0]
        if re.fullmatch(pattern, name) or (len(stem) > 4 and name.startswith(stem)):
            return True
    return False


def check_mirror_folder(folder: Path) -> MirrorFolder:
    """Files of one mirror folder with their sha256, against what SOURCE.md names."""
    source = folder / "SOURCE.md"
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    tokens = set(_TOKEN.findall(text))
    present = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SOURCE.md")
    names = [p.name for p in present]
    plain = {t for t in tokens if not re.search(r"[*…]|YYYY", t)}
    missing = sorted(
        t for t in plain if not any(n == t or n.startswith(t.split(".")[0]) for n in names)
    )
    return MirrorFolder(
        name=folder.name,
        files={p.name: sha256_of(p) for p in present},
        sizes={p.name: p.stat().st_size for p in present},
        missing=missing,
        unnamed=[n for n in names if not _described(n, tokens)],
        tables=sorted(t for t in TABLES if t in text),
    )


def check_mirror(mirror: Path) -> list[MirrorFolder]:
    """Every folder under ``<mirror>/raw`` checked against its SOURCE.md (no network)."""
    raw = Path(mirror) / "raw"
    if not raw.is_dir():
        raise MirrorMissingError(
            f"{mirror}: no raw/ folder; point --mirror at the folder that holds raw/INDEX.md"
        )
    return [check_mirror_folder(d) for d in sorted(raw.iterdir()) if d.is_dir()]
