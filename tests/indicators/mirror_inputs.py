"""Observations read straight from the offline mirror, for checks against real figures.

Until the warehouse build (``warehouse/``) lands, these tests read the few mirror files
they need themselves, with the project's StatLine reader, into the observation shape of
docs/data-model.md. Measure ids are the documented ones (``misdrijven.<Stem>``,
``gebieden.Inwonertal``, ``kwb.AantalInwoners``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from buurtzicht.sources.observations import measure_stem
from buurtzicht.sources.statline_csv import numeric_column, read_table

SLICE = (
    "cbs_statline_dumps_dertje/83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
)
GEBIEDEN = {
    2018: "83859NED",
    2019: "84378NED",
    2020: "84721NED",
    2021: "84929NED",
    2022: "85067NED",
    2023: "85385NED",
    2024: "85755NED",
}
KWB_GEOJSON = (
    "geo_pdok_wijken_gemeenten_2024_anneversion/"
    "gemeenten_{year}_simplified_with_kwb_crime_bag.geojson"
)


def _obs(measure: str, region: pd.Series, year: pd.Series, value: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure": measure,
            "region": region.to_numpy(),
            "period": [f"{int(y)}JJ00" for y in year],
            "indeling": year.astype(int).to_numpy(),
            "value": value.to_numpy(),
            "status": ["ok" if pd.notna(v) else "missing" for v in value],
            "source": "mirror",
        }
    )


def crime_slice(raw: Path) -> pd.DataFrame:
    """83648NED 'Misdrijven, totaal' per gemeente and year, with the published rate."""
    path = raw / SLICE
    table = read_table(path)
    table = table[(table["region_level"] == "GM") & (table["gm_code"].fillna("") != "")]
    out = pd.DataFrame({"region": table["gm_code"], "year": table["Perioden"].astype(int)})
    for column in ("TotaalGeregistreerdeMisdrijven_1", "GeregistreerdeMisdrijvenPer1000Inw_3"):
        out[column] = numeric_column(table, column, path=path)
    return out.reset_index(drop=True)


def gebieden_population(raw: Path) -> pd.DataFrame:
    """Inwonertal (1 January) per gemeente from Gebieden in Nederland 2018-2024."""
    frames = []
    for year, table_id in GEBIEDEN.items():
        path = next((raw / "cbs_statline_dumps_dertje").glob(f"{table_id}_*.csv"))
        table = read_table(path)
        # The position suffix shifts between editions (_50, _52, _56): map by stem.
        column = next(c for c in table.columns if measure_stem(c) == "Inwonertal")
        frames.append(
            pd.DataFrame(
                {
                    "region": table["Code_1"],
                    "year": year,
                    "value": numeric_column(table, column, path=path),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def kwb_population(raw: Path, years: tuple[int, ...] = (2012, 2017)) -> pd.DataFrame:
    """KWB aantal inwoners per gemeente from the PDOK attribute files of earlier years."""
    frames = []
    for year in years:
        data = json.loads((raw / KWB_GEOJSON.format(year=year)).read_text(encoding="utf-8"))
        rows = [
            (f["properties"]["gemeentecode"], f["properties"].get("aantal_inwoners"))
            for f in data["features"]
        ]
        frame = pd.DataFrame(rows, columns=["region", "value"]).dropna()
        frames.append(frame.assign(year=year))
    return pd.concat(frames, ignore_index=True)


def crime_observations(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, published) for misdrijven_per_1000 from the real mirror files."""
    crime = crime_slice(raw)
    geb = gebieden_population(raw)
    kwb = kwb_population(raw)
    obs = pd.concat(
        [
            _obs(
                "misdrijven.TotaalGeregistreerdeMisdrijven",
                crime["region"],
                crime["year"],
                crime["TotaalGeregistreerdeMisdrijven_1"],
            ),
            _obs("gebieden.Inwonertal", geb["region"], geb["year"], geb["value"]),
            _obs("kwb.AantalInwoners", kwb["region"], kwb["year"], kwb["value"].astype(float)),
        ],
        ignore_index=True,
    )
    return obs, crime


WIJKBUURT = (
    "cbs_statline_dumps_dertje/84468NED_misdrijven_wijkbuurt_TRUNCATED_first10000rows.csv.gz"
)
#: Count column -> the relative column (per 1,000 inhabitants) CBS publishes beside it.
WIJKBUURT_RELATIVE = {
    "TotaalVermogenVernielingEnGeweld_6": "TotaalVermogenVernielingEnGeweld_26",
    "TotaalVermogensmisdrijven_7": "TotaalVermogensmisdrijven_27",
    "TotaalDiefstalUitWoningSchuurED_13": "TotaalDiefstalUitWoningSchuurED_28",
    "TotaalGeweldsEnSeksueleMisdrijven_22": "GeweldsEnSeksueleMisdrijven_30",
}


def wijkbuurt_observations(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """84468NED (2018, first 10,000 rows): counts as observations, plus the published
    relative figures per region keyed by the count's measure id."""
    path = raw / WIJKBUURT
    table = read_table(path)
    regions = table["Codering_3"]
    year = pd.Series(2018, index=table.index)
    frames = [
        _obs(
            "misdrijven_wb.AantalInwoners",
            regions,
            year,
            numeric_column(table, "AantalInwoners_5", path=path),
        )
    ]
    published = []
    for count, relative in WIJKBUURT_RELATIVE.items():
        measure = "misdrijven_wb." + measure_stem(count)
        frames.append(_obs(measure, regions, year, numeric_column(table, count, path=path)))
        published.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "region": regions,
                    "published": numeric_column(table, relative, path=path),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), pd.concat(published, ignore_index=True)
