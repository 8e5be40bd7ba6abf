"""Errors of the disclosure-control engine.

``DisclosureError`` lives in :mod:`buurtzicht.errors` with the other domain exceptions;
it is re-exported here so that ``buurtzicht.disclosure.errors`` keeps working. It is
raised for a table that does not add up along its declared structure (a wijk that is
not the sum of its buurten, a total that is not the sum of its types), for published
values that do not belong to the secure values beside them, and for an audit program
that cannot be solved.
"""

from __future__ import annotations

from buurtzicht.errors import DisclosureError

__all__ = ["DisclosureError"]
