"""Turn a chunk's local arrays into the entity tables of :mod:`buurtzicht.microdata.schema`."""

from __future__ import annotations

from typing import Any

import numpy as np

from buurtzicht.microdata.synth.business import Businesses
from buurtzicht.microdata.synth.common import NULL
from buurtzicht.microdata.synth.population import Chunk, household_kinds
from buurtzicht.microdata.synth.property import KINDS, History

Columns = dict[str, Any]


def ids_or_null(ids: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Global ids for local indices; NULL where the index is -1."""
    local = np.asarray(local, dtype=np.int64)
    if len(ids) == 0:
        return np.full(len(local), NULL, dtype=np.int64)
    return np.where(local >= 0, ids[np.maximum(local, 0)], NULL)


def household_columns(chunk: Chunk) -> Columns:
    size, kind = household_kinds(chunk)
    keep = size > 0
    return {"household_id": chunk.household_id[keep], "kind": kind[keep], "size": size[keep]}


def ownership_columns(
    chunk: Chunk, history: History, business_ids: np.ndarray, first_id: int
) -> Columns:
    n = len(history.own_address)
    return {
        "ownership_id": first_id + np.arange(n, dtype=np.int64),
        "address_id": chunk.address_id[history.own_address],
        "owner_kind": KINDS[history.own_kind],
        "owner_person_id": ids_or_null(chunk.person_id, history.own_person),
        "owner_business_id": ids_or_null(business_ids, history.own_business),
        "start_date": history.own_start,
        "end_date": history.own_end,
    }


def transaction_columns(
    chunk: Chunk, history: History, business_ids: np.ndarray, first_id: int
) -> Columns:
    row = history.tx_row
    prev = row - 1
    return {
        "transaction_id": first_id + np.arange(len(row), dtype=np.int64),
        "address_id": chunk.address_id[history.own_address[row]],
        "date": history.own_start[row],
        "price": history.tx_price,
        "buyer_kind": KINDS[history.own_kind[row]],
        "buyer_person_id": ids_or_null(chunk.person_id, history.own_person[row]),
        "buyer_business_id": ids_or_null(business_ids, history.own_business[row]),
        "seller_kind": KINDS[history.own_kind[prev]],
        "seller_person_id": ids_or_null(chunk.person_id, history.own_person[prev]),
        "seller_business_id": ids_or_null(business_ids, history.own_business[prev]),
    }


def business_columns(chunk: Chunk, out: Businesses, business_ids: np.ndarray) -> Columns:
    return {
        "business_id": business_ids,
        "sbi": out.concat("sbi"),
        "address_id": chunk.address_id[out.concat("address").astype(np.int64)],
        "legal_form": out.concat("form"),
        "start_date": out.concat("start").astype(np.int64),
        "end_date": out.concat("end").astype(np.int64),
    }


def director_columns(
    chunk: Chunk, out: Businesses, business_ids: np.ndarray, first_id: int
) -> Columns:
    if out.directors:
        business = np.concatenate([b for b, _ in out.directors])
        person = np.concatenate([p for _, p in out.directors])
    else:
        business = person = np.empty(0, dtype=np.int64)
    form = out.concat("form")
    board = (
        np.isin(form[business], ["stichting", "vereniging"]) if len(business) else np.empty(0, bool)
    )
    return {
        "directorship_id": first_id + np.arange(len(business), dtype=np.int64),
        "business_id": business_ids[business],
        "person_id": chunk.person_id[person],
        "role": np.where(board, "bestuurslid", "bestuurder").astype(object),
        "start_date": out.concat("start").astype(np.int64)[business] if len(business) else business,
        "end_date": out.concat("end").astype(np.int64)[business] if len(business) else business,
    }
