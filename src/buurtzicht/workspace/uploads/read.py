"""Read an uploaded file into a header and rows of text, safely and within limits.

CSV: UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,`` or a tab
(whichever the header uses most). XLSX: checked as a zip first (member count, total
uncompressed size, compression ratio: a zip bomb is refused before anything is
inflated), then read by openpyxl in read-only mode; formulas are never evaluated, a
formula cell is reported as an error. Anything else is refused with the reason.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from buurtzicht.workspace.errors import WorkspaceError

XLSX_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED = 200_000_000
MAX_RATIO = 100  # XLSX XML compresses ~10-20x; a bomb far more
MAX_COLUMNS = 50
MAX_CELL = 1000


class UploadFileError(WorkspaceError):
    """The file as a whole cannot be read (format, encoding, size, structure)."""


@dataclass
class RawTable:
    header: list[str]
    rows: list[list[str]]
    file_format: str
    numbers: list[int] = field(default_factory=list)  # line (CSV) or row (XLSX) of each row
    encoding: str = ""
    separator: str = ""
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, kind, message)


def read_upload(data: bytes, filename: str, max_bytes: int, max_rows: int) -> RawTable:
    """The table in ``data``; :class:`UploadFileError` when it cannot be read at all."""
    if not data:
        raise UploadFileError(f"{filename}: the file is empty")
    if len(data) > max_bytes:
        raise UploadFileError(
            f"{filename}: {len(data):,} bytes, more than the limit of {max_bytes:,} bytes"
        )
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(data, filename, max_rows)
    elif filename.lower().endswith((".xls", ".ods")):
        raise UploadFileError(f"{filename}: only CSV and XLSX are accepted; save it as .xlsx")
    else:
        table = _read_csv(data, filename, max_rows)
    if not table.rows:
        raise UploadFileError(f"{filename}: no data rows below the column names")
    return table


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if b"\x00" in data[:65536]:
        raise UploadFileError(
            f"{filename}: holds NUL bytes; this is not a text (CSV) file (UTF-16? save as "
            "CSV UTF-8)"
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise UploadFileError(
            f"{filename}: neither UTF-8 nor Windows-1252 (byte {utf8_error.start} cannot be "
            "read); save it as CSV UTF-8"
        ) from None


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _read_csv(data: bytes, filename: str, max_rows: int) -> RawTable:
    text, encoding = _decode(data, filename)
    first_line = text.split("\n", 1)[0]
    separator = _separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise UploadFileError(f"{filename}: the file is empty") from None
    except csv.Error as exc:
        raise UploadFileError(f"{filename}: line 1 cannot be read as CSV: {exc}") from None
    table = RawTable(
        _checked_header(header, filename), [], "CSV", encoding=encoding, separator=separator
    )
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(table.rows) >= max_rows:
                raise UploadFileError(
                    f"{filename}: more than {max_rows:,} data rows (the limit); split the file"
                )
            table.rows.append(row)
            table.numbers.append(reader.line_num)
    except csv.Error as exc:
        raise UploadFileError(
            f"{filename}: line {reader.line_num} cannot be read as CSV: {exc}"
        ) from None
    return table


def _checked_header(header: list[str], filename: str) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise UploadFileError(f"{filename}: {len(header)} columns, at most {MAX_COLUMNS}")
    if not any(header):
        raise UploadFileError(f"{filename}: the first row (the column names) is empty")
    return header


def check_zip(data: bytes, filename: str) -> None:
    """Refuse a zip that is broken or would inflate beyond the limits (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadFileError(f"{filename}: not a valid XLSX file (broken zip)") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadFileError(f"{filename}: {len(members)} parts inside, too many for XLSX")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise UploadFileError(
                f"{filename}: would unpack to {total:,} bytes (limit {MAX_UNCOMPRESSED:,}): "
                "refused as a possible zip bomb"
            )
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise UploadFileError(
                    f"{filename}: part {member.filename} is compressed {member.file_size // member.compress_size}x "
                    "(limit 100x): refused as a possible zip bomb"
                )
        if "xl/workbook.xml" not in {m.filename for m in members}:
            raise UploadFileError(f"{filename}: a zip file, but not an XLSX workbook")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, filename: str, max_rows: int) -> RawTable:
    import openpyxl  # defusedxml, when installed, guards its XML parsing

    check_zip(data, filename)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise UploadFileError(
            f"{filename}: the XLSX workbook cannot be read ({type(exc).__name__})"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        try:
            header = [_cell_text(c.value).strip() for c in next(rows)]
        except StopIteration:
            raise UploadFileError(f"{filename}: the first sheet is empty") from None
        while header and not header[-1]:
            header.pop()
        table = RawTable(_checked_header(header, filename), [], "XLSX")
        for number, cells in enumerate(rows, start=2):
            row: list[str] = []
            for cell in cells[: len(header)]:
                if getattr(cell, "data_type", None) == "f":
                    table.problems.append(
                        (
                            number,
                            "formule",
                            f"cell {cell.coordinate} holds a formula; paste values only",
                        )
                    )
                row.append(_cell_text(cell.value))
            if not any(v.strip() for v in row):
                continue
            if len(table.rows) >= max_rows:
                raise UploadFileError(
                    f"{filename}: more than {max_rows:,} data rows (the limit); split the file"
                )
            table.rows.append(row + [""] * (len(header) - len(row)))
            table.numbers.append(number)
    except UploadFileError:
        raise
    except Exception as exc:
        raise UploadFileError(
            f"{filename}: the XLSX workbook cannot be read ({type(exc).__name__})"
        ) from None
    finally:
        workbook.close()
    return table
