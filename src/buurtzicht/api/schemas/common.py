"""What every public response shares: the frozen base, errors and region references."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SYNTHETIC_LABEL = "synthetisch / synthetic"


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorDetail(Public):
    status: int
    title: str = Field(description="Short title in the requested language")
    detail: str = Field(description="What went wrong and how to fix it")
    parameter: str | None = None
    path: str


class ErrorOut(Public):
    error: ErrorDetail


class RegionRef(Public):
    code: str
    level: str
    name: str | None


class RegionHit(RegionRef):
    gemeente: str | None = None
    gemeente_name: str | None = None
    label: str = Field(description="Name with its gemeente, for an autocomplete list")
    url: str = Field(description="The region's profile page")
    note: str | None = Field(
        default=None,
        description="Why this region answers the query: the official name behind a common "
        "one, or the gemeente a former gemeente went into",
    )
    former: str | None = Field(
        default=None, description="Code of the former gemeente the query named"
    )


class RegionDetail(RegionRef):
    indeling: int
    stedelijkheid: int | None = None
    parents: list[RegionRef]
    children: list[RegionRef]
    children_level: str | None = None
    url: str


class GeometryInfo(Public):
    level: str
    year: int
    features: int
    url: str
