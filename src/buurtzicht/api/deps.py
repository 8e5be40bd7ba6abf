"""Request dependencies as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

import duckdb
from fastapi import Depends, Query, Request

from buurtzicht.api.warehouse import Snapshot, Warehouse
from buurtzicht.config import Settings

Lang = Literal["nl", "en"]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_snapshot(request: Request) -> Snapshot:
    warehouse: Warehouse = request.app.state.warehouse
    return warehouse.snapshot()


def get_cursor(
    snapshot: Annotated[Snapshot, Depends(get_snapshot)],
) -> Iterator[duckdb.DuckDBPyConnection]:
    cursor = snapshot.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


async def get_lang(
    request: Request,
    lang: Annotated[
        Lang | None, Query(description="Language of titles and messages: nl or en")
    ] = None,
) -> Lang:
    """``?lang=`` wins, then the ``lang`` cookie set by the language toggle, then Dutch."""
    if lang is not None:
        return lang
    return "en" if request.cookies.get("lang") == "en" else "nl"


SettingsDep = Annotated[Settings, Depends(get_settings)]
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
CursorDep = Annotated[duckdb.DuckDBPyConnection, Depends(get_cursor)]
LangDep = Annotated[Lang, Depends(get_lang)]
