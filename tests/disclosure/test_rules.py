"""Rule sets: validated data with CBS / ACRO defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from buurtzicht.disclosure.rules import get_rule_set, load_rule_sets, packaged_rule_sets
from buurtzicht.errors import ConfigurationError


def test_default_rule_set_has_the_documented_defaults() -> None:
    rules = get_rule_set("default")
    assert rules.threshold.min_units == 10
    assert rules.rounding is not None and rules.rounding.base == 5
    assert rules.dominance is not None and (rules.dominance.n, rules.dominance.k) == (2, 90.0)
    assert rules.p_percent is not None and rules.p_percent.p == 10.0
    assert rules.zeros == "publish"


def test_packaged_sets_include_amounts_and_strict() -> None:
    sets = packaged_rule_sets()
    assert {"default", "amounts", "strict"} <= set(sets)
    assert sets["strict"].zeros == "suppress"
    assert sets["amounts"].rounding is not None and sets["amounts"].rounding.base == 1000


def test_a_typo_in_a_rule_set_is_an_error_naming_file_and_set(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("mine:\n  threshold: {min_unit: 5}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"rules.yaml: rule set 'mine'.*min_unit"):
        load_rule_sets(path)


def test_dominance_with_more_than_two_contributors_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("mine:\n  dominance: {n: 3, k: 80}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="dominance"):
        load_rule_sets(path)


def test_rules_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("open:\n  rounding: null\n  p_percent: null\n", encoding="utf-8")
    rules = load_rule_sets(path)["open"]
    assert rules.rounding is None and rules.p_percent is None
    assert rules.dominance is not None


def test_unknown_rule_set_lists_the_known_ones() -> None:
    with pytest.raises(
        ConfigurationError, match="known: amounts, default, exact, public, public_rounded, strict"
    ):
        get_rule_set("nope")
