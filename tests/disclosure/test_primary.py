"""Primary suppression: reasons and protection levels computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from buurtzicht.disclosure.cells import prepare_cells
from buurtzicht.disclosure.primary import apply_primary
from buurtzicht.disclosure.rules import PPercentRule, get_rule_set
from buurtzicht.errors import SourceFormatError
from tests.disclosure.tables import cell


def _judge(rows: list[dict], rules_name: str = "default", population=None, **update):
    cells = prepare_cells(pd.DataFrame(rows))
    rules = get_rule_set(rules_name).model_copy(update=update)
    return apply_primary(cells, dict.fromkeys(cells["measure"], rules), population)


def test_small_count_fails_the_threshold_with_minimum_protection() -> None:
    out = _judge([cell("m", "GM0363", 4), cell("m", "GM0014", 10), cell("m", "GM0034", 40)])
    assert out["reason"].tolist() == ["", "", "min_units"]  # sorted: GM0014, GM0034, GM0363
    # max(10% of 4, minimum 3) = 3
    assert out.loc[out["region"] == "GM0363", "upl"].item() == 3.0


def test_zero_cells_are_published_or_suppressed_by_the_rule_set() -> None:
    rows = [cell("m", "GM0363", 0)]
    assert _judge(rows)["reason"].item() == "zero"
    assert _judge(rows, "strict")["reason"].item() == "min_units"


def test_dominant_business_fails_the_dominance_rule() -> None:
    # 12 businesses, 1,000,000 in total, the largest two hold 950,000 (95% >= 90%).
    rows = [cell("m", "GM0363", 1_000_000, 12, 800_000, 150_000)]
    out = _judge(rows, "amounts")
    assert out["reason"].item() == "dominance"
    # levels: dominance 950000/0.9 - 1e6 = 55,556; 10% protection of the value = 100,000
    assert out["upl"].item() == pytest.approx(100_000)


def test_exactly_ninety_percent_is_already_dominant() -> None:
    rows = [cell("m", "GM0363", 1_000, 12, 600, 300)]
    assert _judge(rows, "amounts")["reason"].item() == "dominance"
    rows = [cell("m", "GM0363", 1_000, 12, 600, 299)]
    assert _judge(rows, "amounts")["reason"].item() == ""


def test_p_percent_rule_catches_what_dominance_lets_through() -> None:
    # With p = 20: the rest (1000 - 700 - 180 = 120) is less than 20% of 700 = 140.
    rows = [cell("m", "GM0363", 1_000, 12, 700, 180)]
    out = _judge(rows, "amounts", p_percent=PPercentRule(p=20))
    assert out["reason"].item() == "p_percent"
    assert _judge(rows, "amounts")["reason"].item() == ""  # p = 10 lets it through


def test_small_regions_show_no_secure_figures() -> None:
    rows = [cell("m", "BU03630000", 250), cell("m", "BU03630001", 250)]
    out = _judge(rows, population={"BU03630000": 30, "BU03630001": 3000})
    assert out["reason"].tolist() == ["population", ""]


def test_structural_zero_is_published_and_must_be_zero() -> None:
    rows = [{**cell("m", "GM0363", 0), "structural_zero": True}]
    assert _judge(rows, "strict")["reason"].item() == "structural_zero"
    with pytest.raises(SourceFormatError, match="structural zero with a value"):
        prepare_cells(pd.DataFrame([{**cell("m", "GM0363", 3), "structural_zero": True}]))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"value": -1.0}, "negative value"),
        ({"top2": 5.0, "top1": 1.0}, "top2 larger than top1"),
        ({"n_units": 0}, "a value but no units"),
    ],
)
def test_malformed_aggregates_name_the_cell(change: dict, problem: str) -> None:
    rows = [{**cell("m", "GM0363", 4), **change}]
    with pytest.raises(SourceFormatError, match=f"m / GM0363 / 2024JJ00: cell has .*{problem}"):
        prepare_cells(pd.DataFrame(rows))


def test_duplicate_cells_are_rejected() -> None:
    with pytest.raises(SourceFormatError, match="occurs twice"):
        prepare_cells(pd.DataFrame([cell("m", "GM0363", 4), cell("m", "GM0363", 4)]))
