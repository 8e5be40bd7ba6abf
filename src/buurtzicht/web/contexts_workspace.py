"""Page contexts of the workspace (login, account, beheer, audit log, own data).

These pages are private: rendered per request, never cached, never part of a build.
"""

from __future__ import annotations

from pydantic import Field

from buurtzicht.web.contexts import Context, PageMeta


class OrganisationOut(Context):
    code: str
    name: str
    kind: str
    gemeenten: list[str]


class UserOut(Context):
    username: str
    display_name: str
    role: str
    organisation: OrganisationOut | None
    disabled: bool
    created_at: str


class LoginProvider(Context):
    organisation: str
    name: str
    url: str


class LoginPage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    next: str
    username: str = ""
    error: str | None = None
    #: Organisations that log in through their identity provider (OpenID Connect).
    providers: list[LoginProvider] = Field(default_factory=list)


class LoginDonePage(Context):
    """After a login through an identity provider: on to ``next`` from this site."""

    page: PageMeta
    next: str


class AccountPage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    user: UserOut


class BeheerPage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    users: list[UserOut]
    organisations: list[OrganisationOut]
    message: str | None = None


class AuditEntryOut(Context):
    seq: int
    at: str
    actor: str
    organisation: str
    action: str
    target: str
    detail: str
    address: str
    hash: str


class AuditFilterOut(Context):
    actor: str = ""
    organisation: str = ""
    action: str = ""
    since: str = ""
    until: str = ""


class AuditPage(Context):
    page: PageMeta
    filters: AuditFilterOut
    entries: list[AuditEntryOut]
    csv_url: str
    verified: bool
    verify_message: str


class DatasetOut(Context):
    id: int
    name: str
    version: int
    current: bool
    filename: str
    rows: int
    key_kind: str
    value_label: str
    created_by: str
    created_at: str
    periods: list[str]


class WorkspacePage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    organisation: OrganisationOut | None
    datasets: list[DatasetOut]
    max_bytes: int
    max_rows: int


class ProblemOut(Context):
    row: int
    column: str
    kind: str
    message: str


class LevelSummary(Context):
    level: str
    regions: int
    rows: int


class PreviewPage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    filename: str
    file_format: str
    encoding: str
    separator: str
    rows: int
    key_kind: str
    value_label: str
    ok: bool
    problems: list[ProblemOut]
    problem_counts: dict[str, int]
    ambiguous: dict[str, list[str]]
    levels: list[LevelSummary]
    periods: list[str]
    token: str | None = None
    default_name: str = ""


class OwnRow(Context):
    code: str
    name: str
    count: int
    total: float | None
    colour: str
    display: str


class LegendOut(Context):
    lower: float
    upper: float
    colour: str
    count: int


class DatasetPage(Context):
    page: PageMeta
    csrf: str = Field(exclude=True)
    dataset: DatasetOut
    level: str
    levels: list[str]
    period: str
    measure: str  # "count" or "total"
    rows: list[OwnRow]
    legend: list[LegendOut]
    geometry_url: str | None
    parent: str | None
    no_data_colour: str
    csv_url: str
    xlsx_url: str
