"""Replay payloads for the fake CBS / PDOK server, built from the real offline mirror.

Nothing here is invented: every key, title and value comes from a mirror file, and
is put back into the shape CBS serves it in (OData v3 JSON with keys right-padded to
the dimension's width, nulls for empty cells; OData v4 long observations; PDOK
GeoJSON). Where the mirror holds a CSV rendering of an OData endpoint (written by
R's cbsodataR), it is turned back into the JSON records it came from.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KWB = "85984NED"
POLICE = "47018NED"

#: Real OData v4 measure codes of 85984NED and the v3 key of the same variable.
KWB_V4_MEASURES = {
    "T001036": "AantalInwoners_5",
    "1050010_2": "HuishoudensTotaal_29",
    "A018943_2": "PersonenautoSTotaal_111",
}


@dataclass
class V3Table:
    """What ``/ODataApi/odata/<table>/...`` serves for one table."""

    info: dict[str, Any]
    properties: list[dict[str, Any]]
    code_lists: dict[str, list[dict[str, Any]]]
    rows: list[dict[str, Any]]


@dataclass
class V4Table:
    properties: dict[str, Any]
    dimensions: list[dict[str, Any]]
    measure_codes: list[dict[str, Any]]
    code_lists: dict[str, list[dict[str, Any]]]
    observations: list[dict[str, Any]]


@dataclass
class ReplayData:
    """Per host: v3 tables; v4 tables; PDOK layers per (year, layer)."""

    v3: dict[str, dict[str, V3Table]] = field(default_factory=dict)
    v4: dict[str, V4Table] = field(default_factory=dict)
    wfs: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def _csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(path), newline=""), delimiter=delimiter))


def _number(text: str, datatype: str) -> int | float | None:
    text = text.strip()
    if text in {"", "."}:
        return None
    return int(float(text)) if datatype == "Long" else float(text)


# -- 85984NED, Kerncijfers wijken en buurten 2024 --------------------------------------
def kwb_v3(raw: Path) -> V3Table:
    meta = raw / "cbs_kwb2024_85984NED_odata_meta"
    info = json.loads((meta / "TableInfos.json").read_text(encoding="utf-8"))[0]
    properties = json.loads((meta / "DataProperties.json").read_text(encoding="utf-8"))
    regions = _csv(raw / "politie_47018NED_bernasco" / "population_WijkenEnBuurten.csv.gz")
    code_list = [
        {"Key": r["Key"], "Title": r["Title"], "Description": r["Description"] or None}
        for r in regions
    ]
    dump = raw / "cbs_statline_dumps_dertje" / "85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz"
    types = {p["Key"]: p.get("Datatype") for p in properties if p["Type"] == "Topic"}
    rows = []
    for line in _csv(dump, delimiter=";"):
        # The dump writes the region's label in WijkenEnBuurten; the API has the
        # padded key, which the dump keeps in Codering_3 ("GM0363    ").
        row: dict[str, Any] = {"ID": int(line["ID"]), "WijkenEnBuurten": line["Codering_3"]}
        for key, datatype in types.items():
            value = line[key]
            row[key] = value if datatype == "String" else _number(value, str(datatype))
        rows.append(row)
    return V3Table(info, properties, {"WijkenEnBuurten": code_list}, rows)


def kwb_v4(raw: Path, v3: V3Table) -> V4Table:
    """85984NED in v4 shape: three measures with their real v4 codes, same values."""
    by_key = {p["Key"]: p for p in v3.properties}
    measure_codes = [
        {
            "Identifier": code,
            "Title": by_key[key]["Title"],
            "Description": by_key[key]["Description"],
            "Unit": by_key[key]["Unit"],
            "Decimals": by_key[key]["Decimals"],
            "DataType": by_key[key]["Datatype"],
            "MeasureGroupId": None,
        }
        for code, key in KWB_V4_MEASURES.items()
    ]
    regions = [
        {"Identifier": c["Key"].strip(), "Title": c["Title"], "Description": c["Description"]}
        for c in v3.code_lists["WijkenEnBuurten"]
    ]
    observations = []
    for row in v3.rows:
        for code, key in KWB_V4_MEASURES.items():
            value = row[key]
            observations.append(
                {
                    "Id": len(observations),
                    "Measure": code,
                    "ValueAttribute": "None" if value is not None else "Missing",
                    "Value": value,
                    "WijkenEnBuurten": row["WijkenEnBuurten"].strip(),
                }
            )
    properties = {
        "Identifier": KWB,
        "Title": v3.info["Title"],
        "Modified": v3.info["Modified"] + "+01:00",
        "Status": "Regulier",
    }
    dimensions = [
        {
            "Identifier": "WijkenEnBuurten",
            "Title": "Wijken en buurten",
            "Kind": "GeoDimension",
            "MapYear": 2024,
            "Description": "",
        }
    ]
    return V4Table(
        properties, dimensions, measure_codes, {"WijkenEnBuurten": regions}, observations
    )


# -- 47018NED, police: registered crime per wijk and buurt ------------------------------
def _police_properties(path: Path) -> list[dict[str, Any]]:
    """DataProperties back from cbsodataR's CSV rendering into CBS's JSON records."""
    fields = {
        "Topic": ["Datatype", "Unit", "Decimals", "Default", "PresentationType"],
        "GeoDetail": ["MapYear"],
        "TimeDimension": ["ReleasePolicy"],
    }
    out = []
    for r in _csv(path):
        record: dict[str, Any] = {
            "odata.type": r["odata.type"],
            "ID": int(r["ID"]),
            "Position": int(r["Position"]) if r["Position"] else None,
            "ParentID": int(r["ParentID"]) if r["ParentID"] else None,
            "Type": r["Type"],
            "Key": r["Key"],
            "Title": r["Title"],
            "Description": r["Description"],
        }
        for name in fields.get(r["Type"], []):
            value: Any = r[name]
            if name in {"Decimals", "MapYear"}:
                value = int(value)
            elif name == "ReleasePolicy":
                value = value.upper() == "TRUE"
            record[name] = value
        out.append(record)
    return out


def police_v3(raw: Path) -> V3Table:
    folder = raw / "politie_47018NED_bernasco"
    info_row = _csv(folder / "crime_TableInfos.csv")[0]
    info: dict[str, Any] = {k: v for k, v in info_row.items()}
    info["ID"] = int(info["ID"])
    properties = _police_properties(folder / "crime_DataProperties.csv")
    code_lists = {
        "SoortMisdrijf": [
            {"Key": r["Key"], "Title": r["Title"], "Description": r["Description"] or None}
            for r in _csv(folder / "crime_SoortMisdrijf.csv")
        ],
        "WijkenEnBuurten": [
            {k: (v or None) if k == "Description" else v for k, v in r.items()}
            for r in _csv(folder / "crime_WijkenEnBuurten.csv.gz")
        ],
        "Perioden": _csv(folder / "crime_Perioden.csv"),
    }
    rows: list[dict[str, Any]] = []
    first = raw / "kwb2024_buurt_subset_crime2024_microneighbourhood"
    for r in _csv(first / "47018NED_TypedDataSet_first1000rows_raw.csv"):
        rows.append(
            {
                **r,
                "ID": int(r["ID"]),
                "GeregistreerdeMisdrijven_1": int(r["GeregistreerdeMisdrijven_1"]),
            }
        )
    rows.extend(_national_types(raw, code_lists["SoortMisdrijf"], start=len(rows)))
    return V3Table(info, properties, code_lists, rows)


def _national_types(raw: Path, types: list[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    """National rows per crime type (the first-1000 file has only the total)."""
    key_of = {t["Title"].strip(): t["Key"] for t in types}
    national = raw / "politie_47018NED_nationaal_bernasco_staat" / "NL_Crime.csv"
    rows = []
    for r in _csv(national):
        title = r["incident_type_code"].strip()
        if title == "Totaal misdrijven":
            continue  # the first-1000 file has the total of the current revision
        rows.append(
            {
                "ID": start + len(rows),
                "SoortMisdrijf": key_of[title],
                "WijkenEnBuurten": "NL00      ",
                "Perioden": f"{int(r['year'])}JJ00",
                "GeregistreerdeMisdrijven_1": int(r["incident_count"]),
                "Gemeentenaam_2": " " * 30,
                "SoortRegio_3": " " * 8,
            }
        )
    return rows


# -- PDOK wijk- en buurtkaart ---------------------------------------------------------
def wfs_layers(raw: Path) -> dict[tuple[int, str], list[dict[str, Any]]]:
    geo = raw / "geo_pdok_wijken_gemeenten_2024_anneversion"
    wijken = json.loads(_text(geo / "wijken_2024_simplified_t0.0005.geojson.gz"))
    gemeenten = json.loads(_text(geo / "gemeenten_2024_simplified_with_kwb_crime_bag.geojson"))
    return {
        (2024, "wijken"): wijken["features"],
        (2024, "gemeenten"): gemeenten["features"],
        (2024, "buurten"): buurt_layer(raw),
    }


#: Gemeenten whose buurten the replayed PDOK buurt layer holds (a national layer would
#: only make the tests slower): Amsterdam (its own layer), Utrecht and Aa en Hunze
#: (the CBS 2019 layer).
REPLAY_BUURT_GEMEENTEN = ("GM0363", "GM0344", "GM1680")


def buurt_layer(raw: Path) -> list[dict[str, Any]]:
    """PDOK-shaped 2024 buurt features (``buurtcode``, ``buurtnaam``, ``wijkcode``,
    ``gemeentecode``, ``water``) from the mirror's buurt layers and 2024 code list."""
    from buurtzicht.sources.topojson import read_topojson

    names = raw / "politie_47018NED_bernasco" / "population_WijkenEnBuurten.csv.gz"
    current: dict[str, tuple[str, str]] = {}
    wijk = ""
    for row in csv.DictReader(io.StringIO(_text(names))):
        key = row["Key"].strip()
        wijk = key if key.startswith("WK") else wijk
        if key.startswith("BU") and "GM" + key[2:6] in REPLAY_BUURT_GEMEENTEN:
            current[key] = (row["Title"], wijk)
    shapes = {
        f["properties"]["statcode"]: f["geometry"]
        for f in read_topojson(
            raw / "geo_buurten_2019_cbs_emielsanders" / "buurten_2019_gegeneraliseerd.topojson",
            "buurten",
        )
    }
    amsterdam = json.loads(
        _text(raw / "geo_buurten_amsterdam_mindtheheat" / "amsterdam_buurten.geojson.gz")
    )
    shapes.update({f["properties"]["CBS_Buurtcode"]: f["geometry"] for f in amsterdam["features"]})
    return [
        {
            "type": "Feature",
            "id": f"buurten.{n}",
            "properties": {
                "buurtcode": code,
                "buurtnaam": name,
                "wijkcode": wijk,
                "gemeentecode": "GM" + code[2:6],
                "water": "NEE",
            },
            "geometry": shapes[code],
        }
        for n, (code, (name, wijk)) in enumerate(sorted(current.items()))
        if code in shapes
    ]


def build(raw: Path) -> ReplayData:
    kwb = kwb_v3(raw)
    return ReplayData(
        v3={"opendata": {KWB: kwb}, "dataderden": {POLICE: police_v3(raw)}},
        v4={KWB: kwb_v4(raw, kwb)},
        wfs=wfs_layers(raw),
    )


@functools.lru_cache(maxsize=2)
def cached_build(raw: Path) -> ReplayData:
    """One build per test session (the KWB dump takes a second to parse).

    Tests that change the data must work on a ``copy.deepcopy`` of it.
    """
    return build(raw)
