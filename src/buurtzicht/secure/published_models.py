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
* ``secure_zoekgebieden``: per theme, region and year the published expected and
  observed counts, the risk class derived from them (the rule of
  :func:`~buurtzicht.secure.models.zoekgebieden.risk_class`, applied to the published,
  rounded figures) and the explanation's factor names; no row where either cell is
  suppressed, so a suppressed risk class never carries an explanation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.microdata.store import atomic_file, secure_dir
from buurtzicht.secure.models.areas import THEMES
from buurtzicht.secure.models.zoekgebieden import risk_class
from buurtzicht.sources.observations import Status

MODELS_TABLE = "secure_models"
AREAS_TABLE = "secure_zoekgebieden"
AREA_COLUMNS = ["theme", "region", "period", "expected", "observed", "klasse", "factoren"]


def models_release_path(settings: Settings | None = None) -> Path:
    """``secure/models/release.json``: written by ``secure models``, never read by a build."""
    return secure_dir(settings) / "models" / "release.json"


def published_models_path(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "published_models.json"


def published_areas(published: pd.DataFrame) -> pd.DataFrame:
    """Per theme, region and period the expected and observed counts where both passed.

    ``published`` is the protected release (observation shape). Suppressed cells, and
    regions without one of the two cells, give no row.
    """
    hidden = published["status"].isin(
        [Status.SUPPRESSED.value, Status.SECRET.value, Status.MISSING.value]
    )
    shown = published[~hidden & published["value"].notna()]
    shown = shown[["measure", "region", "period", "value"]]
    parts = []
    for theme in THEMES:
        expected = shown[shown["measure"] == theme.expected_measure].drop(columns="measure")
        observed = shown[shown["measure"] == theme.observed_measure].drop(columns="measure")
        both = expected.merge(observed, on=["region", "period"], suffixes=("_e", "_o"))
        parts.append(
            pd.DataFrame(
                {
                    "theme": theme.name,
                    "region": both["region"].astype(str),
                    "period": both["period"].astype(str),
                    "expected": both["value_e"].astype(float),
                    "observed": both["value_o"].astype(float),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame.assign(
        klasse=risk_class(frame["expected"].to_numpy(float), frame["observed"].to_numpy(float))
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
