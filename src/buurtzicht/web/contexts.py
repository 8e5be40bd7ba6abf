"""Typed page contexts: the HTML page and its ``.json`` twin render the same model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from buurtzicht.api.schemas import (
    BuildOut,
    CompareOut,
    ProfileOut,
    ThemeOut,
    TrendsOut,
    ValuesOut,
)


class Context(BaseModel):
    model_config = ConfigDict(frozen=True)


class PageMeta(Context):
    title: str
    lang: str
    path: str
    json_url: str
    other_lang_url: str
    build_id: str | None = None


class HomePage(Context):
    page: PageMeta
    build: BuildOut
    themes: list[ThemeOut]


class MapPage(Context):
    page: PageMeta
    themes: list[ThemeOut]
    indicator: str
    level: str
    levels: list[str]
    period: str | None
    scheme: str
    k: int
    values: ValuesOut
    geometry_url: str | None
    csv_url: str
    xlsx_url: str
    hotspots_url: str | None = None


class RegionPage(Context):
    page: PageMeta
    profile: ProfileOut
    map_url: str | None


class ComparePage(Context):
    page: PageMeta
    compare: CompareOut
    indicator: str | None
    trends: TrendsOut | None


class MethodologyPage(Context):
    page: PageMeta
    themes: list[ThemeOut]
    build: BuildOut


class ErrorPage(Context):
    page: PageMeta
    status: int
    title: str
    detail: str
