"""Domain errors of the workspace; the API turns them into an HTTP status."""

from __future__ import annotations

from buurtzicht.errors import BuurtzichtError


class WorkspaceError(BuurtzichtError):
    """Something asked of the workspace cannot be done (bad input, unknown name)."""


class AuthenticationError(WorkspaceError):
    """Wrong user name or password, a disabled account, or an expired session."""


class RateLimitedError(WorkspaceError):
    """Too many failed logins for this account or address: wait and try again."""


class PermissionDeniedError(WorkspaceError):
    """The signed-in user may not do this (wrong role or organisation)."""


class AuditChainError(WorkspaceError):
    """The audit log does not verify: an entry was changed, removed or inserted."""
