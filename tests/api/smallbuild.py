"""A small warehouse build from real mirror files, for API and page tests.

Real PDOK boundaries of all gemeenten (2023, 2024) and wijken (2024), real CBS 83648NED
registered and cleared-up crime per gemeente (2023, 2024; the catalog's indicator
``opgehelderd_pct`` is computed from them) and a hand-made secure-side measure at wijk
level flagged synthetic, with suppressed and rounded cells. The full mirror build
(``buurtzicht build``) is used by the browser tests; this one builds in seconds.

The 2023 crime figures are filed under indeling 2024 for gemeenten whose code exists in
both years; that is exact for unchanged gemeenten and good enough for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.analysis.materialise import materialise
from buurtzicht.regions.codes import special_kind
from buurtzicht.sources.base import Batch, SourceFile
from buurtzicht.sources.boundaries import MIRROR_GEOMETRY, read_geometry_file, web_geojson
from buurtzicht.sources.observations import Measure, observations_frame
from buurtzicht.sources.statline_csv import numeric_column, read_table
from buurtzicht.warehouse.build import BoundarySet, BuildInputs

CRIME = "raw/cbs_statline_dumps_dertje/83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
#: Wijken of these gemeenten get the synthetic secure-side measure.
SECURE_GEMEENTEN = ("GM0363", "GM0599")
SECURE = "secure.vastgoed.test_doorsluiswoningen"


def _geometry(mirror: Path, level: str, year: int) -> tuple[pd.DataFrame, SourceFile]:
    spec = next(g for g in MIRROR_GEOMETRY if g.level.value == level and g.year == year)
    return read_geometry_file(mirror, spec)


def _regions(gemeenten: pd.DataFrame, wijken: pd.DataFrame) -> pd.DataFrame:
    rows = [{"code": "NL01", "indeling": 2024, "level": "land", "name": "Nederland"}]
    for code, name in zip(gemeenten["code"], gemeenten["name"], strict=True):
        rows.append(
            {
                "code": code,
                "indeling": 2024,
                "level": "gemeente",
                "name": name,
                "gemeente": code,
                "special": special_kind(code, name),
            }
        )
    known = set(gemeenten["code"])
    for code, name in zip(wijken["code"], wijken["name"], strict=True):
        parent = "GM" + code[2:6]
        if parent not in known:
            continue
        rows.append(
            {
                "code": code,
                "indeling": 2024,
                "level": "wijk",
                "name": name,
                "gemeente": parent,
                "wijk": code,
                "special": special_kind(code, name),
            }
        )
    return pd.DataFrame(rows)


def _crime(mirror: Path, codes: set[str]) -> Batch:
    path = mirror / CRIME
    table = read_table(path)
    table = table[table["Perioden"].isin(["2023", "2024"])]
    gm = table[(table["region_level"] == "GM") & table["gm_code"].isin(codes)]
    nl = table[table["region_level"] == "NL"].assign(gm_code="NL01")
    frame = pd.concat([gm, nl])
    rows = []
    for column, measure in (
        ("GeregistreerdeMisdrijvenPer1000Inw_3", "misdrijven.GeregistreerdeMisdrijvenPer1000Inw"),
        ("TotaalGeregistreerdeMisdrijven_1", "misdrijven.TotaalGeregistreerdeMisdrijven"),
        ("TotaalOpgehelderdeMisdrijven_4", "misdrijven.TotaalOpgehelderdeMisdrijven"),
    ):
        values = numeric_column(frame, column, path=path)
        for code, year, value in zip(frame["gm_code"], frame["Perioden"], values, strict=True):
            rows.append(
                {
                    "measure": measure,
                    "region": code,
                    "period": f"{year}JJ00",
                    "indeling": 2024,
                    "value": value,
                }
            )
    observations = observations_frame(rows, source="83648NED")
    measures = [
        Measure(
            "misdrijven.GeregistreerdeMisdrijvenPer1000Inw",
            "Geregistreerde misdrijven per 1 000 inwoners",
            unit="per 1 000 inwoners",
            decimals=1,
            description="Geregistreerde misdrijven per 1 000 inwoners.",
            source_table="83648NED",
        ),
        Measure(
            "misdrijven.TotaalGeregistreerdeMisdrijven",
            "Totaal geregistreerde misdrijven",
            unit="aantal",
            source_table="83648NED",
            description="Door de politie geregistreerde misdrijven.",
        ),
        Measure(
            "misdrijven.TotaalOpgehelderdeMisdrijven",
            "Totaal opgehelderde misdrijven",
            unit="aantal",
            source_table="83648NED",
            description="Opgehelderde misdrijven.",
        ),
    ]
    return Batch(
        "misdrijven", observations, measures, [SourceFile.of(path, "83648NED", "2025-06-30")]
    )


def secure_batch(regions: pd.DataFrame) -> Batch:
    """A secure-side measure for the wijken of Amsterdam and Rotterdam, as the disclosure
    control would hand it over: flagged synthetic, some cells suppressed or rounded."""
    wijken = regions[(regions["level"] == "wijk") & (regions["indeling"] == 2024)]
    rows = []
    chosen = wijken[wijken["gemeente"].isin(SECURE_GEMEENTEN) & wijken["special"].isna()]
    for n, code in enumerate(sorted(chosen["code"])):
        if n % 7 == 3:
            rows.append(
                {
                    "measure": SECURE,
                    "region": code,
                    "period": "2024JJ00",
                    "indeling": 2024,
                    "value": None,
                    "status": "suppressed",
                }
            )
        elif n % 7 == 5:
            rows.append(
                {
                    "measure": SECURE,
                    "region": code,
                    "period": "2024JJ00",
                    "indeling": 2024,
                    "value": float(10 * (n % 4 + 1)),
                    "status": "rounded",
                }
            )
        else:
            rows.append(
                {
                    "measure": SECURE,
                    "region": code,
                    "period": "2024JJ00",
                    "indeling": 2024,
                    "value": float(n % 11),
                    "status": "ok",
                }
            )
    rows.append(
        {
            "measure": SECURE,
            "region": "NL01",
            "period": "2024JJ00",
            "indeling": 2024,
            "value": 4.0,
            "status": "ok",
        }
    )
    measure = Measure(
        SECURE,
        "Doorsluiswoningen per 1 000 woningen (test)",
        unit="per 1 000 woningen",
        description="Synthetische testmaat.",
        source_table="secure",
        publisher="buurtzicht (synthetisch)",
        licence="CC BY 4.0",
        flags=("synthetic",),
    )
    # As `buurtzicht secure publish` would record it: secure figures come from a release.
    release = SourceFile(
        "secure/published.parquet (hand-made test release)",
        "secure.published",
        "secure",
        "0" * 64,
        publisher="buurtzicht (synthetisch)",
    )
    return Batch("secure", observations_frame(rows, source="secure"), [measure], [release])


#: The catalog indicator the buurt-level secure batch feeds, and its two measures.
SECURE_INDICATOR = "drugs_verdachten_per_10000"
SECURE_SUSPECTS = "secure.drugs.verdachten"
SECURE_INHABITANTS = "secure.basis.inwoners"


def secure_buurt_batch(regions: pd.DataFrame, gemeente: str = "GM0363") -> Batch:
    """Synthetic drug suspects and inhabitants for every buurt of ``gemeente``, summed to
    its wijken, the gemeente and NL (indeling 2024), flagged synthetic; every seventh
    buurt suppressed as disclosure control would, with the release's reason (alternately
    ``min_units`` and ``secondary``, in table ``secure_suppressions``). Feeds
    ``drugs_verdachten_per_10000``."""
    current = regions[(regions["indeling"] == 2024) & regions["special"].isna()]
    buurten = current[(current["level"] == "buurt") & (current["gemeente"] == gemeente)]
    rows = []
    reasons: list[tuple[str, str, str]] = []
    totals: dict[str, list[float]] = {}
    for n, (code, wijk) in enumerate(sorted(zip(buurten["code"], buurten["wijk"], strict=True))):
        people, suspects = 500.0 + 37.0 * (n % 23), float(n % 9)
        for region in (wijk, gemeente, "NL01"):
            totals.setdefault(region, [0.0, 0.0])
            totals[region][0] += people
            totals[region][1] += suspects
        suppressed = n % 7 == 3
        rows.append((SECURE_INHABITANTS, code, people, "ok"))
        rows.append((SECURE_SUSPECTS, code, None if suppressed else suspects,
                     "suppressed" if suppressed else "ok"))  # fmt: skip
        if suppressed:  # alternately too few suspects and a complementary suppression
            reasons.append((SECURE_SUSPECTS, code, "min_units" if n % 14 == 3 else "secondary"))
    for region, (people, suspects) in totals.items():
        rows.append((SECURE_INHABITANTS, region, people, "ok"))
        rows.append((SECURE_SUSPECTS, region, suspects, "ok"))
    frame = pd.DataFrame(rows, columns=["measure", "region", "value", "status"]).assign(
        period="2024JJ00", indeling=2024
    )
    measures = [
        Measure(
            measure,
            title,
            unit="aantal",
            description="Synthetische testmaat.",
            source_table="secure",
            publisher="buurtzicht (synthetisch)",
            licence="CC BY 4.0",
            flags=("synthetic",),
        )
        for measure, title in (
            (SECURE_SUSPECTS, "Drugsverdachten (test)"),
            (SECURE_INHABITANTS, "Inwoners, synthetische populatie (test)"),
        )
    ]
    release = SourceFile(
        "secure/published.parquet (hand-made buurt test release)",
        "secure.published",
        "secure",
        "0" * 64,
        publisher="buurtzicht (synthetisch)",
    )
    why = pd.DataFrame(reasons, columns=["measure", "region", "reason"]).assign(
        period="2024JJ00", indeling=2024
    )[["measure", "region", "period", "indeling", "reason"]]
    return Batch(
        "secure_buurten",
        observations_frame(frame, source="secure"),
        measures,
        [release],
        tables={"secure_suppressions": why},
    )


def small_inputs(mirror: Path) -> BuildInputs:
    gemeenten, gm_file = _geometry(mirror, "gemeente", 2024)
    gemeenten_2023, gm_file_2023 = _geometry(mirror, "gemeente", 2023)
    wijken, wk_file = _geometry(mirror, "wijk", 2024)
    regions = _regions(gemeenten, wijken)
    ordinary = set(
        regions.loc[(regions["level"] == "gemeente") & regions["special"].isna(), "code"]
    )
    wijk_regions = regions[regions["level"] == "wijk"]
    wijken = wijken[wijken["code"].isin(set(wijk_regions["code"]))]
    return BuildInputs(
        regions=regions,
        batches=[_crime(mirror, ordinary), secure_batch(wijk_regions)],
        boundaries=[
            BoundarySet("gemeente", 2024, gemeenten, web_geojson(gemeenten, _level("gemeente"))),
            BoundarySet(
                "gemeente", 2023, gemeenten_2023, web_geojson(gemeenten_2023, _level("gemeente"))
            ),
            BoundarySet("wijk", 2024, wijken, web_geojson(wijken, _level("wijk"))),
        ],
        files=[gm_file, gm_file_2023, wk_file],
        derive=[("indicator values", materialise)],
        description="small test build from the mirror",
    )


def _level(name: str):  # type: ignore[no-untyped-def]
    from buurtzicht.regions.codes import Level

    return Level(name)
