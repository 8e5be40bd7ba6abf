"""Disk cache of remote pages, keyed on table id and the table's version.

Layout under ``Settings.cache_dir``::

    odata/<table>/<Modified>/<api>-meta/<name>.json    DataProperties, code lists, ...
    odata/<table>/<Modified>/<api>-<query>/00000.json  data pages, verbatim bodies
    pdok/wijkenbuurten/<year>/<layer>.geojson          merged FeatureCollection

Every file is written atomically (temporary file + rename), so an interrupted run
leaves whole pages only and the next run resumes at the first missing one. A page is
stored verbatim, so the manifest checksum is the checksum of what CBS sent. A new
``Modified`` gets a new folder; older versions of the table are pruned once the new
one is complete.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(text: str) -> str:
    """A file-system safe rendering of a table id or a ``Modified`` timestamp.

    >>> safe_name("2025-03-27T02:00:00")
    '2025-03-27T02-00-00'
    """
    return _UNSAFE.sub("-", text.strip()).strip("-") or "none"


def query_key(query: str) -> str:
    """A short stable name for a data query (filters), ``all`` when there is none.

    >>> query_key("")
    'all'
    >>> len(query_key("SoortMisdrijf eq 'T001161'"))
    12
    """
    if not query:
        return "all"
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:12]


class PageStore:
    """The numbered pages of one query of one table version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, index: int) -> Path:
        return self.folder / f"{index:05d}.json"

    def read(self, index: int) -> bytes | None:
        try:
            return self.path(index).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, index: int, body: bytes) -> None:
        write_atomic(self.path(index), body)

    def discard(self, index: int) -> None:
        """Drop a page that turned out unreadable, and every page after it."""
        for page in self.page_paths():
            if int(page.stem) >= index:
                page.unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove every page and the folder itself."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def page_paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("[0-9]*.json"))

    def digest(self, count: int) -> str:
        """sha256 over the first ``count`` pages in order: the checksum of the payload."""
        sha = hashlib.sha256()
        for index in range(count):
            sha.update(self.path(index).read_bytes())
        return sha.hexdigest()


class PageCache:
    """Root of the download cache (``Settings.cache_dir``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def odata_version_dir(self, table: str, version: str) -> Path:
        return self.root / "odata" / safe_name(table) / safe_name(version)

    def odata_pages(self, table: str, version: str, api: str, query: str = "") -> PageStore:
        folder = self.odata_version_dir(table, version) / f"{api}-{query_key(query)}"
        return PageStore(folder)

    def odata_meta(self, table: str, version: str, api: str, name: str) -> Path:
        return self.odata_version_dir(table, version) / f"{api}-meta" / f"{safe_name(name)}.json"

    def prune_odata(self, table: str, keep_version: str) -> list[Path]:
        """Remove cached versions of ``table`` other than ``keep_version``."""
        keep = self.odata_version_dir(table, keep_version)
        removed = []
        for folder in _subdirs(keep.parent):
            if folder != keep:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def pdok_file(self, service: str, year: int, layer: str) -> Path:
        return (
            self.root / "pdok" / safe_name(service) / str(int(year)) / f"{safe_name(layer)}.geojson"
        )

    def pdok_pages(self, service: str, year: int, layer: str) -> PageStore:
        final = self.pdok_file(service, year, layer)
        return PageStore(final.with_suffix(".pages"))


def _subdirs(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from (p for p in folder.iterdir() if p.is_dir())
