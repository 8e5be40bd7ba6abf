"""The disclosure page documents every rule-set field, every command and the spec file."""

from __future__ import annotations

from pathlib import Path

import yaml

import buurtzicht.cli.disclosure as cli
from buurtzicht.config import PROJECT_ROOT
from buurtzicht.disclosure import DisclosureSpec
from buurtzicht.disclosure.rules import RuleSet

PAGE = PROJECT_ROOT / "docs" / "disclosure.md"


def test_every_rule_set_field_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in RuleSet.model_fields:
        if name not in ("name", "description"):
            assert f"`{name}" in text, f"rule-set field {name} is not in {PAGE}"


def test_every_command_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for command in cli.disclosure_app.registered_commands:
        assert command.callback is not None
        assert f"buurtzicht disclosure {command.callback.__name__}" in text


def test_the_documented_spec_file_is_valid() -> None:
    text = PAGE.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    spec = DisclosureSpec.model_validate(yaml.safe_load(example))
    assert [t.name for t in spec.tables] == ["ondermijning", "eigenaar", "transacties"]
    assert Path(PAGE).is_file()
