"""Cell values of an upload: numbers with a decimal comma or point, dates and periods."""

from __future__ import annotations

import re
from datetime import date

FIRST_YEAR = 1990


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


#: A plain number with at most one decimal comma or point: the common case, read fast.
PLAIN = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
#: Numbers with thousands separators, by decimal separator.
GROUPED = {
    decimal: re.compile(
        rf"[+-]?(\d{{1,3}}({re.escape(thousands)}\d{{3}})+|\d+)?({re.escape(decimal)}\d+)?"
        r"|[+-]?inf(inity)?|nan",
        flags=re.IGNORECASE,
    )
    for decimal, thousands in ((",", "."), (".", ","))
}


def parse_number(text: str) -> float:
    """A number as people type it in the Netherlands or elsewhere.

    >>> parse_number("1.234,5"), parse_number("1234,5"), parse_number("1,234.5")
    (1234.5, 1234.5, 1234.5)
    >>> parse_number("12.5"), parse_number("-3"), parse_number("1 234,5")
    (12.5, -3.0, 1234.5)
    """
    raw = text.strip()
    if PLAIN.fullmatch(raw):
        return float(raw.replace(",", "."))
    raw = raw.replace("\u00a0", "").replace(" ", "")
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif raw.count(",") == 1:
        decimal = ","
    else:
        decimal = "."
    if not raw or not GROUPED[decimal].fullmatch(raw):
        raise CellError(f"{text!r} is not a number (use 1234,5 or 1234.5)")
    thousands = "." if decimal == "," else ","
    value = float(raw.replace(thousands, "").replace(decimal, "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{text!r} is not a finite number")
    return value


DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ].*)?$"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
)


def parse_period(text: str, today: date) -> str:
    """The year (``2023``) of a year, a date (2023-05-01, 1-5-2023) or a period code.

    >>> parse_period("2023", date(2026, 1, 1)), parse_period("1-5-2023", date(2026, 1, 1))
    ('2023', '2023')
    """
    raw = text.strip()
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            moment = date.fromisoformat(raw)
        except ValueError:
            raise CellError(f"{text!r} is not a valid date") from None
    elif re.fullmatch(r"\d{4}(JJ00)?", raw):
        year = int(raw[:4])
        moment = date(year, 1, 1)
    else:
        for pattern in DATE_FORMATS:
            found = pattern.match(raw)
            if found:
                try:
                    moment = date(int(found["y"]), int(found["m"]), int(found["d"]))
                except ValueError:
                    raise CellError(f"{text!r} is not a valid date") from None
                break
        else:
            raise CellError(f"{text!r} is not a year or a date (2023, 2023-05-01, 1-5-2023)")
    if moment.year < FIRST_YEAR or moment > today:
        raise CellError(
            f"{text!r} is out of range: dates from {FIRST_YEAR} up to today ({today.isoformat()})"
        )
    return str(moment.year)
