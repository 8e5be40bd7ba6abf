"""National stages: collect per-chunk arrays, then crime, suspects, FIU and parks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from buurtzicht.microdata import sbi
from buurtzicht.microdata.national import NationalVolumes
from buurtzicht.microdata.synth import crime
from buurtzicht.microdata.synth.business import Businesses
from buurtzicht.microdata.synth.common import NULL, Ids, PartWriter
from buurtzicht.microdata.synth.population import Chunk, on_benefit

PART_ROWS = 2_000_000


class NationBuilder:
    """Accumulates the few columns per person, address and business the national stages need."""

    def __init__(self, buurten: pd.DataFrame, parks: pd.DataFrame) -> None:
        self.buurten = buurten
        self.parks = parks
        codes = np.array(sorted(buurten["gemeente"].unique()), dtype=object)
        self.gm_index = {c: i for i, c in enumerate(codes)}
        self.buurt_gemeente = buurten["gemeente"].map(self.gm_index).to_numpy()
        self.parts: dict[str, list[np.ndarray]] = {}
        self.persons_per_buurt = np.zeros(len(buurten))
        self.businesses_per_buurt = np.zeros(len(buurten))

    def _add(self, name: str, values: np.ndarray) -> None:
        self.parts.setdefault(name, []).append(values)

    def add(
        self,
        chunk: Chunk,
        global_index: np.ndarray,
        business_ids: np.ndarray,
        out: Businesses,
        special: dict[str, np.ndarray],
    ) -> None:
        h = len(chunk.household_id)
        member = chunk.household

        def any_in_household(flag: np.ndarray) -> np.ndarray:
            return (np.bincount(member, weights=flag, minlength=h) > 0)[member]

        income = np.bincount(member, weights=chunk.income, minlength=h)[member]
        self._add("person_id", chunk.person_id)
        self._add("gemeente", self.buurt_gemeente[global_index[chunk.p_buurt]])
        self._add("age", chunk.age)
        self._add("male", chunk.male)
        self._add("hh_benefits", any_in_household(on_benefit(chunk.benefit)))
        self._add("hh_debts", any_in_household(chunk.debts))
        self._add("hh_low_income", income < 25_000)
        self._add("hh_criminal", any_in_household(chunk.criminal))
        self._add("criminal", chunk.criminal)
        self._add("income", chunk.income)
        self._add("household", chunk.household_id[member])
        self._add("address_id", chunk.address_id)
        self._add("address_buurt", global_index[chunk.a_buurt])
        self._add("address_park", chunk.park)
        n_buurten = len(self.persons_per_buurt)
        self.persons_per_buurt += np.bincount(global_index[chunk.p_buurt], minlength=n_buurten)
        b_addr = out.concat("address").astype(np.int64)
        self.businesses_per_buurt += np.bincount(
            global_index[chunk.a_buurt[b_addr]], minlength=n_buurten
        )
        sensitive = np.isin(out.concat("sbi"), list(sbi.MONEY_LAUNDERING_SENSITIVE))
        weight = 1.0 + 3.0 * sensitive
        flagged = np.concatenate(
            [special["care_business"][special["care_planted"]], special["planted_foundation"]]
        )
        weight[flagged] = 100.0
        weight[special["laundering"]] = 100.0  # registered laundering draws FIU reports
        self._add("business_id", business_ids)
        self._add("business_weight", weight)

    def build(self) -> crime.Nation:
        cat = {k: np.concatenate(v) for k, v in self.parts.items()}
        order = np.argsort(cat["address_buurt"], kind="stable")
        urban = crime.URBAN[self.buurten["stedelijkheid"].round().clip(1, 5).astype(int).to_numpy()]
        weight = self.persons_per_buurt * urban + 0.5 * self.businesses_per_buurt
        return crime.Nation(
            person_id=cat["person_id"],
            gemeente=cat["gemeente"],
            age=cat["age"],
            male=cat["male"],
            hh_benefits=cat["hh_benefits"],
            hh_debts=cat["hh_debts"],
            hh_low_income=cat["hh_low_income"],
            hh_criminal=cat["hh_criminal"],
            criminal=cat["criminal"],
            income=cat["income"],
            household=cat["household"],
            buurt_codes=self.buurten["buurt"].to_numpy(),
            buurt_gemeente=self.buurt_gemeente,
            buurt_weight=np.maximum(weight, 0.0),
            address_id=cat["address_id"][order],
            address_buurt=cat["address_buurt"][order],
            address_park=cat["address_park"][order],
            parks=self.parks,
            business_id=cat["business_id"],
            business_weight=cat["business_weight"],
        )


def write_national(
    nation: crime.Nation,
    volumes: NationalVolumes,
    scale: float,
    rng: np.random.Generator,
    writer: PartWriter,
    ids: Ids,
    parks: pd.DataFrame,
) -> None:
    """Incidents, suspects (incl. the planted criminals' records), FIU, holiday parks."""
    incidents = crime.make_incidents(nation, volumes, scale, rng)
    forced_inc, forced_person = crime.forced_records(nation, rng)
    offset = len(incidents)
    incidents = pd.concat([incidents, forced_inc], ignore_index=True)
    forced = pd.DataFrame(
        {
            "person": forced_person["person"].to_numpy(),
            "incident": offset + np.arange(len(forced_inc)),
        }
    )
    suspects = crime.make_suspects(
        nation, incidents, volumes, scale, rng, forced["person"].to_numpy()
    )
    suspects = pd.concat([suspects, forced], ignore_index=True).drop_duplicates()
    incident_ids = ids.take("incidents", len(incidents)) + np.arange(len(incidents), dtype=np.int64)
    address = incidents["address"].to_numpy().astype(np.int64)
    for lo in range(0, len(incidents), PART_ROWS):
        sl = slice(lo, lo + PART_ROWS)
        writer.write(
            "incidents",
            {
                "incident_id": incident_ids[sl],
                "offence_code": incidents["code"].to_numpy()[sl],
                "date": incidents["date"].to_numpy().astype(np.int64)[sl],
                "buurt": nation.buurt_codes[incidents["buurt"].to_numpy().astype(np.int64)[sl]],
                "address_id": np.where(
                    address[sl] >= 0, nation.address_id[np.maximum(address[sl], 0)], NULL
                ),
            },
        )
    writer.write(
        "suspects",
        {
            "suspect_id": ids.take("suspects", len(suspects))
            + np.arange(len(suspects), dtype=np.int64),
            "person_id": nation.person_id[suspects["person"].to_numpy()],
            "incident_id": incident_ids[suspects["incident"].to_numpy()],
        },
    )
    fiu = crime.make_fiu(nation, scale, rng)
    fiu_ids = ids.take("fiu", len(fiu)) + np.arange(len(fiu), dtype=np.int64)
    for lo in range(0, len(fiu), PART_ROWS):
        part = fiu.iloc[lo : lo + PART_ROWS]
        person, business = part["person"].to_numpy(), part["business"].to_numpy()
        writer.write(
            "fiu",
            {
                "fiu_id": fiu_ids[lo : lo + PART_ROWS],
                "date": part["date"].to_numpy(),
                "amount": part["amount"].to_numpy(),
                "status": np.where(
                    part["suspicious"].to_numpy(), "verdacht", "ongebruikelijk"
                ).astype(object),
                "person_id": np.where(person >= 0, nation.person_id[np.maximum(person, 0)], NULL),
                "business_id": np.where(
                    business >= 0, nation.business_id[np.maximum(business, 0)], NULL
                ),
            },
        )
    writer.write(
        "holiday_parks",
        {
            "holiday_park_id": parks["holiday_park_id"].to_numpy(),
            "buurt": parks["buurt"].to_numpy().astype(object),
            "units": parks["units"].to_numpy(),
        },
    )
