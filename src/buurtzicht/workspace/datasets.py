"""An organisation's own data sets: staged previews, stored versions, their aggregates.

Every read and write names the organisation, and every query filters on it: a data set
of another organisation is "unknown" (its existence is not revealed). A preview is kept
as a staging file in the home folder (never in the database) until its owner stores it;
storing writes the data set and all its aggregates in one transaction, or nothing.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from buurtzicht.workspace.db import WorkspaceDB
from buurtzicht.workspace.errors import WorkspaceError
from buurtzicht.workspace.models import Dataset, DatasetValue, Organisation
from buurtzicht.workspace.uploads.validate import Aggregate, Preview

STAGE_SECONDS = 3600
NAME_MAX = 200


class UnknownDatasetError(WorkspaceError):
    """No such data set for this organisation (also when another organisation has it)."""


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    name: str
    version: int
    current: bool
    filename: str
    rows: int
    key_kind: str
    value_label: str
    created_by: str
    created_at: str
    periods: list[str]


@dataclass(frozen=True)
class Staged:
    token: str
    user: str
    organisation: str
    filename: str
    rows: int
    key_kind: str
    value_label: str
    aggregates: list[Aggregate]


def _stage_dir(home: Path) -> Path:
    return home / "workspace" / "staging"


def stage(home: Path, preview: Preview, user: str, organisation: str) -> str:
    """Keep a valid preview until its owner stores it; its token."""
    if not preview.ok:
        raise WorkspaceError("this upload has problems: nothing can be stored; fix the file")
    folder = _stage_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):  # forget previews nobody stored
        if old.stat().st_mtime < time.time() - STAGE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    document = {
        "user": user,
        "organisation": organisation,
        "filename": preview.filename,
        "rows": preview.rows,
        "key_kind": preview.key_kind,
        "value_label": preview.value_label,
        "aggregates": [asdict(a) for a in preview.aggregates],
    }
    (folder / f"{token}.json").write_text(json.dumps(document), encoding="utf-8")
    return token


def staged(home: Path, token: str, user: str, organisation: str) -> Staged:
    """The staged preview of ``token`` if it belongs to this user and organisation."""
    path = _stage_dir(home) / f"{token}.json"
    if not token.replace("-", "").replace("_", "").isalnum() or not path.is_file():
        raise WorkspaceError("this preview is no longer available: upload the file again")
    document = json.loads(path.read_text(encoding="utf-8"))
    if document["user"] != user or document["organisation"] != organisation:
        raise WorkspaceError("this preview is no longer available: upload the file again")
    return Staged(
        token,
        user,
        organisation,
        document["filename"],
        document["rows"],
        document["key_kind"],
        document["value_label"],
        [Aggregate(**a) for a in document["aggregates"]],
    )


def discard(home: Path, token: str) -> None:
    (_stage_dir(home) / f"{token}.json").unlink(missing_ok=True)


def _organisation_id(session: Session, code: str) -> int:
    found = session.execute(select(Organisation.id).where(Organisation.code == code)).scalar()
    if found is None:
        raise WorkspaceError(f"unknown organisation {code!r}")
    return int(found)


def store(database: WorkspaceDB, upload: Staged, name: str) -> DatasetInfo:
    """Store a staged upload as a new version of data set ``name`` (the previous version
    is kept, no longer current); all aggregates in the same transaction."""
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise WorkspaceError("give the data set a name")
    with database.session() as session:
        organisation_id = _organisation_id(session, upload.organisation)
        same = (Dataset.organisation_id == organisation_id) & (Dataset.name == name)
        version = session.execute(select(func.max(Dataset.version)).where(same)).scalar() or 0
        session.execute(update(Dataset).where(same).values(current=False))
        dataset = Dataset(
            organisation_id=organisation_id,
            name=name,
            version=version + 1,
            current=True,
            filename=upload.filename[:300],
            rows=upload.rows,
            key_kind=upload.key_kind,
            value_label=upload.value_label[:200],
            created_by=upload.user,
        )
        session.add(dataset)
        session.flush()
        session.execute(
            insert(DatasetValue),
            [
                {
                    "dataset_id": dataset.id,
                    "level": a.level,
                    "region": a.region,
                    "period": a.period,
                    "count": a.count,
                    "total": a.total,
                }
                for a in upload.aggregates
            ],
        )
        dataset_id = dataset.id
    return dataset_info(database, upload.organisation, dataset_id)


def _info(dataset: Dataset, periods: list[str]) -> DatasetInfo:
    return DatasetInfo(
        dataset.id,
        dataset.name,
        dataset.version,
        dataset.current,
        dataset.filename,
        dataset.rows,
        dataset.key_kind,
        dataset.value_label,
        dataset.created_by,
        dataset.created_at,
        periods,
    )


def _periods(session: Session, dataset_id: int) -> list[str]:
    rows = session.execute(
        select(DatasetValue.period).where(DatasetValue.dataset_id == dataset_id).distinct()
    ).scalars()
    return sorted(rows)


def datasets(
    database: WorkspaceDB, organisation: str, *, current_only: bool = False
) -> list[DatasetInfo]:
    """The data sets of ``organisation``, newest version first within a name."""
    with database.session() as session:
        query = (
            select(Dataset)
            .join(Organisation, Organisation.id == Dataset.organisation_id)
            .where(Organisation.code == organisation)
            .order_by(Dataset.name, Dataset.version.desc())
        )
        if current_only:
            query = query.where(Dataset.current.is_(True))
        return [_info(d, _periods(session, d.id)) for d in session.execute(query).scalars()]


def _owned(session: Session, organisation: str, dataset_id: int) -> Dataset:
    found = session.execute(
        select(Dataset)
        .join(Organisation, Organisation.id == Dataset.organisation_id)
        .where(Organisation.code == organisation, Dataset.id == dataset_id)
    ).scalar()
    if found is None:
        raise UnknownDatasetError(f"no data set {dataset_id} in your organisation's workspace")
    return found


def dataset_info(database: WorkspaceDB, organisation: str, dataset_id: int) -> DatasetInfo:
    with database.session() as session:
        dataset = _owned(session, organisation, dataset_id)
        return _info(dataset, _periods(session, dataset.id))


def delete_dataset(database: WorkspaceDB, organisation: str, dataset_id: int) -> DatasetInfo:
    """Delete one version; when it was the current one, the newest remaining version of
    the same name becomes current."""
    with database.session() as session:
        dataset = _owned(session, organisation, dataset_id)
        info = _info(dataset, [])
        session.execute(delete(DatasetValue).where(DatasetValue.dataset_id == dataset.id))
        session.delete(dataset)
        session.flush()
        if info.current:
            newest = session.execute(
                select(Dataset)
                .where(
                    Dataset.organisation_id == dataset.organisation_id, Dataset.name == info.name
                )
                .order_by(Dataset.version.desc())
                .limit(1)
            ).scalar()
            if newest is not None:
                newest.current = True
    return info


def values(
    database: WorkspaceDB,
    organisation: str,
    dataset_id: int,
    *,
    level: str | None = None,
    regions: list[str] | None = None,
    period: str | None = None,
) -> list[Aggregate]:
    """Aggregates of one data set of ``organisation``, filtered."""
    with database.session() as session:
        _owned(session, organisation, dataset_id)
        query = select(DatasetValue).where(DatasetValue.dataset_id == dataset_id)
        if level:
            query = query.where(DatasetValue.level == level)
        if regions is not None:
            query = query.where(DatasetValue.region.in_(regions))
        if period:
            query = query.where(DatasetValue.period == period)
        query = query.order_by(DatasetValue.level, DatasetValue.region, DatasetValue.period)
        return [
            Aggregate(v.level, v.region, v.period, v.count, v.total)
            for v in session.execute(query).scalars()
        ]


def current_values(
    database: WorkspaceDB,
    organisation: str,
    regions: Collection[str],
    *,
    level: str | None = None,
) -> list[tuple[DatasetInfo, list[Aggregate]]]:
    """Every current data set of ``organisation`` with its aggregates for ``regions``
    (those with none left out), newest version first within a name. With ``level``, the
    level's aggregates are read and filtered here: a national page shows thousands of
    regions, too many for ``IN``.

    Read per request beside a page, so in one transaction of two queries; the
    ``periods`` of each :class:`DatasetInfo` here are those of the aggregates returned.
    """
    wanted = set(regions)
    with database.session() as session:
        found = list(
            session.execute(
                select(Dataset)
                .join(Organisation, Organisation.id == Dataset.organisation_id)
                .where(Organisation.code == organisation, Dataset.current.is_(True))
                .order_by(Dataset.name, Dataset.version.desc())
            ).scalars()
        )
        if not found or not wanted:
            return []
        v = DatasetValue  # plain rows, not ORM objects: hundreds of them per page
        query = select(v.dataset_id, v.level, v.region, v.period, v.count, v.total).where(
            v.dataset_id.in_([d.id for d in found])
        )
        if level is None:
            query = query.where(v.region.in_(sorted(wanted)))
        else:
            query = query.where(v.level == level)
        query = query.order_by(v.level, v.region, v.period)
        rows: dict[int, list[Aggregate]] = {d.id: [] for d in found}
        for dataset_id, lv, region, period, count, total in session.execute(query):
            if region in wanted:
                rows[dataset_id].append(Aggregate(lv, region, period, count, total))
    return [
        (_info(d, sorted({a.period for a in rows[d.id]})), rows[d.id]) for d in found if rows[d.id]
    ]
