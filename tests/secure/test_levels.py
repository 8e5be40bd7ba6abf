"""``--levels``: a release of fewer region levels, recorded in its report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.errors import ConfigurationError
from buurtzicht.secure.freshness import release_current
from buurtzicht.secure.levels import parse_levels
from buurtzicht.secure.publish import publish
from buurtzicht.secure.published import published_path, report_path

from .handmade import write_secure_folder


def test_levels_are_coarse_to_fine_and_complete() -> None:
    assert parse_levels("buurt,wijk,gemeente") == ("gemeente", "wijk", "buurt")
    assert parse_levels(["gemeente"]) == ("gemeente",)
    with pytest.raises(ConfigurationError, match="coarser levels"):
        parse_levels("gemeente,buurt")
    with pytest.raises(ConfigurationError, match="unknown region level"):
        parse_levels("provincie")


def test_a_gemeente_release_holds_gemeenten_and_nl_only(home: Settings) -> None:
    write_secure_folder(home)
    publish(home, levels=("gemeente",))
    frame = pd.read_parquet(published_path(home))
    assert set(frame["region"].str[:2]) == {"GM", "NL"}
    report = json.loads(report_path(published_path(home).parent).read_text())
    assert report["release"]["levels"] == ["gemeente"]
    assert release_current(home, ("gemeente",))
    assert not release_current(home, ("gemeente", "wijk", "buurt"))
    assert not release_current(home, ("gemeente",), audited=True)  # make run audits
    publish(home, levels=("gemeente",), check=True)
    assert release_current(home, ("gemeente",), audited=True)
