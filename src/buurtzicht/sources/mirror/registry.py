"""The datasets of the offline mirror and the function that loads them all."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from buurtzicht.errors import ConfigurationError
from buurtzicht.sources.base import Batch
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.gebieden_data import load_gebieden
from buurtzicht.sources.mirror.misdrijven import load_misdrijven
from buurtzicht.sources.mirror.regions import RegionsResult


@dataclass(frozen=True)
class Dataset:
    """One mirrored dataset: ``buurtzicht info`` lists these."""

    name: str
    title: str
    loader: Callable[[MirrorContext], Batch]
    description: str


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "gebieden",
        "Gebieden in Nederland 2018-2024 (CBS)",
        load_gebieden,
        "Inwonertal, omgevingsadressendichtheid, stedelijkheid and gemeentegrootte per "
        "gemeente; the same tables give the region hierarchy.",
    ),
    Dataset(
        "misdrijven",
        "Geregistreerde criminaliteit, totaal per regio 2010-2024 (CBS 83648NED)",
        load_misdrijven,
        "Registered and cleared-up crimes, per 1 000 inhabitants and suspects for NL, "
        "landsdelen, provincies, politie-eenheden and every gemeente of each year.",
    ),
)


def dataset(name: str) -> Dataset:
    """The dataset called ``name``, or a :class:`ConfigurationError` listing the names."""
    for candidate in DATASETS:
        if candidate.name == name:
            return candidate
    names = ", ".join(d.name for d in DATASETS)
    raise ConfigurationError(f"unknown mirror dataset {name!r}; known datasets: {names}")


def load_datasets(
    mirror: Path,
    *,
    names: Sequence[str] | None = None,
    regions: RegionsResult | None = None,
) -> list[Batch]:
    """Load every mirrored dataset (or those in ``names``), one :class:`Batch` each.

    ``regions`` may be passed when the caller already loaded them with
    :func:`~buurtzicht.sources.mirror.load_regions`; otherwise they are loaded here,
    because several datasets map region names to codes. Each batch's notes end with
    the time its loader took.
    """
    ctx = MirrorContext(mirror)
    ctx.regions = regions
    selected = [dataset(n) for n in names] if names is not None else list(DATASETS)
    batches = []
    for entry in selected:
        started = time.perf_counter()
        batch = entry.loader(ctx)
        batch.notes.append(f"loaded in {time.perf_counter() - started:.2f} s")
        batches.append(batch)
    return batches
