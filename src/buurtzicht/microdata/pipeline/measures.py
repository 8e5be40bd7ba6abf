"""The theme measures: each query yields unit-level contributions per buurt and year.

Every query returns ``measure, year, buurt, unit_id, value``. ``units`` queries give
one row per contributing unit (value 1), so a cell's value is its number of units;
``amount`` queries give a unit's contribution (an amount in euros or a count of
events), and the aggregation sums them per unit before ranking the largest two for
dominance checks. Written once in DuckDB SQL; Spark runs the sqlglot transpilation.
"""

from __future__ import annotations

from dataclasses import dataclass

from buurtzicht.microdata import sbi
from buurtzicht.microdata.pipeline.linkage import DRUGS, sql_list

SENSITIVE = sql_list(sorted(sbi.MONEY_LAUNDERING_SENSITIVE))
CARE = " OR ".join(f"b.sbi LIKE '{p}%'" for p in sbi.CARE_PREFIXES)


@dataclass(frozen=True)
class Query:
    """One SQL producing one or more measures of one kind."""

    kind: str  # "units" or "amount"
    sql: str


#: Join of an event table (alias ``p``, with its ``year``) to the years whose two-year
#: window (the year before and the year itself) the event falls in; only years whose
#: year before is in the world too, so a two-year total always covers two years.
POOLED_YEARS = """JOIN years y ON p.year IN (y.year - 1, y.year)
        WHERE y.year - 1 IN (SELECT year FROM years)"""

BASIS = [
    Query(
        "units",
        """SELECT 'secure.basis.inwoners' AS measure, year, buurt, person_id AS unit_id, 1 AS value
            FROM person_ref""",
    ),
    Query(
        "units",
        """SELECT 'secure.basis.jongeren_8_23', year, buurt, person_id, 1 FROM person_ref
            WHERE age BETWEEN 8 AND 23""",
    ),
    Query(
        "units",
        """SELECT 'secure.basis.inwoners_uitkering', year, buurt, person_id, 1 FROM person_ref
            WHERE benefit IN ('bijstand', 'ww', 'ao')""",
    ),
    Query(
        "units",
        """SELECT 'secure.basis.inwoners_schulden', year, buurt, person_id, 1 FROM person_ref
            WHERE debts""",
    ),
    Query(
        "units",
        """SELECT 'secure.basis.inwoners_antecedenten', r.year, r.buurt, r.person_id, 1
            FROM person_ref r JOIN antecedents a ON a.person_id = r.person_id
            AND a.year = r.year""",
    ),
    Query(
        "units",
        """SELECT 'secure.basis.woningen', y.year, a.buurt, a.address_id, 1 FROM addresses a
            CROSS JOIN years y WHERE a.function = 'woon'""",
    ),
    Query(
        "units",
        "SELECT 'secure.basis.bedrijfsvestigingen', year, buurt, business_id, 1 FROM business_ref",
    ),
]

VASTGOED = [
    Query(
        "units",
        """SELECT CASE owner_class
              WHEN 'persoon' THEN 'secure.vastgoed.woningen_eigenaar_persoon'
              WHEN 'onbekend' THEN 'secure.vastgoed.woningen_eigenaar_onbekend'
              WHEN 'buitenland' THEN 'secure.vastgoed.woningen_eigenaar_buitenland'
              WHEN 'woningcorporatie' THEN 'secure.vastgoed.woningen_eigenaar_woningcorporatie'
              WHEN 'stichting' THEN 'secure.vastgoed.woningen_eigenaar_stichting'
              WHEN 'bedrijf' THEN 'secure.vastgoed.woningen_eigenaar_bedrijf'
            END, year, buurt, address_id, 1
            FROM owner_class""",
    ),
    Query(
        "units",
        """SELECT 'secure.vastgoed.onverklaarbaar_bezit_woningen', o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN unexplained_owners u ON u.person_id = o.owner_person_id
        AND u.year = o.year""",
    ),
    Query(
        "units",
        """SELECT 'secure.vastgoed.onverklaarbaar_bezit_eigenaren', r.year, r.buurt, r.person_id, 1
        FROM unexplained_owners u JOIN person_ref r ON r.person_id = u.person_id
        AND r.year = u.year""",
    ),
    Query(
        "units",
        # Sales are counted per address before the address is looked up: only the few
        # addresses with 5+ sales are joined, not every sale.
        """SELECT 'secure.vastgoed.doorsluiswoningen', s.year, a.buurt, a.address_id, 1
        FROM (
          SELECT y.year, t.address_id
          FROM transactions t JOIN years y ON t.date > y.back20 AND t.date <= y.ref
          GROUP BY y.year, t.address_id HAVING COUNT(*) >= 5
        ) AS s
        JOIN addresses a ON a.address_id = s.address_id
        WHERE a.function = 'woon'""",
    ),
    Query(
        "units",
        """SELECT 'secure.vastgoed.aankopen_boven_financieringscapaciteit',
            year, buurt, transaction_id, 1
        FROM purchases_above_capacity""",
    ),
    Query(
        "units",
        # Rare events pooled over two years (POOLED_YEARS): released below the Netherlands
        # instead of the yearly count (docs/disclosure.md, "Rare events: two years").
        f"""SELECT 'secure.vastgoed.aankopen_boven_financieringscapaciteit_2jaar',
            y.year, p.buurt, p.transaction_id, 1
        FROM purchases_above_capacity p {POOLED_YEARS}""",
    ),
    Query(
        "amount",
        """SELECT 'secure.vastgoed.aankopen_boven_financieringscapaciteit_bedrag',
            year, buurt, buyer_person_id, price
        FROM purchases_above_capacity""",
    ),
    Query(
        "units",
        """SELECT 'secure.vastgoed.woningen_bestuurders_stichtingen',
            o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN foundation_board f ON f.person_id = o.owner_person_id
        AND f.year = o.year""",
    ),
    Query(
        "units",
        """SELECT 'secure.vastgoed.woningen_eigenaar_antecedenten', o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN antecedents a ON a.person_id = o.owner_person_id
        AND a.year = o.year""",
    ),
]

DRUGS_THEME = [
    Query(
        "units",
        """SELECT 'secure.drugs.hennep_ontmanteld', YEAR(h.date), a.buurt, h.plantation_id, 1
        FROM hennep h JOIN addresses a ON a.address_id = h.address_id""",
    ),
    Query(
        "units",
        f"""SELECT 'secure.drugs.hennep_ontmanteld_2jaar', y.year, a.buurt, h.plantation_id, 1
        FROM (SELECT *, YEAR(date) AS year FROM hennep) h
        JOIN addresses a ON a.address_id = h.address_id {POOLED_YEARS.replace("p.year", "h.year")}""",
    ),
    Query(
        "units",
        """SELECT k.measure,
            YEAR(h.date), a.buurt, p.person_id, 1
        FROM hennep h JOIN addresses a ON a.address_id = h.address_id
        JOIN residences r ON r.address_id = h.address_id AND r.start_date <= h.date
             AND (r.end_date IS NULL OR r.end_date > h.date)
        JOIN persons p ON p.person_id = r.person_id
        LEFT JOIN antecedents an ON an.person_id = p.person_id AND an.year = YEAR(h.date)
        JOIN (VALUES ('secure.drugs.hennep_bewoners', ''),
                     ('secure.drugs.hennep_bewoners_uitkering', 'uitkering'),
                     ('secure.drugs.hennep_bewoners_schulden', 'schulden'),
                     ('secure.drugs.hennep_bewoners_antecedenten', 'antecedenten'))
          AS k(measure, kind)
          ON k.kind = ''
          OR (k.kind = 'uitkering' AND p.benefit IN ('bijstand', 'ww', 'ao'))
          OR (k.kind = 'schulden' AND p.problematic_debts)
          OR (k.kind = 'antecedenten' AND an.person_id IS NOT NULL)""",
    ),
    Query(
        "units",
        f"""SELECT 'secure.drugs.verdachten', r.year, r.buurt, r.person_id, 1
        FROM (SELECT DISTINCT year, person_id FROM registrations WHERE offence_code IN {DRUGS}) g
        JOIN person_ref r ON r.person_id = g.person_id AND r.year = g.year""",
    ),
    Query("units", "SELECT measure, year, home_buurt, suspect_id, 1 FROM drug_registrations"),
    Query(
        "units",
        """SELECT 'secure.drugs.registraties', year, home_buurt, suspect_id, 1
            FROM drug_registrations""",
    ),
]

FIU = [
    Query(
        "amount",
        """SELECT k.measure,
            f.year, f.buurt, f.subject, CASE WHEN k.is_count THEN 1 ELSE f.amount END
        FROM fiu_subjects f
        JOIN (VALUES ('secure.fiu.transacties', TRUE, FALSE),
                     ('secure.fiu.bedrag', FALSE, FALSE),
                     ('secure.fiu.verdacht_transacties', TRUE, TRUE),
                     ('secure.fiu.verdacht_bedrag', FALSE, TRUE))
          AS k(measure, is_count, suspicious)
          ON NOT k.suspicious OR f.status = 'verdacht'""",
    ),
]

BEDRIJVEN = [
    Query(
        "units",
        f"""SELECT 'secure.bedrijven.witwasgevoelig', year, buurt, business_id, 1
            FROM business_ref WHERE sbi IN {SENSITIVE}""",
    ),
    Query(
        "units",
        """SELECT DISTINCT 'secure.bedrijven.bestuurder_antecedenten',
            b.year, b.buurt, b.business_id, 1
        FROM business_ref b JOIN director_ref d ON d.business_id = b.business_id AND d.year = b.year
        JOIN antecedents a ON a.person_id = d.person_id AND a.year = b.year""",
    ),
    Query(
        "units",
        """SELECT 'secure.bedrijven.adressen_verloop', y.year, b.buurt, b.address_id, 1
        FROM business_place b JOIN years y ON b.end_date > y.back5 AND b.end_date <= y.ref
        WHERE DATE_DIFF('day', b.start_date, b.end_date) < 730
        GROUP BY y.year, b.buurt, b.address_id HAVING COUNT(*) >= 3""",
    ),
    Query(
        "units",
        """SELECT 'secure.bedrijven.kortlevend_beeindigd',
            YEAR(b.end_date), b.buurt, b.business_id, 1
        FROM business_place b
        WHERE b.end_date IS NOT NULL AND DATE_DIFF('day', b.start_date, b.end_date) < 730""",
    ),
]

ZORG = [
    Query(
        "units",
        """SELECT k.measure, z.year, z.buurt, z.provider_id, 1
        FROM care_ref z
        JOIN (VALUES ('secure.zorg.aanbieders', ''),
                     ('secure.zorg.aanbieders_antecedenten', 'antecedenten'),
                     ('secure.zorg.aanbieders_gevoelige_branche', 'gevoelige_branche'),
                     ('secure.zorg.aanbieders_zonder_zorgactiviteit', 'zonder_zorgactiviteit'))
          AS k(measure, kind)
          ON k.kind = ''
          OR (k.kind = 'antecedenten' AND z.director_antecedents = 1)
          OR (k.kind = 'gevoelige_branche' AND z.care_branch = 0)
          OR (k.kind = 'zonder_zorgactiviteit' AND NOT z.care_activity_registered)""",
    ),
    Query(
        "amount",
        "SELECT 'secure.zorg.declaraties_bedrag', year, buurt, provider_id, amount FROM care_ref",
    ),
]

VAKANTIEPARKEN = [
    Query(
        "units",
        """SELECT k.measure,
            r.year, r.buurt, r.person_id, 1
        FROM person_ref r
        LEFT JOIN (SELECT DISTINCT year, person_id FROM registrations) g
        ON g.person_id = r.person_id AND g.year = r.year
        JOIN (VALUES ('secure.vakantieparken.ingeschrevenen', ''),
                     ('secure.vakantieparken.ingeschrevenen_schulden', 'schulden'),
                     ('secure.vakantieparken.ingeschrevenen_uitkering', 'uitkering'),
                     ('secure.vakantieparken.ingeschrevenen_verdachten', 'verdachten'))
          AS k(measure, kind)
          ON k.kind = ''
          OR (k.kind = 'schulden' AND r.debts)
          OR (k.kind = 'uitkering' AND r.benefit IN ('bijstand', 'ww', 'ao'))
          OR (k.kind = 'verdachten' AND g.person_id IS NOT NULL)
        WHERE r.holiday_park_id IS NOT NULL""",
    ),
    Query(
        "amount",
        """SELECT 'secure.vakantieparken.incidenten', YEAR(i.date), a.buurt, a.holiday_park_id, 1
        FROM incidents i JOIN addresses a ON a.address_id = i.address_id
        WHERE a.holiday_park_id IS NOT NULL""",
    ),
    Query(
        "units",
        """SELECT 'secure.vakantieparken.parken', y.year, p.buurt, p.holiday_park_id, 1
            FROM holiday_parks p CROSS JOIN years y""",
    ),
]

#: Intermediate tables the theme queries need besides :data:`linkage.LINKAGE`.
THEME_TABLES: list[tuple[str, str]] = [
    (
        "purchases_above_capacity",
        """
        SELECT y.year, a.buurt, t.transaction_id, t.buyer_person_id, t.price
        FROM transactions t JOIN years y ON t.date >= y.y_start AND t.date <= y.ref
        JOIN addresses a ON a.address_id = t.address_id
        JOIN persons p ON p.person_id = t.buyer_person_id
        JOIN household_facts h ON h.household_id = p.household_id
        WHERE t.buyer_kind = 'persoon' AND t.price > h.capacity
        """,
    ),
    (
        "drug_registrations",
        f"""
        SELECT g.suspect_id, g.year, a.buurt AS home_buurt,
               CASE
                 WHEN SUBSTRING(a.buurt, 3, 4) = SUBSTRING(g.buurt, 3, 4)
                 THEN 'secure.drugs.registraties_pleeg_eigen_gemeente'
                 ELSE 'secure.drugs.registraties_pleeg_andere_gemeente' END AS measure,
               'GM' || SUBSTRING(a.buurt, 3, 4) AS home_gemeente,
               'GM' || SUBSTRING(g.buurt, 3, 4) AS offence_gemeente, g.person_id
        FROM registrations g
        JOIN residences r ON r.person_id = g.person_id AND r.start_date <= g.date
             AND (r.end_date IS NULL OR r.end_date > g.date)
        JOIN addresses a ON a.address_id = r.address_id
        WHERE g.offence_code IN {DRUGS}
        """,
    ),
    (
        "fiu_subjects",
        """
        SELECT YEAR(f.date) AS year, f.status, f.amount,
               COALESCE(r.buurt, b.buurt) AS buurt,
               CASE WHEN f.person_id IS NOT NULL THEN 2 * f.person_id
                    ELSE 2 * f.business_id + 1 END AS subject
        FROM fiu f
        LEFT JOIN (
          -- only the subjects' rows: the join then builds on millions, not tens of millions
          SELECT year, person_id, buurt FROM person_ref
          WHERE person_id IN (SELECT person_id FROM fiu)
        ) AS r ON r.person_id = f.person_id AND r.year = YEAR(f.date)
        LEFT JOIN business_place b ON b.business_id = f.business_id
        WHERE COALESCE(r.buurt, b.buurt) IS NOT NULL
        """,
    ),
    (
        "director_antecedents",
        """
        SELECT DISTINCT d.business_id, an.year
        FROM directors d JOIN antecedents an ON an.person_id = d.person_id
        """,
    ),
    (
        "care_ref",
        f"""
        SELECT c.provider_id, YEAR(dc.date) AS year, b.buurt, c.care_activity_registered,
               CASE WHEN {CARE} THEN 1 ELSE 0 END AS care_branch,
               CASE WHEN da.business_id IS NULL THEN 0 ELSE 1 END AS director_antecedents,
               SUM(dc.amount) AS amount
        FROM declarations dc
        JOIN care_providers c ON c.provider_id = dc.provider_id
        JOIN business_place b ON b.business_id = c.business_id
        LEFT JOIN director_antecedents da
          ON da.business_id = c.business_id AND da.year = YEAR(dc.date)
        GROUP BY c.provider_id, YEAR(dc.date), b.buurt, c.care_activity_registered,
                 CASE WHEN {CARE} THEN 1 ELSE 0 END,
                 CASE WHEN da.business_id IS NULL THEN 0 ELSE 1 END
        """,
    ),
]

THEMES: dict[str, list[Query]] = {
    "basis": BASIS,
    "vastgoed": VASTGOED,
    "drugs": DRUGS_THEME,
    "fiu": FIU,
    "bedrijven": BEDRIJVEN,
    "zorg": ZORG,
    "vakantieparken": VAKANTIEPARKEN,
}

#: Totals and their components, for secondary suppression across categories.
TOTALS: dict[str, list[str]] = {
    "secure.basis.woningen": [
        "secure.vastgoed.woningen_eigenaar_persoon",
        "secure.vastgoed.woningen_eigenaar_woningcorporatie",
        "secure.vastgoed.woningen_eigenaar_stichting",
        "secure.vastgoed.woningen_eigenaar_bedrijf",
        "secure.vastgoed.woningen_eigenaar_onbekend",
        "secure.vastgoed.woningen_eigenaar_buitenland",
    ],
    "secure.drugs.registraties": [
        "secure.drugs.registraties_pleeg_eigen_gemeente",
        "secure.drugs.registraties_pleeg_andere_gemeente",
    ],
}
