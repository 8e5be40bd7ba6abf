"""The planted truth of a synthetic world: written beside the microdata, never read by analyses.

``<home>/secure/planted/<pattern>.parquet`` holds the ids (and for hidden plantations
the date) of every planted case; see docs/microdata.md, "Planted patterns".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from buurtzicht.microdata.store import write_json
from buurtzicht.microdata.synth import crime, population
from buurtzicht.microdata.synth import property as ownership
from buurtzicht.microdata.synth.common import Ids


class TruthLog:
    """Planted truth collected per chunk (global ids), written apart from the microdata."""

    def __init__(self) -> None:
        self.ids: dict[str, list[np.ndarray]] = {}
        self.rows: dict[str, list[pd.DataFrame]] = {}

    def add_rows(self, pattern: str, columns: dict[str, np.ndarray]) -> None:
        """Truth with more than an id per row (e.g. a hidden plantation and its date)."""
        self.rows.setdefault(pattern, []).append(pd.DataFrame(columns))

    def add(self, pattern: str, values: np.ndarray) -> None:
        self.ids.setdefault(pattern, []).append(np.asarray(values, dtype=np.int64))

    def write(
        self, folder: Path, cluster: np.ndarray, buurten: pd.DataFrame, parks: pd.DataFrame
    ) -> dict[str, int]:
        counts = {}
        for pattern, frames in sorted(self.rows.items()):
            frame = pd.concat(frames, ignore_index=True).sort_values(list(frames[0].columns))
            frame.to_parquet(folder / f"{pattern}.parquet", index=False)
            counts[pattern] = len(frame)
        for pattern, parts in sorted(self.ids.items()):
            values = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
            pd.DataFrame({"id": values}).to_parquet(folder / f"{pattern}.parquet", index=False)
            counts[pattern] = len(values)
        pd.DataFrame({"buurt": buurten["buurt"].to_numpy()[cluster]}).to_parquet(
            folder / "hennep_cluster_buurten.parquet", index=False
        )
        parks[parks["misused"]][["holiday_park_id", "buurt"]].to_parquet(
            folder / "misused_parks.parquet", index=False
        )
        write_json(
            folder / "risk_factors.json",
            {"suspects": crime.RISK, "young_drug_suspects": crime.YOUTH_DRUG_RISK},
        )
        counts["hennep_cluster_buurten"] = int(cluster.sum())
        counts["misused_parks"] = int(parks["misused"].sum())
        return counts


def log_truth(
    truth: TruthLog,
    chunk: population.Chunk,
    business_ids: np.ndarray,
    planted: dict[str, np.ndarray],
    history: ownership.History,
    above: np.ndarray,
    special: dict[str, np.ndarray],
    ids: Ids,
) -> None:
    truth.add("unexplained_owners", chunk.person_id[planted["unexplained_person"]])
    truth.add("unexplained_addresses", chunk.address_id[planted["unexplained_address"]])
    truth.add("criminal_persons", chunk.person_id[np.flatnonzero(chunk.criminal)])
    truth.add("criminal_addresses", chunk.address_id[planted["criminal_address"]])
    truth.add("foundation_addresses", chunk.address_id[planted["foundation_address"]])
    truth.add("planted_foundations", business_ids[special["planted_foundation"]])
    truth.add("foundation_board_members", chunk.person_id[special["board"]])
    truth.add("doorsluiswoningen", chunk.address_id[history.doorsluis])
    first_tx = ids.next["transactions"] - len(history.tx_row)
    truth.add("above_capacity_transactions", first_tx + above)
    truth.add("churn_addresses", chunk.address_id[special["churn_address"]])
    truth.add("care_fraud_providers", special["care_provider_ids"][special["care_planted"]])


def log_hidden(
    truth: TruthLog,
    chunk: population.Chunk,
    business_ids: np.ndarray,
    planted: dict[str, np.ndarray],
    history: ownership.History,
    hennep: dict[str, np.ndarray],
    special: dict[str, np.ndarray],
) -> None:
    """Hidden cases (:mod:`.hidden`): in the truth only, never in the microdata."""
    truth.add("hidden_doorsluiswoningen", chunk.address_id[history.doorsluis_hidden])
    truth.add("hidden_onverklaarbaar_bezit", chunk.address_id[planted["hidden_address"]])
    truth.add("witwas_vestigingen", business_ids[special["laundering"]])
    truth.add("hidden_witwas_vestigingen", business_ids[special["laundering_hidden"]])
    truth.add_rows(
        "hidden_hennep",
        {
            "id": chunk.address_id[hennep["hidden_address"]],
            "date": hennep["hidden_date"].astype("datetime64[D]"),
        },
    )
