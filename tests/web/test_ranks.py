"""Ranks that read right: a rank shared by several regions says so (the ranking gives
none when half or more share it, analysis/stats/ranks.py)."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb

from buurtzicht.queries.figures import tied_ranks
from buurtzicht.web.i18n import translator
from buurtzicht.web.templating import TEMPLATES


def test_tied_ranks_count_the_regions_that_share_a_rank() -> None:
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE indicator_values AS SELECT * FROM (VALUES "
        "('x', 'buurt', '2024JJ00', 'B1', 4, 1), ('x', 'buurt', '2024JJ00', 'B2', 4, 1), "
        "('x', 'buurt', '2024JJ00', 'B3', 4, 1), ('x', 'buurt', '2024JJ00', 'B4', 4, 4), "
        "('x', 'buurt', '2024JJ00', 'B5', NULL, NULL)"
        ") t(indicator, level, period, region, n_ranked, rank)"
    )
    assert tied_ranks(conn) == {("x", "buurt", "2024JJ00", 4, 1): 3}


def _rank(rank: int, of: int, ties: int | None, lang: str) -> str:
    macro = TEMPLATES.env.get_template("_figure.html").module.rank_text  # type: ignore[attr-defined]
    card = SimpleNamespace(rank=rank, rank_of=of, rank_ties=ties)
    return str(macro(card, translator(lang), lang)).strip()


def test_the_rank_text_shows_shared_ranks_and_thousands() -> None:
    assert _rank(12, 13902, None, "nl") == "12 van 13.902"
    assert _rank(7354, 13902, 1537, "nl") == "7.354–8.890 van 13.902 (1.537 gelijk)"
    assert _rank(7354, 13902, 1537, "en") == "7,354–8,890 of 13,902 (1,537 tied)"
