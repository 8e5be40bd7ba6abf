"""Bad input fails loudly: malformed, truncated, mis-encoded, changed or unknown.

Each case writes a small file into a temporary mirror laid out like the real one and
checks that the loader raises a domain error naming the file and the place (the
files are deliberately small: the expectation check, tested in test_expectations.py,
is switched off with ``verify=False``).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from buurtzicht.errors import RegionCodeError, SourceFormatError, UnknownRegionError
from buurtzicht.regions.codes import Level
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.gebieden import read_gebieden
from buurtzicht.sources.mirror.kwb import KwbProperties, dump_observations
from buurtzicht.sources.mirror.kwb_attributes import SAME_AS_KWB, geometry_kwb
from buurtzicht.sources.mirror.misdrijven_regions import slice_codes
from buurtzicht.sources.mirror.misdrijven_wb import load_misdrijven_wb
from buurtzicht.sources.mirror.names import NameResolver
from buurtzicht.sources.mirror.politie import national_series, read_catalogue
from buurtzicht.sources.mirror.region_rows import RegionsResult, rows_frame
from buurtzicht.sources.mirror.veiligheidsmonitor import load_veiligheidsmonitor
from buurtzicht.sources.mirror.verdachten import load_verdachten
from buurtzicht.sources.observations import Measure


def _write(root: Path, key: str, text: str, *, gz: bool = False, encoding: str = "utf-8") -> Path:
    path = root / FILES[key].path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _copy(root: Path, mirror: Path, key: str) -> None:
    target = root / FILES[key].path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(mirror / FILES[key].path, target)


def _ctx_with_regions(root: Path, rows: list[dict[str, object]]) -> MirrorContext:
    ctx = MirrorContext(root, verify=False)
    ctx.regions = RegionsResult(rows_frame(rows))
    return ctx


GEBIEDEN_HEADER = (
    "ID;RegioS;Code_1;Naam_2;Code_3;Naam_4;Code_5;Naam_6;Code_7;Naam_8;Code_9;Naam_10;"
    "Code_11;Naam_12;Code_13;Omschrijving_14;Code_15;Omschrijving_16;Inwonertal_17;"
    "Omgevingsadressendichtheid_18"
)
GEBIEDEN_ROW = (
    "0;Súdwest-Fryslân;GM1900;Súdwest-Fryslân;LD01;Noord-Nederland;PV21;Fryslân;"
    "RE01;Noord-Nederland;VR02;Fryslân;CR04;Zuidwest-Friesland;5;50 000 tot 100 000 inwoners;"
    "4;Weinig stedelijk;90880;600"
)


def test_missing_file_says_where_it_should_be(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"not found in the offline mirror.*81947NED"):
        MirrorContext(tmp_path, verify=False).path("verdachten")


def test_gebieden_reads_a_valid_small_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "gebieden_2024", f"{GEBIEDEN_HEADER}\n{GEBIEDEN_ROW}\n")
    gemeenten = read_gebieden(path, 2024).gemeenten
    assert gemeenten.loc[0, "code"] == "GM1900"
    assert (gemeenten.loc[0, "provincie"], gemeenten.loc[0, "stedelijkheid"]) == ("PV21", 4)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    text = f"{GEBIEDEN_HEADER}\n{GEBIEDEN_ROW}\n"
    path = _write(tmp_path, "gebieden_2024", text, encoding="latin-1")
    with pytest.raises(SourceFormatError, match=r"line 2: not valid UTF-8"):
        read_gebieden(path, 2024)


def test_gebieden_without_stedelijkheid_is_a_changed_schema(tmp_path: Path) -> None:
    header = GEBIEDEN_HEADER.replace("Code_15;Omschrijving_16;", "")
    row = GEBIEDEN_ROW.replace("4;Weinig stedelijk;", "")
    path = _write(tmp_path, "gebieden_2024", f"{header}\n{row}\n")
    with pytest.raises(
        SourceFormatError, match="no Code_\\*/Omschrijving_\\* pair holds stedelijkheid"
    ):
        read_gebieden(path, 2024)


def test_gebieden_with_a_short_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "gebieden_2024", f"{GEBIEDEN_HEADER}\n{GEBIEDEN_ROW}\n0;Aa;GM1680\n")
    with pytest.raises(SourceFormatError, match=r"line 3: row has 3 fields, header has 20"):
        read_gebieden(path, 2024)


@pytest.fixture
def kwb_root(tmp_path: Path, mirror: Path) -> Path:
    for key in ("kwb_properties", "kwb_tableinfos"):
        _copy(tmp_path, mirror, key)
    return tmp_path


#: The columns the spec of the dump names (read or checked), and one measure more.
DUMP = "ID;WijkenEnBuurten;SoortRegio_2;Codering_3;AantalInwoners_5;MateVanStedelijkheid_122\n"


def test_kwb_dump_truncated_gzip(kwb_root: Path) -> None:
    path = _write(kwb_root, "kwb_dump", DUMP + "0;Nederland;Land;NL00;17942942;2\n" * 50, gz=True)
    path.write_bytes(path.read_bytes()[:-20])
    ctx = MirrorContext(kwb_root, verify=False)
    with pytest.raises(SourceFormatError, match="gzip stream is truncated or corrupt"):
        dump_observations(ctx, KwbProperties(ctx))


def test_kwb_dump_mistyped_region_code(kwb_root: Path) -> None:
    text = DUMP + "0;Nederland;Land;NL00;17942942;2\n1;Amsterdam;Gemeente;GM36;931298;1\n"
    _write(kwb_root, "kwb_dump", text, gz=True)
    ctx = MirrorContext(kwb_root, verify=False)
    with pytest.raises(RegionCodeError, match=r"'GM36' in .*85984NED.*line 3"):
        dump_observations(ctx, KwbProperties(ctx))


def test_kwb_dump_matches_columns_by_stem_not_suffix(kwb_root: Path) -> None:
    _write(kwb_root, "kwb_dump", DUMP + "0;Nederland;Land;NL00;17942942;2\n", gz=True)
    ctx = MirrorContext(kwb_root, verify=False)
    observations, empty = dump_observations(ctx, KwbProperties(ctx))
    assert set(observations["measure"]) == {"kwb.AantalInwoners", "kwb.MateVanStedelijkheid"}
    assert empty == []


def test_kwb_dump_column_unknown_to_dataproperties(kwb_root: Path) -> None:
    _write(
        kwb_root,
        "kwb_dump",
        DUMP.replace("\n", ";Drugslabs_131\n") + "0;NL;Land;NL00;1;2;3\n",
        gz=True,
    )
    ctx = MirrorContext(kwb_root, verify=False)
    with pytest.raises(SourceFormatError, match="column Drugslabs_131 has no entry"):
        dump_observations(ctx, KwbProperties(ctx))


def test_truncated_dataproperties_json(tmp_path: Path) -> None:
    _write(tmp_path, "kwb_properties", '[{"Type": "Topic", "Key": "AantalInwoners_5"},\n{"Ty')
    with pytest.raises(
        SourceFormatError, match=r"DataProperties.json, line 2: malformed or truncated JSON"
    ):
        KwbProperties(MirrorContext(tmp_path, verify=False))


def test_geometry_feature_without_gemeentecode(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": None,
            "properties": {"gemeentecode": "GM0014", "gemeentenaam": "Groningen"},
        },
        {"type": "Feature", "geometry": None, "properties": {"gemeentenaam": "Haren"}},
    ]
    _write(
        tmp_path,
        "gemeenten_geo_2012",
        json.dumps({"type": "FeatureCollection", "features": features}),
    )
    with pytest.raises(
        SourceFormatError, match=r"record feature 1: feature lacks properties \['gemeentecode'\]"
    ):
        MirrorContext(tmp_path, verify=False).gemeenten_geometry(2012)


def test_geometry_attribute_neither_mapped_nor_skipped(tmp_path: Path) -> None:
    properties = {
        "gemeentecode": "GM0014",
        "gemeentenaam": "Groningen",
        "aantal_inwoners": 1,
        "coffeeshops": 14,
    }
    document = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": properties}],
    }
    _write(tmp_path, "gemeenten_geo_2012", json.dumps(document))
    with pytest.raises(SourceFormatError, match=r"\['coffeeshops'\] are neither mapped"):
        geometry_kwb(
            MirrorContext(tmp_path, verify=False),
            {"x": _kwb_measure("AantalInwoners")} | _all_kwb_stems(),
        )


def _kwb_measure(stem: str) -> Measure:
    return Measure(f"kwb.{stem}", stem)


def _all_kwb_stems() -> dict[str, Measure]:
    return {stem: _kwb_measure(stem) for stem in SAME_AS_KWB.values()}


VM_HEADER = "ID;Marges;RegioS;Perioden;VoeltZichWeleensOnveilig_43\n"


def test_veiligheidsmonitor_unknown_gemeente(tmp_path: Path) -> None:
    text = VM_HEADER + "0;Waarde;Nederland;2023;34.9\n1;Waarde;Atlantis (GM);2023;12.0\n"
    _write(tmp_path, "veiligheidsmonitor", text)
    ctx = _ctx_with_regions(
        tmp_path, [{"code": "NL01", "indeling": 2023, "level": "land", "name": "Nederland"}]
    )
    with pytest.raises(UnknownRegionError, match=r"85146NED.*line 3, label 'Atlantis \(GM\)'"):
        load_veiligheidsmonitor(ctx)


def test_veiligheidsmonitor_label_without_level(tmp_path: Path) -> None:
    _write(tmp_path, "veiligheidsmonitor", VM_HEADER + "0;Waarde;Randstad;2023;30.0\n")
    ctx = _ctx_with_regions(tmp_path, [])
    with pytest.raises(
        SourceFormatError, match=r"line 2, label 'Randstad'.*without a level suffix"
    ):
        load_veiligheidsmonitor(ctx)


def test_veiligheidsmonitor_skips_basisteams_and_resolves_names(tmp_path: Path) -> None:
    text = (
        VM_HEADER + "0;Waarde;Hengelo (O.) (GM);2023;20.0\n1;Waarde;Twente (BT);2023;21.0\n"
        "2;Betrouwbaarheidsmarge ondergrens;Hengelo (O.) (GM);2023;18.5\n"
    )
    _write(tmp_path, "veiligheidsmonitor", text)
    rows = [{"code": "GM0164", "indeling": 2023, "level": "gemeente", "name": "Hengelo"}]
    batch = load_veiligheidsmonitor(_ctx_with_regions(tmp_path, rows))
    got = dict(zip(batch.observations["measure"], batch.observations["value"], strict=True))
    assert got == {
        "vm.VoeltZichWeleensOnveilig": 20.0,
        "vm.VoeltZichWeleensOnveilig.ondergrens": 18.5,
    }
    assert set(batch.observations["region"]) == {"GM0164"}
    assert "BT: 1" in batch.notes[0]


SLICE_HEADER = (
    "SoortMisdrijf,region_label,region_level,gm_code,gm_code_last_seen_in_gebieden_year,"
    "current_2024_gemeente,Perioden,TotaalGeregistreerdeMisdrijven_1,"
    "GeregistreerdeMisdrijvenRelatief_2,GeregistreerdeMisdrijvenPer1000Inw_3,"
    "TotaalOpgehelderdeMisdrijven_4,OpgehelderdeMisdrijvenRelatief_5,RegistratiesVanVerdachten_6\n"
)


def _slice_root(tmp_path: Path, rows: str, regio_keys: str = "") -> MirrorContext:
    _write(tmp_path, "misdrijven_slice", SLICE_HEADER + rows)
    _write(tmp_path, "regios_83648_dimension", '"Key","Title"\n"LD01  ","Noord-Nederland (LD)"\n')
    _write(tmp_path, "misdrijven_regios", "Populatie,Key,Regio\n" + regio_keys)
    return MirrorContext(tmp_path, verify=False)


def test_83648_unknown_landsdeel_label(tmp_path: Path) -> None:
    ctx = _slice_root(
        tmp_path, '"Misdrijven, totaal",Atlantis (LD),LD,,,False,2010,5,100,,1,20,1\n'
    )
    with pytest.raises(UnknownRegionError, match=r"line 2, label 'Atlantis \(LD\)'"):
        slice_codes(ctx, NameResolver())


def test_83648_former_gemeente_by_name_and_conflict(tmp_path: Path) -> None:
    rows = '"Misdrijven, totaal",Abcoude,GM,,,False,2010,300,100,30,90,30,80\n'
    ctx = _slice_root(tmp_path, rows, regio_keys=",GM0305,Abcoude\n")
    assert slice_codes(ctx, NameResolver()).tolist() == ["GM0305"]
    # The name match against the maps/Gebieden must agree with 83648NED's own key.
    conflicting = NameResolver([("GM0999", "Abcoude", 2010)])
    with pytest.raises(
        UnknownRegionError, match="gives GM0999, 83648NED's RegioS list gives GM0305"
    ):
        slice_codes(_slice_root(tmp_path, rows, regio_keys=",GM0305,Abcoude\n"), conflicting)


def test_83648_unresolvable_former_gemeente(tmp_path: Path) -> None:
    ctx = _slice_root(
        tmp_path, '"Misdrijven, totaal",Nergenshuizen,GM,,,False,2011,1,100,,1,20,1\n'
    )
    with pytest.raises(UnknownRegionError, match=r"line 2, label 'Nergenshuizen'"):
        slice_codes(ctx, NameResolver())


def test_national_series_unknown_crime_type(tmp_path: Path, mirror: Path) -> None:
    for key in ("politie_soorten", "politie_brengdelicten"):
        _copy(tmp_path, mirror, key)
    text = (
        "incident_type_code,year,incident_count\n"
        "Totaal misdrijven,2023,802043\n"
        "9.9.9 Ondermijning,2023,5\n"
    )
    _write(tmp_path, "politie_nl_crime", text)
    ctx = MirrorContext(tmp_path, verify=False)
    with pytest.raises(
        SourceFormatError, match=r"line 3: crime type '9.9.9 Ondermijning' is not in 47018NED"
    ):
        national_series(ctx, read_catalogue(ctx))


def test_84468_rates_that_reproduce_no_count(tmp_path: Path) -> None:
    header = (
        "ID;WijkenEnBuurten;SoortRegio_2;Codering_3;AantalInwoners_5;TotaalMisdrijven_6;"
        "TotaalMisdrijven_7\n"
    )
    row = "0;Aa;Gemeente;GM1680;25390;423.0;99.0\n"
    _write(tmp_path, "misdrijven_wb_2018", header + row, gz=True)
    with pytest.raises(SourceFormatError, match="TotaalMisdrijven_7 is not round"):
        load_misdrijven_wb(MirrorContext(tmp_path, verify=False))


def test_verdachten_without_rate_blocks(tmp_path: Path) -> None:
    header = "ID;Geslacht;Leeftijd;Migratieachtergrond;Perioden;TotaalVerdachtenVanMisdrijven_1\n"
    _write(
        tmp_path,
        "verdachten",
        header + "0;Totaal mannen en vrouwen;Totaal verdachten;Totaal;2022;158290\n",
    )
    with pytest.raises(SourceFormatError, match="blocks classified as"):
        load_verdachten(MirrorContext(tmp_path, verify=False))


def test_resolver_ambiguity_and_strictness() -> None:
    resolver = NameResolver([("GM0893", "Bergen (L.)", 2024), ("GM0373", "Bergen (NH.)", 2024)])
    assert (
        resolver.resolve("Bergen (Limburg)", level=Level.GEMEENTE, indeling=2024, where="t")
        == "GM0893"
    )
    with pytest.raises(UnknownRegionError, match="ambiguous"):
        resolver.resolve("Bergen", level=Level.GEMEENTE, indeling=2024, where="t")
    with pytest.raises(UnknownRegionError, match="unknown in indeling 2020"):
        resolver.resolve("Bergen (NH.)", level=Level.GEMEENTE, indeling=2020, where="t")
    assert (
        resolver.resolve(
            "Bergen (NH)", level=Level.GEMEENTE, indeling=2020, strict=False, where="t"
        )
        == "GM0373"
    )
