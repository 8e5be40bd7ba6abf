"""Exports of workspace data: every text cell is neutralised against formula injection.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (OWASP "CSV injection"); such cells get a leading
apostrophe, which the spreadsheet shows as text. Numbers stay numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: object) -> object:
    """``value`` fit for a CSV or XLSX cell.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell(-3.5), safe_cell("Centrum")
    (-3.5, 'Centrum')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
