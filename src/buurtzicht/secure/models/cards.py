"""The public document of the models: model cards, validation and area explanations.

Everything here may be published as is. The model cards hold coefficients fitted on
thousands of areas or persons; the validation tables are totals; an area's explanation
(the names of the features that raise its expected count most, no values) is included
only for regions with at least the rule set's minimum population and units, the same
thresholds a secure cell must meet. Person-level scores never appear.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from buurtzicht.disclosure.rules import RuleSet
from buurtzicht.secure.models.areas import FEATURE_BY_NAME, THEMES
from buurtzicht.secure.models.youth import FEATURES as YOUTH_FEATURES
from buurtzicht.secure.models.zoekgebieden import (
    CLASS_QUANTILES,
    MIN_MISSED,
    PRIOR_CASES,
    REGISTRATION_SHARE,
)

INTENDED_USE = {
    "nl": "Preventie en het richten van onderzoek naar gebieden (waar kijken we eerst). "
    "Nooit voor besluiten over personen, adressen of bedrijven: de modellen geven geen "
    "oordeel over wie dan ook, en een hoge klasse is geen bewijs.",
    "en": "Prevention and directing inquiries to areas (where to look first). Never for "
    "decisions about persons, addresses or businesses: the models judge nobody, and a "
    "high class is no evidence.",
}
LIMITS = {
    "nl": [
        "SYNTHETISCH: getraind op een synthetische bevolking met geplante patronen; de "
        "cijfers tonen de werkwijze, niet de werkelijkheid.",
        "Het model leert uit registraties: wat de politie en registers nooit zien, leert "
        "het niet. 'Verwacht' is wat een gebied bij landelijk gemiddelde registratie zou "
        "tonen, geen vaststelling van verborgen gevallen.",
        "Inkomen, vermogen, uitkeringen en huishoudens zijn één momentopname (2024).",
        "De zoekvolgorde (verwacht gemiste gevallen) neemt aan dat landelijk de helft van "
        "de gevallen geregistreerd wordt; uit registraties alleen is dat niet te weten. "
        "Bij een hogere aanname vindt de zoekvolgorde minder verborgen gevallen "
        "(benchmarks/README.md, 'Risk models').",
        "Geen beschermde kenmerken (nationaliteit, geboorteland, etniciteit, religie): "
        "die staan niet in de gegevens en worden nooit gebruikt; kenmerken als inkomen "
        "en buurt kunnen er wel mee samenhangen.",
    ],
    "en": [
        "SYNTHETIC: trained on a synthetic population with planted patterns; the figures "
        "show the method, not reality.",
        "The model learns from registrations: what police and registers never see, it "
        "does not learn. 'Expected' is what an area would show if registered like the "
        "country on average, not a finding of hidden cases.",
        "Income, wealth, benefits and households are one snapshot (2024).",
        "The search order (expected missed cases) assumes that half of the cases are "
        "registered nationally; registrations alone cannot tell. With a higher share "
        "assumed it finds fewer hidden cases (benchmarks/README.md, 'Risk models').",
        "No protected characteristics (nationality, country of birth, ethnicity, "
        "religion): they are not in the data and never used; features such as income "
        "and buurt may still correlate with them.",
    ],
}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return rows


def _coefficients(table: pd.DataFrame, names: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "feature": feature,
            "nl": names[feature][0],
            "en": names[feature][1],
            "coef": round(coef, 4),
            "ratio_per_sd": round(ratio, 3),
        }
        for feature, coef, ratio in zip(
            table["feature"].astype(str),
            table["coef"].astype(float),
            table["ratio_per_sd"].astype(float),
            strict=True,
        )
    ]


def explanations(
    areas: pd.DataFrame, population: pd.Series, rules: RuleSet
) -> list[dict[str, Any]]:
    """Factor names per region, theme and year, for regions meeting the thresholds."""
    pop = population.rename("inwoners").reset_index()
    frame = areas.merge(pop, on=["region", "year"], how="left")
    eligible = (frame["inwoners"].fillna(0) >= rules.min_population) & (
        frame["units"] >= rules.threshold.min_units
    )
    frame = frame[eligible & frame["region"].str[:2].isin(["BU", "WK", "GM"])]
    factors: list[list[str]] = frame["factoren"].map(list).tolist()
    return [
        {"region": region, "period": f"{year}JJ00", "theme": theme, "factoren": names}
        for region, year, theme, names in zip(
            frame["region"].astype(str).tolist(),
            frame["year"].astype(int).tolist(),
            frame["theme"].astype(str).tolist(),
            factors,
            strict=True,
        )
        if names
    ]


def release_document(
    metadata: dict[str, Any],
    areas: pd.DataFrame,
    population: pd.Series,
    rules: RuleSet,
    area_validation: dict[str, pd.DataFrame],
    coefficients: dict[str, pd.DataFrame],
    youth: Any,
) -> dict[str, Any]:
    feature_names = {n: (f.nl, f.en) for n, f in FEATURE_BY_NAME.items()}
    youth_names = {f.name: (f.nl, f.en) for f in YOUTH_FEATURES}
    first, middle, last = youth.years
    return {
        "synthetic": bool(metadata.get("synthetic", True)),
        "source": metadata["source"],
        "thresholds": {
            "min_population": rules.min_population,
            "min_units": rules.threshold.min_units,
        },
        "models": {
            "zoekgebieden": {
                "title": {"nl": "Kansrijke zoekgebieden", "en": "Promising search areas"},
                "purpose": {
                    "nl": "Per buurt, wijk en gemeente het verwachte aantal gevallen per thema uit "
                    "de kenmerken van het gebied, naast het geregistreerde aantal; waar verwacht "
                    "duidelijk boven geregistreerd ligt, is zoeken kansrijk. De zoekvolgorde van "
                    "buurten volgt het verwachte aantal gemiste gevallen: verwacht, gecorrigeerd "
                    "voor hoe goed de gemeente registreert.",
                    "en": "Per buurt, wijk and gemeente the expected number of cases per theme "
                    "from the area's characteristics, beside the registered number; where "
                    "expected clearly exceeds registered, searching is promising. Buurten are "
                    "ranked by the cases they are expected to miss: expected, corrected for how "
                    "well the gemeente registers.",
                },
                "method": "Poisson GLM (log link, log exposure as offset), L2 penalty 0.001 on "
                "standardised features (each held between its 0.5th and 99.5th percentile "
                "over the buurten), one per theme and year, fitted on all buurten; search "
                "order: expected missed cases E x (1/r - u), r = "
                f"{REGISTRATION_SHARE:g} (assumed national registration share), u = the "
                f"gemeente's registered / expected cases (+ {PRIOR_CASES:g} each)",
                "themes": [
                    {
                        "theme": t.name,
                        "nl": t.nl,
                        "en": t.en,
                        "unit": t.units["nl"][1],
                        "units": t.units,
                        "expected_measure": t.expected_measure,
                        "observed_measure": t.observed_measure,
                        "observed_years": t.observed_years,
                        "coefficients": _coefficients(coefficients[t.name], feature_names),
                    }
                    for t in THEMES
                ],
                "search_order": {
                    "registration_share": REGISTRATION_SHARE,
                    "prior_cases": PRIOR_CASES,
                    "class_quantiles": list(CLASS_QUANTILES),
                    "min_missed": MIN_MISSED,
                },
                "classes": {
                    "hoog": "verwacht gemist vanaf het 90e percentiel van de gebieden van "
                    "hetzelfde niveau (de hoogste 10%, zoals gevalideerd)",
                    "gemiddeld": "verwacht gemist vanaf de mediaan, niet in de hoogste 10%",
                    "laag": "onder de mediaan, of minder dan één verwacht gemist geval",
                },
                "intended_use": INTENDED_USE,
                "limits": LIMITS,
            },
            "jonge_aanwas": {
                "title": {"nl": "Jonge aanwas", "en": "Young people at risk"},
                "purpose": {
                    "nl": "De kans dat iemand van 8-23 jaar in de twee jaar na de peildatum voor "
                    "het eerst als drugsverdachte wordt geregistreerd, uit gekoppelde kenmerken; "
                    "alleen per gebied opgeteld gepubliceerd (verwacht aantal).",
                    "en": "The probability that a person aged 8-23 is first registered as a drug "
                    "suspect within two years of the reference date, from linked "
                    "characteristics; published only summed per area (expected number).",
                },
                "method": "logistic regression, L2 penalty (C = 1) on standardised features; "
                f"trained on the cohort of 31-12-{middle} (outcome {middle + 1}-{last}), "
                f"validated on it after training on {first}; scores the cohort of 31-12-{last}",
                "coefficients": _coefficients(youth.fitted.table(), youth_names),
                "intended_use": INTENDED_USE,
                "limits": LIMITS,
            },
        },
        "validation": {
            **{key: _records(table) for key, table in area_validation.items()},
            "jonge_aanwas": _records(youth.validation.table),
            "jonge_aanwas_calibration": _records(youth.validation.calibration),
            "jonge_aanwas_groups": _records(youth.validation.groups),
        },
        "explanations": explanations(areas, population, rules),
    }
