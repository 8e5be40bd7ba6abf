"""A small world for end-to-end tests: a synthetic world cut down to two gemeenten.

National disclosure control takes minutes; two gemeenten with their wijken and buurten
take seconds. The cut keeps every cell of the two gemeenten and recomputes the
national total from them (values and unit counts add up, the two largest contributions
are the largest of the gemeenten's), so that the aggregates are exactly those of a
world that holds only these two gemeenten.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from buurtzicht.analysis.materialise import materialise
from buurtzicht.config import Settings
from buurtzicht.regions.codes import NEDERLAND, gemeente_of, wijk_of
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.observations import observations_frame
from buurtzicht.warehouse.build import BuildInputs, run_build
from buurtzicht.warehouse.validate import Expectations
from tests.tiny import tiny_batch, tiny_regions

KEY = ["measure", "period"]


def keep_two_gemeenten(path: Path) -> list[str]:
    """Cut ``aggregates.parquet`` at ``path`` down to two gemeenten; return their codes."""
    aggregates = pd.read_parquet(path)
    region = aggregates["region"].astype(str)
    local = aggregates[region.str[:2].isin(["GM", "WK", "BU"])]
    size = local.groupby(local["region"].astype(str).map(gemeente_of))["region"].nunique()
    chosen = sorted(size[size >= 6].sort_values(kind="stable").index[:2])
    kept = local[local["region"].astype(str).map(gemeente_of).isin(chosen)]
    gemeenten = kept[kept["region"].astype(str).str.startswith("GM")]
    national = gemeenten.groupby(KEY, as_index=False).agg(
        value=("value", "sum"), n_units=("n_units", "sum"), source=("source", "first")
    )
    tops = gemeenten.groupby(KEY)[["top1", "top2"]].apply(_two_largest)
    national = national.merge(tops.reset_index(), on=KEY).assign(region=NEDERLAND)
    out = pd.concat([kept, national[aggregates.columns]], ignore_index=True)
    out.astype(aggregates.dtypes.to_dict()).to_parquet(path, index=False)
    return chosen


def _two_largest(frame: pd.DataFrame) -> pd.Series:
    values = np.sort(frame.to_numpy(float).ravel())[::-1]
    return pd.Series({"top1": values[0], "top2": values[1] if len(values) > 1 else 0.0})


def regions_of(codes: set[str]) -> pd.DataFrame:
    """A ``regions`` table (indeling 2024) for real gemeente, wijk and buurt codes."""
    rows = []
    for code in sorted(codes):
        if code.startswith("GM"):
            rows.append((code, 2024, "gemeente", code, code, None))
        elif code.startswith("WK"):
            rows.append((code, 2024, "wijk", code, gemeente_of(code), code))
        elif code.startswith("BU"):
            rows.append((code, 2024, "buurt", code, gemeente_of(code), wijk_of(code)))
    columns = ["code", "indeling", "level", "name", "gemeente", "wijk"]
    return pd.DataFrame(rows, columns=columns)


def open_batch(codes: set[str], per_buurt: float = 1500.0) -> Batch:
    """The tiny open batch plus KWB inhabitants of the world's regions (buurten add up).

    Disclosure control takes inhabitants from the build (``kwb.AantalInwoners``), as
    CBS does; the secure side's own count of a small world is far below the threshold.
    """
    buurten = pd.Series(sorted(c for c in codes if c.startswith("BU")))
    wijk = buurten.map(wijk_of).value_counts() * per_buurt
    gemeente = buurten.map(gemeente_of).value_counts() * per_buurt
    values = {**dict.fromkeys(buurten, per_buurt), **wijk.to_dict(), **gemeente.to_dict()}
    tiny = tiny_batch()
    # Nederland holds the world's buurten and the tiny gemeenten (they add up).
    tiny_nl = tiny.observations["region"] == NEDERLAND
    values[NEDERLAND] = len(buurten) * per_buurt + float(
        tiny.observations.loc[
            ~tiny_nl & (tiny.observations["region"].str[:2] == "GM"), "value"
        ].sum()
    )
    extra = pd.DataFrame(
        {"measure": "kwb.AantalInwoners", "region": list(values), "period": "2024JJ00",
         "indeling": 2024, "value": list(values.values())}
    )  # fmt: skip
    frame = pd.concat([tiny.observations[~tiny_nl], observations_frame(extra, source="test")])
    return Batch(tiny.name, frame.reset_index(drop=True), tiny.measures)


def small_build_inputs(tmp_path: Path, codes: set[str], secure: list[Batch]) -> BuildInputs:
    """The tiny open-data input (tests/tiny.py) plus the secure batch and its regions."""
    source = tmp_path / "source.csv"
    source.write_text("x\n1\n")
    return BuildInputs(
        regions=pd.concat([tiny_regions(), regions_of(codes)], ignore_index=True),
        batches=[open_batch(codes), *secure],
        files=[SourceFile.of(source, "TEST", "2024-01-01")],
        expectations=Expectations(),
        derive=[("indicator values", materialise)],
    )


def published_small_world(
    root: Path, mirror: Path, *, scale: float = 0.002, levels: str | None = None
) -> Settings:
    """A small world through the command line (synth, link, models, publish --audit).

    The world is cut to two gemeenten after the models ran (their cells as in the full
    world); the open build it is published against is the tiny one plus the world's
    regions. Returns the settings of ``root / "var"``; the current build there is the
    open build, without the release (load it with :func:`published_batches`).
    """
    from typer.testing import CliRunner

    import buurtzicht.cli.models
    import buurtzicht.cli.secure  # noqa: F401
    from buurtzicht.cli import app
    from buurtzicht.microdata.store import aggregates_path

    settings = Settings(mirror=mirror, home=root / "var")
    publish = ["secure", "publish", "--audit", *(["--levels", levels] if levels else [])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUURTZICHT_MIRROR", str(mirror))
        patch.setenv("BUURTZICHT_HOME", str(settings.home))
        runner = CliRunner()
        for args in (["synth", "--scale", str(scale), "--seed", "7"], ["secure", "link"],
                     ["secure", "models"]):  # fmt: skip
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
        keep_two_gemeenten(aggregates_path(settings))
        codes = set(pd.read_parquet(aggregates_path(settings))["region"].astype(str))
        # As `make run`: the open build first (hierarchy, inhabitants), then publish.
        run_build(settings, lambda say: small_build_inputs(root, codes, []))
        result = runner.invoke(app, publish)
        assert result.exit_code == 0, result.output
        assert "SYNTHETISCH" in result.output and "kwb.AantalInwoners" in result.output
    return settings


def world_codes(settings: Settings) -> set[str]:
    """Region codes of the (cut) world's aggregates."""
    from buurtzicht.microdata.store import aggregates_path

    return set(pd.read_parquet(aggregates_path(settings))["region"].astype(str))
