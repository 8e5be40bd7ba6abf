"""The microdata model: one Parquet dataset per entity, typed and keyed.

Each :class:`Entity` names the CBS microdata table it stands for (see
``docs/microdata.md``), its columns with Arrow types, its primary key, its foreign keys
and the date columns whose values must lie in a plausible range. The generator writes
exactly these schemas; :mod:`buurtzicht.microdata.validate` checks real or synthetic
input against them before any linkage runs.

Amounts (income, wealth, WOZ, prices, FIU amounts, declarations) are whole euros in
``int64``: sums are then exact and identical on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

#: Dates before this are implausible in any of the registers we model.
DATE_MIN = date(1900, 1, 1)
#: The synthetic world's "now"; real input may move it with ``--reference-date``.
WORLD_DATE = date(2024, 12, 31)


@dataclass(frozen=True)
class ForeignKey:
    """``column`` refers to ``target``'s primary key; NULL is allowed when ``nullable``."""

    column: str
    target: str
    nullable: bool = False


@dataclass(frozen=True)
class Entity:
    """One microdata table."""

    name: str
    cbs_table: str
    description: str
    columns: dict[str, pa.DataType]
    key: str
    foreign_keys: tuple[ForeignKey, ...] = ()
    dates: tuple[str, ...] = ()
    not_null: tuple[str, ...] = field(default_factory=tuple)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(n, t, nullable=n not in self.not_null) for n, t in self.columns.items()]
        )


I64, I32, I16, STR, DATE, BOOL = (
    pa.int64(),
    pa.int32(),
    pa.int16(),
    pa.string(),
    pa.date32(),
    pa.bool_(),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "persons",
            "GBAPERSOONTAB + INPATAB (income) + VEHTAB (wealth) + uitkeringen + schulden",
            "Registered persons with birth year, sex, household, income, wealth, benefits, debts.",
            {
                "person_id": I64,
                "birth_year": I16,
                "sex": STR,
                "household_id": I64,
                "income": I64,
                "wealth": I64,
                "benefit": STR,
                "problematic_debts": BOOL,
            },
            "person_id",
            (ForeignKey("household_id", "households"),),
            not_null=("person_id", "birth_year", "sex", "household_id"),
        ),
        Entity(
            "households",
            "GBAHUISHOUDENSBUS",
            "Households: kind and size; income and wealth are the sums over members.",
            {"household_id": I64, "kind": STR, "size": I16},
            "household_id",
            not_null=("household_id", "kind", "size"),
        ),
        Entity(
            "addresses",
            "VSLGWBTAB (verblijfsobject -> buurt) + BAG + WOZ + energy (Liander/CBS)",
            "Verblijfsobjecten: buurt, postcode, function, dwelling type, WOZ, energy use, "
            "holiday park.",
            {
                "address_id": I64,
                "buurt": STR,
                "postcode": STR,
                "function": STR,
                "dwelling_type": STR,
                "woz": I64,
                "electricity_kwh": I32,
                "build_year": I16,
                "holiday_park_id": I64,
            },
            "address_id",
            (ForeignKey("holiday_park_id", "holiday_parks", nullable=True),),
            not_null=("address_id", "buurt", "function"),
        ),
        Entity(
            "residences",
            "GBAADRESOBJECTBUS (address history)",
            "Who was registered at which address from start_date until end_date (NULL = now).",
            {
                "residence_id": I64,
                "person_id": I64,
                "address_id": I64,
                "start_date": DATE,
                "end_date": DATE,
            },
            "residence_id",
            (ForeignKey("person_id", "persons"), ForeignKey("address_id", "addresses")),
            ("start_date", "end_date"),
            not_null=("residence_id", "person_id", "address_id", "start_date"),
        ),
        Entity(
            "ownerships",
            "EIGENDOMTAB (Kadaster rights on verblijfsobjecten)",
            "Owner of an address from start_date until end_date: a person, a legal person "
            "(business or foundation), unknown or abroad.",
            {
                "ownership_id": I64,
                "address_id": I64,
                "owner_kind": STR,
                "owner_person_id": I64,
                "owner_business_id": I64,
                "start_date": DATE,
                "end_date": DATE,
            },
            "ownership_id",
            (
                ForeignKey("address_id", "addresses"),
                ForeignKey("owner_person_id", "persons", nullable=True),
                ForeignKey("owner_business_id", "businesses", nullable=True),
            ),
            ("start_date", "end_date"),
            not_null=("ownership_id", "address_id", "owner_kind", "start_date"),
        ),
        Entity(
            "transactions",
            "Kadaster koopsommen (VASTGOEDTRANSACTIES)",
            "Property sales: date, price, buyer and seller (person, legal person, unknown).",
            {
                "transaction_id": I64,
                "address_id": I64,
                "date": DATE,
                "price": I64,
                "buyer_kind": STR,
                "buyer_person_id": I64,
                "buyer_business_id": I64,
                "seller_kind": STR,
                "seller_person_id": I64,
                "seller_business_id": I64,
            },
            "transaction_id",
            (
                ForeignKey("address_id", "addresses"),
                ForeignKey("buyer_person_id", "persons", nullable=True),
                ForeignKey("buyer_business_id", "businesses", nullable=True),
                ForeignKey("seller_person_id", "persons", nullable=True),
                ForeignKey("seller_business_id", "businesses", nullable=True),
            ),
            ("date",),
            not_null=("transaction_id", "address_id", "date", "price", "buyer_kind"),
        ),
        Entity(
            "businesses",
            "ABR / KvK Handelsregister (vestigingen)",
            "Establishments: SBI code, address, legal form (incl. stichting), start and end.",
            {
                "business_id": I64,
                "sbi": STR,
                "address_id": I64,
                "legal_form": STR,
                "start_date": DATE,
                "end_date": DATE,
            },
            "business_id",
            (ForeignKey("address_id", "addresses"),),
            ("start_date", "end_date"),
            not_null=("business_id", "sbi", "address_id", "legal_form", "start_date"),
        ),
        Entity(
            "directors",
            "KvK functionarissen (bestuurders)",
            "Directors and board members of businesses and foundations.",
            {
                "directorship_id": I64,
                "business_id": I64,
                "person_id": I64,
                "role": STR,
                "start_date": DATE,
                "end_date": DATE,
            },
            "directorship_id",
            (ForeignKey("business_id", "businesses"), ForeignKey("person_id", "persons")),
            ("start_date", "end_date"),
            not_null=("directorship_id", "business_id", "person_id", "role", "start_date"),
        ),
        Entity(
            "incidents",
            "Politie BVH/BVI registered crimes (basis of 47018NED)",
            "Registered crimes: 47018NED offence code, date, buurt and address of the offence.",
            {
                "incident_id": I64,
                "offence_code": STR,
                "date": DATE,
                "buurt": STR,
                "address_id": I64,
            },
            "incident_id",
            (ForeignKey("address_id", "addresses", nullable=True),),
            ("date",),
            not_null=("incident_id", "offence_code", "date", "buurt"),
        ),
        Entity(
            "suspects",
            "HKS / Verdachtenregistratie (VRDGBAHKSTAB)",
            "Registrations of persons as suspect of a registered crime.",
            {"suspect_id": I64, "person_id": I64, "incident_id": I64},
            "suspect_id",
            (ForeignKey("person_id", "persons"), ForeignKey("incident_id", "incidents")),
            not_null=("suspect_id", "person_id", "incident_id"),
        ),
        Entity(
            "hennep",
            "Politie ontmantelde hennepkwekerijen",
            "Dismantled cannabis plantations: address, date, number of plants.",
            {"plantation_id": I64, "address_id": I64, "date": DATE, "plants": I32},
            "plantation_id",
            (ForeignKey("address_id", "addresses"),),
            ("date",),
            not_null=("plantation_id", "address_id", "date"),
        ),
        Entity(
            "fiu",
            "FIU-Nederland ongebruikelijke / verdachte transacties",
            "Unusual transactions reported to FIU; 'verdacht' once declared suspicious.",
            {
                "fiu_id": I64,
                "date": DATE,
                "amount": I64,
                "status": STR,
                "person_id": I64,
                "business_id": I64,
            },
            "fiu_id",
            (
                ForeignKey("person_id", "persons", nullable=True),
                ForeignKey("business_id", "businesses", nullable=True),
            ),
            ("date",),
            not_null=("fiu_id", "date", "amount", "status"),
        ),
        Entity(
            "care_providers",
            "SVB pgb zorgverleners",
            "Care providers paid from personal budgets (pgb), with whether any care "
            "activity is registered for them.",
            {"provider_id": I64, "business_id": I64, "care_activity_registered": BOOL},
            "provider_id",
            (ForeignKey("business_id", "businesses"),),
            not_null=("provider_id", "business_id", "care_activity_registered"),
        ),
        Entity(
            "declarations",
            "SVB pgb declaraties",
            "Declarations paid to care providers for a client.",
            {
                "declaration_id": I64,
                "provider_id": I64,
                "person_id": I64,
                "date": DATE,
                "amount": I64,
            },
            "declaration_id",
            (ForeignKey("provider_id", "care_providers"), ForeignKey("person_id", "persons")),
            ("date",),
            not_null=("declaration_id", "provider_id", "person_id", "date", "amount"),
        ),
        Entity(
            "holiday_parks",
            "Recreatieparken (provincial registers / Kadaster)",
            "Holiday parks: buurt and number of units.",
            {"holiday_park_id": I64, "buurt": STR, "units": I32},
            "holiday_park_id",
            not_null=("holiday_park_id", "buurt"),
        ),
    ]
}

#: Allowed values of the categorical columns (checked on load).
CATEGORIES: dict[tuple[str, str], frozenset[str]] = {
    ("persons", "sex"): frozenset({"M", "V"}),
    ("persons", "benefit"): frozenset({"geen", "bijstand", "ww", "ao", "aow"}),
    ("households", "kind"): frozenset(
        {"eenpersoons", "zonder_kinderen", "met_kinderen", "eenouder", "institutioneel"}
    ),
    ("addresses", "function"): frozenset(
        {"woon", "winkel", "kantoor", "industrie", "logies", "bijeenkomst", "overig"}
    ),
    ("ownerships", "owner_kind"): frozenset({"persoon", "rechtspersoon", "onbekend", "buitenland"}),
    ("transactions", "buyer_kind"): frozenset(
        {"persoon", "rechtspersoon", "onbekend", "buitenland"}
    ),
    ("businesses", "legal_form"): frozenset(
        {"eenmanszaak", "vof", "bv", "nv", "stichting", "vereniging", "overig"}
    ),
    ("fiu", "status"): frozenset({"ongebruikelijk", "verdacht"}),
}
