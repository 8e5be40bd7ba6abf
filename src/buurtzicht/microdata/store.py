"""Where the secure side keeps its files, and how it writes them atomically.

Layout under ``Settings().home / "secure"``::

    secure/
      microdata/<entity>/part-0000.parquet   one dataset per entity (schema.ENTITIES)
      microdata/world.json                    seed, scale, synthetic flag, calibration log
      planted/                                planted truth: no analysis reads it
      aggregates.parquet                      secure aggregates (input of disclosure control)
      aggregates.json                         synthetic flag, totals spec, denominators
      flows.parquet                           residence x place of offence of drug suspects
      profile.json                            learnt profile of young drug suspects

A write goes to a temporary sibling folder, is validated, and only then replaces the
old folder with two renames: a failure leaves the previous version in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from buurtzicht.config import Settings


def secure_dir(settings: Settings | None = None) -> Path:
    return (settings or Settings()).home / "secure"


def microdata_dir(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "microdata"


def planted_dir(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "planted"


def aggregates_path(settings: Settings | None = None) -> Path:
    return secure_dir(settings) / "aggregates.parquet"


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder that replaces ``target`` when the block succeeds.

    On any exception the temporary folder is removed and ``target`` is untouched.

    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> with atomic_dir(base / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("x")
    >>> (base / "out" / "a.txt").read_text()
    'x'
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def atomic_file(target: Path) -> Path:
    """A temporary path beside ``target``; ``os.replace(tmp, target)`` publishes it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"


def write_all(targets: dict[Path, Callable[[Path], None]]) -> None:
    """Write every target through its writer to a temporary sibling, then rename them all.

    All or nothing for the files of one output: when a writer fails, every temporary
    file is removed and no target has changed.
    """
    temps: dict[Path, Path] = {}
    try:
        for target, writer in targets.items():
            temps[target] = atomic_file(target)
            writer(temps[target])
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    for target, tmp in temps.items():
        os.replace(tmp, target)


def write_json(path: Path, payload: object) -> None:
    tmp = atomic_file(path)
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)
