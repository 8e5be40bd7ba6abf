"""Period parameters: ``2024`` or ``2024JJ00``, checked against what the build holds."""

from __future__ import annotations

from buurtzicht.api.problems import InvalidParameterError, PeriodNotAvailableError
from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.observations import normalise_period


def parse_period(raw: str, *, parameter: str = "period") -> str:
    try:
        return normalise_period(raw, where=parameter)[0]
    except SourceFormatError as exc:
        raise InvalidParameterError(
            f"{raw!r} is not a period; use a year (2024) or a CBS period code (2024JJ00)",
            parameter=parameter,
        ) from exc


def choose_period(
    raw: str | None, available: list[str], *, what: str, parameter: str = "period"
) -> str:
    """The requested period, or the latest available one when none is asked for."""
    if not available:
        raise PeriodNotAvailableError(f"there are no figures for {what}", parameter=parameter)
    if raw is None or raw == "":
        return available[-1]
    period = parse_period(raw, parameter=parameter)
    if period not in available:
        years = ", ".join(p[:4] if p.endswith("JJ00") else p for p in available)
        raise PeriodNotAvailableError(
            f"no figures for {what} in {period}; available: {years}", parameter=parameter
        )
    return period
