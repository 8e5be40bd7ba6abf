import gzip
from pathlib import Path

import pytest

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.statline_csv import numeric_column, read_table


def write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_bom_semicolons_and_padding(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;RegioS;Code_1;Waarde_2\n0;Aa en Hunze ;GM1680    ;12,5\n")
    frame = read_table(f, required=["Code_1"])
    assert list(frame.columns) == ["ID", "RegioS", "Code_1", "Waarde_2"]
    assert frame.loc[0, "Code_1"] == "GM1680"
    assert numeric_column(frame, "Waarde_2", path=f).tolist() == [12.5]


def test_missing_marker_is_nan_not_zero(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;A_1\n0;.\n1;\n2;3\n")
    values = numeric_column(read_table(f), "A_1", path=f)
    assert values.isna().tolist() == [True, True, False]


def test_short_row_names_the_line(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;A_1;B_2\n0;1;2\n1;3\n")
    with pytest.raises(SourceFormatError, match=r"t\.csv, line 3: row has 2 fields"):
        read_table(f)


def test_latin1_file_is_refused_with_line(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;Naam\n0;Súdwest-Fryslân\n", encoding="latin-1")
    with pytest.raises(SourceFormatError, match=r"line 2: not valid UTF-8"):
        read_table(f)


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(b"ID;A_1\n" + b"0;1\n" * 1000)
    f = tmp_path / "t.csv.gz"
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match="truncated or corrupt"):
        read_table(f)


def test_changed_schema_names_missing_columns(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;RegioS;Waarde_2\n0;Aa;1\n")
    with pytest.raises(SourceFormatError, match=r"columns \['Code_1'\] are missing"):
        read_table(f, required=["Code_1"])


def test_bad_number_names_line_and_column(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "ID;A_1\n0;1\n1;twee\n")
    with pytest.raises(SourceFormatError, match=r"line 3: column A_1: 'twee' is not a number"):
        numeric_column(read_table(f), "A_1", path=f)


def test_real_gebieden_2024(raw: Path) -> None:
    f = raw / "cbs_statline_dumps_dertje" / "85755NED_gebieden_in_nederland_2024.csv"
    frame = read_table(f, required=["Code_1", "Naam_2"])
    assert len(frame) == 342
    amsterdam = frame[frame["Code_1"] == "GM0363"].iloc[0]
    assert amsterdam["Naam_2"] == "Amsterdam"
