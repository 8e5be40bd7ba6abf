"""Readers for the mirror's file formats, each failing with the file and place.

CSV goes through :func:`buurtzicht.sources.statline_csv.read_table` (BOM, gzip, padded
strings, a row with the wrong number of fields, missing columns). JSON and GeoJSON are
read here with the same care: a truncated or malformed document names its line, a
feature without a required property names the feature.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import normalise_code
from buurtzicht.sources.statline_csv import numeric_column, open_text, read_table

__all__ = [
    "numeric_columns",
    "read_features",
    "read_json",
    "read_table",
    "region_codes",
    "require_values",
]


def read_json(path: Path) -> Any:
    """Parse a (possibly gzipped) JSON file; malformed or truncated JSON names its line."""
    text = open_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            path, f"malformed or truncated JSON ({exc.msg})", line=exc.lineno, expected="JSON"
        ) from exc


def read_features(path: Path, *, required: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The ``properties`` of every feature of a GeoJSON FeatureCollection.

    Raises :class:`SourceFormatError` when the document is not a FeatureCollection or
    a feature lacks one of the ``required`` properties (naming the feature's index).
    """
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise SourceFormatError(path, "not a GeoJSON FeatureCollection", expected="features")
    rows: list[dict[str, Any]] = []
    for index, feature in enumerate(document["features"]):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            raise SourceFormatError(path, "feature without properties", record=f"feature {index}")
        absent = [name for name in required if name not in properties]
        if absent:
            raise SourceFormatError(
                path,
                f"feature lacks properties {absent}",
                record=f"feature {index}",
                expected=f"properties {list(required)}",
            )
        rows.append(properties)
    return rows


def region_codes(values: Iterable[object], *, path: Path | str, record: str = "line") -> pd.Series:
    """Normalised region codes of a column, each distinct value checked once.

    A malformed code raises :class:`RegionCodeError` naming the file and the line
    (header = line 1) or, with ``record="feature"``, the feature index.
    """
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    series = series.reset_index(drop=True)
    mapping: dict[object, str] = {}
    unique = series.drop_duplicates()
    for position, raw in zip(unique.index.tolist(), unique.tolist(), strict=True):
        place = {"line": f"line {position + 2}", "feature": f"feature {position}"}
        mapping[raw] = normalise_code(
            raw, where=f"{path}, {place.get(record, f'{record} {raw!r}')}"
        )
    return series.map(mapping).astype("string")


def numeric_columns(frame: pd.DataFrame, columns: Sequence[str], *, path: Path) -> pd.DataFrame:
    """Text columns converted to float64 (NaN for CBS's missing markers)."""
    return pd.DataFrame(
        {column: numeric_column(frame, column, path=path) for column in columns},
        index=frame.index,
    )


def require_values(frame: pd.DataFrame, column: str, *, path: Path) -> None:
    """Every row must have a value in ``column`` (codes, labels); name the first empty line."""
    empty = frame[column].isna() | (frame[column].astype("string").str.strip() == "")
    if empty.any():
        line = int(empty.to_numpy().nonzero()[0][0]) + 2
        raise SourceFormatError(path, f"column {column} is empty", line=line, expected="a value")
