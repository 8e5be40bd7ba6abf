"""Sources are checked, not trusted: every mirror file the build reads has an expectation,
the real mirror meets all of them, and a file cut short (at a line boundary: it still
parses) fails the build naming the file and what it lacks, leaving the current build."""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buurtzicht.assembly.from_mirror import collect_from_mirror
from buurtzicht.config import Settings
from buurtzicht.errors import ConfigurationError
from buurtzicht.microdata import calibration, national
from buurtzicht.sources.boundaries import MIRROR_GEOMETRY, MIRROR_GEOMETRY_CHECKS
from buurtzicht.sources.boundary_changes import MATRIX_FILE
from buurtzicht.sources.buurt_boundaries import BUURT_LAYERS
from buurtzicht.sources.expect import SourceCoverageError
from buurtzicht.sources.mirror.expectations import EXPECTATIONS, verified
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.warehouse.build import run_build
from buurtzicht.warehouse.layout import BuildLayout
from tests.api.smallbuild import small_inputs

GEBIEDEN_2024 = FILES["gebieden_2024"].path
TOPOJSON = "raw/geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson"


def linked_mirror(mirror: Path, root: Path, replaced: dict[str, bytes]) -> Path:
    """A mirror of symlinks to the real files, with the ``replaced`` files written out."""
    for source in (mirror / "raw").rglob("*"):
        if source.is_file():
            target = root / source.relative_to(mirror)
            target.parent.mkdir(parents=True, exist_ok=True)
            relative = str(source.relative_to(mirror))
            if relative in replaced:
                target.write_bytes(replaced[relative])
            else:
                target.symlink_to(source)
    return root


def cut_lines(data: bytes, keep: int) -> bytes:
    """The header and the first ``keep`` records, cut at the line where the last one ends
    (a quoted field may span lines), gzipped again if it was gzipped."""
    zipped = data[:2] == b"\x1f\x8b"
    raw = gzip.decompress(data) if zipped else data
    lines = raw.splitlines(keepends=True)
    text = [line.decode("utf-8-sig") for line in lines]
    reader = csv.reader(iter(text), delimiter=";" if text[0].count(";") else ",")
    for _ in range(keep + 1):
        next(reader)
    cut = b"".join(lines[: reader.line_num])
    return gzip.compress(cut, mtime=0) if zipped else cut


def test_every_file_the_build_reads_has_an_expectation() -> None:
    read = {f.path for f in FILES.values()}
    read |= {g.path for g in (*MIRROR_GEOMETRY, *MIRROR_GEOMETRY_CHECKS)}
    read |= {layer.path for layer in BUURT_LAYERS} | {MATRIX_FILE}
    read |= set(calibration.MIRROR_FILES) | set(national.MIRROR_FILES)
    assert read <= set(EXPECTATIONS), sorted(read - set(EXPECTATIONS))
    assert set(EXPECTATIONS) <= read  # and none for a file nobody reads
    with pytest.raises(ConfigurationError, match="no expectation"):
        verified(Path("/nowhere"), "raw/x/unknown.csv")


def test_the_manifest_lists_only_checked_files(mirror_build: Settings, mirror: Path) -> None:
    layout = BuildLayout(mirror_build.warehouse_dir)
    manifest = json.loads(layout.manifest_file(layout.current_id() or "").read_text())
    paths = {Path(f["path"]) for f in manifest["sources"]}
    in_mirror = {str(p.relative_to(mirror)) for p in paths if p.is_relative_to(mirror)}
    assert len(in_mirror) >= 40
    assert in_mirror <= set(EXPECTATIONS)


@pytest.mark.parametrize("relative", sorted(EXPECTATIONS))
def test_the_real_mirror_meets_every_expectation(mirror: Path, relative: str) -> None:
    assert verified(mirror, relative) == mirror / relative


@pytest.mark.parametrize(
    "relative", sorted(p for p in EXPECTATIONS if ".csv" in p), ids=lambda p: p.split("/")[-1]
)
def test_a_csv_cut_in_half_at_a_line_boundary_is_refused(
    mirror: Path, tmp_path: Path, relative: str
) -> None:
    data = (mirror / relative).read_bytes()
    rows = EXPECTATIONS[relative].rows
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    path.write_bytes(cut_lines(data, rows // 2))
    with pytest.raises(SourceCoverageError, match=rf"{Path(relative).name}: .*records") as info:
        verified(tmp_path, relative)
    assert f"{rows // 2:,} of at least {rows:,} records" in str(info.value)


def test_geojson_with_features_dropped_names_the_missing_gemeenten(
    mirror: Path, tmp_path: Path
) -> None:
    relative = FILES["gemeenten_geo_2024"].path
    document = json.loads((mirror / relative).read_text(encoding="utf-8"))
    document["features"] = document["features"][:300]
    (tmp_path / relative).parent.mkdir(parents=True)
    (tmp_path / relative).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SourceCoverageError, match=r"300 of 343 gemeenten .* 43 missing"):
        verified(tmp_path, relative)


def test_a_changed_byte_breaks_the_published_checksum(mirror: Path, tmp_path: Path) -> None:
    data = (mirror / TOPOJSON).read_bytes() + b"\n"  # still valid, complete JSON
    (tmp_path / TOPOJSON).parent.mkdir(parents=True)
    (tmp_path / TOPOJSON).write_bytes(data)
    with pytest.raises(SourceCoverageError, match=r"sha256 differs from bf73df2b…d8b9ed88"):
        verified(tmp_path, TOPOJSON)


def test_a_period_lost_is_named(mirror: Path, tmp_path: Path) -> None:
    relative = FILES["politie_nl_crime"].path
    lines = (mirror / relative).read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [lines[0], *(line for line in lines[1:] if ",2019," not in line)]
    assert len(kept) == len(lines) - 59
    (tmp_path / relative).parent.mkdir(parents=True)
    (tmp_path / relative).write_text("".join(kept), encoding="utf-8")
    with pytest.raises(SourceCoverageError, match=r"periods missing in column year: 2019"):
        verified(tmp_path, relative)


def test_a_truncated_gebieden_table_fails_the_build_and_keeps_the_current_one(
    mirror: Path, tmp_path: Path
) -> None:
    """85755NED cut at a line boundary to 170 of 342 gemeenten: before the check it built
    with exit 0 and 172 gemeenten lost their veiligheidsregio and stedelijkheid."""
    home = tmp_path / "var"
    run_build(Settings(home=home, mirror=mirror), lambda _say: small_inputs(mirror))
    layout = BuildLayout(home / "warehouse")
    current, builds = layout.current_id(), sorted(layout.builds.iterdir())
    cut = cut_lines((mirror / GEBIEDEN_2024).read_bytes(), 170)
    broken = linked_mirror(mirror, tmp_path / "mirror", {GEBIEDEN_2024: cut})

    settings = Settings(home=home, mirror=broken)
    with pytest.raises(SourceCoverageError, match=r"170 of 342 gemeenten"):
        run_build(settings, lambda say: collect_from_mirror(settings, say))
    assert layout.current_id() == current and sorted(layout.builds.iterdir()) == builds

    env = {**os.environ, "BUURTZICHT_HOME": str(home), "BUURTZICHT_MIRROR": str(broken)}
    done = subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", "build"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert "85755NED_gebieden_in_nederland_2024.csv" in message
    assert "170 of 342 gemeenten (distinct GM codes in column Code_1): 172 missing" in message
    assert "Traceback" not in done.stderr
    assert layout.current_id() == current and sorted(layout.builds.iterdir()) == builds
