"""CBS OData v4 (``odata4.cbs.nl/CBS/<table>``): already long, like our observations.

Endpoints: ``Properties`` (a singleton with ``Modified``), ``Dimensions`` (Identifier,
Kind, MapYear), ``MeasureCodes`` (Identifier, Title, Description, Unit, Decimals,
DataType), one ``<Dimension>Codes`` list per dimension (Identifier, Title, Status) and
``Observations`` (Id, Measure, ValueAttribute, Value and one column per dimension),
paged with ``@odata.nextLink``.

Measure codes (``M000352``, ``T001036``) carry no name, so the measure id is
``<family>.<code>`` unless the registry maps the code to a name
(``TableSpec.measure_names``). ``ValueAttribute`` becomes our status: ``None`` is an
ordinary figure; ``Impossible`` / ``Missing`` (CBS's blank and ".") are ``missing``;
``Confidential`` (CBS's "x") is ``secret``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import NEDERLAND
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.cbs_odata_v3_frame import numbers_of, region_or_none
from buurtzicht.sources.http import Client
from buurtzicht.sources.observations import (
    Measure,
    Status,
    empty_observations,
    normalise_period,
    observations_frame,
    period_year,
)
from buurtzicht.sources.odata import (
    PageProgress,
    TableResult,
    cached_collection,
    check_periods,
    check_unique,
    indeling_of,
    iter_pages,
    mark_provisional,
    provisional_periods,
    wanted_periods,
)
from buurtzicht.sources.tables import TableSpec

NEXT_LINK = "@odata.nextLink"
#: CBS ValueAttribute -> our status. Anything else is reported in the batch notes.
VALUE_ATTRIBUTES: Mapping[str, Status] = {
    "None": Status.OK,
    "Impossible": Status.MISSING,
    "Missing": Status.MISSING,
    ".": Status.MISSING,
    "Confidential": Status.SECRET,
    "x": Status.SECRET,
}
_OPTIONAL = {"Id", "StringValue"}


def properties(client: Client, base: str) -> dict[str, Any]:
    """The ``Properties`` singleton; its ``Modified`` identifies the table version."""
    response = client.get_json(f"{base}/Properties")
    payload = response.payload
    if not isinstance(payload, dict) or not payload.get("Modified"):
        raise SourceFormatError(
            response.url, "Properties has no 'Modified' date", expected="a JSON object"
        )
    return payload


class V4Metadata:
    """Properties, Dimensions, MeasureCodes and code lists of one table version."""

    def __init__(self, client: Client, spec: TableSpec, base: str) -> None:
        self.spec = spec
        self.info = properties(client, base)
        self.version = str(self.info["Modified"])

        def meta(name: str) -> list[dict[str, Any]]:
            path = client.cache.odata_meta(spec.id, self.version, "v4", name)
            return cached_collection(client, f"{base}/{name}", path, next_key=NEXT_LINK)

        self.dimensions = meta("Dimensions")
        self.measure_codes = meta("MeasureCodes")
        self.code_lists = {
            d["Identifier"]: meta(f"{d['Identifier']}Codes") for d in self.dimensions
        }
        self.region = next((d for d in self.dimensions if "Geo" in str(d.get("Kind"))), None)
        self.time = next((d for d in self.dimensions if d.get("Kind") == "TimeDimension"), None)

    def data_filter(self) -> str:
        spec, wanted = self.spec, {}
        for dim, keys in spec.filters.items():
            wanted[dim] = [self._key(dim, lambda c, k=k: c["Identifier"] == k) for k in keys]
        for dim in spec.totals:
            wanted[dim] = [self._key(dim, lambda c: "totaal" in str(c.get("Title", "")).lower())]
        if spec.recent_periods and self.time is not None:
            codes = self.code_lists[self.time["Identifier"]]
            wanted[self.time["Identifier"]] = [c["Identifier"] for c in codes][
                -spec.recent_periods :
            ]
        return " and ".join(
            "(" + " or ".join(f"{dim} eq '{key}'" for key in keys) + ")"
            for dim, keys in sorted(wanted.items())
        )

    def _key(self, dim: str, test: Any) -> str:
        for code in self.code_lists.get(dim, []):
            if test(code):
                return str(code["Identifier"])
        raise SourceFormatError(
            f"{self.spec.id}/{dim}Codes",
            "the code named in the registry is not in the code list; the table changed",
        )


def fetch_v4_table(
    client: Client, spec: TableSpec, *, progress: PageProgress | None = None
) -> TableResult:
    """Fetch (or read from the cache) one v4 table and convert it to a :class:`Batch`."""
    base = spec.base_url(client.settings)
    meta = V4Metadata(client, spec, base)
    query = meta.data_filter()
    store = client.cache.odata_pages(spec.id, meta.version, "v4", query)
    frame = V4Frame(meta)
    task = progress.task(f"{spec.id} ({meta.version[:10]})") if progress else None
    pages = fetched = 0
    params = {"$filter": query} if query else None
    for page in iter_pages(client, f"{base}/Observations", params, next_key=NEXT_LINK, store=store):
        frame.add(page.rows, page.source)
        pages, fetched = pages + 1, fetched + (not page.cached)
        if progress is not None and task is not None:
            progress.advance(task, len(page.rows))
    url = f"{base}/Observations" + (f"?$filter={query}" if query else "")
    batch = frame.batch(url, store.digest(pages))
    batch.notes.append(f"{spec.id}: {pages} pages ({fetched} fetched, {pages - fetched} cached)")
    client.cache.prune_odata(spec.id, meta.version)
    codes = {k: v for k, v in meta.code_lists.items()}
    return TableResult(batch, meta.version, url, pages, fetched, frame.rows, code_lists=codes)


class V4Frame:
    """Accumulates v4 Observations pages and builds the :class:`Batch`."""

    def __init__(self, meta: V4Metadata) -> None:
        self.meta, self.spec = meta, meta.spec
        self.dims = [str(d["Identifier"]) for d in meta.dimensions]
        self.columns = {"Measure", "Value", "ValueAttribute", *self.dims}
        self.rows = 0
        self._chunks: list[pd.DataFrame] = []

    def add(self, rows: list[dict[str, Any]], source: str) -> None:
        if not rows:
            return
        frame = pd.DataFrame.from_records(rows)
        got = set(frame.columns)
        missing, extra = sorted(self.columns - got), sorted(got - self.columns - _OPTIONAL)
        if missing or extra:
            raise SourceFormatError(
                source,
                f"Observations columns changed (missing {missing}, unexpected {extra})",
                expected=f"Id, Measure, ValueAttribute, Value and {self.dims}",
            )
        for dim in [*self.dims, "Measure", "ValueAttribute"]:
            frame[dim] = frame[dim].astype("string").str.strip()
        frame["Value"] = numbers_of(frame, "Value", source)
        self._chunks.append(frame[[*self.dims, "Measure", "ValueAttribute", "Value"]])
        self.rows += len(frame)

    def batch(self, url: str, sha256: str) -> Batch:
        spec, meta = self.spec, self.meta
        source = SourceFile(url, spec.id, meta.version, sha256, spec.publisher, spec.licence)
        batch = Batch(name=f"cbs:{spec.id}", files=[source])
        if not self._chunks:
            batch.observations = empty_observations()
            return batch
        long = pd.concat(self._chunks, ignore_index=True)
        if meta.time is not None:
            key = str(meta.time["Identifier"])
            wanted = wanted_periods(
                meta.code_lists.get(key, []),
                "Identifier",
                filtered=spec.filters.get(key, ()),
                recent=spec.recent_periods,
            )
            check_periods(long[key].unique(), wanted, url)
        fold = [d for d in self.dims if d in spec.template_fields() | set(spec.suffixes)]
        combos = long[["Measure", *fold]].drop_duplicates()
        combos["measure"] = [
            self._measure_id({str(k): str(v) for k, v in r.items()}, fold)
            for r in combos.to_dict("records")
        ]
        long = long.merge(combos, on=["Measure", *fold], how="left")
        long = self._place(long, batch)
        long["status"], unknown = self._status(long)
        if unknown:
            batch.notes.append(f"{spec.id}: unknown ValueAttribute values {unknown}")
        long = long.rename(columns={"Value": "value"}).assign(source=spec.id)
        frame = observations_frame(long, source=spec.id)
        time = meta.time["Identifier"] if meta.time else ""
        frame = mark_provisional(
            frame, provisional_periods(meta.code_lists.get(time, []), key="Identifier")
        )
        check_unique(frame, url)
        batch.observations = frame
        batch.measures = self._measures(long[["Measure", "measure"]].drop_duplicates())
        return batch

    def _measure_id(self, row: Mapping[str, str], fold: list[str]) -> str:
        stem = self.spec.measure_names.get(row["Measure"], row["Measure"])
        titles = {
            d: {str(c["Identifier"]): str(c.get("Title") or "") for c in self.meta.code_lists[d]}
            for d in self.spec.suffixes
            if d in self.meta.code_lists
        }
        try:
            return self.spec.measure_id(stem, {d: row[d] for d in fold}, titles)
        except KeyError as exc:
            raise SourceFormatError(self.spec.id, f"key {exc} unknown to the registry") from exc

    def _place(self, long: pd.DataFrame, batch: Batch) -> pd.DataFrame:
        """Region, period and indeling columns."""
        meta = self.meta
        if meta.region is None:
            long["region"] = NEDERLAND
        else:
            column = str(meta.region["Identifier"])
            mapping = {raw: region_or_none(raw) for raw in long[column].unique()}
            long["region"] = long[column].map(mapping)
            bad = sorted(k for k, v in mapping.items() if v is None)
            if bad:
                batch.notes.append(f"{self.spec.id}: skipped regions without a code {bad[:5]}")
                long = long[long["region"].notna()].copy()
        if meta.time is None:
            period, _ = normalise_period(self.spec.period or "", where=f"{self.spec.id} period")
            long["period"] = period
        else:
            column = str(meta.time["Identifier"])
            mapping = {
                raw: normalise_period(raw, where=self.spec.id)[0] for raw in long[column].unique()
            }
            long["period"] = long[column].map(mapping)
        region = meta.region or {}
        year = indeling_of(region.get("Description"), region.get("MapYear"), geo_detail=True)
        long["indeling"] = year if year is not None else long["period"].map(period_year)
        return long

    def _status(self, long: pd.DataFrame) -> tuple[pd.Series, list[str]]:
        codes = long["ValueAttribute"].fillna("None")
        known = {k: v.value for k, v in VALUE_ATTRIBUTES.items()}
        status = codes.map(known)
        unknown = sorted(set(codes[status.isna()].unique()))
        fallback = pd.Series(Status.OK.value, index=long.index).where(
            long["Value"].notna(), Status.MISSING.value
        )
        return status.fillna(fallback), unknown

    def _measures(self, pairs: pd.DataFrame) -> list[Measure]:
        codes = {str(c["Identifier"]): c for c in self.meta.measure_codes}
        measures = []
        for code, measure in pairs.itertuples(index=False):
            info = codes.get(code)
            if info is None:
                raise SourceFormatError(self.spec.id, f"measure {code!r} is not in MeasureCodes")
            measures.append(
                Measure(
                    id=measure,
                    title=str(info.get("Title") or code).strip(),
                    unit=str(info.get("Unit") or "").strip(),
                    decimals=int(info.get("Decimals") or 0),
                    description=str(info.get("Description") or "").strip(),
                    source_table=self.spec.id,
                    source_version=self.meta.version,
                    publisher=self.spec.publisher,
                    licence=self.spec.licence,
                    datatype=str(info.get("DataType") or "Double"),
                )
            )
        return measures
