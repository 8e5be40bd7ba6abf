import pytest

from buurtzicht.errors import RegionCodeError
from buurtzicht.regions.codes import (
    Level,
    gemeente_of,
    level_of,
    normalise_code,
    special_kind,
    wijk_of,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GM0363    ", "GM0363"),
        ("WK036300", "WK036300"),
        ("WK0363AA", "WK0363AA"),
        ("bu0363ad03", "BU0363AD03"),
        ("BU03630000  ", "BU03630000"),
        ("NL00", "NL01"),
        ("PV27", "PV27"),
        ("RE13", "RE13"),
        ("VR13", "VR13"),
    ],
)
def test_normalise_code(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


@pytest.mark.parametrize("raw", ["GM363", "WK03630", "BU0363", "XX0363", "", "GM03630"])
def test_malformed_codes_raise(raw: str) -> None:
    with pytest.raises(RegionCodeError, match="not a region code"):
        normalise_code(raw, where="test.csv line 3")


def test_integer_codes_are_refused() -> None:
    with pytest.raises(RegionCodeError, match="never be read as numbers"):
        normalise_code(363)


def test_levels_and_parents() -> None:
    assert level_of("BU0363AD03") is Level.BUURT
    assert level_of("RE13") is Level.POLITIE_EENHEID
    assert gemeente_of("BU0363AD03") == "GM0363"
    assert wijk_of("BU0363AD03") == "WK0363AD"


def test_special_regions() -> None:
    assert special_kind("GM0998") == "buitenland"
    assert special_kind("BU00000000") == "onbekend"
    assert special_kind("WK003499", "Groot water") == "water"
    assert special_kind("WK010699", "Buitengebied") is None
    assert special_kind("GM0999") == "onbekend"
    assert special_kind("GM0363") is None
