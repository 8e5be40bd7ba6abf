"""Validation rules over the whole catalog, beyond what one model can check.

Each rule is a small function that takes the loaded themes and returns a list of
:class:`~buurtzicht.indicators.loader.Issue`; only errors block loading.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from buurtzicht.disclosure.rules import packaged_rule_sets
from buurtzicht.indicators.formula import Uncertainty, family_of
from buurtzicht.indicators.model import Direction
from buurtzicht.indicators.theme_file import Issue, LoadedTheme, line_of
from buurtzicht.regions.codes import Level

#: Measure families of docs/data-model.md.
KNOWN_FAMILIES = frozenset(
    {"kwb", "gebieden", "misdrijven", "misdrijven_wb", "politie", "vm", "verdachten", "secure"}
)
#: A methodology shorter than this is not an explanation a user can check.
MIN_METHODOLOGY_CHARS = 160

Rule = Callable[[Sequence[LoadedTheme]], list[Issue]]


def _issue(t: LoadedTheme, message: str, *loc: str | int, indicator: str = "") -> Issue:
    return Issue("error", message, str(t.path), line_of(t, *loc), indicator)


def unique_ids(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Indicator and composite ids are unique over the whole catalog."""
    counts = Counter(
        [i.id for t in themes for i in t.theme.indicators]
        + [c.id for t in themes for c in t.theme.composites]
    )
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            if counts[ind.id] > 1:
                out.append(_issue(t, f"id {ind.id!r} is used twice", "indicators", n, "id"))
        for n, comp in enumerate(t.theme.composites):
            if counts[comp.id] > 1:
                out.append(_issue(t, f"id {comp.id!r} is used twice", "composites", n, "id"))
    return out


def one_theme_per_file(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """The file is named after its theme and its indicators belong to it."""
    out = []
    for t in themes:
        if t.path is not None and t.path.stem != t.theme.theme:
            out.append(_issue(t, f"file should be named {t.theme.theme}.yaml", "theme"))
        for n, ind in enumerate(t.theme.indicators):
            if ind.theme != t.theme.theme:
                msg = f"indicator says theme {ind.theme!r} but sits in {t.theme.theme!r}"
                out.append(_issue(t, msg, "indicators", n, "theme", indicator=ind.id))
    return out


def known_measure_families(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Every measure belongs to a family of docs/data-model.md."""
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            for measure in ind.measures:
                if family_of(measure) not in KNOWN_FAMILIES:
                    msg = (
                        f"measure {measure!r} has unknown family {family_of(measure)!r} "
                        f"(known: {', '.join(sorted(KNOWN_FAMILIES))})"
                    )
                    out.append(_issue(t, msg, "indicators", n, "formula", indicator=ind.id))
    return out


def documented(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Every indicator and composite explains its method in both languages."""
    out = []
    for t in themes:
        items = [("indicators", n, i.id, i.methodology) for n, i in enumerate(t.theme.indicators)]
        items += [("composites", n, c.id, c.methodology) for n, c in enumerate(t.theme.composites)]
        for section, n, ident, text in items:
            for lang in ("nl", "en"):
                if len(getattr(text, lang)) < MIN_METHODOLOGY_CHARS:
                    msg = (
                        f"methodology.{lang} has {len(getattr(text, lang))} characters; "
                        f"explain source, formula and caveats (>= {MIN_METHODOLOGY_CHARS})"
                    )
                    out.append(_issue(t, msg, section, n, "methodology", indicator=ident))
    return out


def secure_is_synthetic(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Secure-side figures here come from the synthetic population and must say so."""
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            secure = any(family_of(m) == "secure" for m in ind.measures)
            if secure and not ind.synthetic:
                msg = "reads secure.* measures but is not marked synthetic: true"
                out.append(_issue(t, msg, "indicators", n, "synthetic", indicator=ind.id))
    return out


def measures_defined_once(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """A measure definition exists once, for a ``secure.*`` measure only.

    Open measures take their title and unit from their source; defining them here
    would give two versions of the truth.
    """
    counts = Counter(m.id for t in themes for m in t.theme.measures)
    out = []
    for t in themes:
        for n, measure in enumerate(t.theme.measures):
            if counts[measure.id] > 1:
                out.append(_issue(t, f"measure {measure.id!r} is defined twice", "measures", n))
            if family_of(measure.id) != "secure":
                msg = f"measure {measure.id!r} is not secure.*; open measures come from a source"
                out.append(_issue(t, msg, "measures", n, "id"))
    return out


def secure_measures_defined(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Every ``secure.*`` measure an indicator reads has a definition (title, unit, rule)."""
    defined = {m.id for t in themes for m in t.theme.measures}
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            for measure in ind.measures:
                if family_of(measure) == "secure" and measure not in defined:
                    msg = f"measure {measure!r} has no definition under `measures:` in any theme"
                    out.append(_issue(t, msg, "indicators", n, "formula", indicator=ind.id))
    return out


def known_disclosure_rules(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Indicators and measures name rule sets that exist (``buurtzicht disclosure rules``)."""
    known = set(packaged_rule_sets())
    out = []
    for t in themes:
        named = [
            ("indicators", n, i.id, i.disclosure_rule) for n, i in enumerate(t.theme.indicators)
        ]
        named += [("measures", n, m.id, m.disclosure_rule) for n, m in enumerate(t.theme.measures)]
        for section, n, ident, rule in named:
            if rule not in known:
                msg = f"disclosure_rule {rule!r} is not a rule set (known: {', '.join(sorted(known))})"
                out.append(_issue(t, msg, section, n, "disclosure_rule", indicator=ident))
    return out


def disclosure_rule_of_numerator(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """An indicator states the rule set that protects its numerator measures."""
    rule_of = {m.id: m.disclosure_rule for t in themes for m in t.theme.measures}
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            for measure in ind.formula.numerator:
                if measure in rule_of and rule_of[measure] != ind.disclosure_rule:
                    msg = (
                        f"disclosure_rule {ind.disclosure_rule!r} differs from the rule set "
                        f"{rule_of[measure]!r} of its numerator {measure}"
                    )
                    loc = ("indicators", n, "disclosure_rule")
                    out.append(_issue(t, msg, *loc, indicator=ind.id))
    return out


def margins_from_survey(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """``uncertainty: margins`` needs a source that publishes margins (vm.*)."""
    out = []
    for t in themes:
        for n, ind in enumerate(t.theme.indicators):
            if ind.uncertainty is Uncertainty.MARGINS and family_of(ind.formula.numerator[0]) != (
                "vm"
            ):
                msg = "uncertainty margins is only available for Veiligheidsmonitor (vm.*)"
                out.append(_issue(t, msg, "indicators", n, "uncertainty", indicator=ind.id))
    return out


def composites_well_formed(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """Components exist in the same theme, once each, and have a direction."""
    out = []
    for t in themes:
        own = {i.id: i for i in t.theme.indicators}
        for n, comp in enumerate(t.theme.composites):
            seen = Counter(c.indicator for c in comp.components)
            for k, c in enumerate(comp.components):
                loc = ("composites", n, "components", k)
                if c.indicator not in own:
                    msg = f"component {c.indicator!r} is not an indicator of {t.theme.theme!r}"
                    out.append(_issue(t, msg, *loc, indicator=comp.id))
                elif own[c.indicator].direction is Direction.NEUTRAL:
                    msg = f"component {c.indicator!r} is neutral; an index needs a direction"
                    out.append(_issue(t, msg, *loc, indicator=comp.id))
                if seen[c.indicator] > 1:
                    out.append(_issue(t, f"{c.indicator!r} listed twice", *loc, indicator=comp.id))
    return out


def one_default_below_gemeente(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """At most one indicator is the default of wijk and buurt maps, and it has both levels."""
    flagged = [
        (t, n, ind)
        for t in themes
        for n, ind in enumerate(t.theme.indicators)
        if ind.default_below_gemeente
    ]
    out = []
    for t, n, ind in flagged[1:]:
        msg = f"default_below_gemeente is already said by {flagged[0][2].id!r}"
        out.append(_issue(t, msg, "indicators", n, "default_below_gemeente", indicator=ind.id))
    for t, n, ind in flagged:
        if not {Level.WIJK, Level.BUURT} <= set(ind.levels):
            msg = "default_below_gemeente needs the levels wijk and buurt"
            out.append(_issue(t, msg, "indicators", n, "levels", indicator=ind.id))
    return out


RULES: tuple[Rule, ...] = (
    unique_ids,
    one_theme_per_file,
    known_measure_families,
    documented,
    secure_is_synthetic,
    measures_defined_once,
    secure_measures_defined,
    known_disclosure_rules,
    disclosure_rule_of_numerator,
    margins_from_survey,
    composites_well_formed,
    one_default_below_gemeente,
)


def run_rules(themes: Sequence[LoadedTheme]) -> list[Issue]:
    """All issues of all rules, errors first."""
    issues = [issue for rule in RULES for issue in rule(themes)]
    return sorted(issues, key=lambda i: (i.severity != "error", i.file, i.line or 0))
