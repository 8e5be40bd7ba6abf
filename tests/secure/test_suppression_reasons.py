"""Why a figure is suppressed: the release's reasons reach the build and every profile.

The small world (two gemeenten, gemeente and wijk level) goes through publish and the
build; each suppressed cell keeps its published reason, and a profile card whose figure
is suppressed says the reason of its numerator's cell (a complementary suppression is
not called small)."""

from __future__ import annotations

import duckdb
import pandas as pd
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.secure.published import SUPPRESSION_REASONS, published_path
from buurtzicht.server import create_app
from buurtzicht.warehouse.layout import BuildLayout


def _release(built: Settings) -> pd.DataFrame:
    frame = pd.read_parquet(published_path(built))
    return frame[frame["status"] == "suppressed"]


def test_the_build_keeps_the_reason_of_every_suppressed_cell(built: Settings) -> None:
    hidden = _release(built)
    path = BuildLayout(built.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        kept = conn.execute(
            "SELECT measure, region, period, indeling, reason FROM secure_suppressions"
        ).df()
    assert len(kept) == len(hidden) > 0
    assert set(kept["reason"]) <= SUPPRESSION_REASONS
    assert {"min_units", "secondary"} <= set(kept["reason"])
    key = ["measure", "region", "period"]
    merged = kept.merge(hidden[[*key, "reason"]].astype(str), on=key, suffixes=("", "_release"))
    assert len(merged) == len(kept)
    assert (merged["reason"] == merged["reason_release"]).all()


def test_profile_cards_say_why_their_figure_is_suppressed(built: Settings) -> None:
    hidden = _release(built)
    reason_of = {
        (m, r, p): reason
        for m, r, p, reason in zip(
            hidden["measure"], hidden["region"], hidden["period"], hidden["reason"], strict=True
        )
    }
    catalog = default_catalog()
    regions = sorted(set(hidden["region"]) - {"NL01"})
    seen: dict[str, int] = {}
    with TestClient(create_app(built)) as client:
        for code in regions:
            body = client.get(f"/api/profile/{code}").json()
            for card in (c for t in body["themes"] for c in t["cards"]):
                figure = card["figure"]
                if figure["status"] != "suppressed":
                    continue
                numerator = catalog.get(card["indicator"]["id"]).formula.numerator[0]
                expected = reason_of.get((numerator, code, card["period"]))
                if expected is None:  # hidden through the denominator
                    continue
                assert figure["reason"] == expected, (code, card["indicator"]["id"])
                seen[expected] = seen.get(expected, 0) + 1
                if expected == "secondary":
                    assert figure["note"].startswith("aanvullend onderdrukt")
                else:
                    assert figure["note"].startswith("onderdrukt: ")
    assert seen.get("min_units"), seen


def test_a_complementary_suppression_is_not_called_small() -> None:
    from buurtzicht.api.schemas.card import figure

    secondary = figure(None, "suppressed", 1, "nl", "secondary")
    small = figure(None, "suppressed", 1, "en", "min_units")
    unknown = figure(None, "suppressed", 1, "nl", None)
    assert secondary.reason == "secondary" and "niet klein" in str(secondary.note)
    assert small.reason == "min_units" and "too few persons" in str(small.note)
    assert unknown.reason is None and str(unknown.note).startswith("onderdrukt")
    # A reason never sticks to a figure that was published.
    assert figure(3.0, "rounded", 0, "nl", "secondary").reason is None
