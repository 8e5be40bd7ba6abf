"""The reason behind a suppressed indicator figure.

An indicator is computed from measures (numerator, denominator); its figure is
suppressed when a measure it needs is. Its reason is the first published reason among
those measures, numerator first: a rate of hennep sites per 10,000 dwellings whose count
was suppressed for too few sites says so, one whose count was hidden to protect another
cell (complementary suppression) says that instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from buurtzicht.indicators.model import Indicator, IndicatorMeta


def formula_measures(indicator: IndicatorMeta) -> list[str]:
    """The measures of a catalog indicator (the build's own), numerators first ([] for a
    composite index or a raw measure)."""
    if not isinstance(indicator.item, Indicator):
        return []
    formulas = indicator.item.formulas
    numerators = [m for f in formulas for m in f.numerator]
    denominators = [m for f in formulas for m in (f.denominator or [])]
    return list(dict.fromkeys([*numerators, *denominators]))


def reason_of(measures: list[str], lookup: Callable[[str], str | None]) -> str | None:
    """The first reason ``lookup`` gives for ``measures``, in order.

    >>> reason_of(["a", "b"], {"b": "secondary"}.get)
    'secondary'
    >>> reason_of(["a"], {}.get) is None
    True
    """
    for measure in measures:
        reason = lookup(measure)
        if reason:
            return reason
    return None


def region_reason(
    reasons: Mapping[tuple[str, str, str], str],
    region: str,
    indicator: IndicatorMeta,
    period: str,
) -> str | None:
    """The reason of ``indicator`` for ``region`` in ``period`` from
    :func:`buurtzicht.queries.suppressions.region_reasons`."""
    return reason_of(formula_measures(indicator), lambda m: reasons.get((region, m, period)))
