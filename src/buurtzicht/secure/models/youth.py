"""The person-level table of *jonge aanwas*: persons aged 8-23 on a reference date.

For every person aged 8-23 on 31 December of year ``Y`` who has no drug registration
(47018NED 3.1.1) up to then, linked characteristics on that date and the outcome: a
first drug registration in the two years after it. Records look back two years. The
table never leaves the secure side. No feature describes a person's origin
(nationality, country of birth, ethnicity, religion): those are not in the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from buurtzicht.microdata.national import DRUG_CODES, UNDERMINING_CODES

LOOK_BACK = 2  # years of records before the reference date
HORIZON = 2  # years after it in which a first drug registration counts


@dataclass(frozen=True)
class PersonFeature:
    name: str
    nl: str
    en: str


FEATURES: tuple[PersonFeature, ...] = (
    PersonFeature("leeftijd", "leeftijd", "age"),
    PersonFeature("leeftijd_kwadraat", "leeftijd (kwadratisch)", "age (squared)"),
    PersonFeature("man", "geslacht man", "male"),
    PersonFeature("eenouder", "eenoudergezin", "single-parent household"),
    PersonFeature("huishouden_grootte", "grootte van het huishouden", "household size"),
    PersonFeature("laag_inkomen", "huishoudinkomen onder 25.000 euro", "household income < 25,000"),
    PersonFeature("uitkering", "uitkering in het huishouden", "benefits in the household"),
    PersonFeature("schulden", "problematische schulden in het huishouden",
                  "problematic debts in the household"),
    PersonFeature("verhuizingen", "verhuizingen in de laatste twee jaar", "moves in two years"),
    PersonFeature("huisgenoot_ondermijning",
                  "huisgenoot (24+) met registratie voor ondermijning",
                  "household member (24+) with an undermining record"),
    PersonFeature("huisgenoot_registratie", "huisgenoot met een politieregistratie",
                  "household member with a police record"),
    PersonFeature("broer_zus_drugs", "broer of zus met drugsregistratie",
                  "sibling with a drug record"),
    PersonFeature("buurt_uitkering", "aandeel uitkeringen in de buurt", "benefits in the buurt"),
    PersonFeature("buurt_schulden", "aandeel schulden in de buurt", "debts in the buurt"),
    PersonFeature("buurt_antecedenten", "aandeel antecedenten in de buurt",
                  "undermining records in the buurt"),
)  # fmt: skip
NAMES = tuple(f.name for f in FEATURES)
PROTECTED = ("nationaliteit", "geboorteland", "etniciteit", "herkomst", "religie", "nationality",
             "country_of_birth", "ethnicity", "religion")  # fmt: skip


def _codes(codes: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"


#: The microdata a cohort reads, loaded once for all reference years (columns used only).
_TABLES = {
    "regs": "SELECT s.person_id, i.offence_code, i.date FROM {suspects} s "
    "JOIN {incidents} i USING (incident_id)",
    "persons": "SELECT person_id, household_id, birth_year, sex, income, benefit, "
    "problematic_debts FROM {persons}",
    "stays": "SELECT r.person_id, a.buurt, r.start_date, r.end_date FROM {residences} r "
    "LEFT JOIN {addresses} a USING (address_id)",
    "households": "SELECT household_id, kind, size FROM {households}",
}


def cohorts(folder: Path, years: tuple[int, ...]) -> dict[int, pd.DataFrame]:
    """:func:`cohort` of every year in ``years``, reading the microdata once.

    The Parquet files are decoded into in-memory tables of the columns the cohorts use
    (registrations joined to their incidents, stays joined to their buurt) and every
    reference year queries those: three cohorts cost little more than one.
    """
    files = {e: f"read_parquet('{folder / e}/*.parquet')" for e in (
        "persons", "households", "residences", "addresses", "suspects", "incidents")}  # fmt: skip
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        for name, sql in _TABLES.items():
            con.execute(f"CREATE TEMP TABLE {name} AS {sql.format(**files)}")
        return {year: con.sql(_cohort_sql(year)).df() for year in years}
    finally:
        con.close()


def _cohort_sql(year: int) -> str:
    ref = f"DATE '{year}-12-31'"
    back, ahead = f"DATE '{year - LOOK_BACK}-12-31'", f"DATE '{year + HORIZON}-12-31'"
    return f"""
    WITH first_drug AS (SELECT person_id, MIN(date) AS first FROM regs
                   WHERE offence_code IN {_codes(DRUG_CODES)} GROUP BY 1),
    recent AS (SELECT person_id,
                 BOOL_OR(offence_code IN {_codes(UNDERMINING_CODES)}) AS undermining,
                 BOOL_OR(offence_code IN {_codes(DRUG_CODES)}) AS drugs
               FROM regs WHERE date > {back} AND date <= {ref} GROUP BY 1),
    placed AS (
      SELECT person_id, buurt FROM stays
      WHERE buurt IS NOT NULL AND start_date <= {ref} AND (end_date IS NULL OR end_date > {ref})),
    moves AS (SELECT person_id, COUNT(*) AS n FROM stays
              WHERE start_date > {back} AND start_date <= {ref} GROUP BY 1),
    people AS (
      SELECT p.person_id, p.household_id, {year} - p.birth_year AS age, p.sex = 'M' AS male,
             p.income, p.benefit IN ('bijstand', 'ww', 'ao') AS on_benefit,
             p.problematic_debts AS debts, pl.buurt,
             COALESCE(rc.undermining, FALSE) AS undermining,
             rc.person_id IS NOT NULL AS any_record, COALESCE(rc.drugs, FALSE) AS drug_record
      FROM persons p JOIN placed pl USING (person_id)
      LEFT JOIN recent rc USING (person_id)),
    hh AS (
      SELECT household_id, SUM(income) AS income, BOOL_OR(on_benefit) AS benefit,
             BOOL_OR(debts) AS debts,
             COUNT(*) FILTER (WHERE age >= 24 AND undermining) AS adults_undermining,
             COUNT(*) FILTER (WHERE any_record) AS with_record,
             COUNT(*) FILTER (WHERE age BETWEEN 8 AND 23 AND drug_record) AS young_drugs
      FROM people GROUP BY 1),
    area AS (
      SELECT buurt, AVG(on_benefit::DOUBLE) AS benefit, AVG(debts::DOUBLE) AS debts,
             AVG(undermining::DOUBLE) AS undermining,
             AVG(drug_record::DOUBLE) FILTER (WHERE age BETWEEN 8 AND 23) AS young_drugs
      FROM people GROUP BY 1)
    SELECT p.person_id, p.buurt, p.age::DOUBLE AS leeftijd,
           ((p.age - 15.5) * (p.age - 15.5))::DOUBLE AS leeftijd_kwadraat,
           p.male::DOUBLE AS man, (k.kind = 'eenouder')::DOUBLE AS eenouder,
           k.size::DOUBLE AS huishouden_grootte, (h.income < 25000)::DOUBLE AS laag_inkomen,
           h.benefit::DOUBLE AS uitkering, h.debts::DOUBLE AS schulden,
           COALESCE(m.n, 0)::DOUBLE AS verhuizingen,
           (h.adults_undermining > 0)::DOUBLE AS huisgenoot_ondermijning,
           (h.with_record - p.any_record::INT > 0)::DOUBLE AS huisgenoot_registratie,
           (h.young_drugs > 0)::DOUBLE AS broer_zus_drugs,
           ar.benefit AS buurt_uitkering, ar.debts AS buurt_schulden,
           ar.undermining AS buurt_antecedenten,
           COALESCE(ar.young_drugs, 0) AS buurt_drugs_jong,
           (f.first > {ref} AND f.first <= {ahead}) IS TRUE AS outcome
    FROM people p JOIN hh h USING (household_id)
    JOIN households k USING (household_id)
    JOIN area ar USING (buurt)
    LEFT JOIN moves m USING (person_id)
    LEFT JOIN first_drug f USING (person_id)
    WHERE p.age BETWEEN 8 AND 23 AND (f.first IS NULL OR f.first > {ref})
    ORDER BY p.person_id
    """
