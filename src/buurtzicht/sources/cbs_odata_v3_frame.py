"""Turn OData v3 ``TypedDataSet`` pages into long observations, page by page.

Wide rows (one column per topic) are melted as each page arrives, so a table of
millions of cells never sits in memory as Python dicts. Measures are named by the
topic key without its position suffix (``AantalInwoners_5`` -> ``kwb.AantalInwoners``);
text topics (``Gemeentenaam_1``, ``SoortRegio_2``, ``Codering_3``) are region
attributes, kept apart. A NULL stays NULL (status ``missing``), never 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pandas as pd

from buurtzicht.errors import RegionCodeError, SourceFormatError
from buurtzicht.regions.codes import NEDERLAND, normalise_code
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.observations import (
    Measure,
    empty_observations,
    measure_stem,
    normalise_period,
    observations_frame,
    period_year,
)
from buurtzicht.sources.odata import (
    check_periods,
    check_unique,
    indeling_of,
    mark_provisional,
    provisional_periods,
    wanted_periods,
)
from buurtzicht.sources.tables import TableSpec

_DIMENSION_TYPES = {"Dimension", "TimeDimension", "GeoDimension", "GeoDetail"}


def camel(title: str) -> str:
    """A CamelCase identifier from a Dutch title, diacritics dropped.

    >>> camel("Geboren buiten Nederland"), camel("Gemiddeld aardgasverbruik")
    ('GeborenBuitenNederland', 'GemiddeldAardgasverbruik')
    """
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", plain) if w)


def qualified_stems(properties: list[dict[str, Any]]) -> dict[str, str]:
    """Topic key -> stable stem, qualified where a stem repeats within the table.

    The first topic with a stem keeps it; a later one gets ``<Stem>.<Group>``, where
    ``<Group>`` is its nearest TopicGroup whose title the first one's groups do not
    share (KWB: ``Nederland_17`` under "Herkomstland" stays ``Nederland``;
    ``Nederland_20`` under "Geboren in Nederland" becomes
    ``Nederland.GeborenInNederland``; ``Appartement_62`` under "Gemiddeld
    aardgasverbruik / Naar woningtype" becomes ``Appartement.GemiddeldAardgasverbruik``).

    >>> props = [
    ...     {"ID": 1, "Type": "TopicGroup", "Title": "Herkomstland", "ParentID": None},
    ...     {"ID": 2, "Type": "Topic", "Key": "Nederland_17", "ParentID": 1},
    ...     {"ID": 3, "Type": "TopicGroup", "Title": "Geboren in Nederland", "ParentID": None},
    ...     {"ID": 4, "Type": "Topic", "Key": "Nederland_20", "ParentID": 3},
    ... ]
    >>> qualified_stems(props)
    {'Nederland_17': 'Nederland', 'Nederland_20': 'Nederland.GeborenInNederland'}
    """
    by_id = {p["ID"]: p for p in properties if p.get("ID") is not None}

    def groups(prop: dict[str, Any]) -> list[str]:
        # Guard against cycles in malformed metadata: each group is visited once.
        titles, seen_ids, parent = [], set(), by_id.get(prop.get("ParentID"))
        while parent is not None and id(parent) not in seen_ids:
            seen_ids.add(id(parent))
            titles.append(str(parent.get("Title") or "").strip())
            parent = by_id.get(parent.get("ParentID"))
        return titles

    first: dict[str, dict[str, Any]] = {}
    seen: defaultdict[str, int] = defaultdict(int)
    stems: dict[str, str] = {}
    for prop in properties:
        if prop.get("Type") != "Topic":
            continue
        key = str(prop["Key"])
        stem = measure_stem(key)
        seen[stem] += 1
        if stem not in first:
            first[stem], stems[key] = prop, stem
            continue
        taken = set(groups(first[stem]))
        distinct = [t for t in groups(prop) if t and t not in taken]
        stems[key] = f"{stem}.{camel(distinct[0])}" if distinct else f"{stem}.{seen[stem]}"
    return stems


class V3Frame:
    """Accumulates the pages of one table and builds its :class:`Batch`."""

    def __init__(
        self,
        spec: TableSpec,
        properties: list[dict[str, Any]],
        code_lists: Mapping[str, list[dict[str, Any]]],
        info: Mapping[str, Any],
    ) -> None:
        self.spec, self.properties, self.code_lists, self.info = spec, properties, code_lists, info
        self.stems = qualified_stems(properties)
        topics = [p for p in properties if p.get("Type") == "Topic"]
        self.numeric = [p["Key"] for p in topics if p.get("Datatype") != "String"]
        self.text = [p["Key"] for p in topics if p.get("Datatype") == "String"]
        self.dims = [p for p in properties if p.get("Type") in _DIMENSION_TYPES]
        self.region = next(
            (d for d in self.dims if d["Type"] in {"GeoDimension", "GeoDetail"}), None
        )
        self.time = next((d for d in self.dims if d["Type"] == "TimeDimension"), None)
        self.columns = {"ID", *(d["Key"] for d in self.dims), *self.numeric, *self.text}
        self.rows = 0
        self._chunks: list[pd.DataFrame] = []
        self._attributes: list[pd.DataFrame] = []
        self._suffix_titles = {
            d: {str(c["Key"]).strip(): str(c.get("Title") or "") for c in code_lists.get(d, [])}
            for d in spec.suffixes
        }

    # -- per page ---------------------------------------------------------------
    def add(self, rows: list[dict[str, Any]], source: str) -> None:
        """Check, strip and melt one page."""
        if not rows:
            return
        frame = pd.DataFrame.from_records(rows)
        self._check_columns(frame, source)
        dims = [d["Key"] for d in self.dims]
        for dim in dims:
            frame[dim] = frame[dim].astype("string").str.strip()
        numbers = pd.DataFrame({k: numbers_of(frame, k, source) for k in self.numeric})
        long = pd.concat([frame[dims], numbers], axis=1).melt(
            id_vars=dims, var_name="key", value_name="value"
        )
        self._chunks.append(long)
        if self.region is not None and self.text:
            self._attributes.append(frame[[self.region["Key"], *self.text]])
        self.rows += len(frame)

    def _check_columns(self, frame: pd.DataFrame, source: str) -> None:
        got = set(frame.columns)
        missing, extra = sorted(self.columns - got), sorted(got - self.columns)
        if missing or extra:
            raise SourceFormatError(
                source,
                f"columns differ from DataProperties (missing {missing}, unexpected {extra}); "
                "the table's schema changed",
                expected=f"{len(self.columns)} columns as listed in DataProperties",
            )

    # -- at the end ---------------------------------------------------------------
    def batch(self, *, url: str, version: str, sha256: str) -> Batch:
        """The observations, measures and manifest entry of everything added."""
        spec = self.spec
        source = SourceFile(url, spec.id, version, sha256, spec.publisher, spec.licence)
        batch = Batch(name=f"cbs:{spec.id}", files=[source])
        if not self._chunks:
            batch.observations = empty_observations()
            batch.notes.append(f"{spec.id}: the table returned no rows")
            return batch
        long = pd.concat(self._chunks, ignore_index=True)
        self._chunks = []
        if self.time is not None:
            key = self.time["Key"]
            wanted = wanted_periods(
                self.code_lists.get(key, []),
                "Key",
                filtered=spec.filters.get(key, ()),
                recent=spec.recent_periods,
            )
            check_periods(long[key].unique(), wanted, url)
        self._check_folded(long)
        long["measure"] = self._measure_ids(long)
        long, dropped = self._regions(long)
        if dropped:
            batch.notes.append(dropped)
        long["period"] = self._periods(long)
        long["indeling"] = self._indeling(long)
        long["status"] = "ok"
        long["source"] = spec.id
        frame = observations_frame(long, source=spec.id)
        frame = mark_provisional(frame, self._provisional())
        check_unique(frame, url)
        batch.observations = frame
        batch.measures = self._measures(set(frame["measure"].unique()), version)
        return batch

    def _check_folded(self, long: pd.DataFrame) -> None:
        folded = self.spec.folded_dimensions()
        for dim in self.dims:
            if dim["Type"] != "Dimension" or dim["Key"] in folded:
                continue
            keys = long[dim["Key"]].unique()
            if len(keys) > 1:
                raise SourceFormatError(
                    self.spec.id,
                    f"dimension {dim['Key']} has {len(keys)} keys but the registry folds it "
                    "nowhere; add it to measure_template, suffixes, filters or totals",
                )

    def _fold_keys(self) -> list[str]:
        used = self.spec.template_fields() | set(self.spec.suffixes)
        return [d["Key"] for d in self.dims if d["Key"] in used]

    def _measure_ids(self, long: pd.DataFrame) -> pd.Series:
        fold = self._fold_keys()
        combos = long[["key", *fold]].drop_duplicates()
        ids = [
            self._measure_id(row["key"], {d: row[d] for d in fold})
            for row in combos.to_dict("records")
        ]
        combos = combos.assign(measure=ids)
        merged = long[["key", *fold]].merge(combos, on=["key", *fold], how="left")
        return pd.Series(merged["measure"].to_numpy(), index=long.index)

    def _measure_id(self, key: str, dims: Mapping[str, str]) -> str:
        titles = {
            d: {
                str(c["Key"]).strip(): str(c.get("Title") or "") for c in self.code_lists.get(d, [])
            }
            for d in self.spec.suffixes
        }
        try:
            return self.spec.measure_id(self.stems[key], dims, titles)
        except KeyError as exc:
            raise SourceFormatError(
                self.spec.id,
                f"key {exc} is not known to the registry's measure naming",
                record=key,
            ) from exc

    def _regions(self, long: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        if self.region is None:
            if not self.spec.national:
                raise SourceFormatError(self.spec.id, "the table has no region dimension")
            return long.assign(region=NEDERLAND), ""
        column = self.region["Key"]
        mapping = {raw: region_or_none(raw) for raw in long[column].unique()}
        long = long.assign(region=long[column].map(mapping))
        bad = sorted(k for k, v in mapping.items() if v is None)
        if not bad:
            return long, ""
        kept = long[long["region"].notna()].copy()
        note = (
            f"{self.spec.id}: skipped {len(long) - len(kept)} cells of {len(bad)} regions "
            f"without a CBS region code (e.g. {', '.join(bad[:5])})"
        )
        return kept, note

    def _periods(self, long: pd.DataFrame) -> pd.Series:
        where = self.spec.id
        if self.time is None:
            raw = self.spec.period or self.info.get("Period", "")
            period, _ = normalise_period(raw, where=f"{where} TableInfos Period")
            return pd.Series(period, index=long.index)
        column = self.time["Key"]
        mapping = {raw: normalise_period(raw, where=where)[0] for raw in long[column].unique()}
        return long[column].map(mapping)

    def _indeling(self, long: pd.DataFrame) -> pd.Series:
        region = self.region or {}
        year = indeling_of(
            region.get("Description"),
            region.get("MapYear"),
            geo_detail=region.get("Type") == "GeoDetail",
        )
        if year is not None:
            return pd.Series(year, index=long.index, dtype="int32")
        mapping = {p: period_year(p) for p in long["period"].unique()}
        return long["period"].map(mapping).astype("int32")

    def _provisional(self) -> set[str]:
        if self.time is None:
            return set()
        return provisional_periods(list(self.code_lists.get(self.time["Key"], [])))

    def _measures(self, present: set[str], version: str) -> list[Measure]:
        fold = self._fold_keys()
        titles = {d: {str(c["Key"]).strip(): c for c in self.code_lists.get(d, [])} for d in fold}
        combos = [{}] if not fold else _combinations(titles, fold)
        measures: dict[str, Measure] = {}
        for prop in self.properties:
            if prop.get("Type") != "Topic" or prop["Key"] not in self.numeric:
                continue
            for combo in combos:
                measure = self._measure_id(prop["Key"], combo)
                if measure in present and measure not in measures:
                    measures[measure] = self._measure(measure, prop, combo, titles, version)
        return list(measures.values())

    def _measure(
        self,
        measure: str,
        prop: Mapping[str, Any],
        combo: Mapping[str, str],
        titles: Mapping[str, Mapping[str, Mapping[str, Any]]],
        version: str,
    ) -> Measure:
        title = str(prop.get("Title") or prop["Key"]).strip()
        description = str(prop.get("Description") or "").strip()
        for dim, key in combo.items():
            code = titles[dim].get(key, {})
            title += f": {str(code.get('Title') or key).strip()}"
            description = str(code.get("Description") or "").strip() or description
        return Measure(
            id=measure,
            title=title,
            unit=str(prop.get("Unit") or "").strip(),
            decimals=int(prop.get("Decimals") or 0),
            description=description,
            source_table=self.spec.id,
            source_version=version,
            publisher=self.spec.publisher,
            licence=self.spec.licence,
            datatype=str(prop.get("Datatype") or "Double"),
        )

    def attributes(self) -> pd.DataFrame:
        """Text topics per region (one row per region, columns named by stem)."""
        if not self._attributes or self.region is None:
            return pd.DataFrame()
        frame = pd.concat(self._attributes, ignore_index=True)
        frame = frame.apply(lambda col: col.astype("string").str.strip())
        column = self.region["Key"]
        frame["region"] = frame[column].map(region_or_none)
        frame = frame[frame["region"].notna()].drop(columns=[column])
        frame = frame.rename(columns=self.stems).drop_duplicates("region")
        return frame[["region", *(self.stems[k] for k in self.text)]].reset_index(drop=True)


def numbers_of(frame: pd.DataFrame, key: str, source: str) -> pd.Series:
    """A numeric topic column as float64; anything but a number or null is an error."""
    column = frame[key]
    if column.dtype.kind in "iuf":
        return column.astype("float64")
    ok = column.map(lambda v: v is None or (isinstance(v, int | float) and not isinstance(v, bool)))
    if not bool(ok.all()):
        row = frame[~ok].iloc[0]
        raise SourceFormatError(
            source,
            f"column {key}: {row[key]!r} is not a number",
            record=f"ID {row.get('ID')}",
            expected="a number or null",
        )
    return pd.to_numeric(column, errors="coerce").astype("float64")


def region_or_none(raw: object) -> str | None:
    try:
        return normalise_code(str(raw))
    except RegionCodeError:
        return None


def _combinations(titles: Mapping[str, Mapping[str, Any]], fold: list[str]) -> list[dict[str, str]]:
    combos: list[dict[str, str]] = [{}]
    for dim in fold:
        combos = [{**c, dim: key} for c in combos for key in titles[dim]]
    return combos
