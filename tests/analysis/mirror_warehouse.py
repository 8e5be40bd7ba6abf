"""A small warehouse from real mirror files, for checks on real regions and geometry.

Until the national build (``buurtzicht build``) loads every source, these tests read a
few mirror files themselves into the warehouse tables of docs/data-model.md: regions
2024 (Gebieden in Nederland 2024, wijken from the 2024 wijk map), crime totals per
gemeente 2012-2024 (83648NED, on the indeling of each year), crime per type per gemeente
2024 (47018NED sums in the gemeente map attributes), population (Gebieden in
Nederland), eight KWB 2024 variables per gemeente and wijk, and the 2024 gemeente and
wijk geometry.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pandas as pd
from shapely.geometry import shape

from buurtzicht.indicators.testing import make_warehouse, region_rows
from buurtzicht.regions.codes import special_kind
from buurtzicht.sources.observations import measure_stem
from buurtzicht.sources.statline_csv import numeric_column, read_table

DUMPS = "cbs_statline_dumps_dertje"
GEO = "geo_pdok_wijken_gemeenten_2024_anneversion"
#: Author's attribute -> 47018NED crime type (checked against the national totals).
CRIME_TYPES = {
    "cr_inbraak_woning": "1.1.1",
    "cr_diefstal_motor": "1.2.2",
    "cr_diefstal_fietsen": "1.2.3",
    "cr_bedreiging": "1.4.4",
    "cr_mishandeling": "1.4.5",
    "cr_straatroof": "1.4.6",
    "cr_vernieling": "2.2.1",
    "cr_inbraak_bedrijven": "2.5.1",
    "cr_winkeldiefstal": "2.5.2",
    "cr_cybercrime": "3.7.4",
    "cr_fraude": "3.9.1",
}
PARENT_PREFIX = {
    "PV": "provincie",
    "RE": "politie_eenheid",
    "VR": "veiligheidsregio",
    "CR": "corop",
    "LD": "landsdeel",
}


def _obs(rows: list[tuple[str, str, int, float | None]], source: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["measure", "region", "year", "value"])
    frame["period"] = frame["year"].astype(str) + "JJ00"
    frame["indeling"] = frame["year"]
    frame["status"] = ["ok" if pd.notna(v) else "missing" for v in frame["value"]]
    frame["source"] = source
    return frame.drop(columns="year")


def gemeente_regions(raw: Path) -> pd.DataFrame:
    path = raw / DUMPS / "85755NED_gebieden_in_nederland_2024.csv"
    table = read_table(path)
    code_cols = [c for c in table.columns if measure_stem(c) == "Code"]
    rows = []
    for record in table.to_dict("records"):
        row: dict[str, object] = {"code": record["Code_1"], "name": record["Naam_2"]}
        for col in code_cols:
            prefix = str(record[col])[:2]
            if prefix in PARENT_PREFIX:
                row[PARENT_PREFIX[prefix]] = record[col]
        sted = next(
            c
            for c in table.columns
            if measure_stem(c) == "Omschrijving" and "stedelijk" in str(record[c]).lower()
        )
        row["stedelijkheid"] = int(
            record[code_cols[code_cols.index(f"Code_{int(sted.split('_')[1]) - 1}")]]
        )
        rows.append(row)
    return pd.DataFrame(rows)


def wijk_regions(raw: Path, gemeenten: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = json.loads(
        gzip.decompress((raw / GEO / "wijken_2024_simplified_t0.0005.geojson.gz").read_bytes())
    )
    parents = gemeenten.set_index("code")
    rows, shapes = [], []
    for feature in data["features"]:
        p = feature["properties"]
        code, gm = p["wijkcode"], p["gemeentecode"]
        row = {
            "code": code,
            "name": p["wijknaam"],
            "gemeente": gm,
            "wijk": code,
            "special": special_kind(code, p["wijknaam"]),
        }
        if gm in parents.index:
            row.update(
                {k: parents.loc[gm, k] for k in PARENT_PREFIX.values() if k in parents.columns}
            )
        rows.append(row)
        shapes.append((code, "wijk", 2024, shape(feature["geometry"]).wkb))
    return pd.DataFrame(rows), pd.DataFrame(shapes, columns=["code", "level", "year", "geometry"])


def gemeente_geometry(raw: Path) -> tuple[pd.DataFrame, list[tuple[str, str, int, float | None]]]:
    data = json.loads(
        (raw / GEO / "gemeenten_2024_simplified_with_kwb_crime_bag.geojson").read_text(
            encoding="utf-8"
        )
    )
    shapes, crime = [], []
    for feature in data["features"]:
        p = feature["properties"]
        if p["gemeentecode"] == "GM0998":
            continue
        shapes.append((p["gemeentecode"], "gemeente", 2024, shape(feature["geometry"]).wkb))
        for attr, code in CRIME_TYPES.items():
            if p.get(attr) is not None:
                crime.append(
                    (f"politie.misdrijven.{code}", p["gemeentecode"], 2024, float(p[attr]))
                )
    return pd.DataFrame(shapes, columns=["code", "level", "year", "geometry"]), crime


def crime_totals(raw: Path) -> list[tuple[str, str, int, float | None]]:
    path = raw / DUMPS / "83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
    table = read_table(path)
    table = table[(table["region_level"] == "GM") & (table["gm_code"].fillna("") != "")]
    rows = []
    for column in (
        "TotaalGeregistreerdeMisdrijven_1",
        "TotaalOpgehelderdeMisdrijven_4",
        "RegistratiesVanVerdachten_6",
    ):
        values = numeric_column(table, column, path=path)
        for code, year, value in zip(table["gm_code"], table["Perioden"], values, strict=True):
            if int(year) >= 2012:
                rows.append(
                    (
                        f"misdrijven.{measure_stem(column)}",
                        code,
                        int(year),
                        None if pd.isna(value) else float(value),
                    )
                )
    return rows


def population(raw: Path) -> list[tuple[str, str, int, float | None]]:
    rows = []
    for path in sorted((raw / DUMPS).glob("8*_gebieden_in_nederland_20*.csv")):
        year = int(path.stem[-4:])
        table = read_table(path)
        column = next(c for c in table.columns if measure_stem(c) == "Inwonertal")
        for code, value in zip(
            table["Code_1"], numeric_column(table, column, path=path), strict=True
        ):
            rows.append(("gebieden.Inwonertal", code, year, float(value)))
    return rows


def kwb_2024(raw: Path) -> list[tuple[str, str, int, float | None]]:
    data = json.loads(
        (raw / "cbs_kwb2024_85984NED_odata_meta/stripped_filtered_data_2024.json").read_text(
            encoding="utf-8"
        )
    )
    return [
        (f"kwb.{measure_stem(key)}", code.strip(), 2024, None if value is None else float(value))
        for code, values in data.items()
        for key, value in values.items()
    ]


def mirror_warehouse(raw: Path) -> duckdb.DuckDBPyConnection:
    gemeenten = gemeente_regions(raw)
    wijken, wijk_shapes = wijk_regions(raw, gemeenten)
    gm_shapes, type_rows = gemeente_geometry(raw)
    names = {"NL01": "Nederland"}
    areas = [{"code": c, "name": names.get(c, c)} for c in ["NL01"]]
    for column in PARENT_PREFIX.values():
        areas += [{"code": c, "name": c} for c in sorted(gemeenten[column].dropna().unique())]
    regions = region_rows(
        [*areas, *gemeenten.to_dict("records"), *wijken.to_dict("records")], indeling=2024
    )
    # The 83648NED figures of earlier years sit on the indeling of their year.
    earlier = regions[regions["level"] == "gemeente"].copy()
    history = [earlier.assign(indeling=year) for year in range(2012, 2024)]
    obs = _obs(crime_totals(raw) + population(raw) + kwb_2024(raw) + type_rows, "mirror")
    return make_warehouse(
        pd.concat([regions, *history], ignore_index=True),
        obs,
        pd.concat([gm_shapes, wijk_shapes], ignore_index=True),
    )
