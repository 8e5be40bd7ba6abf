"""Disclosure rule sets: validated data, one per kind of indicator.

An indicator in the catalog names a rule set (``disclosure: default``); the rule sets
themselves live in ``rulesets.yaml`` beside this module (or in a file the caller
passes) and are validated by :class:`RuleSet` with unknown keys rejected, so a typo
(``min_unit: 5``) fails loudly instead of silently falling back to a default.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4 (sensitivity
rules for tables: threshold, (n,k)-dominance, p% rule, protection levels).
Green, E., Ritchie, F. et al. (2023). *ACRO: Automatic Checking of Research Outputs*
(default configuration: threshold 10, n=2, k=0.9, p=10%).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from buurtzicht.errors import ConfigurationError

RULESETS_FILE = Path(__file__).with_name("rulesets.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThresholdRule(_Strict):
    """A cell needs at least ``min_units`` contributing units (persons, addresses, ...)."""

    min_units: int = Field(default=10, ge=1)


class DominanceRule(_Strict):
    """(n,k)-dominance: the ``n`` largest contributions may not reach ``k`` % of the total.

    Only ``n`` of 1 or 2 can be checked, because the secure aggregates carry the two
    largest contributions (``top1``, ``top2``).
    """

    n: Literal[1, 2] = 2
    k: float = Field(default=90.0, gt=0, le=100)


class PPercentRule(_Strict):
    """p% rule: the second-largest contributor may not estimate the largest within p %."""

    p: float = Field(default=10.0, gt=0, le=100)


class RoundingRule(_Strict):
    """Published values are rounded to a multiple of ``base`` (half up)."""

    base: float = Field(default=5.0, gt=0)


class ProtectionRule(_Strict):
    """How wide the interval an attacker can compute for a threshold cell must be.

    Upper and lower protection are each ``max(percent % of the value, minimum)``;
    the dominance and p% rules add their own levels (see docs/disclosure.md).
    """

    percent: float = Field(default=10.0, ge=0, le=100)
    minimum: float = Field(default=3.0, ge=0)


class RuleSet(_Strict):
    """A named set of disclosure rules; ``None`` switches a rule off.

    Examples
    --------
    >>> rules = RuleSet(name="demo", threshold=ThresholdRule(min_units=5))
    >>> rules.threshold.min_units, rules.dominance.k, rules.rounding.base
    (5, 90.0, 5.0)
    """

    name: str
    description: str = ""
    threshold: ThresholdRule = ThresholdRule()
    dominance: DominanceRule | None = DominanceRule()
    p_percent: PPercentRule | None = PPercentRule()
    rounding: RoundingRule | None = RoundingRule()
    zeros: Literal["publish", "suppress"] = "publish"
    min_population: int = Field(default=50, ge=0)
    protection: ProtectionRule = ProtectionRule()
    public: bool = Field(
        default=False,
        description="A non-confidential margin (inhabitants, dwellings, establishments: "
        "what CBS publishes openly in the KWB): never suppressed, published (rounded by "
        "`rounding`, or exact), and known to the attacker in secondary suppression and audit",
    )


def load_rule_sets(path: Path | None = None) -> dict[str, RuleSet]:
    """Read and validate every rule set in a YAML file (default: the packaged one).

    Raises :class:`ConfigurationError` naming the file and the rule set that is wrong.
    """
    path = path or RULESETS_FILE
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read disclosure rule sets from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: expected a mapping of rule-set name to rules")
    sets: dict[str, RuleSet] = {}
    for name, body in data.items():
        try:
            sets[str(name)] = RuleSet.model_validate({"name": str(name), **(body or {})})
        except ValidationError as exc:
            raise ConfigurationError(
                f"{path}: rule set {name!r} is invalid: {exc.errors()[0]['loc']} "
                f"{exc.errors()[0]['msg']} (see docs/disclosure.md for the fields)"
            ) from exc
    return sets


@lru_cache(maxsize=1)
def packaged_rule_sets() -> dict[str, RuleSet]:
    """The rule sets shipped with buurtzicht (``rulesets.yaml``), read once."""
    return load_rule_sets()


def get_rule_set(name: str, sets: dict[str, RuleSet] | None = None) -> RuleSet:
    """The rule set called ``name``, or a :class:`ConfigurationError` listing the known ones.

    >>> get_rule_set("default").threshold.min_units
    10
    """
    sets = packaged_rule_sets() if sets is None else sets
    try:
        return sets[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown disclosure rule set {name!r}; known: {', '.join(sorted(sets))} "
            "(add it to rulesets.yaml or fix the indicator's `disclosure:` field)"
        ) from None
