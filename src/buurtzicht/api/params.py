"""Request parameters as the code accepts them, so that the OpenAPI schema says exactly
that: enumerations for levels and methods, patterns for region codes, periods and
indicator ids. FastAPI checks them before a route runs (422 with the parameter named).

Unknown query parameters are refused on the API (422) and left out of every cache key
on pages, so that junk such as ``?cb=123`` can neither bypass nor grow a cache.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import StringConstraints

from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.regions.codes import PREFIX_LEVEL


def _any_case(text: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in text)


_DIGITS = {"GM": r"\d{4}", "WK": r"\d{4}[0-9A-Za-z]{2}", "BU": r"\d{4}[0-9A-Za-z]{4}"}
#: One region code in any case (``GM0363``, ``wk0363aa``, ``NL`` for the Netherlands).
REGION_CODE = (
    "(?:"
    + "|".join(
        [_any_case("NL")]
        + [_any_case(prefix) + _DIGITS.get(prefix, r"\d{2}") for prefix in PREFIX_LEVEL]
    )
    + ")"
)
REGION_CODE_PATTERN = f"^{REGION_CODE}$"
#: Trends take at most 12 regions, comparisons 2 to 8.
MAX_TRENDS = 12
MAX_COMPARE = 8


def _code_list(least: int, most: int) -> str:
    """``least`` to ``most`` comma-separated codes."""
    return f"^{REGION_CODE}(?:,{REGION_CODE}){{{least - 1},{most - 1}}}$"


#: A year or a CBS period code (``2024``, ``2024JJ00``, ``2024KW02``, ``2024MM01``).
PERIOD_PATTERN = r"^\d{4}(?:(?:JJ|KW|MM|X0)\d{2})?$"
#: Catalog indicator ids and measure ids (``opgehelderd_pct``, ``misdrijven.Totaal...``).
INDICATOR_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]{0,119}$"

Level = Literal["gemeente", "wijk", "buurt"]
Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]
HotspotMethod = Literal["gi_star", "local_moran"]

RegionCodePath = Annotated[
    str,
    Path(
        pattern=REGION_CODE_PATTERN,
        description="Region code, e.g. GM0363, WK036300, BU03630000 (any case)",
    ),
]
IndicatorParam = Annotated[
    str,
    Query(pattern=INDICATOR_PATTERN, description="Indicator id (see /api/indicators)"),
]
LevelParam = Annotated[Level, Query(description="gemeente, wijk or buurt")]
PeriodParam = Annotated[
    str | None,
    Query(
        pattern=PERIOD_PATTERN,
        description="Year (2024) or CBS period (2024JJ00); default: the latest",
    ),
]
ParentParam = Annotated[
    str | None,
    Query(
        pattern=REGION_CODE_PATTERN,
        description="Only regions within this gemeente (wijk, buurt level) or wijk "
        "(buurt level), e.g. GM0363",
    ),
]
SchemeParam = Annotated[Scheme, Query(description="Legend classification")]
ClassesParam = Annotated[int, Query(ge=2, le=7, description="Number of legend classes")]
MethodParam = Annotated[
    HotspotMethod, Query(description="gi_star (Getis-Ord Gi*) or local_moran (LISA)")
]
YearPath = Annotated[int, Path(ge=1800, le=2200, description="Boundary year, e.g. 2024")]


def _regions_query(least: int, most: int) -> Any:
    """Region codes, either repeated (``?regions=GM0363&regions=GM0599``) or in one
    comma-separated value (``?regions=GM0363,GM0599``), not both."""
    return Query(
        min_length=1,
        max_length=most,
        description=f"{least} to {most} region codes, repeated or comma-separated in one value",
        json_schema_extra={
            "anyOf": [
                {"minItems": least, "items": {"pattern": REGION_CODE_PATTERN}},
                {"maxItems": 1, "items": {"pattern": _code_list(least, most)}},
            ]
        },
    )


RegionsParam = Annotated[
    list[Annotated[str, StringConstraints(pattern=_code_list(1, MAX_TRENDS))]],
    _regions_query(1, MAX_TRENDS),
]
CompareRegionsParam = Annotated[
    list[Annotated[str, StringConstraints(pattern=_code_list(1, MAX_COMPARE))]],
    _regions_query(2, MAX_COMPARE),
]


def region_codes(values: list[str], *, least: int) -> list[str]:
    """The codes of a regions parameter, upper-cased, each once (in the order given)."""
    if len(values) > 1 and any("," in value for value in values):
        raise InvalidParameterError(
            "repeat the parameter (regions=GM0363&regions=GM0599) or comma-separate the "
            "codes in one value (regions=GM0363,GM0599), not both",
            parameter="regions",
        )
    codes = [code.upper() for value in values for code in value.split(",")]
    if len(codes) < least:
        raise InvalidParameterError(f"give at least {least} region codes", parameter="regions")
    return list(dict.fromkeys(codes))


def pattern_meaning(pattern: str) -> str:
    """What a parameter pattern asks for, in words (for 422 messages)."""
    if pattern == REGION_CODE_PATTERN:
        return "a region code (e.g. GM0363, WK036300, BU03630000)"
    if pattern == PERIOD_PATTERN:
        return "a year (2024) or a CBS period code (2024JJ00)"
    if pattern == INDICATOR_PATTERN:
        return "an indicator id (e.g. opgehelderd_pct; the list is at /api/indicators)"
    if pattern.startswith(f"^{REGION_CODE}(?:,"):
        return "region codes, comma-separated (e.g. GM0363,GM0599)"
    return f"text matching {pattern}"


def accepted_query_params(request: Request) -> frozenset[str]:
    """The query parameters the matched route declares (its dependencies' included;
    not those of router-level dependencies, which FastAPI keeps apart)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return frozenset()
    known = _ACCEPTED.get(id(route))
    if known is None:
        known = frozenset(_query_names(route.dependant))
        _ACCEPTED[id(route)] = known
    return known


_ACCEPTED: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_query(
    request: Request,
    lang: Annotated[
        Literal["nl", "en"] | None,
        Query(description="Language of titles and messages (errors included): nl or en"),
    ] = None,
) -> None:
    """Router dependency of the API: a parameter the route does not know is a 422.

    Every operation takes ``lang`` (error titles are bilingual), declared here so that
    the schema says so."""
    known = accepted_query_params(request) | {"lang"}
    for name in request.query_params:
        if name not in known:
            accepted = ", ".join(sorted(known)) or "none"
            raise InvalidParameterError(
                f"unknown parameter {name!r}; this endpoint accepts: {accepted}",
                parameter=name,
            )
