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

PREFIX = "secure."
SENSITIVE = sql_list(sorted(sbi.MONEY_LAUNDERING_SENSITIVE))
CARE = " OR ".join(f"b.sbi LIKE '{p}%'" for p in sbi.CARE_PREFIXES)


@dataclass(frozen=True)
class Query:
    """One SQL producing one or more measures of one kind."""

    kind: str  # "units" or "amount"
    sql: str


def _m(name: str) -> str:
    return f"'{PREFIX}{name}'"


BASIS = [
    Query(
        "units",
        f"""SELECT {_m("basis.inwoners")} AS measure, year, buurt, person_id AS unit_id, 1 AS value
            FROM person_ref""",
    ),
    Query(
        "units",
        f"""SELECT {_m("basis.jongeren_8_23")}, year, buurt, person_id, 1 FROM person_ref
            WHERE age BETWEEN 8 AND 23""",
    ),
    Query(
        "units",
        f"""SELECT {_m("basis.inwoners_uitkering")}, year, buurt, person_id, 1 FROM person_ref
            WHERE benefit IN ('bijstand', 'ww', 'ao')""",
    ),
    Query(
        "units",
        f"""SELECT {_m("basis.inwoners_schulden")}, year, buurt, person_id, 1 FROM person_ref
            WHERE debts""",
    ),
    Query(
        "units",
        f"""SELECT {_m("basis.inwoners_antecedenten")}, r.year, r.buurt, r.person_id, 1
            FROM person_ref r JOIN antecedents a ON a.person_id = r.person_id
            AND a.year = r.year""",
    ),
    Query(
        "units",
        f"""SELECT {_m("basis.woningen")}, y.year, a.buurt, a.address_id, 1 FROM addresses a
            CROSS JOIN years y WHERE a.function = 'woon'""",
    ),
    Query(
        "units",
        f"SELECT {_m('basis.bedrijfsvestigingen')}, year, buurt, business_id, 1 FROM business_ref",
    ),
]

VASTGOED = [
    Query(
        "units",
        f"""SELECT '{PREFIX}vastgoed.woningen_eigenaar_' || owner_class, year, buurt, address_id, 1
            FROM owner_class""",
    ),
    Query(
        "units",
        f"""SELECT {_m("vastgoed.onverklaarbaar_bezit_woningen")}, o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN unexplained_owners u ON u.person_id = o.owner_person_id
        AND u.year = o.year""",
    ),
    Query(
        "units",
        f"""SELECT {_m("vastgoed.onverklaarbaar_bezit_eigenaren")}, r.year, r.buurt, r.person_id, 1
        FROM unexplained_owners u JOIN person_ref r ON r.person_id = u.person_id
        AND r.year = u.year""",
    ),
    Query(
        "units",
        # Sales are counted per address before the address is looked up: only the few
        # addresses with 5+ sales are joined, not every sale.
        f"""SELECT {_m("vastgoed.doorsluiswoningen")}, s.year, a.buurt, a.address_id, 1
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
        f"""SELECT {_m("vastgoed.aankopen_boven_financieringscapaciteit")},
            year, buurt, transaction_id, 1
        FROM purchases_above_capacity""",
    ),
    Query(
        "amount",
        f"""SELECT {_m("vastgoed.aankopen_boven_financieringscapaciteit_bedrag")},
            year, buurt, buyer_person_id, price
        FROM purchases_above_capacity""",
    ),
    Query(
        "units",
        f"""SELECT {_m("vastgoed.woningen_bestuurders_stichtingen")},
            o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN foundation_board f ON f.person_id = o.owner_person_id
        AND f.year = o.year""",
    ),
    Query(
        "units",
        f"""SELECT {_m("vastgoed.woningen_eigenaar_antecedenten")}, o.year, o.buurt, o.address_id, 1
        FROM owner_class o JOIN antecedents a ON a.person_id = o.owner_person_id
        AND a.year = o.year""",
    ),
]

DRUGS_THEME = [
    Query(
        "units",
        f"""SELECT {_m("drugs.hennep_ontmanteld")}, YEAR(h.date), a.buurt, h.plantation_id, 1
        FROM hennep h JOIN addresses a ON a.address_id = h.address_id""",
    ),
    Query(
        "units",
        f"""SELECT '{PREFIX}drugs.hennep_bewoners' || k.suffix,
            YEAR(h.date), a.buurt, p.person_id, 1
        FROM hennep h JOIN addresses a ON a.address_id = h.address_id
        JOIN residences r ON r.address_id = h.address_id AND r.start_date <= h.date
             AND (r.end_date IS NULL OR r.end_date > h.date)
        JOIN persons p ON p.person_id = r.person_id
        LEFT JOIN antecedents an ON an.person_id = p.person_id AND an.year = YEAR(h.date)
        JOIN (VALUES (''), ('_uitkering'), ('_schulden'), ('_antecedenten')) AS k(suffix)
          ON k.suffix = ''
          OR (k.suffix = '_uitkering' AND p.benefit IN ('bijstand', 'ww', 'ao'))
          OR (k.suffix = '_schulden' AND p.problematic_debts)
          OR (k.suffix = '_antecedenten' AND an.person_id IS NOT NULL)""",
    ),
    Query(
        "units",
        f"""SELECT {_m("drugs.verdachten")}, r.year, r.buurt, r.person_id, 1
        FROM (SELECT DISTINCT year, person_id FROM registrations WHERE offence_code IN {DRUGS}) g
        JOIN person_ref r ON r.person_id = g.person_id AND r.year = g.year""",
    ),
    Query("units", "SELECT measure, year, home_buurt, suspect_id, 1 FROM drug_registrations"),
    Query(
        "units",
        f"""SELECT {_m("drugs.registraties")}, year, home_buurt, suspect_id, 1
            FROM drug_registrations""",
    ),
]

FIU = [
    Query(
        "amount",
        f"""SELECT '{PREFIX}fiu.' || k.prefix || m.name,
            f.year, f.buurt, f.subject, CASE WHEN m.name = 'transacties' THEN 1 ELSE f.amount END
        FROM fiu_subjects f
        CROSS JOIN (VALUES ('transacties'), ('bedrag')) AS m(name)
        JOIN (VALUES (''), ('verdacht_')) AS k(prefix) ON k.prefix = '' OR f.status = 'verdacht'""",
    ),
]

BEDRIJVEN = [
    Query(
        "units",
        f"""SELECT {_m("bedrijven.witwasgevoelig")}, year, buurt, business_id, 1
            FROM business_ref WHERE sbi IN {SENSITIVE}""",
    ),
    Query(
        "units",
        f"""SELECT DISTINCT {_m("bedrijven.bestuurder_antecedenten")},
            b.year, b.buurt, b.business_id, 1
        FROM business_ref b JOIN director_ref d ON d.business_id = b.business_id AND d.year = b.year
        JOIN antecedents a ON a.person_id = d.person_id AND a.year = b.year""",
    ),
    Query(
        "units",
        f"""SELECT {_m("bedrijven.adressen_verloop")}, y.year, b.buurt, b.address_id, 1
        FROM business_place b JOIN years y ON b.end_date > y.back5 AND b.end_date <= y.ref
        WHERE DATE_DIFF('day', b.start_date, b.end_date) < 730
        GROUP BY y.year, b.buurt, b.address_id HAVING COUNT(*) >= 3""",
    ),
    Query(
        "units",
        f"""SELECT {_m("bedrijven.kortlevend_beeindigd")},
            YEAR(b.end_date), b.buurt, b.business_id, 1
        FROM business_place b
        WHERE b.end_date IS NOT NULL AND DATE_DIFF('day', b.start_date, b.end_date) < 730""",
    ),
]

ZORG = [
    Query(
        "units",
        f"""SELECT '{PREFIX}zorg.aanbieders' || k.suffix, z.year, z.buurt, z.provider_id, 1
        FROM care_ref z
        JOIN (VALUES (''), ('_antecedenten'), ('_gevoelige_branche'), ('_zonder_zorgactiviteit'))
          AS k(suffix)
          ON k.suffix = ''
          OR (k.suffix = '_antecedenten' AND z.director_antecedents = 1)
          OR (k.suffix = '_gevoelige_branche' AND z.care_branch = 0)
          OR (k.suffix = '_zonder_zorgactiviteit' AND NOT z.care_activity_registered)""",
    ),
    Query(
        "amount",
        f"SELECT {_m('zorg.declaraties_bedrag')}, year, buurt, provider_id, amount FROM care_ref",
    ),
]

VAKANTIEPARKEN = [
    Query(
        "units",
        f"""SELECT '{PREFIX}vakantieparken.ingeschrevenen' || k.suffix,
            r.year, r.buurt, r.person_id, 1
        FROM person_ref r
        LEFT JOIN (SELECT DISTINCT year, person_id FROM registrations) g
        ON g.person_id = r.person_id AND g.year = r.year
        JOIN (VALUES (''), ('_schulden'), ('_uitkering'), ('_verdachten')) AS k(suffix)
          ON k.suffix = ''
          OR (k.suffix = '_schulden' AND r.debts)
          OR (k.suffix = '_uitkering' AND r.benefit IN ('bijstand', 'ww', 'ao'))
          OR (k.suffix = '_verdachten' AND g.person_id IS NOT NULL)
        WHERE r.holiday_park_id IS NOT NULL""",
    ),
    Query(
        "amount",
        f"""SELECT {_m("vakantieparken.incidenten")}, YEAR(i.date), a.buurt, a.holiday_park_id, 1
        FROM incidents i JOIN addresses a ON a.address_id = i.address_id
        WHERE a.holiday_park_id IS NOT NULL""",
    ),
    Query(
        "units",
        f"""SELECT {_m("vakantieparken.parken")}, y.year, p.buurt, p.holiday_park_id, 1
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
               '{PREFIX}drugs.registraties_' || CASE
                 WHEN SUBSTRING(a.buurt, 3, 4) = SUBSTRING(g.buurt, 3, 4)
                 THEN 'pleeg_eigen_gemeente'
                 ELSE 'pleeg_andere_gemeente' END AS measure,
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
    f"{PREFIX}basis.woningen": [
        f"{PREFIX}vastgoed.woningen_eigenaar_{c}"
        for c in ("persoon", "woningcorporatie", "stichting", "bedrijf", "onbekend", "buitenland")
    ],
    f"{PREFIX}drugs.registraties": [
        f"{PREFIX}drugs.registraties_pleeg_eigen_gemeente",
        f"{PREFIX}drugs.registraties_pleeg_andere_gemeente",
    ],
}
