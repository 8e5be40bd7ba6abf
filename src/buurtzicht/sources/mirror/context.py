"""One load of the mirror: where it is, which files were read, parsed files shared by loaders.

Every loader reads its files through the context by key of
:data:`~buurtzicht.sources.mirror.files.FILES`: the spec says where the file is and what
it must hold, the context checks it (:func:`~buurtzicht.sources.mirror.expectations.verified`)
and parses it with the columns the spec names (:meth:`MirrorContext.read_table`,
:meth:`~MirrorContext.read_json`, :meth:`~MirrorContext.read_features`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.mirror.expectations import verified
from buurtzicht.sources.mirror.files import FILES, GEBIEDEN_TABLES
from buurtzicht.sources.mirror.gebieden import Gebieden, read_gebieden
from buurtzicht.sources.mirror.readers import read_features, read_json, read_table, region_codes

if TYPE_CHECKING:
    from buurtzicht.sources.mirror.region_rows import RegionsResult

T = TypeVar("T")


class MirrorContext:
    """Shared state of one load: the mirror root, checksums and parsed files.

    Several loaders read the same file (the Gebieden tables feed the regions and the
    ``gebieden`` dataset; the gemeente geometry files feed regions, KWB and police
    crime). The context parses each file once and hashes each file once.

    Every path it hands out has passed the file's expectation
    (:mod:`buurtzicht.sources.mirror.expectations`); ``verify=False`` skips that, for
    tests that feed a loader a deliberately small file.
    """

    def __init__(self, mirror: Path, *, verify: bool = True) -> None:
        self.mirror = Path(mirror)
        self.verify = verify
        self._files: dict[str, SourceFile] = {}
        self._cache: dict[str, Any] = {}
        self.regions: RegionsResult | None = None

    def path(self, key: str) -> Path:
        path = FILES[key].locate(self.mirror)
        if self.verify:
            verified(self.mirror, FILES[key].path)
        return path

    def source_file(self, key: str) -> SourceFile:
        if key not in self._files:
            self.path(key)
            self._files[key] = FILES[key].source_file(self.mirror)
        return self._files[key]

    def source_files(self, *keys: str) -> list[SourceFile]:
        return [self.source_file(k) for k in keys]

    def cached(self, name: str, factory: Callable[[], T]) -> T:
        if name not in self._cache:
            self._cache[name] = factory()
        value: T = self._cache[name]
        return value

    def read_table(self, key: str) -> pd.DataFrame:
        """A CSV file of the mirror as text columns, with every column its spec names."""
        return read_table(self.path(key), required=FILES[key].columns)

    def read_json(self, key: str) -> Any:
        """A JSON file of the mirror, parsed."""
        return read_json(self.path(key))

    def read_features(self, key: str) -> list[dict[str, Any]]:
        """The properties of every feature of a GeoJSON file (those its spec names required)."""
        return read_features(self.path(key), required=FILES[key].columns)

    def table(self, key: str) -> pd.DataFrame:
        """:meth:`read_table`, once per load (for files several loaders read)."""
        return self.cached(f"table:{key}", lambda: self.read_table(key))

    def gebieden(self, year: int) -> Gebieden:
        key = f"gebieden_{year}"
        return self.cached(key, lambda: read_gebieden(self.path(key), year))

    def gebieden_years(self) -> list[int]:
        return sorted(GEBIEDEN_TABLES)

    def gemeenten_geometry(self, year: int) -> pd.DataFrame:
        """The attribute table of one gemeente geometry file (codes normalised)."""
        key = f"gemeenten_geo_{year}"
        return self.cached(key, lambda: self._attributes(key))

    def _attributes(self, key: str) -> pd.DataFrame:
        frame = pd.DataFrame(self.read_features(key))
        path = self.path(key)
        frame["gemeentecode"] = region_codes(frame["gemeentecode"], path=path, record="feature")
        frame["gemeentenaam"] = frame["gemeentenaam"].astype("string").str.strip()
        return frame
