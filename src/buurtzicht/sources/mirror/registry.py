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
from buurtzicht.sources.mirror.kwb import load_kwb
from buurtzicht.sources.mirror.misdrijven import load_misdrijven
from buurtzicht.sources.mirror.misdrijven_wb import load_misdrijven_wb
from buurtzicht.sources.mirror.politie_data import load_politie_misdrijven, load_politie_overlast
from buurtzicht.sources.mirror.region_rows import RegionsResult
from buurtzicht.sources.mirror.veiligheidsmonitor import load_veiligheidsmonitor
from buurtzicht.sources.mirror.verdachten import load_verdachten


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
    Dataset(
        "kwb",
        "Kerncijfers wijken en buurten 2024 (CBS 85984NED) and KWB per gemeente 2012-2023",
        load_kwb,
        "All published 85984NED variables for NL + 172 gemeenten with wijken and buurten "
        "(truncated dump), 8 variables for all 342 gemeenten and 3,393 wijken, a buurt "
        "subset (13,817) and buurt population (14,574); KWB attributes of the gemeente "
        "maps 2012-2024.",
    ),
    Dataset(
        "politie_misdrijven",
        "Geregistreerde misdrijven per soort (Politie 47018NED)",
        load_politie_misdrijven,
        "The 59 crime types with definitions (also as table crime_types), national "
        "series 2012-2023, the first table rows (NL, Aa en Hunze 2012-2024) and 13 types "
        "per gemeente 2012-2024 (third-party sums, checked; failures flagged suspicious).",
    ),
    Dataset(
        "politie_overlast",
        "Registraties overlast per soort, nationaal (Politie)",
        load_politie_overlast,
        "National nuisance registrations (verward persoon, jeugd, alcohol/drugs, ...) 2012-2023.",
    ),
    Dataset(
        "misdrijven_wb",
        "Geregistreerde misdrijven per wijk en buurt 2018 (CBS 84468NED), truncated",
        load_misdrijven_wb,
        "20 crime counts and 5 rates per 1,000 inhabitants for the 209 gemeenten, 1,811 "
        "wijken and 7,980 buurten in the first 10,000 rows (indeling 2018).",
    ),
    Dataset(
        "veiligheidsmonitor",
        "Veiligheidsmonitor 2021 en 2023 (CBS 85146NED)",
        load_veiligheidsmonitor,
        "224 survey indicators with 95% margins for NL, landsdelen, provincies, "
        "politie-eenheden and the gemeenten the survey covers (indeling 2023).",
    ),
    Dataset(
        "verdachten",
        "Verdachten van misdrijven, nationaal 1999-2022 (CBS 81947NED)",
        load_verdachten,
        "Suspects per crime group, counts and per 10,000 inhabitants, both series.",
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
