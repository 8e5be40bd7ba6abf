"""Login through an organisation's identity provider (OpenID Connect, code flow + PKCE).

The client is Authlib's (discovery document, authorization URL with ``state``,
``nonce`` and a PKCE S256 challenge, the token request, and validation of the signed
ID token against the provider's JWKS: signature, issuer, audience, expiry, nonce).
This module adds only what is buurtzicht's own: which provider belongs to which
organisation (setting ``BUURTZICHT_OIDC``) and which account an identity maps to.

An identity maps to an account when the claim ``username_claim`` (``email`` by
default) names an existing, enabled ``analist`` of the provider's organisation. When
the provider is configured with ``organisation_claim`` and the identity's claim holds
the organisation's code, a missing account is created (an analist without a password:
it can log in only through the provider). Anything else is refused: a provider of one
organisation never logs anyone into another organisation or into a beheerder account.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import warnings
from dataclasses import asdict, dataclass
from typing import Any

from authlib.integrations.base_client import FrameworkIntegration
from authlib.integrations.base_client.sync_app import BaseApp, OAuth2Mixin
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from sqlalchemy import select

from buurtzicht.config import OidcProvider
from buurtzicht.workspace.accounts import USERNAME, add_user
from buurtzicht.workspace.db import WorkspaceDB
from buurtzicht.workspace.errors import AuthenticationError
from buurtzicht.workspace.models import Organisation, User

with warnings.catch_warnings():
    # Authlib 1.9 nudges towards httpx2; httpx is what this project depends on.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client


class OidcClient(OAuth2Mixin, OpenIDMixin, BaseApp):
    """Authlib's OpenID Connect client on httpx, without a web framework's session:
    the login's state travels in a short-lived cookie (:class:`Pending`)."""

    client_cls = OAuth2Client


class _Framework(FrameworkIntegration):
    def update_token(self, token: Any, refresh_token: Any = None, access_token: Any = None) -> None:
        """Tokens are used once, at login, and never stored or refreshed."""


_clients: dict[str, OidcClient] = {}
_lock = threading.Lock()


def client(organisation: str, provider: OidcProvider) -> OidcClient:
    """One client per organisation and configuration (it keeps the discovery document
    and the JWKS it has fetched)."""
    key = f"{organisation}\n{provider.model_dump_json()}"
    with _lock:
        found = _clients.get(key)
        if found is None:
            found = OidcClient(
                _Framework(f"oidc-{organisation}"),
                name=organisation,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.issuer.rstrip("/")
                + "/.well-known/openid-configuration",
                client_kwargs={
                    "scope": provider.scope,
                    "code_challenge_method": "S256",
                    "timeout": 10,
                },
            )
            _clients[key] = found
        return found


@dataclass(frozen=True)
class Pending:
    """A login on its way to the provider and back (kept in the ``bz_oidc`` cookie)."""

    organisation: str
    state: str
    nonce: str
    code_verifier: str
    next: str

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def decode(cls, text: str | None) -> Pending | None:
        if not text:
            return None
        try:
            fields = json.loads(base64.urlsafe_b64decode(text.encode()))
            return cls(**{k: str(fields[k]) for k in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError):
            return None


def start(
    organisation: str, provider: OidcProvider, redirect_uri: str, next_url: str
) -> tuple[str, Pending]:
    """The provider's authorization URL, and what to remember until it sends the user back."""
    oidc = client(organisation, provider)
    metadata = oidc.load_server_metadata()
    if metadata.get("issuer") != provider.issuer:
        raise AuthenticationError(
            f"the provider's discovery document names issuer {metadata.get('issuer')!r}, "
            f"not the configured {provider.issuer!r}"
        )
    found = oidc.create_authorization_url(redirect_uri=redirect_uri)
    return found["url"], Pending(
        organisation=organisation,
        state=found["state"],
        nonce=found["nonce"],
        code_verifier=found["code_verifier"],
        next=next_url,
    )


def finish(
    provider: OidcProvider, pending: Pending, redirect_uri: str, state: str, code: str
) -> dict[str, Any]:
    """Exchange the code and return the validated ID token's claims."""
    if not secrets.compare_digest(pending.state.encode(), state.encode()):
        raise AuthenticationError("the login's state does not match: start again")
    oidc = client(pending.organisation, provider)
    try:
        token = oidc.fetch_access_token(
            redirect_uri=redirect_uri, code=code, code_verifier=pending.code_verifier
        )
        claims = oidc.parse_id_token(token, nonce=pending.nonce)
    except Exception as exc:  # Authlib, joserfc and httpx each raise their own errors
        raise AuthenticationError(f"the identity provider's answer was refused: {exc}") from exc
    if claims is None:
        raise AuthenticationError("the identity provider sent no ID token")
    return dict(claims)


def _claim_values(claims: dict[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value is not None else []


def account_for(
    database: WorkspaceDB, organisation: str, provider: OidcProvider, claims: dict[str, Any]
) -> tuple[int, str, bool]:
    """The account an identity logs in to: (user id, user name, created now)."""
    names = _claim_values(claims, provider.username_claim)
    if provider.username_claim == "email" and claims.get("email_verified") is False:
        names = []
    if not names or not USERNAME.match(names[0]):
        raise AuthenticationError(
            f"the identity has no usable {provider.username_claim!r} claim to find an account by"
        )
    username = names[0]
    with database.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        org = session.execute(
            select(Organisation).where(Organisation.code == organisation)
        ).scalar()
        if org is None:
            raise AuthenticationError(
                f"organisation {organisation} does not exist in this workspace"
            )
        if user is not None:
            if user.disabled or user.role != "analist" or user.organisation_id != org.id:
                raise AuthenticationError(
                    f"account {username} is not an enabled analist of {organisation}"
                )
            return user.id, username, False
        allowed = provider.organisation_claim and organisation in _claim_values(
            claims, provider.organisation_claim
        )
        if not allowed:
            raise AuthenticationError(
                f"no account {username} in {organisation}; a beheerder adds it "
                "(or the provider's organisation claim grants it)"
            )
        display = str(claims.get("name") or username)[:200]
        info = add_user(session, username, None, "analist", organisation, display)
        return info.id, username, True
