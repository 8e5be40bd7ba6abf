"""KWB attributes of the gemeente geometry files (2012, 2017-2019, 2022-2024).

A third party attached the KWB of each year (via PDOK) to the gemeente maps under
its own attribute names. We map every name to a KWB measure: to the 85984NED stem
where the definition is the same (``aantal_inwoners`` -> ``kwb.AantalInwoners``) and
to an id of its own where the figure is a percentage that 85984NED publishes as a
count (``0_15`` -> ``kwb.Percentage0Tot15Jaar``) or a variable 85984NED dropped
(``afstand_apotheek`` -> ``kwb.AfstandTotApotheek``). Attributes from other sources
are skipped, each for a stated reason (:data:`SKIPPED`); an attribute that is neither
mapped nor skipped is an error, so a new column is never loaded unseen.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES, GEOMETRY_YEARS
from buurtzicht.sources.mirror.wide import melt
from buurtzicht.sources.observations import Measure, year_period

#: Attribute -> 85984NED stem with the same definition.
SAME_AS_KWB: dict[str, str] = {
    "aantal_inwoners": "AantalInwoners",
    "mannen": "Mannen",
    "vrouwen": "Vrouwen",
    "huishoudens": "HuishoudensTotaal",
    "gem_huishouden_grootte": "GemiddeldeHuishoudensgrootte",
    "bevolkingsdichtheid": "Bevolkingsdichtheid",
    "woningvoorraad": "Woningvoorraad",
    "gem_woz_waarde": "GemiddeldeWOZWaardeVanWoningen",
    "koopwoningen": "Koopwoningen",
    "huurwoningen": "HuurwoningenTotaal",
    "pct_eengezins": "PercentageEengezinswoning",
    "pct_meergezins": "PercentageMeergezinswoning",
    "pct_huurcorporatie": "InBezitWoningcorporatie",
    "pct_stadsverwarming": "PercentageWoningenMetStadsverwarming",
    "gem_aardgas": "GemiddeldAardgasverbruikTotaal",
    "gem_elektriciteit": "GemiddeldeElektriciteitsleveringTotaal",
    "gem_inkomen_inwoner": "GemiddeldInkomenPerInwoner",
    "gem_inkomen_ontvanger": "GemiddeldInkomenPerInkomensontvanger",
    "gem_gestand_inkomen": "GemGestandaardiseerdInkomenVanHuish",
    "mediaan_vermogen": "MediaanVermogenVanParticuliereHuish",
    "pct_hh_laag_inkomen": "k_40HuishoudensMetLaagsteInkomen",
    "pct_hh_hoog_inkomen": "k_20HuishoudensMetHoogsteInkomen",
    "pct_rond_sociaal_min": "HuishOnderOfRondSociaalMinimum",
    "bedrijfsvestigingen": "BedrijfsvestigingenTotaal",
    "arbeidsparticipatie": "Nettoarbeidsparticipatie",
    "pct_werknemers": "PercentageWerknemers",
    "pct_zelfstandigen": "PercentageZelfstandigen",
    "opl_laag": "BasisonderwijsVmboMbo1",
    "opl_midden": "HavoVwoMbo24",
    "opl_hoog": "HboWo",
    "pct_jeugdzorg": "PercentageJongerenMetJeugdzorg",
    "wmo_per_1000": "WmoClientenRelatief",
    "geboorte_relatief": "GeboorteRelatief",
    "sterfte_relatief": "SterfteRelatief",
    "personenautos": "PersonenautoSTotaal",
    "auto_per_huishouden": "PersonenautoSPerHuishouden",
    "auto_per_km2": "PersonenautoSNaarOppervlakte",
    "motorfietsen": "Motorfietsen",
    "afstand_huisarts": "AfstandTotHuisartsenpraktijk",
    "afstand_supermarkt": "AfstandTotGroteSupermarkt",
    "afstand_kdv": "AfstandTotKinderdagverblijf",
    "afstand_basisonderwijs": "AfstandTotSchool",
    "opp_land": "OppervlakteLand",
    "opp_water": "OppervlakteWater",
    "omgevingsadressendichtheid": "Omgevingsadressendichtheid",
    "stedelijkheid": "MateVanStedelijkheid",
}

_PCT = "%"
_KM = "km"
#: Attribute -> (stem, title, unit, decimals) for figures without a 85984NED twin.
OWN_IDS: dict[str, tuple[str, str, str, int]] = {
    "0_15": ("Percentage0Tot15Jaar", "Personen 0 tot 15 jaar (percentage)", _PCT, 0),
    "15_25": ("Percentage15Tot25Jaar", "Personen 15 tot 25 jaar (percentage)", _PCT, 0),
    "25_45": ("Percentage25Tot45Jaar", "Personen 25 tot 45 jaar (percentage)", _PCT, 0),
    "45_65": ("Percentage45Tot65Jaar", "Personen 45 tot 65 jaar (percentage)", _PCT, 0),
    "65plus": ("Percentage65JaarOfOuder", "Personen 65 jaar of ouder (percentage)", _PCT, 0),
    "pct_ongehuwd": ("PercentageOngehuwd", "Ongehuwd (percentage)", _PCT, 0),
    "pct_gehuwd": ("PercentageGehuwd", "Gehuwd (percentage)", _PCT, 0),
    "pct_eenpersoonshhd": (
        "PercentageEenpersoonshuishoudens",
        "Eenpersoonshuishoudens (%)",
        _PCT,
        0,
    ),
    "pct_hhd_zonder_kind": (
        "PercentageHuishoudensZonderKinderen",
        "Huishoudens zonder kinderen (%)",
        _PCT,
        0,
    ),
    "pct_hhd_met_kind": (
        "PercentageHuishoudensMetKinderen",
        "Huishoudens met kinderen (%)",
        _PCT,
        0,
    ),
    "pct_herkomst_nl": ("PercentageHerkomstlandNederland", "Herkomstland Nederland (%)", _PCT, 0),
    "pct_herkomst_europa": (
        "PercentageHerkomstlandEuropaExclusiefNederland",
        "Herkomstland Europa, exclusief Nederland (%)",
        _PCT,
        0,
    ),
    "pct_herkomst_buiten_europa": (
        "PercentageHerkomstlandBuitenEuropa",
        "Herkomstland buiten Europa (%)",
        _PCT,
        0,
    ),
    "pct_bouwjaar_na_2000": (
        "PercentageBouwjaarVanaf2000",
        "Woningen bouwjaar vanaf 2000 (%)",
        _PCT,
        0,
    ),
    "pct_leegstand": ("PercentageLeegstandWoningen", "Leegstand woningen (%)", _PCT, 0),
    "afstand_apotheek": ("AfstandTotApotheek", "Afstand tot apotheek", _KM, 1),
    "afstand_ziekenhuis": ("AfstandTotZiekenhuis", "Afstand tot ziekenhuis", _KM, 1),
    "afstand_cafe": ("AfstandTotCafe", "Afstand tot café", _KM, 1),
    "afstand_restaurant": ("AfstandTotRestaurant", "Afstand tot restaurant", _KM, 1),
    "afstand_treinstation": ("AfstandTotTreinstation", "Afstand tot treinstation", _KM, 1),
    "afstand_bibliotheek": ("AfstandTotBibliotheek", "Afstand tot bibliotheek", _KM, 1),
    "afstand_oprit": (
        "AfstandTotOpritHoofdverkeersweg",
        "Afstand tot oprit hoofdverkeersweg",
        _KM,
        1,
    ),
}

#: Attributes we do not load, and why.
SKIPPED: dict[str, str] = {
    "gemeentecode": "region code",
    "gemeentenaam": "region name (regions table)",
    "cr_": "police crime per type: dataset politie_misdrijven",
    "bag_": "BAG address counts (Kadaster): one undated snapshot for 31 gemeenten, the same "
    "values in every year's file",
    "zk_": "Vektis zorgkosten: not CBS, licence not stated in the mirror",
    "ff_": "GBIF flora/fauna counts: not needed, identical in every year",
    "lbt_": "CBS landbouwtelling as attached by the third party: units doubtful "
    "(Amsterdam cultuurgrond 285,570 'ha' exceeds its area of 21,900 ha)",
    "bbg_": "CBS bodemgebruik: a 2012/2017 peiljaar copied onto later gemeente codes, which "
    "CBS never published for those indelingen",
    "pct_bebouwd": "bodemgebruik (bbg_peiljaar), see bbg_",
    "pct_agrarisch": "bodemgebruik (bbg_peiljaar), see bbg_",
    "pct_natuur": "bodemgebruik (bbg_peiljaar), see bbg_",
    "pct_recreatie": "bodemgebruik (bbg_peiljaar), see bbg_",
    "opp_woonterrein_ha": "bodemgebruik (bbg_peiljaar), see bbg_",
    "opp_bedrijventerrein_ha": "bodemgebruik (bbg_peiljaar), see bbg_",
}


def _skipped(attribute: str) -> bool:
    return any(attribute == s or (s.endswith("_") and attribute.startswith(s)) for s in SKIPPED)


def own_measures() -> dict[str, Measure]:
    return {
        attribute: Measure(
            id=f"kwb.{stem}",
            title=title,
            unit=unit,
            decimals=decimals,
            description="KWB figure as attached to the PDOK gemeente map by a third party "
            "(not in 85984NED in this form).",
            source_table="KWB via PDOK",
            source_version=FILES["gemeenten_geo_2024"].version,
        )
        for attribute, (stem, title, unit, decimals) in OWN_IDS.items()
    }


def geometry_kwb(
    ctx: MirrorContext, kwb_measures: Mapping[str, Measure]
) -> tuple[pd.DataFrame, list[Measure], list[str]]:
    """Observations, the measures they use that 85984NED lacks, and notes."""
    by_stem = {m.id.removeprefix("kwb."): m.id for m in kwb_measures.values()}
    missing = sorted(set(SAME_AS_KWB.values()) - set(by_stem))
    if missing:
        raise SourceFormatError(
            ctx.path("kwb_properties"), f"stems {missing} not in 85984NED DataProperties"
        )
    ids = {a: by_stem[s] for a, s in SAME_AS_KWB.items()} | {
        a: m.id for a, m in own_measures().items()
    }
    frames = []
    for year in GEOMETRY_YEARS:
        attributes = ctx.gemeenten_geometry(year)
        unknown = [c for c in attributes.columns if c not in ids and not _skipped(c)]
        if unknown:
            raise SourceFormatError(
                ctx.path(f"gemeenten_geo_{year}"),
                f"attributes {unknown} are neither mapped to a KWB measure nor skipped",
                expected="a mapping in kwb_attributes.SAME_AS_KWB / OWN_IDS",
            )
        present = {c: ids[c] for c in attributes.columns if c in ids}
        values = attributes[list(present)].apply(pd.to_numeric, errors="coerce")
        frames.append(
            melt(
                values,
                present,
                region=attributes["gemeentecode"],
                period=year_period(year),
                indeling=year,
                source=f"file:gemeenten_{year}",
                drop_missing=True,
            )
        )
    notes = ["skipped geometry attributes: " + "; ".join(f"{k}: {v}" for k, v in SKIPPED.items())]
    return pd.concat(frames, ignore_index=True), list(own_measures().values()), notes
