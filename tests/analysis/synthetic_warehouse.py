"""A small synthetic warehouse of 16 gemeenten on a 4 x 4 grid, for the analysis tests.

Figures are made up but chosen so that expected results can be computed by hand:
gemeente i (0..15) has 10,000 + 1,000 i inhabitants, stedelijkheid 1 + i % 5 and
sits in PV20/RE01 (i < 8) or PV21/RE02. Burglaries are 2 per 1,000 everywhere except
the four north-west cells, which have 8 per 1,000 (a planted cluster).
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pandas as pd
from shapely.geometry import box

from buurtzicht.analysis.materialise import materialise
from tests.memory_warehouse import make_warehouse, region_rows

GRID = 4
CLUSTER = {0, 1, 4, 5}


def gemeente(i: int) -> str:
    return f"GM{100 + i:04d}"


def population(i: int) -> int:
    return 10_000 + 1_000 * i


def synthetic_regions() -> pd.DataFrame:
    rows: list[dict[str, object]] = [
        {"code": "NL01", "name": "Nederland"},
        {"code": "PV20", "name": "Noordland"},
        {"code": "PV21", "name": "Zuidland"},
        {"code": "RE01", "name": "Eenheid Noord"},
        {"code": "RE02", "name": "Eenheid Zuid"},
    ]
    for i in range(GRID * GRID):
        north = i < 8
        rows.append(
            {
                "code": gemeente(i),
                "name": f"Gemeente {i}",
                "provincie": "PV20" if north else "PV21",
                "politie_eenheid": "RE01" if north else "RE02",
                "stedelijkheid": 1 + i % 5,
            }
        )
    rows.append({"code": "GM0998", "name": "Buitenland", "special": "buitenland"})
    return region_rows(rows, indeling=2024)


def synthetic_observations() -> pd.DataFrame:
    records = []
    for year, factor in ((2018, 1.0), (2024, 1.5)):
        for i in range(GRID * GRID):
            pop = population(i)
            rate = 8.0 if i in CLUSTER else 2.0
            values = {
                "kwb.AantalInwoners": pop,
                "politie.misdrijven.1.1.1": round(rate * factor * pop / 1000),
                "kwb.OppervlakteLand": 1_000.0 + 100 * i,
                "kwb.k_0Tot15Jaar": round(pop * (0.10 + 0.01 * i)),
                "kwb.k_15Tot25Jaar": round(pop * 0.12),
                "kwb.k_65JaarOfOuder": round(pop * (0.30 - 0.01 * i)),
                "kwb.HuishoudensTotaal": round(pop / 2.2),
                "kwb.Eenpersoonshuishoudens": round(pop / 2.2 * (0.2 + 0.02 * i)),
                "kwb.GemiddeldeWOZWaardeVanWoningen": 250.0 + 10 * i,
                "kwb.Woningvoorraad": round(pop / 2.1),
                "kwb.Koopwoningen": 70.0 - 2 * i,
                "kwb.PercentageMeergezinswoning": 10.0 + 2 * i,
            }
            for measure, value in values.items():
                records.append((measure, gemeente(i), year, value))
        records.append(("vm.Drugshandel", "NL01", year, 10.0 if year == 2018 else 12.0))
        records.append(("vm.Drugshandel.ondergrens", "NL01", year, 9.5 if year == 2018 else 11.5))
        records.append(("vm.Drugshandel.bovengrens", "NL01", year, 10.5 if year == 2018 else 12.5))
    frame = pd.DataFrame(records, columns=["measure", "region", "year", "value"])
    frame["period"] = frame["year"].astype(str) + "JJ00"
    frame["indeling"] = 2024
    frame["status"] = "ok"
    frame["source"] = "synthetic"
    return frame.drop(columns="year")


def synthetic_boundaries() -> pd.DataFrame:
    rows = []
    for i in range(GRID * GRID):
        x, y = i % GRID, GRID - 1 - i // GRID
        rows.append((gemeente(i), "gemeente", 2024, box(x, y, x + 1, y + 1).wkb))
    return pd.DataFrame(rows, columns=["code", "level", "year", "geometry"])


@lru_cache(maxsize=2)
def synthetic_warehouse(*, materialised: bool = True) -> duckdb.DuckDBPyConnection:
    """The synthetic warehouse, with ``indicator_values`` built as the build would.

    Built once per test session (the analyses only read from it).
    """
    conn = make_warehouse(synthetic_regions(), synthetic_observations(), synthetic_boundaries())
    if materialised:
        materialise(conn)
    return conn
