"""Upload files for the tests: valid ones with planted places, and hostile ones."""

from __future__ import annotations

import io
import zipfile

import openpyxl


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "\n".join(lines).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """An 'XLSX' whose sheet inflates 200 MB of zeros from a few hundred kB."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * 200_000_000,
        }
    )


def hostile_files() -> list[tuple[str, str, bytes, str]]:
    """(id, filename, content, what the report must say) for 30+ bad uploads."""
    header = "regiocode;jaar;waarde"
    good_row = "GM0363;2023;1"
    formula_book = xlsx_bytes([["regiocode", "jaar"], ["GM0363", 2023], ["GM0363", 2022]])
    book = openpyxl.load_workbook(io.BytesIO(formula_book))
    book.active["B3"] = "=2020+3"  # type: ignore[index]
    with_formula = io.BytesIO()
    book.save(with_formula)
    return [
        ("empty", "leeg.csv", b"", "the file is empty"),
        ("header-only", "kop.csv", b"regiocode;jaar\n", "no data rows"),
        ("blank-header", "blank.csv", b";;\nGM0363;2023;1\n", "column names) is empty"),
        ("utf16", "utf16.csv", csv_bytes([header, good_row], "utf-16"), "NUL bytes"),
        ("not-cp1252", "raar.csv", b"regiocode;jaar\n\x81\x8d\x8f;2023\n\xff\xfe\x00", "NUL bytes"),
        (
            "undecodable",
            "raar2.csv",
            b"regiocode;jaar\nGM0363\x81\x90;2023\n",
            "neither UTF-8 nor Windows-1252",
        ),
        ("png", "plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        ("broken-xlsx", "kapot.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "broken zip"),
        (
            "truncated-xlsx",
            "half.xlsx",
            xlsx_bytes([["regiocode", "jaar"], ["GM0363", 2023]])[:600],
            "broken zip",
        ),
        ("zip-not-xlsx", "archief.xlsx", zip_bytes({"a.txt": b"hallo"}), "not an XLSX workbook"),
        ("zip-bomb", "bom.xlsx", zip_bomb(), "zip bomb"),
        (
            "xlsx-no-sheet-xml",
            "leeg.xlsx",
            zip_bytes({"xl/workbook.xml": b"<workbook/>"}),
            "cannot be read",
        ),
        ("xls", "oud.xls", b"\xd0\xcf\x11\xe0" + b"x" * 100, "only CSV and XLSX"),
        ("formula-xlsx", "formule.xlsx", with_formula.getvalue(), "holds a formula"),
        (
            "formula-csv",
            "formule.csv",
            csv_bytes([header, '=HYPERLINK("http://evil");2023;1']),
            "is not a region code",
        ),
        (
            "million-rows",
            "groot.csv",
            csv_bytes([header] + [good_row] * 1_000_000),
            "more than 250,000 data rows",
        ),
        (
            "unknown-code",
            "onbekend.csv",
            csv_bytes([header, "GM9998;2023;1"]),
            "not a gemeente, wijk or buurt",
        ),
        (
            "other-gemeente",
            "rotterdam.csv",
            csv_bytes([header, "GM0599;2023;1"]),
            "outside the gemeenten of your organisation",
        ),
        (
            "mixed-separators",
            "gemengd.csv",
            csv_bytes([header, good_row, "GM0363,2023,1"]),
            "mixed separators",
        ),
        (
            "no-period",
            "geenjaar.csv",
            csv_bytes(["regiocode;waarde", "GM0363;1"]),
            "no period column",
        ),
        (
            "no-place",
            "geenplaats.csv",
            csv_bytes(["jaar;waarde", "2023;1"]),
            "no column that says where",
        ),
        ("bad-number", "getal.csv", csv_bytes([header, "GM0363;2023;12,3,4"]), "is not a number"),
        ("infinite", "oneindig.csv", csv_bytes([header, "GM0363;2023;inf"]), "not a finite number"),
        (
            "future-date",
            "toekomst.csv",
            csv_bytes(["regiocode;datum", "GM0363;2099-01-01"]),
            "out of range",
        ),
        (
            "old-date",
            "oud.csv",
            csv_bytes(["regiocode;datum", "GM0363;1850-01-01"]),
            "out of range",
        ),
        (
            "impossible-date",
            "31feb.csv",
            csv_bytes(["regiocode;datum", "GM0363;31-02-2023"]),
            "not a valid date",
        ),
        (
            "duplicate-id",
            "dubbel.csv",
            csv_bytes(["id;regiocode;jaar", "7;GM0363;2023", "7;GM0363;2022"]),
            "duplicate: id 7",
        ),
        (
            "duplicate-row",
            "dubbel2.csv",
            csv_bytes([header, good_row, good_row]),
            "duplicate: the same row",
        ),
        (
            "swapped-latlon",
            "omgedraaid.csv",
            csv_bytes(["lat;lon;jaar", "4,89;52,37;2023"]),
            "latitude and longitude swapped",
        ),
        (
            "outside-nl",
            "parijs.csv",
            csv_bytes(["lat;lon;jaar", "48,85;2,35;2023"]),
            "outside the Netherlands",
        ),
        (
            "rd-in-rotterdam",
            "rd.csv",
            csv_bytes(["x;y;jaar", "92500;437500;2023"]),
            "lies in no buurt of your organisation",
        ),
        ("ambiguous-name", "naam.csv", csv_bytes(["regio;jaar", "Betondorp;2023"]), "is ambiguous"),
        (
            "misspelt-name",
            "spelling.csv",
            csv_bytes(["regio;jaar", "Amsterdm;2023"]),
            "did you mean 'Amsterdam'",
        ),
        ("empty-region", "leegregio.csv", csv_bytes([header, ";2023;1"]), "no region given"),
        (
            "too-many-columns",
            "breed.csv",
            csv_bytes([";".join(f"k{i}" for i in range(60)), "x"]),
            "60 columns",
        ),
        (
            "unclosed-quote",
            "quote.csv",
            csv_bytes([header, '"GM0363;2023;1', good_row]),
            "fields where the header has 3",
        ),
        (
            "one-bad-among-good",
            "eenfout.csv",
            csv_bytes(
                [header]
                + [good_row.replace("1", str(n)) for n in range(2, 50)]
                + ["GM0363;2023;abc"]
            ),
            "'abc' is not a number",
        ),
    ]
