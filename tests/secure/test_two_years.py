"""Rare events released as two-year totals (docs/disclosure.md, "Rare events: two years
combined"): the yearly count leaves the secure side for the Netherlands only, the
two-year total everywhere, so that no released cell is a two-year total minus a year."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.disclosure import protect
from buurtzicht.errors import ConfigurationError
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.secure.levels import keep_released_levels
from buurtzicht.secure.release import release_from_catalog
from buurtzicht.server import create_app

YEARLY = "secure.drugs.hennep_ontmanteld"
POOLED = "secure.drugs.hennep_ontmanteld_2jaar"
INDICATOR = "drugs_hennep_per_10000_woningen"


def _rare_world(per_year: int = 6, gemeenten: int = 4) -> pd.DataFrame:
    """Gemeenten (directly under NL01) with ``per_year`` plantations in each of two
    years: under the threshold of 10 every year, over it over two years."""
    rows = []
    codes = [f"GM{9000 + g:04d}" for g in range(gemeenten)]
    for measure, period, value in (
        (YEARLY, "2023JJ00", per_year),
        (YEARLY, "2024JJ00", per_year),
        (POOLED, "2024JJ00", 2 * per_year),
    ):
        rows += [(measure, code, period, value) for code in codes]
        rows.append((measure, "NL01", period, value * gemeenten))
    frame = pd.DataFrame(rows, columns=["measure", "region", "period", "value"])
    return frame.assign(
        value=frame["value"].astype(float), n_units=frame["value"].astype("int64"),
        top1=1.0, top2=1.0,
    )  # fmt: skip


def _released(aggregates: pd.DataFrame) -> pd.DataFrame:
    catalog = default_catalog()
    release = release_from_catalog(catalog, {}, sorted(set(aggregates["measure"])))
    cells = keep_released_levels(aggregates, release.released_levels)
    rules = {m: r for m, r in release.rules.items() if m in set(cells["measure"])}
    published = protect(cells, rules=rules).published
    return published.assign(region=published["region"].astype(str))


def test_the_catalog_releases_the_yearly_count_for_the_netherlands_only() -> None:
    release = release_from_catalog(default_catalog(), {}, [YEARLY, POOLED])
    assert release.released_levels[YEARLY] == ["land"]
    assert POOLED not in release.released_levels
    assert release.rule_names[YEARLY] == release.rule_names[POOLED] == "exact"
    aankopen = "secure.vastgoed.aankopen_boven_financieringscapaciteit"
    assert release.released_levels[aankopen] == ["land"]


def test_gemeenten_under_the_threshold_each_year_show_the_two_year_figure() -> None:
    """6 + 6 plantations: every yearly gemeente cell would be suppressed (min_units), the
    two-year total of 12 is published; no yearly cell below NL leaves at all, so no
    published two-year figure sits beside a suppressed year it would give away."""
    published = _released(_rare_world())
    pooled = published[(published["measure"] == POOLED) & published["region"].str.startswith("GM")]
    assert len(pooled) == 4 and (pooled["status"] != "suppressed").all()
    assert pooled["value"].tolist() == [12.0] * 4  # exact (rule set `exact`)
    yearly = published[published["measure"] == YEARLY]
    assert set(yearly["region"]) == {"NL01"}
    assert (yearly["status"] != "suppressed").all()
    # The one relation across periods left is between three exact national cells.
    national = published[published["region"] == "NL01"].set_index(["measure", "period"])["value"]
    assert national[(POOLED, "2024JJ00")] == (
        national[(YEARLY, "2023JJ00")] + national[(YEARLY, "2024JJ00")]
    )


def test_a_restricted_measure_cannot_be_part_of_a_table() -> None:
    totals = {YEARLY: ["secure.vastgoed.aankopen_boven_financieringscapaciteit"]}
    with pytest.raises(ConfigurationError, match="released_levels"):
        release_from_catalog(default_catalog(), totals, [YEARLY])


def test_the_small_world_release_holds_no_yearly_cell_below_the_netherlands(
    built: Settings,
) -> None:
    frame = pd.read_parquet(built.home / "secure" / "published.parquet")
    region = frame["region"].astype(str)
    yearly = frame[frame["measure"] == YEARLY]
    assert set(yearly["region"].astype(str)) == {"NL01"} and len(yearly) == 2
    pooled = frame[(frame["measure"] == POOLED) & region.str.startswith("GM")]
    assert len(pooled) == 2 and set(pooled["period"].astype(str)) == {"2024JJ00"}


@pytest.mark.parametrize(
    ("lang", "label", "unit"),
    [("nl", "2023-2024, twee jaar samen", "per 10.000 woningen per jaar"),
     ("en", "2023-2024, two years combined", "per 10,000 dwellings a year")],
)  # fmt: skip
def test_the_map_labels_the_two_years_honestly(
    built: Settings, lang: str, label: str, unit: str
) -> None:
    with TestClient(create_app(built)) as client:
        page = client.get(f"/kaart?indicator={INDICATOR}&lang={lang}")
        assert page.status_code == 200
        assert f'<span class="period">{label}</span>' in page.text  # title
        assert f"<strong>{label}</strong>" in page.text  # legend
        assert unit in page.text
        body = client.get(f"/api/indicators/{INDICATOR}?lang={lang}")
        assert body.status_code == 200 and body.json()["period_years"] == 2
        # The period says "two years" once: the title does not repeat it.
        assert label.split(", ")[1] not in body.json()["title"]
