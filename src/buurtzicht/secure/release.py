"""What leaves the secure side: the measures of the catalog, their tables and rule sets.

The catalog is the single definition. Its ``measures:`` sections (one per secure theme
file) list every secure aggregate that may be published, with the disclosure rule set
that protects it; nothing else leaves the secure side, so aggregates that no indicator
needs (the FIU total amount, care declarations) stay inside. The table totals of the
secure pipeline (``aggregates.json`` -> ``totals``) become :class:`TableSpec` relations,
so that a hidden owner class cannot be recomputed from the total minus the others. A
table's total may be a public margin (the number of dwellings): its breakdown is then
protected against a known total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from buurtzicht.disclosure import DisclosureSpec, RuleSet, TableSpec, get_rule_set
from buurtzicht.disclosure.rules import packaged_rule_sets
from buurtzicht.errors import ConfigurationError
from buurtzicht.indicators.loader import Catalog
from buurtzicht.indicators.model import MeasureDefinition

#: Rule sets of non-confidential margins (``public: true`` in rulesets.yaml).
PUBLIC_RULES = frozenset(name for name, rules in packaged_rule_sets().items() if rules.public)


@dataclass(frozen=True)
class Release:
    """The measures to publish, the tables they form and the rule set of each.

    Attributes
    ----------
    measures : tuple of str
        Every published measure, in catalog order.
    spec : DisclosureSpec
        Table totals (one :class:`TableSpec` per total of the secure pipeline).
    rule_names : dict
        Measure -> name of its rule set (``default``, ``amounts``).
    empty_measures : tuple of str
        Published measures the aggregates have no cell of (all zero).
    period_years : dict
        Measure -> the years each of its cells covers, for multi-year totals (an empty
        cell of such a measure exists only in a period whose earlier years are known).
    released_levels : dict
        Measure -> the region levels its cells are released at, for the measures the
        catalog restricts (``released_levels:``; the yearly count of a rare event whose
        two-year total is released below the Netherlands: ``["land"]``).
    """

    measures: tuple[str, ...]
    spec: DisclosureSpec
    rule_names: dict[str, str]
    empty_measures: tuple[str, ...] = ()
    released_levels: dict[str, list[str]] = field(default_factory=dict)
    period_years: dict[str, int] = field(default_factory=dict)

    @property
    def rules(self) -> dict[str, RuleSet]:
        """Measure -> rule set, as :func:`buurtzicht.disclosure.protect` takes them."""
        return {m: get_rule_set(name) for m, name in self.rule_names.items()}


def release_from_catalog(
    catalog: Catalog, totals: Mapping[str, Sequence[str]], produced: Sequence[str]
) -> Release:
    """The release of a catalog for aggregates that hold the measures ``produced``.

    A defined measure without any cell in the aggregates (nothing to count in a tiny
    world) is published as 0 wherever the others have cells. Raises
    :class:`ConfigurationError` when the catalog publishes part of a table without the
    rest of it (a table is protected as a whole or not at all).

    Examples
    --------
    >>> from buurtzicht.indicators.loader import default_catalog
    >>> catalog = default_catalog()
    >>> totals = {"secure.drugs.registraties": ["secure.drugs.registraties_pleeg_eigen_gemeente",
    ...           "secure.drugs.registraties_pleeg_andere_gemeente"]}
    >>> release = release_from_catalog(catalog, totals, list(catalog.measures))
    >>> release.rule_names["secure.fiu.verdacht_bedrag"]
    'amounts'
    >>> [t.name for t in release.spec.tables]
    ['drugs.registraties']
    """
    defined = catalog.measures
    tables = [_table(total, parts, defined) for total, parts in sorted(totals.items())]
    rule_names = {m: d.disclosure_rule for m, d in defined.items()}
    empty = tuple(m for m in defined if m not in set(produced))
    spec = DisclosureSpec(tables=tuple(t for t in tables if t))
    released = {
        m: [level.value for level in d.released_levels]
        for m, d in defined.items()
        if d.released_levels is not None
    }
    _check_restricted(released, spec)
    years = {m: d.period_years for m, d in defined.items() if d.period_years > 1}
    return Release(tuple(defined), spec, rule_names, empty, released, years)


def _check_restricted(released: Mapping[str, Sequence[str]], spec: DisclosureSpec) -> None:
    """A measure released at fewer levels may not be part of a table: the table's
    relations hold in every region, and its other measures would be released there."""
    for table in spec.tables:
        members = {m for m in (table.total, *table.components) if m}
        if restricted := sorted(members & set(released)):
            raise ConfigurationError(
                f"table {table.name} holds {', '.join(restricted)}, which the catalog "
                "releases at fewer levels (released_levels); a table is released at "
                "every level or not at all"
            )


def _table(
    total: str, parts: Sequence[str], defined: Mapping[str, MeasureDefinition]
) -> TableSpec | None:
    members = [total, *parts]
    published = [m for m in members if m in defined]
    if not published:
        return None
    absent = [m for m in members if m not in defined]
    if absent:
        raise ConfigurationError(
            f"table {total} is published only in part: {', '.join(absent)} "
            "has no definition under `measures:` in the catalog; define every measure of "
            "the table or none"
        )
    # A public margin (inhabitants, dwellings) may be the known total of a confidential
    # breakdown; the confidential measures of a table share one rule set.
    names = {defined[m].disclosure_rule for m in members} - PUBLIC_RULES
    if len(names) > 1:
        raise ConfigurationError(
            f"table {total} mixes rule sets {sorted(names)}; a table is protected by one"
        )
    if not names:
        return None  # nothing confidential: every cell is published as it is
    return TableSpec(
        name=total.removeprefix("secure."),
        total=total,
        components=tuple(parts),
        rules=names.pop(),
    )
