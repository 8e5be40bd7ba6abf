"""Errors of the disclosure-control engine.

``DisclosureError`` subclasses :class:`buurtzicht.errors.BuurtzichtError`, so the CLI and
the API turn it into a readable message. It lives here until the lead moves it into
``buurtzicht.errors`` with the other domain exceptions.
"""

from __future__ import annotations

from buurtzicht.errors import BuurtzichtError


class DisclosureError(BuurtzichtError):
    """Secure aggregates cannot be protected as given.

    Raised for a table that does not add up along its declared structure (a wijk that
    is not the sum of its buurten, a total that is not the sum of its types), for a
    structural zero that holds a value, and for a rule set that does not exist.
    """
