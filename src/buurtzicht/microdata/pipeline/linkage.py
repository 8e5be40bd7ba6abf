"""Linkage: the unit-level tables every theme builds on (written once, DuckDB SQL).

Persons are placed at the address where they were registered on the reference date
(31 December of each year); owners are those whose right covered that date; a person
has *antecedents* when registered as suspect of an undermining offence in the five
years up to that date. Households' financing capacity is wealth + 5 x income of all
members. Each statement is ``(table, SELECT)``; the engine materialises them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from buurtzicht.microdata import sbi
from buurtzicht.microdata.national import DRUG_CODES, UNDERMINING_CODES
from buurtzicht.microdata.synth.params import FINANCING_INCOME_MULTIPLE


def sql_list(values: Sequence[str]) -> str:
    """``('a', 'b')`` for an IN clause.

    >>> sql_list(["3.1.1", "3.1.3"])
    "('3.1.1', '3.1.3')"
    """
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def years_select(years: Sequence[int]) -> str:
    """Reference dates per year: the year itself, 20 and 5 years back."""
    rows = ", ".join(
        f"({y}, DATE '{date(y, 12, 31)}', DATE '{date(y, 1, 1)}', DATE '{date(y - 20, 12, 31)}', "
        f"DATE '{date(y - 5, 12, 31)}')"
        for y in years
    )
    return f"SELECT * FROM (VALUES {rows}) AS t(year, ref, y_start, back20, back5)"


UNDERMINING = sql_list(UNDERMINING_CODES)
DRUGS = sql_list(DRUG_CODES)
CAPACITY = f"SUM(wealth) + {FINANCING_INCOME_MULTIPLE} * SUM(income)"

LINKAGE: list[tuple[str, str]] = [
    (
        "person_ref",
        """
        SELECT y.year, p.person_id, p.household_id, y.year - p.birth_year AS age, p.sex,
               p.benefit, p.problematic_debts AS debts, a.buurt, a.holiday_park_id
        FROM residences r
        JOIN years y ON r.start_date <= y.ref AND (r.end_date IS NULL OR r.end_date > y.ref)
        JOIN persons p ON p.person_id = r.person_id
        JOIN addresses a ON a.address_id = r.address_id
        """,
    ),
    (
        "household_facts",
        f"""
        SELECT household_id, SUM(income) AS hh_income, SUM(wealth) AS hh_wealth,
               {CAPACITY} AS capacity,
               MAX(CASE WHEN problematic_debts THEN 1 ELSE 0 END) AS hh_debts,
               MAX(CASE WHEN benefit IN ('bijstand', 'ww', 'ao') THEN 1 ELSE 0 END) AS hh_benefits
        FROM persons GROUP BY household_id
        """,
    ),
    (
        "registrations",
        """
        SELECT s.suspect_id, s.person_id, i.incident_id, i.offence_code, i.date, i.buurt,
               i.address_id, YEAR(i.date) AS year
        FROM suspects s JOIN incidents i ON i.incident_id = s.incident_id
        """,
    ),
    (
        "antecedents",
        f"""
        SELECT DISTINCT y.year, g.person_id
        FROM registrations g JOIN years y ON g.date > y.back5 AND g.date <= y.ref
        WHERE g.offence_code IN {UNDERMINING}
        """,
    ),
    (
        "drug_suspects_5y",
        f"""
        SELECT DISTINCT y.year, g.person_id
        FROM registrations g JOIN years y ON g.date > y.back5 AND g.date <= y.ref
        WHERE g.offence_code IN {DRUGS}
        """,
    ),
    (
        # Every business with the buurt of its address, looked up once for all themes.
        "business_place",
        """
        SELECT b.business_id, b.sbi, b.legal_form, b.address_id, b.start_date, b.end_date,
               a.buurt
        FROM businesses b JOIN addresses a ON a.address_id = b.address_id
        """,
    ),
    (
        "business_ref",
        """
        SELECT y.year, b.business_id, b.sbi, b.legal_form, b.address_id, b.buurt
        FROM business_place b
        JOIN years y ON b.start_date <= y.ref AND (b.end_date IS NULL OR b.end_date > y.ref)
        """,
    ),
    (
        "director_ref",
        """
        SELECT y.year, d.business_id, d.person_id
        FROM directors d
        JOIN years y ON d.start_date <= y.ref AND (d.end_date IS NULL OR d.end_date > y.ref)
        """,
    ),
    (
        # Owners of dwellings (no theme looks at the owners of other addresses), with
        # the class of owner: the business register tells corporations and foundations.
        "owner_class",
        f"""
        SELECT y.year, o.address_id, a.buurt, a.woz, o.owner_person_id, o.owner_business_id,
               CASE
                 WHEN o.owner_kind = 'persoon' THEN 'persoon'
                 WHEN o.owner_kind = 'onbekend' THEN 'onbekend'
                 WHEN o.owner_kind = 'buitenland' THEN 'buitenland'
                 WHEN b.sbi = '{sbi.HOUSING_CORPORATION}' THEN 'woningcorporatie'
                 WHEN b.legal_form = 'stichting' THEN 'stichting'
                 ELSE 'bedrijf'
               END AS owner_class
        FROM ownerships o
        JOIN years y ON o.start_date <= y.ref AND (o.end_date IS NULL OR o.end_date > y.ref)
        JOIN addresses a ON a.address_id = o.address_id
        LEFT JOIN business_place b ON b.business_id = o.owner_business_id
        WHERE a.function = 'woon'
        """,
    ),
    (
        # Persons owning two or more dwellings: the only owners a theme compares with
        # their household's means.
        "multiple_owners",
        """
        SELECT o.year, o.owner_person_id AS person_id, COUNT(*) AS dwellings,
               SUM(o.woz) AS woz_total
        FROM owner_class o
        WHERE o.owner_class = 'persoon'
        GROUP BY o.year, o.owner_person_id
        HAVING COUNT(*) >= 2
        """,
    ),
    (
        "unexplained_owners",
        """
        SELECT d.year, d.person_id, d.dwellings, d.woz_total, h.capacity
        FROM multiple_owners d
        JOIN persons p ON p.person_id = d.person_id
        JOIN household_facts h ON h.household_id = p.household_id
        WHERE d.dwellings >= 2 AND d.woz_total > h.capacity
        """,
    ),
    (
        "foundation_board",
        """
        SELECT DISTINCT c.year, d.person_id
        FROM owner_class c
        JOIN director_ref d ON d.business_id = c.owner_business_id AND d.year = c.year
        WHERE c.owner_class = 'stichting'
        """,
    ),
]
