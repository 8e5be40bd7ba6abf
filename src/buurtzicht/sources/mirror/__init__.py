"""Load the offline mirror of real Dutch open data into regions and observations.

The warehouse build calls two functions::

    regions = load_regions(mirror)      # RegionsResult: .frame, .files, .notes
    batches = load_datasets(mirror)     # one Batch per mirrored dataset

``DATASETS`` lists the datasets (name, title, loader, description). Every file read
is recorded as a ``SourceFile`` with its sha256; docs/sources.md describes each
dataset, its quirks and the checks the loaders make.
"""

from buurtzicht.sources.mirror.region_rows import RegionsResult
from buurtzicht.sources.mirror.regions import load_regions
from buurtzicht.sources.mirror.registry import DATASETS, Dataset, dataset, load_datasets

__all__ = ["DATASETS", "Dataset", "RegionsResult", "dataset", "load_datasets", "load_regions"]
