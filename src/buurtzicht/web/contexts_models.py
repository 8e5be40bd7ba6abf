"""Page context of the Zoekgebieden page (risk models)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from buurtzicht.api.schemas.risk import ZoekgebiedenOut
from buurtzicht.web.contexts import Context, PageMeta, TilesRef


class ThemeChoice(Context):
    id: str
    title: str


class ValidationRow(Context):
    """One method of the validation table: hidden cases found in the top 10 % of areas."""

    design: str
    method: str
    found: float | None
    recall: float | None
    precision: float | None
    auc: float | None
    is_model: bool


class ClassValidationRow(Context):
    """Hidden cases per buurt in one risk class of one class rule and design."""

    design: str
    rule: str
    klasse: str
    label: str
    buurten: int
    hidden_per_buurt: float | None
    is_model: bool


class ModelCard(Context):
    title: str
    purpose: str
    method: str
    features: list[dict[str, Any]] = Field(
        description="feature, label, coefficient and rate (or odds) ratio per SD"
    )
    classes: list[dict[str, str]] = Field(default_factory=list)
    intended_use: str
    limits: list[str]


class ZoekgebiedenPage(Context):
    page: PageMeta
    available: bool = Field(description="The build holds published risk models")
    themes: list[ThemeChoice]
    theme: str
    level: str
    levels: list[str]
    result: ZoekgebiedenOut | None = None
    geometry_url: str | None = None
    tiles: TilesRef | None = None
    notices: list[str] = Field(default_factory=list)
    card: ModelCard | None = None
    validation: list[ValidationRow] = Field(default_factory=list)
    class_validation: list[ClassValidationRow] = Field(default_factory=list)
    youth_card: ModelCard | None = None
    youth_validation: list[ValidationRow] = Field(default_factory=list)
    synthetic: bool = True
