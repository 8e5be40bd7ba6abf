"""SBI 2008 codes used by the synthetic world and the analyses.

``MONEY_LAUNDERING_SENSITIVE`` is the documented list of branches that the
*Bedrijvigheid* theme counts as money-laundering sensitive (witwasgevoelig), after the
branches named in RIEC/LIEC and FIU-Nederland typologies: car trade and rental,
hospitality (restaurants, snack bars, cafés), hair and beauty salons, trade in and
letting of real estate and brokers, gambling, road haulage, and phone/shops for
telecom. ``CARE_PREFIXES`` are the SBI divisions of health and welfare care (86-88).
"""

from __future__ import annotations

#: SBI codes per KWB business section (the sections of 85984NED), with weights.
SECTION_SBI: dict[int, tuple[tuple[str, float], ...]] = {
    0: (("01110", 0.3), ("01130", 0.3), ("01500", 0.4)),
    1: (
        ("10710", 0.1),
        ("25620", 0.15),
        ("35110", 0.05),
        ("41200", 0.3),
        ("43221", 0.2),
        ("43341", 0.2),
    ),
    2: (
        ("45111", 0.08),
        ("46900", 0.2),
        ("47110", 0.07),
        ("47421", 0.03),
        ("47710", 0.2),
        ("55101", 0.05),
        ("56101", 0.18),
        ("56102", 0.1),
        ("56300", 0.09),
    ),
    3: (("49410", 0.35), ("53200", 0.2), ("58190", 0.1), ("62010", 0.35)),
    4: (
        ("64191", 0.05),
        ("66190", 0.15),
        ("68100", 0.2),
        ("68202", 0.2),
        ("68203", 0.2),
        ("68311", 0.2),
    ),
    5: (
        ("69101", 0.15),
        ("70221", 0.35),
        ("73110", 0.15),
        ("77110", 0.05),
        ("81210", 0.2),
        ("82110", 0.1),
    ),
    6: (
        ("84111", 0.03),
        ("85310", 0.17),
        ("86211", 0.15),
        ("86912", 0.2),
        ("87301", 0.1),
        ("88101", 0.25),
        ("88993", 0.1),
    ),
    7: (
        ("90011", 0.15),
        ("92000", 0.02),
        ("93130", 0.13),
        ("94991", 0.2),
        ("96021", 0.3),
        ("96022", 0.2),
    ),
}

#: Housing corporations (woningcorporaties): excluded from "property of foundations".
HOUSING_CORPORATION = "68201"
#: Letting of dwellings by others than corporations.
LETTING = "68202"
#: Foundations with an ideal purpose (the usual SBI of a property-holding stichting).
IDEAL_FOUNDATION = "94991"

MONEY_LAUNDERING_SENSITIVE: frozenset[str] = frozenset(
    {
        "45111",  # handel in en reparatie van personenauto's
        "77110",  # verhuur van personenauto's
        "56101",  # restaurants
        "56102",  # fastfoodrestaurants, cafetaria's
        "56300",  # cafés
        "96021",  # kappers
        "96022",  # schoonheidsverzorging (nagelstudio's)
        "68100",  # handel in eigen onroerend goed
        "68203",  # verhuur van overige onroerende zaken
        "68311",  # bemiddeling bij handel in onroerend goed
        "92000",  # loterijen en kansspelen
        "49410",  # goederenvervoer over de weg
        "47421",  # winkels in telecommunicatieapparatuur (belwinkels)
    }
)
CARE_PREFIXES: tuple[str, ...] = ("86", "87", "88")
