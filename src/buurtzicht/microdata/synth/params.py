"""Model assumptions of the synthetic world that the mirror has no real figure for.

Every number here is a stated assumption (docs/microdata.md lists them with their
reasoning); every number that *is* in the mirror comes from
:mod:`buurtzicht.microdata.calibration` or :mod:`buurtzicht.microdata.national`.
"""

from __future__ import annotations

from datetime import date

#: Years whose events (crime, hennep, FIU, care, sales) the analyses report.
ANALYSIS_YEARS: tuple[int, ...] = (2023, 2024)
#: Years of police registrations generated (antecedents look back five years).
CRIME_YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)
#: First day of the 20-year sales history (doorsluiswoningen look back 20 years).
SALES_FROM = date(2005, 1, 1)

# Persons
BENEFIT_RATES = {"bijstand": 0.030, "ww": 0.015, "ao": 0.050}  # of persons 18-66
AOW_AGE = 67
DEBT_RATE = 0.045  # adults with problematic debts (CBS reports ~5-8% of households)
INCOME_SIGMA = 0.6
WEALTH_SIGMA = 1.3
WEALTH_ZERO_SHARE = 0.2
MOVER_SHARE = 0.12  # persons with a previous address since 2019

# Property
PRIVATE_RENTAL_OWNERS = {
    "bv": 0.45,
    "persoon": 0.42,
    "stichting": 0.05,
    "onbekend": 0.04,
    "buitenland": 0.04,
}
LANDLORD_MEAN_DWELLINGS = 3.0
LEGIT_SALES_MEAN = 0.8  # sales per dwelling in 20 years, capped at LEGIT_SALES_MAX
LEGIT_SALES_MAX = 3
FINANCING_INCOME_MULTIPLE = 5  # capacity = household wealth + 5 x household income
UNEXPLAINED_NOISE = 0.01  # legit multi-owners left unexplained (inheritance etc.)

# Planted patterns (rates per person, adult or dwelling of the chunk)
PLANT_UNEXPLAINED_OWNER = 4e-4  # per adult
PLANT_DOORSLUIS = 5e-4  # per owner-occupied or privately rented dwelling
PLANT_ABOVE_CAPACITY = 0.02  # of person purchases in analysis years
PLANT_FOUNDATION = 5e-5  # per person
PLANT_CRIMINAL = 2e-4  # per adult: owns property, directs businesses, undermining record
PLANT_CHURN_ADDRESS = 3e-5  # per person
PLANT_CARE_FRAUD = 6e-5  # per person
MISUSED_PARK_SHARE = 0.06
MIN_MISUSED_PARKS = 2
MIN_HOLIDAY_PARKS = 6
MIN_HENNEP_CLUSTERS = 3

# Hennep, holiday parks, FIU, care
HENNEP_PER_YEAR = 2500  # dismantled plantations nationally per year (Politie order of size)
HENNEP_CLUSTERS_PER_MILLION = 1.0
HENNEP_CLUSTER_PER_YEAR = 4.0  # extra plantations per cluster buurt and year (any scale)
HOLIDAY_PARKS = 1500
FIU_UNUSUAL_PER_YEAR = 2_000_000
FIU_SUSPICIOUS_SHARE = 0.07
PGB_SHARE_OF_CARE_BUSINESSES = 0.4
DECLARATIONS_PER_PROVIDER = 15
