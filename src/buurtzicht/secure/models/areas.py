"""Area characteristics and observed cases per region: the inputs of *zoekgebieden*.

Everything is computed on the secure side from the linked aggregates
(``aggregates.parquet``, true values per buurt, wijk and gemeente), two extra counts
from the microdata (dwellings with a very high electricity use; sensitive vestigingen
with a suspicious FIU report) and the open calibration figures per buurt (stedelijkheid,
income per inhabitant). No feature describes a person's origin: nationality, country of
birth, ethnicity and religion are not in the data and never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from buurtzicht.microdata import sbi
from buurtzicht.microdata.calibration import Calibration
from buurtzicht.regions.codes import gemeente_of, wijk_of

P = "secure."
HIGH_KWH = 10_000  # kWh a year: about three times a large dwelling's use


@dataclass(frozen=True)
class Feature:
    """A model feature: ``numerator / denominator`` of a region (both measure ids)."""

    name: str
    numerator: tuple[str, ...]
    denominator: str
    nl: str  # plain Dutch, as it reads in an explanation ("veel ...")
    en: str


FEATURES: tuple[Feature, ...] = (
    Feature("uitkering", (f"{P}basis.inwoners_uitkering",), f"{P}basis.inwoners",
            "inwoners met een uitkering", "inhabitants on benefits"),
    Feature("schulden", (f"{P}basis.inwoners_schulden",), f"{P}basis.inwoners",
            "inwoners met problematische schulden", "inhabitants with problematic debts"),
    Feature("antecedenten", (f"{P}basis.inwoners_antecedenten",), f"{P}basis.inwoners",
            "inwoners met antecedenten (ondermijning)", "inhabitants with undermining records"),
    Feature("eigenaar_persoon", (f"{P}vastgoed.woningen_eigenaar_persoon",), f"{P}basis.woningen",
            "woningen van particulieren", "dwellings owned by private persons"),
    Feature("eigenaar_corporatie", (f"{P}vastgoed.woningen_eigenaar_woningcorporatie",),
            f"{P}basis.woningen", "corporatiewoningen", "housing-association dwellings"),
    Feature("eigenaar_bedrijf", (f"{P}vastgoed.woningen_eigenaar_bedrijf",
                                 f"{P}vastgoed.woningen_eigenaar_stichting"),
            f"{P}basis.woningen", "woningen van bedrijven en stichtingen",
            "dwellings owned by companies and foundations"),
    Feature("eigenaar_buitenland", (f"{P}vastgoed.woningen_eigenaar_buitenland",
                                    f"{P}vastgoed.woningen_eigenaar_onbekend"),
            f"{P}basis.woningen", "woningen met een buitenlandse of onbekende eigenaar",
            "dwellings with a foreign or unknown owner"),
    Feature("eigenaar_antecedenten", (f"{P}vastgoed.woningen_eigenaar_antecedenten",),
            f"{P}basis.woningen", "woningen van eigenaren met antecedenten",
            "dwellings of owners with undermining records"),
    Feature("hoog_stroomverbruik", ("micro.hoog_stroomverbruik",), f"{P}basis.woningen",
            "woningen met een zeer hoog stroomverbruik", "dwellings with very high electricity use"),
    Feature("witwasgevoelig", (f"{P}bedrijven.witwasgevoelig",), f"{P}basis.bedrijfsvestigingen",
            "vestigingen in witwasgevoelige branches", "vestigingen in laundering-sensitive branches"),
    Feature("kortlevend", (f"{P}bedrijven.kortlevend_beeindigd",), f"{P}basis.bedrijfsvestigingen",
            "kortlevende, beëindigde bedrijven", "short-lived businesses that closed"),
    Feature("lage_inkomens", ("open.lage_inkomens",), "open.weight",
            "lage inkomens (CBS)", "low incomes (CBS)"),
    Feature("stedelijkheid", ("open.stedelijkheid",), "open.weight",
            "een stedelijke omgeving (CBS)", "an urban setting (CBS)"),
)  # fmt: skip
FEATURE_BY_NAME = {f.name: f for f in FEATURES}


PLANTATIONS = {"nl": ("kwekerij", "kwekerijen"), "en": ("plantation", "plantations")}
DWELLINGS = {"nl": ("woning", "woningen"), "en": ("dwelling", "dwellings")}
ESTABLISHMENTS = {"nl": ("vestiging", "vestigingen"), "en": ("establishment", "establishments")}


@dataclass(frozen=True)
class Theme:
    """A zoekgebieden theme: what is observed, per which units, from which features."""

    name: str
    observed: str  # measure id of the registered cases
    exposure: str  # measure id of the units the cases are counted among
    features: tuple[str, ...]
    nl: str
    en: str
    units: dict[str, tuple[str, str]]  # per language: the unit counted, singular and plural
    expected_measure: str  # published: the model's expected count
    observed_measure: str  # published: the registered count (released by the catalog)
    #: Years the published registered count covers up to its period: 2 where the catalog
    #: releases a two-year total below the Netherlands (hennep), which the published
    #: search score sets against the expected counts of the same two years.
    observed_years: int = 1


THEMES: tuple[Theme, ...] = (
    Theme("hennep", f"{P}drugs.hennep_ontmanteld", f"{P}basis.woningen",
          ("uitkering", "schulden", "antecedenten", "eigenaar_persoon", "eigenaar_corporatie",
           "eigenaar_antecedenten", "hoog_stroomverbruik", "lage_inkomens", "stedelijkheid"),
          "Hennepkwekerijen", "Cannabis plantations", PLANTATIONS,
          "secure.zoekgebieden.hennep_verwacht", "secure.drugs.hennep_ontmanteld_2jaar", 2),
    Theme("doorsluiswoningen", f"{P}vastgoed.doorsluiswoningen", f"{P}basis.woningen",
          ("uitkering", "schulden", "antecedenten", "eigenaar_persoon", "eigenaar_corporatie",
           "eigenaar_bedrijf", "eigenaar_buitenland", "eigenaar_antecedenten", "lage_inkomens",
           "stedelijkheid"),
          "Doorsluiswoningen", "Flipped dwellings", DWELLINGS,
          "secure.zoekgebieden.doorsluiswoningen_verwacht", "secure.vastgoed.doorsluiswoningen"),
    Theme("onverklaarbaar_bezit", f"{P}vastgoed.onverklaarbaar_bezit_woningen",
          f"{P}basis.woningen",
          ("uitkering", "schulden", "antecedenten", "eigenaar_persoon", "eigenaar_corporatie",
           "eigenaar_bedrijf", "eigenaar_buitenland", "eigenaar_antecedenten", "lage_inkomens",
           "stedelijkheid"),
          "Onverklaarbaar vastgoedbezit", "Unexplained property", DWELLINGS,
          "secure.zoekgebieden.onverklaarbaar_bezit_verwacht",
          "secure.vastgoed.onverklaarbaar_bezit_woningen"),
    Theme("witwas", "micro.witwas_fiu_verdacht", f"{P}bedrijven.witwasgevoelig",
          ("uitkering", "schulden", "antecedenten", "eigenaar_antecedenten", "witwasgevoelig",
           "kortlevend", "lage_inkomens", "stedelijkheid"),
          "Witwasgevoelige vestigingen", "Laundering-sensitive establishments", ESTABLISHMENTS,
          "secure.zoekgebieden.witwas_verwacht", "secure.zoekgebieden.witwas_waargenomen"),
)  # fmt: skip
THEME_BY_NAME = {t.name: t for t in THEMES}


def region_table(
    aggregates: pd.DataFrame, micro: pd.DataFrame, calibration: Calibration
) -> pd.DataFrame:
    """One row per (region, year) with every measure and count the features need.

    ``micro`` holds microdata counts per buurt and year (:func:`microdata_counts`);
    they and the open figures are summed up to wijk and gemeente here.
    """
    cells = aggregates[aggregates["region"].astype(str).str[:2].isin(["BU", "WK", "GM"])]
    wide = cells.pivot_table(
        index=["region", "period"], columns="measure", values="value", aggfunc="sum"
    )
    wide.columns = wide.columns.astype(str)
    wide = wide.reset_index()
    wide["year"] = wide["period"].astype(str).str[:4].astype(int)
    counts = _roll_up(micro)
    figures = _roll_up(_open_figures(calibration).assign(year=0)).drop(columns="year")
    table = wide.drop(columns="period").merge(counts, on=["region", "year"], how="left")
    table = table.merge(figures, on="region", how="left")
    return table.fillna(0.0).set_index(["region", "year"]).sort_index()


def _open_figures(calibration: Calibration) -> pd.DataFrame:
    """Per buurt the open figures, weighted by dwellings so that they add up to areas."""
    b = calibration.buurten
    weight = b["dwellings"].clip(lower=1.0)
    low_income = np.clip((35_000 / b["income_per_inhabitant"].clip(lower=1.0)) ** 2, 0.3, 6.0)
    urban = 6.0 - b["stedelijkheid"].clip(1, 5)  # 5 = very urban ... 1 = rural
    return pd.DataFrame(
        {
            "buurt": b["buurt"].to_numpy(),
            "open.weight": weight.to_numpy(),
            "open.lage_inkomens": (low_income * weight).to_numpy(),
            "open.stedelijkheid": (urban * weight).to_numpy(),
        }
    )


def _roll_up(per_buurt: pd.DataFrame) -> pd.DataFrame:
    """Rows per ``buurt`` and ``year`` summed to every buurt, wijk and gemeente."""
    out = []
    code = per_buurt["buurt"].astype(str)
    for region in (code, code.map(wijk_of), code.map(gemeente_of)):
        grouped = per_buurt.drop(columns="buurt").groupby([region.rename("region"), "year"])
        out.append(grouped.sum())
    return pd.concat(out).reset_index()


def microdata_counts(folder: Path, years: tuple[int, ...]) -> pd.DataFrame:
    """Per buurt and year: very high electricity users and sensitive vestigingen with a
    suspicious FIU report in the year (the observed cases of the *witwas* theme)."""
    sensitive = ", ".join(f"'{c}'" for c in sorted(sbi.MONEY_LAUNDERING_SENSITIVE))
    year_list = ", ".join(str(y) for y in years)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        addresses = f"read_parquet('{folder / 'addresses'}/*.parquet')"
        kwh = con.sql(
            f"""SELECT a.buurt, y.year,
                   COUNT(*) FILTER (WHERE a.electricity_kwh >= {HIGH_KWH}) AS "micro.hoog_stroomverbruik"
            FROM {addresses} a CROSS JOIN (SELECT UNNEST([{year_list}]) AS year) y
            WHERE a.function = 'woon' GROUP BY ALL"""
        ).df()
        fiu = con.sql(
            f"""SELECT a.buurt, YEAR(f.date) AS year,
                   COUNT(DISTINCT f.business_id) AS "micro.witwas_fiu_verdacht"
            FROM read_parquet('{folder / "fiu"}/*.parquet') f
            JOIN read_parquet('{folder / "businesses"}/*.parquet') b USING (business_id)
            JOIN {addresses} a ON a.address_id = b.address_id
            WHERE f.status = 'verdacht' AND b.sbi IN ({sensitive})
              AND YEAR(f.date) IN ({year_list})
            GROUP BY ALL"""
        ).df()
    finally:
        con.close()
    return kwh.merge(fiu, on=["buurt", "year"], how="outer").fillna(0.0)


def feature_matrix(table: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """The named features (shares) of every row of ``table``; 0 where the base is 0."""
    columns = {}
    for name in names:
        f = FEATURE_BY_NAME[name]
        num = sum((table.get(m, 0.0) for m in f.numerator), start=pd.Series(0.0, table.index))
        den = table.get(f.denominator, pd.Series(0.0, table.index))
        columns[name] = np.where(den > 0, num / den.where(den > 0, 1.0), 0.0)
    return pd.DataFrame(columns, index=table.index)
