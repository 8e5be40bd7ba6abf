"""``buurtzicht secure models``: train, validate and score both models; write their output.

Reads the linked aggregates, the microdata and the open calibration figures; writes

* the model cells into ``aggregates.parquet`` (measures ``secure.zoekgebieden.*`` and
  ``secure.jonge_aanwas.verwacht``), so that they pass disclosure control with the rest
  of the release (``secure publish``);
* ``secure/models/areas.parquet``: true expected and observed counts, class and factors
  per region (secure side only, never published);
* ``secure/models/release.json``: what may be published as is: the model cards
  (coefficients per standard deviation), the validation tables and the explanation of
  every region that meets the population and unit thresholds of the rule set.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from buurtzicht.config import Settings
from buurtzicht.disclosure.rules import get_rule_set
from buurtzicht.microdata.calibration import load_calibration
from buurtzicht.microdata.store import aggregates_path, microdata_dir, secure_dir, write_all
from buurtzicht.secure.models import areas, cards, jonge_aanwas, output, validate_areas, youth
from buurtzicht.secure.models.zoekgebieden import fit_theme, rows, score

Say = Callable[[str], None]
MODEL_PREFIXES = ("secure.zoekgebieden.", "secure.jonge_aanwas.")


def models_dir(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "models"


def release_path(settings: Settings | None = None) -> Path:
    return models_dir(settings) / "release.json"


@dataclass
class ModelRun:
    """What a run produced (frames in memory) and how long each stage took."""

    cells: pd.DataFrame
    areas: pd.DataFrame
    release: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)


def run_models(settings: Settings | None = None, *, say: Say | None = None) -> ModelRun:
    """Train, validate and score; nothing is written (see :func:`write_run`)."""
    settings = settings or Settings()
    say = say or (lambda _: None)
    clock = _Clock()
    path = aggregates_path(settings)
    aggregates = pd.read_parquet(path)
    aggregates = aggregates[~aggregates["measure"].astype(str).str.startswith(MODEL_PREFIXES)]
    metadata = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    years = tuple(sorted(int(p[:4]) for p in metadata["periods"]))
    calibration = load_calibration(settings.require_mirror())
    micro = microdata_dir(settings)
    say("area characteristics")
    table = areas.region_table(aggregates, areas.microdata_counts(micro, years), calibration)
    clock.lap("areas")
    say("zoekgebieden: validation (temporal, spatial) and scoring")
    hidden = validate_areas.hidden_cases(secure_dir(settings), years)
    context = _context(calibration)
    checks, zoek, coefficients = [], [], {}
    for theme in areas.THEMES:
        checks.append(validate_areas.validate_theme(table, theme, hidden, (years[0], years[-1])))
        for year in years:
            fitted = fit_theme(rows(table, year), theme)
            zoek.append(output.theme_frame(score(rows(table, year), theme, fitted), theme, year))
            coefficients[theme.name] = fitted.table()
    clock.lap("zoekgebieden")
    say("jonge aanwas: cohorts, validation and scoring")
    youth_out = _youth(micro, years[-1], context)
    clock.lap("jonge_aanwas")
    scored_areas = pd.concat(zoek, ignore_index=True)
    source = str(metadata["source"])
    cells = pd.concat(
        [
            output.zoek_cells(scored_areas, source),
            output.youth_cells(youth_out.scored, source, years[-1]),
        ],
        ignore_index=True,
    )
    release = cards.release_document(
        metadata,
        scored_areas,
        table[f"{areas.P}basis.inwoners"],
        get_rule_set("default"),
        validate_areas.combined(checks, context),
        coefficients,
        youth_out,
    )
    return ModelRun(cells, scored_areas, release, clock.seconds)


@dataclass
class YouthOutput:
    validation: jonge_aanwas.Validation
    fitted: Any
    scored: pd.DataFrame  # person_id, buurt, probability (secure side only)
    years: tuple[int, int, int]


def _context(calibration: Any) -> pd.DataFrame:
    """Per buurt the inhabitants of its gemeente and its stedelijkheid (open figures)."""
    buurten = calibration.buurten
    size = buurten.groupby("gemeente")["inhabitants"].sum()
    return pd.DataFrame(
        {
            "gemeente_inwoners": buurten["gemeente"].map(size).to_numpy(),
            "stedelijkheid": buurten["stedelijkheid"].to_numpy(),
        },
        index=pd.Index(buurten["buurt"].to_numpy(), name="region"),
    )


def _youth(micro: Path, last: int, context: pd.DataFrame) -> YouthOutput:
    """Train on the cohort of ``last - 4``, validate on ``last - 2``; score ``last``.

    The outcome needs two later years, so the newest cohort with a known outcome is
    ``last - 2``; the published expectation applies the model trained on it to ``last``.
    """
    first, middle = last - 2 * youth.HORIZON, last - youth.HORIZON
    frames = youth.cohorts(micro, (first, middle, last))
    earlier, later, current = frames[first], frames[middle], frames[last]
    validation = jonge_aanwas.validate(earlier, later, context)
    fitted = jonge_aanwas.train(later)
    scored = current[["person_id", "buurt"]].assign(probability=fitted.predict(current))
    return YouthOutput(validation, fitted, scored, (first, middle, last))


class _Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now


def write_run(run: ModelRun, settings: Settings | None = None) -> Path:
    """Append the model cells to the aggregates and write areas and release (atomic)."""
    settings = settings or Settings()
    path = aggregates_path(settings)
    aggregates = pd.read_parquet(path)
    keep = ~aggregates["measure"].astype(str).str.startswith(MODEL_PREFIXES)
    merged = pd.concat([aggregates[keep], run.cells[aggregates.columns]], ignore_index=True)
    merged = merged.astype(aggregates.dtypes.to_dict())
    metadata = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    metadata["models"] = {
        "source": metadata["source"],
        "measures": sorted(set(run.cells["measure"])),
        "release": str(release_path(settings)),
    }
    folder = models_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    write_all(
        {
            path: lambda p: output.write_aggregates(merged, metadata, p),
            path.with_suffix(".json"): lambda p: _text(
                p, json.dumps(metadata, indent=2, sort_keys=True)
            ),
            folder / "areas.parquet": lambda p: run.areas.to_parquet(p, index=False),
            release_path(settings): lambda p: _text(
                p, json.dumps(run.release, indent=1, ensure_ascii=False, default=_plain)
            ),
        }
    )
    return folder


def _text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def models_current(settings: Settings) -> bool:
    """The aggregates hold model cells from their own world and the release exists."""
    path = aggregates_path(settings)
    if not (path.is_file() and release_path(settings).is_file()):
        return False
    metadata = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    models = metadata.get("models") or {}
    return bool(models) and models.get("source") == metadata.get("source")
