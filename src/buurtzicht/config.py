"""Settings, read from environment variables ``BUURTZICHT_*``.

The offline mirror of real open data defaults to ``../shared/data`` beside the checkout
when that folder exists; it is never copied into the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from buurtzicht.errors import MirrorMissingError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_mirror() -> Path | None:
    for base in (Path.cwd(), PROJECT_ROOT):
        candidate = (base / ".." / "shared" / "data").resolve()
        if candidate.is_dir():
            return candidate
    return None


class OidcProvider(BaseModel):
    """An organisation's OpenID Connect identity provider (docs/workspace.md)."""

    issuer: str = Field(description="Issuer URL; its /.well-known/openid-configuration is read.")
    client_id: str
    client_secret: str = ""
    name: str = Field(default="", description="Shown on the login button.")
    username_claim: str = Field(
        default="email", description="ID token claim that names the buurtzicht account."
    )
    organisation_claim: str | None = Field(
        default=None,
        description="ID token claim whose value(s) holding the organisation's code create a "
        "missing analist account; unset: only existing accounts log in.",
    )
    scope: str = "openid email profile"


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to ``BUURTZICHT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="BUURTZICHT_", extra="ignore")

    mirror: Path | None = Field(
        default_factory=_default_mirror,
        description="Folder with the offline mirror of CBS / Politie / PDOK open data.",
    )
    home: Path = Field(
        default=Path("var"),
        description="Working folder: warehouse builds, download cache, synthetic microdata.",
    )
    keep_builds: int = Field(
        default=5, ge=2, description="How many warehouse builds to keep for rollback."
    )
    cbs_odata_v3_url: str = Field(
        default="https://opendata.cbs.nl/ODataApi/odata",
        description="Base URL of CBS OData v3 (StatLine tables).",
    )
    cbs_odata_v3_police_url: str = Field(
        default="https://dataderden.cbs.nl/ODataApi/odata",
        description="Base URL of CBS OData v3 for third-party tables (Politie, 47018NED).",
    )
    cbs_odata_v4_url: str = Field(
        default="https://odata4.cbs.nl/CBS",
        description="Base URL of CBS OData v4.",
    )
    pdok_wfs_url: str = Field(
        default="https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0",
        description="PDOK WFS of the CBS wijk- en buurtkaart; {year} is filled in.",
    )
    secure_levels: str = Field(
        default="gemeente,wijk,buurt",
        description="Region levels `buurtzicht secure publish` releases (comma-separated; "
        "a finer level needs the coarser ones). NL is always included.",
    )
    cookie_secure: bool = Field(
        default=False,
        description="Mark cookies Secure also on plain-HTTP requests (set this behind a "
        "TLS-terminating proxy; over https they are Secure anyway).",
    )
    workspace_db: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the workspace database (accounts, audit log, own "
        "data), e.g. postgresql+psycopg://user@host/buurtzicht; default an SQLite file "
        "workspace/workspace.sqlite in the home folder.",
    )
    session_hours: float = Field(
        default=8, gt=0, description="Lifetime of a login session in hours (absolute)."
    )
    upload_max_bytes: int = Field(
        default=50_000_000, gt=0, description="Largest own-data file accepted (bytes)."
    )
    upload_max_rows: int = Field(
        default=250_000, gt=0, description="Most data rows accepted in one own-data file."
    )
    oidc: dict[str, OidcProvider] = Field(
        default_factory=dict,
        description="Identity providers per organisation code, as JSON: "
        '{"GM0363": {"issuer": "https://login.example.nl", "client_id": "...", '
        '"client_secret": "..."}}.',
    )
    cache_mb: float = Field(
        default=256,
        ge=1,
        description="Memory budget of the server's cache per worker process, in MB "
        "(answers, rendered pages, geometry and profiles of the current build; the least "
        "recently used are dropped beyond it).",
    )
    request_slots: int = Field(
        default=8,
        ge=1,
        description="Uncached requests one worker process works on at a time; further "
        "ones wait for a slot (cached answers never wait).",
    )
    queue_wait: float = Field(
        default=2.0,
        gt=0,
        description="Seconds a request may wait for a slot before the answer is 503 with "
        "Retry-After (the server sheds overload instead of queueing it).",
    )
    queue_max: int = Field(
        default=64,
        ge=0,
        description="Requests that may wait for a slot per worker; more get 503 at once.",
    )
    request_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds an uncached request may take before the answer is 503 with "
        "Retry-After (its work still finishes and fills the cache).",
    )
    warm_up: bool = Field(
        default=False,
        description="Compute the level-wide comparison tables (peer classes, similar "
        "regions) when a server process starts, before it takes requests; `buurtzicht "
        "serve` sets it (--no-warm-up to skip).",
    )
    http_retries: int = Field(default=4, ge=0, description="Retries per HTTP request.")
    http_backoff: float = Field(
        default=0.5, ge=0, description="First retry delay in seconds (doubles each retry)."
    )

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def require_mirror(self) -> Path:
        """The mirror folder, or a clear error saying how to point at it."""
        if self.mirror is None or not Path(self.mirror).is_dir():
            raise MirrorMissingError(
                f"offline data mirror not found (BUURTZICHT_MIRROR={self.mirror!s}); "
                "set BUURTZICHT_MIRROR to the folder that holds raw/INDEX.md, "
                "normally ../shared/data beside the checkout"
            )
        return Path(self.mirror)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
