"""fetch_tables / fetch_geometry and the ``buurtzicht fetch`` command, offline against
the replay server (and, for ``--mirror``, the real mirror)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import buurtzicht.cli.fetch  # noqa: F401  (registers the command; the lead imports it in cli)
from buurtzicht.cli.app import app
from buurtzicht.config import Settings, get_settings
from buurtzicht.errors import ConfigurationError
from buurtzicht.sources.fetch import (
    DEFAULT_TABLES,
    check_mirror,
    fetch_geometry,
    fetch_table,
    fetch_table_results,
    fetch_tables,
    geometry_source,
)
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import PageProgress
from buurtzicht.sources.tables import TABLES
from tests.fakes.cbs_server import CbsReplayServer
from tests.fakes.replay_data import ReplayData, cached_build


@pytest.fixture(scope="module")
def replay_data(raw: Path) -> ReplayData:
    data = cached_build(raw)
    return ReplayData(v3={"dataderden": data.v3["dataderden"]}, wfs=data.wfs)


@pytest.fixture
def online(replay_data: ReplayData, tmp_path: Path) -> Iterator[tuple[CbsReplayServer, Settings]]:
    with CbsReplayServer(replay_data, page_size=300) as server:
        yield server, Settings(home=tmp_path / "var", **server.settings_overrides())


def test_default_tables_are_in_the_registry() -> None:
    assert set(DEFAULT_TABLES) <= set(TABLES)
    assert TABLES["47018NED"].host == "dataderden" and TABLES["85984NED"].host == "opendata"


def test_fetch_tables_returns_batches_over_one_session(online: tuple) -> None:
    server, settings = online
    (batch,) = fetch_tables(settings, ["47018NED"], progress=False)
    assert batch.name == "cbs:47018NED"
    assert sorted(batch.observations["period"].unique())[0] == "2019JJ00"  # last 5 periods
    assert len({h.port for h in server.hits}) == 1
    (everything,) = fetch_table_results(settings, ["47018NED"], progress=False, recent_periods=0)
    assert sorted(everything.batch.observations["period"].unique())[0] == "2012JJ00"


def test_progress_bar_counts_pages_and_rows(online: tuple) -> None:
    server, settings = online
    police = server.data.v3["dataderden"]["47018NED"]
    recent = {p["Key"] for p in police.code_lists["Perioden"][-5:]}
    rows = sum(r["Perioden"] in recent for r in police.rows)
    out = io.StringIO()
    bar = PageProgress(True, Console(file=out, force_terminal=True, width=120))
    with Client(settings) as client, bar:
        fetch_table(client, TABLES["47018NED"], progress=bar)
    assert f"3 pages, {rows} rows" in out.getvalue() and 600 < rows <= 900  # 300 a page
    quiet = io.StringIO()
    with Client(settings) as client, PageProgress(True, Console(file=quiet)) as bar:
        fetch_table(client, TABLES["47018NED"], progress=bar)
    assert quiet.getvalue() == ""  # not a terminal: no progress output


def test_unknown_table_lists_the_known_ones(online: tuple) -> None:
    _, settings = online
    with pytest.raises(ConfigurationError, match="known tables: 47018NED, 81947NED"):
        fetch_tables(settings, ["12345XYZ"], progress=False)


def test_fetch_geometry_and_manifest_entry(online: tuple) -> None:
    _, settings = online
    (wijken,) = fetch_geometry(settings, [(2024, "wijk")], progress=False)
    source = geometry_source(wijken)
    assert (source.table, source.version, source.sha256) == (
        "pdok:wijkenbuurten:wijk",
        "2024",
        wijken.sha256,
    )
    assert wijken.features == 3475


def _invoke(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str):
    for key, value in env.items():
        monkeypatch.setenv(f"BUURTZICHT_{key.upper()}", value)
    monkeypatch.setenv("COLUMNS", "240")  # wide enough that Rich does not elide names
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["fetch", *args])
    finally:
        get_settings.cache_clear()


def test_cli_fetch_online(online: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    server, _ = online
    env = {**server.settings_overrides(), "home": str(tmp_path / "home")}
    result = _invoke(monkeypatch, env, "-t", "47018NED", "-g", "2024:gemeente", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "47018NED" in result.output and "2024-08-15T02:00:00" in result.output
    assert "343" in result.output  # gemeente features
    assert (
        tmp_path / "home" / "cache" / "pdok" / "wijkenbuurten" / "2024" / "gemeenten.geojson"
    ).is_file()


def test_cli_bad_geometry_option(
    online: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server, _ = online
    env = {**server.settings_overrides(), "home": str(tmp_path)}
    result = _invoke(monkeypatch, env, "-t", "47018NED", "-g", "2024:straat", "--no-progress")
    assert result.exit_code != 0 and "YEAR:LEVEL" in str(result.exception)


def test_cli_mirror_check_is_offline(
    mirror: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"home": str(tmp_path), "cbs_odata_v3_url": "http://127.0.0.1:9/none"}
    result = _invoke(monkeypatch, env, "--mirror", str(mirror))
    assert result.exit_code == 0, result.output
    assert "cbs_kwb2024_85984NED_odata_meta" in result.output  # folder listed
    assert (tmp_path / "cache" / "mirror-sha256.json").is_file()


def test_mirror_check_reports_missing_and_changed_files(
    mirror: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = tmp_path / "mirror"
    shutil.copytree(
        mirror / "raw" / "politie_47018NED_nationaal_bernasco_staat", copy / "raw" / "politie"
    )
    for path in (copy / "raw" / "politie").iterdir():
        path.chmod(0o644)
    (folder,) = check_mirror(copy)
    assert folder.missing == [] and "NL_Crime.csv" in folder.files and folder.tables == ["47018NED"]
    env = {"home": str(tmp_path / "home")}
    assert _invoke(monkeypatch, env, "--mirror", str(copy)).exit_code == 0
    (copy / "raw" / "politie" / "NL_Crime.csv").write_text("changed\n", encoding="utf-8")
    (copy / "raw" / "politie" / "Overlast.csv").unlink()
    result = _invoke(monkeypatch, env, "--mirror", str(copy))
    assert result.exit_code == 1
    assert "Overlast.csv" in result.output and "politie/NL_Crime.csv" in result.output
