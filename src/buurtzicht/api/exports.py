"""Exports of a values table and a ranking: CSV for Dutch Excel (``;``, decimal comma,
UTF-8 BOM) and XLSX (numbers as numbers, a second sheet with source, licence and build)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from buurtzicht.api.schemas.card import IndicatorOut
from buurtzicht.api.schemas.common import SYNTHETIC_LABEL
from buurtzicht.api.schemas.figures import RankingOut, ValuesOut

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


def _csv(headers: list[str], rows: list[list[object]], numbers: dict[int, int], lang: str) -> bytes:
    """CSV for Dutch Excel (``;``, decimal comma, BOM) or, in English, ``,`` and points;
    ``numbers`` maps a column to its decimals. A missing number is written as ``.``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "nl" else ",", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [_csv_number(v, numbers[n], lang) if n in numbers else v for n, v in enumerate(row)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(
    headers: list[str],
    rows: list[list[object]],
    numbers: dict[int, int],
    facts: list[tuple[str, str]],
    lang: str,
) -> bytes:
    """A sheet of numbers as numbers (``.`` where missing) and a sheet about the source."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Gegevens" if lang == "nl" else "Data"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["." if n in numbers and v is None else v for n, v in enumerate(row)])
        for column, decimals in numbers.items():
            cell = sheet.cell(row=sheet.max_row, column=column + 1)
            if isinstance(cell.value, int | float):
                cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Bron" if lang == "nl" else "Source")
    for fact in facts:
        about.append(list(fact))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _facts(
    indicator: IndicatorOut, period: str, level: str, build_id: str, lang: str
) -> list[tuple[str, str]]:
    nl = lang == "nl"
    facts = [
        ("indicator", indicator.id),
        ("titel" if nl else "title", indicator.title),
        ("omschrijving" if nl else "description", indicator.description),
        ("eenheid" if nl else "unit", indicator.unit),
        ("periode" if nl else "period", period),
        ("niveau" if nl else "level", level),
        ("bron" if nl else "source", indicator.source.citation),
        ("licentie" if nl else "licence", indicator.source.licence),
        ("build", build_id),
    ]
    if indicator.synthetic:
        facts.append(("let op" if nl else "note", SYNTHETIC_LABEL))
    return facts


def values_csv(values: ValuesOut, lang: str) -> Export:
    content = _csv(HEADERS[lang], _rows(values), {5: values.indicator.decimals}, lang)
    return Export(filename(values, "csv"), "text/csv; charset=utf-8", content)


def values_xlsx(values: ValuesOut, lang: str, *, build_id: str) -> Export:
    facts = _facts(values.indicator, values.period, values.level, build_id, lang)
    content = _xlsx(HEADERS[lang], _rows(values), {5: values.indicator.decimals}, facts, lang)
    return Export(filename(values, "xlsx"), XLSX, content)


RANKING_HEADERS = {
    "nl": ["rang (1 = hoogste)", "regiocode", "regionaam", "niveau", "periode", "indicator",
           "waarde", "status", "toelichting", "index (NL = 100)", "vorige periode",
           "waarde vorige periode", "verandering", "betrouwbaarheid", "ondergrens 95%",
           "bovengrens 95%", "eenheid", "bron"],
    "en": ["rank (1 = highest)", "region_code", "region_name", "level", "period", "indicator",
           "value", "status", "note", "index (NL = 100)", "previous_period", "previous_value",
           "change", "reliability", "lower_95", "upper_95", "unit", "source"],
}  # fmt: skip


def rankings_export(ranking: RankingOut, lang: str, extension: str, *, build_id: str) -> Export:
    """A ranking in the order shown (rank 1 first, regions without a figure last)."""
    d = ranking.indicator.decimals
    rows: list[list[object]] = [
        [
            row.rank, row.region.code, row.region.name, ranking.level, ranking.period,
            ranking.indicator.id, row.figure.value, row.figure.status, row.figure.note or "",
            row.index, ranking.previous_period or "",
            row.previous.value if row.previous else None,
            row.change.value if row.change else None, row.reliability or "",
            row.ci_low, row.ci_high, ranking.indicator.unit, ranking.indicator.source.citation,
        ]
        for row in ranking.rows
    ]  # fmt: skip
    numbers = {6: d, 9: 0, 11: d, 12: d, 14: d, 15: d}
    parent = f"_{ranking.parent.code}" if ranking.parent else ""
    name = f"buurtzicht_ranglijst_{ranking.indicator.id}_{ranking.level}{parent}_{ranking.period}"
    if extension == "csv":
        return Export(
            f"{name}.csv",
            "text/csv; charset=utf-8",
            _csv(RANKING_HEADERS[lang], rows, numbers, lang),
        )
    facts = _facts(ranking.indicator, ranking.period, ranking.level, build_id, lang)
    content = _xlsx(RANKING_HEADERS[lang], rows, numbers, facts, lang)
    return Export(f"{name}.xlsx", XLSX, content)
