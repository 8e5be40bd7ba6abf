"""Exports of a values table: CSV for Dutch Excel (``;``, decimal comma, UTF-8 BOM)
and XLSX (numbers as numbers, a second sheet with source, licence and build)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from buurtzicht.api.schemas import SYNTHETIC_LABEL, ValuesOut

HEADERS = {
    "nl": [
        "regiocode",
        "regionaam",
        "niveau",
        "periode",
        "indicator",
        "waarde",
        "status",
        "toelichting",
        "eenheid",
        "bron",
    ],
    "en": [
        "region_code",
        "region_name",
        "level",
        "period",
        "indicator",
        "value",
        "status",
        "note",
        "unit",
        "source",
    ],
}


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


def _rows(values: ValuesOut) -> list[list[object]]:
    citation = values.indicator.source.citation
    rows: list[list[object]] = []
    for row in values.rows:
        rows.append(
            [
                row.code,
                row.name or "",
                values.level,
                values.period,
                values.indicator.id,
                row.figure.value,
                row.figure.status,
                row.figure.note or "",
                values.indicator.unit,
                citation,
            ]
        )
    return rows


def _csv_number(value: object, decimals: int, lang: str) -> str:
    if value is None:
        return "."
    assert isinstance(value, float | int)
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def filename(values: ValuesOut, extension: str) -> str:
    parent = f"_{values.parent.code}" if values.parent else ""
    return f"buurtzicht_{values.indicator.id}_{values.level}{parent}_{values.period}.{extension}"


def values_csv(values: ValuesOut, lang: str) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "nl" else ",", lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    decimals = values.indicator.decimals
    for row in _rows(values):
        row[5] = _csv_number(row[5], decimals, lang)
        writer.writerow(row)
    content = "\ufeff" + buffer.getvalue()
    return Export(filename(values, "csv"), "text/csv; charset=utf-8", content.encode("utf-8"))


def values_xlsx(values: ValuesOut, lang: str, *, build_id: str) -> Export:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Gegevens" if lang == "nl" else "Data"
    sheet.append(HEADERS[lang])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    number_format = "#,##0" + (
        "." + "0" * values.indicator.decimals if values.indicator.decimals else ""
    )
    for row in _rows(values):
        if row[5] is None:
            row[5] = "."
        sheet.append(row)
        if isinstance(row[5], int | float):
            sheet.cell(row=sheet.max_row, column=6).number_format = number_format
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Bron" if lang == "nl" else "Source")
    indicator = values.indicator
    facts = [
        ("indicator", indicator.id),
        ("titel" if lang == "nl" else "title", indicator.title),
        ("omschrijving" if lang == "nl" else "description", indicator.description),
        ("eenheid" if lang == "nl" else "unit", indicator.unit),
        ("periode" if lang == "nl" else "period", values.period),
        ("niveau" if lang == "nl" else "level", values.level),
        ("bron" if lang == "nl" else "source", indicator.source.citation),
        ("licentie" if lang == "nl" else "licence", indicator.source.licence),
        ("build", build_id),
    ]
    if indicator.synthetic:
        facts.append(("let op" if lang == "nl" else "note", SYNTHETIC_LABEL))
    for fact in facts:
        about.append(list(fact))
    buffer = io.BytesIO()
    book.save(buffer)
    return Export(
        filename(values, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buffer.getvalue(),
    )
