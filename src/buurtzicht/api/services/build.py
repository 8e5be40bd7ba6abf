"""Summary of the build being served (home page, ``/api/build``)."""

from __future__ import annotations

import duckdb

from buurtzicht.api.problems import without_server_paths
from buurtzicht.api.schemas.card import SourceOut
from buurtzicht.api.schemas.common import GeometryInfo
from buurtzicht.api.schemas.figures import BuildOut
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import boundaries as geometry_queries
from buurtzicht.queries import build_summary as info


def build_summary(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, lang: str) -> BuildOut:
    result: BuildOut = snapshot.cached(("build", lang), lambda: _summary(cursor, lang))
    return result


def _summary(cursor: duckdb.DuckDBPyConnection, lang: str) -> BuildOut:
    summary = info.summary(cursor)
    word = "Source" if lang == "en" else "Bron"
    sources: dict[str, SourceOut] = {}
    for row in summary["sources"]:
        table = row["table_id"] or ""
        publisher = row["publisher"] or "CBS"
        licence = row["licence"] or ""
        sources.setdefault(
            table,
            SourceOut(
                table=table,
                version=row["version"] or "",
                publisher=publisher,
                licence=licence,
                citation=f"{word}: {publisher} ({table}), {licence}".rstrip(", "),
            ),
        )
    build = summary["build"]
    return BuildOut(
        build_id=build.get("build_id", ""),
        description=without_server_paths(build.get("description", "")),
        buurtzicht_version=build.get("buurtzicht_version", ""),
        observations=summary["observations"],
        measures=summary["measures"],
        sources=list(sources.values()),
        geometry=[
            GeometryInfo(level=level, year=year, features=n, url=f"/api/geometry/{level}/{year}")
            for level, year, n in geometry_queries.available(cursor)
        ],
    )
