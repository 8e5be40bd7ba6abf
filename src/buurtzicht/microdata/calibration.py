"""Per-buurt calibration targets for the synthetic population, read from the real mirror.

Every buurt of the 2024 indeling gets inhabitants, age shares, households,
stedelijkheid, dwellings, WOZ, tenure, income, wealth and businesses. A figure that is
missing at buurt level is missing, never zero: it falls back along a fixed chain
(buurt -> wijk -> gemeente -> Nederland) and the level used is recorded per field in
:attr:`Calibration.fallbacks`, so that ``docs/microdata.md`` can say how much of the
world rests on which level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from buurtzicht.regions.codes import NEDERLAND, normalise_code, wijk_of
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.observations import measure_stem
from buurtzicht.sources.statline_csv import numeric_column

#: The mirror files the calibration reads, by their spec in ``FILES`` (each read through
#: :class:`MirrorContext`, so checked against what the spec says it must hold).
MIRROR_KEYS: tuple[str, ...] = (
    "kwb_dimension",
    "buurt_population",
    *(f"gemeenten_geo_{y}" for y in (2022, 2023, 2024)),
    "kwb_buurt_subset",
    "kwb_dump",
    "kwb_stripped",
)
MIRROR_FILES: tuple[str, ...] = tuple(FILES[key].path for key in MIRROR_KEYS)

AGE_STEMS = ["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]
AGE_GEO = ["0_15", "15_25", "25_45", "45_65", "65plus"]
SECTOR_STEMS = [
    "ALandbouwBosbouwEnVisserij",
    "BFNijverheidEnEnergie",
    "GIHandelEnHoreca",
    "HJVervoerInformatieEnCommunicatie",
    "KLFinancieleDienstenOnroerendGoed",
    "MNZakelijkeDienstverlening",
    "OQOverheidOnderwijsEnZorg",
    "RUCultuurRecreatieOverigeDiensten",
]
#: Last resort when no level has a figure. Only used for fields whose real national
#: value is not in the mirror; documented in docs/microdata.md as model assumptions.
NATIONAL_DEFAULTS = {
    "stedelijkheid": 3.0,
    "income_per_inhabitant": 32_500.0,
    "wealth_median": 50_000.0,
}


@dataclass
class Calibration:
    """Targets per buurt (one row per 2024 buurt) and where each field came from."""

    buurten: pd.DataFrame
    fallbacks: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def inhabitants(self) -> float:
        return float(self.buurten["inhabitants"].sum())


def _kwb_frame(ctx: MirrorContext, key: str, codes: str = "Codering_3") -> pd.DataFrame:
    """A KWB CSV with columns renamed to their stems and codes normalised."""
    path = ctx.path(key)
    frame = ctx.read_table(key)
    frame = frame.rename(columns={c: measure_stem(c) for c in frame.columns})
    frame["code"] = [normalise_code(c, where=str(path)) for c in frame[measure_stem(codes)]]
    return frame.set_index("code")


def _numbers(frame: pd.DataFrame, stems: list[str], path: Path) -> pd.DataFrame:
    return pd.DataFrame(
        {s: numeric_column(frame, s, path=path) for s in stems if s in frame}, index=frame.index
    )


def _regions(ctx: MirrorContext) -> pd.DataFrame:
    path = ctx.path("kwb_dimension")
    dim = ctx.read_table("kwb_dimension")
    codes = [normalise_code(k, where=str(path)) for k in dim["Key"]]
    dim["code"] = codes
    buurten = dim[[c.startswith("BU") for c in codes]]
    frame = pd.DataFrame(
        {
            "buurt": buurten["code"].to_numpy(),
            "wijk": [wijk_of(c) for c in buurten["code"]],
            "gemeente": [normalise_code(m) for m in buurten["Municipality"]],
        }
    )
    pop_path = ctx.path("buurt_population")
    pop = ctx.read_table("buurt_population")
    pop["code"] = [normalise_code(c, where=str(pop_path)) for c in pop["nhood_id"]]
    inhabitants = pd.Series(
        numeric_column(pop, "population", path=pop_path).to_numpy(), index=pop["code"]
    )
    frame["inhabitants"] = frame["buurt"].map(inhabitants)
    return frame.sort_values("buurt").reset_index(drop=True)


def _gemeente_properties(ctx: MirrorContext, year: int) -> pd.DataFrame:
    features = ctx.read_features(f"gemeenten_geo_{year}")
    rows = [properties for properties in features if properties.get("gemeentecode")]
    frame = pd.DataFrame(rows).set_index("gemeentecode")
    return frame.apply(pd.to_numeric, errors="coerce")


def _fill(target: pd.DataFrame, column: str, chain: list[tuple[str, pd.Series]], log: dict) -> None:
    """Fill ``column`` level by level; record how many buurten each level supplied."""
    values = pd.Series(np.nan, index=target.index, dtype="float64")
    counts: dict[str, int] = {}
    for level, series in chain:
        missing = values.isna()
        values[missing] = series[missing].astype("float64")
        counts[level] = int((missing & values.notna()).sum())
    if column in NATIONAL_DEFAULTS:
        missing = values.isna()
        values[missing] = NATIONAL_DEFAULTS[column]
        counts["model default"] = int(missing.sum())
    target[column] = values
    log[column] = {k: v for k, v in counts.items() if v}


def load_calibration(mirror: Path) -> Calibration:
    """Read every calibration input from the mirror and build the per-buurt targets.

    Parameters
    ----------
    mirror
        The offline data mirror (``Settings().require_mirror()``).

    Returns
    -------
    Calibration
        ``buurten`` has one row per 2024 buurt (14,574) with ``buurt``, ``wijk``,
        ``gemeente``, ``inhabitants`` and the calibrated fields; ``fallbacks`` says,
        per field, how many buurten took it from which level.
    """
    ctx = MirrorContext(mirror)
    frame = _regions(ctx)
    b, gm = frame["buurt"], frame["gemeente"]
    subset_path = ctx.path("kwb_buurt_subset")
    subset = _kwb_frame(ctx, "kwb_buurt_subset")
    sub = _numbers(
        subset, [*AGE_STEMS, "HuishoudensTotaal", "MateVanStedelijkheid"], subset_path
    ).reindex(b)
    kwb_path = ctx.path("kwb_dump")
    kwb_raw = _kwb_frame(ctx, "kwb_dump")
    stems = [
        *AGE_STEMS,
        *SECTOR_STEMS,
        "HuishoudensTotaal",
        "MateVanStedelijkheid",
        "Woningvoorraad",
        "NietWoningvoorraad",
        "GemiddeldeWOZWaardeVanWoningen",
        "Koopwoningen",
        "InBezitWoningcorporatie",
        "PercentageMeergezinswoning",
        "BouwjaarAfgelopenTienJaar",
        "BedrijfsvestigingenTotaal",
        "GemiddeldInkomenPerInwoner",
        "MediaanVermogenVanParticuliereHuish",
    ]
    kwb = _numbers(kwb_raw, stems, kwb_path)
    kb, kg = kwb.reindex(b), kwb.reindex(gm)
    # The dump's first row is Nederland: the last real level before a model default.
    kn = pd.DataFrame([kwb.loc[NEDERLAND]] * len(b)) if NEDERLAND in kwb.index else kb * np.nan
    geo24, geo23, geo22 = (_gemeente_properties(ctx, y) for y in (2024, 2023, 2022))
    g24, g23, g22 = geo24.reindex(gm), geo23.reindex(gm), geo22.reindex(gm)
    meta = ctx.read_json("kwb_stripped")
    stock = pd.Series({normalise_code(k): v.get("Woningvoorraad_35") for k, v in meta.items()})
    log: dict[str, dict[str, int]] = {}
    out = frame.copy()
    _with_index = frame.index

    def at(series: pd.Series) -> pd.Series:
        return pd.Series(series.to_numpy(), index=_with_index)

    share = lambda num, den: at(num) / at(den)  # noqa: E731
    for i, stem in enumerate(AGE_STEMS):
        _fill(
            out,
            f"age_{i}",
            [
                ("buurt (KWB subset)", share(sub[stem], sub[AGE_STEMS].sum(axis=1))),
                ("buurt (KWB 85984NED)", share(kb[stem], kb[AGE_STEMS].sum(axis=1))),
                ("gemeente (PDOK 2024)", at(g24[AGE_GEO[i]]) / at(g24[AGE_GEO].sum(axis=1))),
            ],
            log,
        )
    hh_per_inh_gm = at(g24["huishoudens"] / g24["aantal_inwoners"])
    _fill(
        out,
        "households",
        [
            ("buurt (KWB subset)", at(sub["HuishoudensTotaal"])),
            ("buurt (KWB 85984NED)", at(kb["HuishoudensTotaal"])),
            ("gemeente ratio (PDOK 2024)", hh_per_inh_gm * out["inhabitants"]),
        ],
        log,
    )
    _fill(
        out,
        "stedelijkheid",
        [
            ("buurt (KWB subset)", at(sub["MateVanStedelijkheid"])),
            ("buurt (KWB 85984NED)", at(kb["MateVanStedelijkheid"])),
            ("gemeente (PDOK 2024)", at(g24["stedelijkheid"])),
        ],
        log,
    )
    _dwellings(out, kb, stock, log)
    _fill(
        out,
        "non_dwellings",
        [
            ("buurt (KWB 85984NED)", at(kb["NietWoningvoorraad"])),
            (
                "gemeente ratio (KWB 85984NED)",
                at(kg["NietWoningvoorraad"] / kg["Woningvoorraad"]) * out["dwellings"],
            ),
            (
                "gemeente ratio (PDOK BAG 2024)",
                at(
                    (g24["bag_adressen_totaal"] - g24["bag_adressen_woon"])
                    / g24["bag_adressen_woon"]
                )
                * out["dwellings"],
            ),
            (
                "Nederland ratio (KWB 85984NED)",
                at(kn["NietWoningvoorraad"] / kn["Woningvoorraad"]) * out["dwellings"],
            ),
        ],
        log,
    )
    _fill(
        out,
        "woz",
        [
            ("buurt (KWB 85984NED)", at(kb["GemiddeldeWOZWaardeVanWoningen"]) * 1000),
            ("gemeente (KWB 85984NED)", at(kg["GemiddeldeWOZWaardeVanWoningen"]) * 1000),
            ("gemeente (PDOK 2023)", at(g23["gem_woz_waarde"]) * 1000),
        ],
        log,
    )
    for column, stem, geo_col in (
        ("share_koop", "Koopwoningen", "koopwoningen"),
        ("share_corporatie", "InBezitWoningcorporatie", None),
        ("share_meergezins", "PercentageMeergezinswoning", None),
        ("share_new", "BouwjaarAfgelopenTienJaar", None),
    ):
        chain = [
            ("buurt (KWB 85984NED)", at(kb[stem]) / 100),
            ("gemeente (KWB 85984NED)", at(kg[stem]) / 100),
        ]
        if geo_col:
            chain.append(("gemeente (PDOK 2023)", at(g23[geo_col]) / 100))
        chain.append(("Nederland (KWB 85984NED)", at(kn[stem]) / 100))
        _fill(out, column, chain, log)
    _fill(
        out,
        "income_per_inhabitant",
        [
            ("buurt (KWB 85984NED)", at(kb["GemiddeldInkomenPerInwoner"]) * 1000),
            ("gemeente (KWB 85984NED)", at(kg["GemiddeldInkomenPerInwoner"]) * 1000),
            ("gemeente (PDOK 2022)", at(g22["gem_inkomen_inwoner"]) * 1000),
        ],
        log,
    )
    _fill(
        out,
        "wealth_median",
        [
            ("buurt (KWB 85984NED)", at(kb["MediaanVermogenVanParticuliereHuish"]) * 1000),
            ("gemeente (PDOK 2022)", at(g22["mediaan_vermogen"]) * 1000),
        ],
        log,
    )
    _businesses(out, kb, kg, g23, log)
    for i, stem in enumerate(SECTOR_STEMS):
        total = kb[SECTOR_STEMS].sum(axis=1)
        gm_total = kg[SECTOR_STEMS].sum(axis=1)
        _fill(
            out,
            f"sector_{i}",
            [
                ("buurt (KWB 85984NED)", share(kb[stem], total)),
                ("gemeente (KWB 85984NED)", share(kg[stem], gm_total)),
                ("Nederland (KWB 85984NED)", share(kn[stem], kn[SECTOR_STEMS].sum(axis=1))),
            ],
            log,
        )
    return Calibration(out, log)


def _dwellings(out: pd.DataFrame, kb: pd.DataFrame, stock: pd.Series, log: dict) -> None:
    """Dwellings: buurt figure, else the wijk's stock spread over its buurten."""
    buurt_value = pd.Series(kb["Woningvoorraad"].to_numpy(), index=out.index)
    # Spread what the wijk has left after its known buurten, by households.
    weight = out["households"].fillna(0) + 1.0
    known = buurt_value.notna()
    wijk_stock = out["wijk"].map(stock).astype("float64")
    known_sum = buurt_value.where(known, 0).groupby(out["wijk"]).transform("sum")
    unknown_weight = weight.where(~known, 0).groupby(out["wijk"]).transform("sum")
    spread = (wijk_stock - known_sum).clip(lower=0) * weight / unknown_weight
    gm_stock = out["gemeente"].map(stock).astype("float64")
    gm_weight = weight.groupby(out["gemeente"]).transform("sum")
    _fill(
        out,
        "dwellings",
        [
            ("buurt (KWB 85984NED)", buurt_value),
            ("wijk stock spread by households (KWB 85984NED extract)", spread),
            ("gemeente stock spread by households", gm_stock * weight / gm_weight),
        ],
        log,
    )


def _businesses(
    out: pd.DataFrame, kb: pd.DataFrame, kg: pd.DataFrame, g23: pd.DataFrame, log: dict
) -> None:
    """Businesses: buurt figure, else the gemeente total spread by inhabitants + addresses."""
    weight = out["inhabitants"].fillna(0) + 3 * out["non_dwellings"].fillna(0) + 1.0
    share = weight / weight.groupby(out["gemeente"]).transform("sum")
    at = lambda s: pd.Series(s.to_numpy(), index=out.index)  # noqa: E731
    _fill(
        out,
        "businesses",
        [
            ("buurt (KWB 85984NED)", at(kb["BedrijfsvestigingenTotaal"])),
            ("gemeente (KWB 85984NED) spread", at(kg["BedrijfsvestigingenTotaal"]) * share),
            ("gemeente (PDOK 2023) spread", at(g23["bedrijfsvestigingen"]) * share),
        ],
        log,
    )
