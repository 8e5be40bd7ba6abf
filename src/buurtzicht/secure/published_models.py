"""The risk models' public document beside the published release, and its warehouse tables.

``secure models`` writes ``secure/models/release.json`` (model cards, validation tables,
per-area factor names for regions that meet the population and unit thresholds). That
file stays on the secure side. ``secure publish`` copies it to
``secure/published_models.json`` once the cells are protected, keeping an area's
explanation only where its risk class can be published: the expected count *and* the
observed count of that theme, region and year both passed disclosure control. The copy
names the checksum of the published file it belongs to.

The warehouse build reads only that copy (and only when the checksum matches the
release it loads) and turns it into two tables:

* ``secure_models``: one row, the document without the explanations (model cards and
  validation tables) as JSON;
* ``secure_zoekgebieden``: per theme, region (gemeente, wijk, buurt) and year the
  published expected and observed counts, the search score derived from them and the
  gemeente's published counts (expected missed cases,
  :func:`~buurtzicht.secure.models.zoekgebieden.published_missed`), the risk class of
  that score among the level's published areas (with the class bounds) and the
  explanation's factor names. No row where one of those four cells is suppressed, so a
  suppressed risk class never carries an explanation.

The search score is not a cell of its own: it is a function of published cells, so it
tells an attacker nothing the release does not; published as a separate cell it would
tie a suppressed expected count to a published score by a relation that secondary
suppression does not model (docs/models.md, "What is published").
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.microdata.store import atomic_file, secure_dir
from buurtzicht.regions.codes import gemeente_of
from buurtzicht.secure.models.areas import THEMES, Theme
from buurtzicht.secure.models.zoekgebieden import class_bounds, published_missed, risk_class
from buurtzicht.sources.observations import Status

MODELS_TABLE = "secure_models"
AREAS_TABLE = "secure_zoekgebieden"
AREA_COLUMNS = [
    "theme", "region", "period", "expected", "observed", "niveau", "gemist", "klasse",
    "ondergrens_gemiddeld", "ondergrens_hoog", "factoren",
]  # fmt: skip


def models_release_path(settings: Settings | None = None) -> Path:
    """``secure/models/release.json``: written by ``secure models``, never read by a build."""
    return secure_dir(settings) / "models" / "release.json"


def published_models_path(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "published_models.json"


def published_areas(published: pd.DataFrame) -> pd.DataFrame:
    """Per theme, area and period the published counts, search score and risk class.

    ``published`` is the protected release (observation shape). An area has a row where
    its expected and observed counts and its gemeente's were all published; ``niveau``
    is the gemeente's registration level ``u`` and ``gemist`` the expected missed cases,
    from those rounded figures; ``klasse`` ranks ``gemist`` among the rows of the same
    theme, period and level, whose bounds ``ondergrens_gemiddeld`` / ``ondergrens_hoog``
    the row carries.
    """
    hidden = published["status"].isin(
        [Status.SUPPRESSED.value, Status.SECRET.value, Status.MISSING.value]
    )
    shown = published[~hidden & published["value"].notna()]
    shown = shown[shown["region"].astype(str).str[:2].isin(["BU", "WK", "GM"])]
    shown = shown.assign(region=shown["region"].astype(str), period=shown["period"].astype(str))
    parts = [_theme_areas(shown, theme) for theme in THEMES]
    frame = pd.concat(parts, ignore_index=True)
    return _classify(frame)


def _theme_areas(shown: pd.DataFrame, theme: Theme) -> pd.DataFrame:
    def cells(measure: str) -> pd.Series:
        part = shown[shown["measure"] == measure]
        return part.set_index(["region", "period"])["value"].astype(float).rename(measure)

    over_years = _over_years(cells(theme.expected_measure), theme.observed_years)
    both = pd.concat([over_years, cells(theme.observed_measure)], axis=1)
    both = both.dropna().reset_index()
    gemeente = both[both["region"].str.startswith("GM")].set_index(["region", "period"])
    key = pd.MultiIndex.from_arrays([both["region"].map(gemeente_of), both["period"]])
    e_g = gemeente[theme.expected_measure].reindex(key).to_numpy()
    o_g = gemeente[theme.observed_measure].reindex(key).to_numpy()
    keep = ~(np.isnan(e_g) | np.isnan(o_g))
    expected = both[theme.expected_measure].to_numpy()
    level, score = published_missed(expected[keep], e_g[keep], o_g[keep])
    return pd.DataFrame(
        {
            "theme": theme.name,
            "region": both["region"].to_numpy()[keep],
            "period": both["period"].to_numpy()[keep],
            "expected": expected[keep],
            "observed": both[theme.observed_measure].to_numpy()[keep],
            "niveau": level.round(6),
            "gemist": score.round(6),
        }
    )


def _over_years(values: pd.Series, years: int) -> pd.Series:
    """``values`` per (region, period) added up over ``years`` years up to each period,
    where every one of them is published (a two-year registered count is set against
    the expected count of the same two years).

    >>> s = pd.Series([1.0, 2.0, 4.0], index=pd.MultiIndex.from_tuples(
    ...     [("GM1", "2023JJ00"), ("GM1", "2024JJ00"), ("GM2", "2024JJ00")]), name="e")
    >>> _over_years(s, 2).to_dict()
    {('GM1', '2024JJ00'): 3.0}
    """
    if years <= 1 or values.empty:
        return values
    frame = values.rename("value").reset_index()
    frame.columns = ["region", "period", "value"]
    year = frame["period"].str[:4].astype(int)
    parts = [
        frame.assign(period=(year + shift).astype(str) + frame["period"].str[4:])
        for shift in range(years)
    ]
    stacked = pd.concat(parts, ignore_index=True)
    grouped = stacked.groupby(["region", "period"])["value"].agg(["sum", "count"])
    full = grouped[grouped["count"] == years]
    out: pd.Series = full["sum"]
    out.name = values.name
    return out


def _classify(frame: pd.DataFrame) -> pd.DataFrame:
    """``klasse`` and its bounds per theme, period and level (:func:`risk_class`)."""
    klasse = pd.Series("", index=frame.index, dtype=object)
    bounds = pd.DataFrame(np.nan, index=frame.index, columns=["middle", "high"])
    groups = [frame["theme"], frame["period"], frame["region"].str[:2]]
    for _, part in frame.groupby(groups):
        scores = part["gemist"].to_numpy(float)
        klasse.loc[part.index] = risk_class(scores)
        bounds.loc[part.index, ["middle", "high"]] = class_bounds(scores)
    return frame.assign(
        klasse=klasse,
        ondergrens_gemiddeld=bounds["middle"].to_numpy(),
        ondergrens_hoog=bounds["high"].to_numpy(),
    )


def filter_explanations(
    explanations: list[dict[str, Any]], areas: pd.DataFrame
) -> list[dict[str, Any]]:
    """The explanations of areas whose risk class is published (rows of ``areas``)."""
    keys = set(zip(areas["theme"], areas["region"], areas["period"], strict=True))
    return [e for e in explanations if (e["theme"], e["region"], e["period"]) in keys]


def write_published_models(settings: Settings, published: pd.DataFrame, sha256: str) -> Path | None:
    """Copy the models' document for the release just published (explanations filtered).

    Without a model run (or with one of another world) nothing is written and an older
    copy is removed, so that a build never shows model cards of another release.
    """
    source = models_release_path(settings)
    target = published_models_path(settings)
    sources = set(published["source"].astype(str)) if len(published) else set()
    document = json.loads(source.read_text(encoding="utf-8")) if source.is_file() else None
    if document is None or document.get("source") not in sources:
        target.unlink(missing_ok=True)
        return None
    areas = published_areas(published)
    document["explanations"] = filter_explanations(document.get("explanations", []), areas)
    document["published_sha256"] = sha256
    tmp = atomic_file(target)
    try:
        tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return target


def model_tables(published: pd.DataFrame, sha256: str, path: Path) -> dict[str, pd.DataFrame]:
    """The warehouse tables of the models for a verified release (none without a copy).

    The copy is used only when it names the checksum of this release; the explanations
    are filtered once more against the release's own cells.
    """
    if not path.is_file():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("published_sha256") != sha256:
        return {}
    areas = published_areas(published)
    factors = {
        (e["theme"], e["region"], e["period"]): json.dumps(e["factoren"], ensure_ascii=False)
        for e in filter_explanations(document.pop("explanations", []), areas)
    }
    keys = zip(areas["theme"], areas["region"], areas["period"], strict=True)
    column = pd.Series([factors.get(k) for k in keys], index=areas.index, dtype=object)
    areas = areas.assign(factoren=column)[AREA_COLUMNS]
    cards = pd.DataFrame({"document": [json.dumps(document, ensure_ascii=False)]})
    return {MODELS_TABLE: cards, AREAS_TABLE: areas.reset_index(drop=True)}
