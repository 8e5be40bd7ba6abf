"""``publish``: what is written, and what the warehouse refuses to read."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.disclosure.rules import get_rule_set
from buurtzicht.errors import ConfigurationError
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.secure.publish import publish
from buurtzicht.secure.published import (
    PublicationError,
    published_path,
    read_published,
    report_path,
    secure_batch,
)
from buurtzicht.secure.release import release_from_catalog
from buurtzicht.sources.base import sha256_of

from .handmade import TOTALS, write_secure_folder


@pytest.fixture
def published(home: Settings) -> Settings:
    write_secure_folder(home)
    publish(home)
    return home


def test_publish_writes_protected_observations_and_a_report(published: Settings) -> None:
    path = published_path(published)
    frame = pd.read_parquet(path)
    report = json.loads(report_path(path.parent).read_text())
    assert report["published"]["sha256"] == sha256_of(path)
    assert report["synthetic"] and report["source"] == "synthetic:1:0.5"
    hidden = frame[frame["status"] == "suppressed"]
    assert len(hidden) == report["published"]["suppressed"] > 0
    assert hidden["value"].isna().all() and hidden["reason"].notna().all()
    assert set(frame["status"]) <= {"ok", "rounded", "suppressed"}
    rounded = frame[frame["status"] == "rounded"]
    catalog = default_catalog()
    base = rounded["measure"].map(
        lambda m: get_rule_set(catalog.measures[m].disclosure_rule).rounding.base
    )
    assert (rounded["value"].to_numpy(float) % base.to_numpy(float) == 0).all()
    assert set(frame["measure"]) == set(default_catalog().measures)
    assert (frame["source"] == "synthetic:1:0.5").all()
    assert report["context"]["hierarchy"] == "region codes"  # no build in this home
    assert {t["table"] for t in report["tables"]} >= {"basis.woningen", "drugs.registraties"}


def test_nothing_but_the_release_leaves(published: Settings) -> None:
    """Only catalog measures, and no secure-side detail (units, top contributions)."""
    frame = pd.read_parquet(published_path(published))
    assert set(frame.columns) == {
        "measure", "region", "period", "indeling", "value", "status", "source", "reason"
    }  # fmt: skip


def test_amounts_are_rounded_to_thousands(published: Settings) -> None:
    frame = pd.read_parquet(published_path(published))
    amounts = frame[(frame["measure"] == "secure.fiu.verdacht_bedrag") & frame["value"].notna()]
    assert len(amounts) and (amounts["value"] % 1000 == 0).all()


def test_the_build_reads_a_verified_batch_labelled_synthetic(published: Settings) -> None:
    release = read_published(published_path(published))
    batch = secure_batch(release, default_catalog())
    assert batch.name == "secure" and len(batch.observations) == len(release.frame)
    measure = next(m for m in batch.measures if m.id == "secure.vastgoed.doorsluiswoningen")
    assert measure.title == "Doorsluiswoningen" and "synthetic" in measure.flags
    assert measure.source_version == "synthetic:1:0.5"
    assert {f.table for f in batch.files} == {"secure.published", "secure.published.report"}


def test_a_file_without_its_report_is_refused(published: Settings) -> None:
    report_path(published_path(published).parent).unlink()
    with pytest.raises(PublicationError, match="no disclosure report"):
        read_published(published_path(published))


def test_a_changed_file_is_refused(published: Settings) -> None:
    path = published_path(published)
    frame = pd.read_parquet(path)
    frame.loc[frame["status"] == "suppressed", "value"] = 3.0
    frame.to_parquet(path, index=False)
    with pytest.raises(PublicationError, match="does not match its disclosure report"):
        read_published(path)


def test_a_suppressed_value_is_refused_even_with_a_forged_checksum(published: Settings) -> None:
    path = published_path(published)
    frame = pd.read_parquet(path)
    first = frame.index[frame["status"] == "suppressed"][0]
    frame.loc[first, "value"] = 3.0
    frame.to_parquet(path, index=False)
    report_file = report_path(path.parent)
    report = json.loads(report_file.read_text())
    report["published"]["sha256"] = sha256_of(path)
    report_file.write_text(json.dumps(report))
    with pytest.raises(PublicationError, match="suppressed carry a value"):
        read_published(path)


def test_a_failed_publication_leaves_the_previous_release(
    published: Settings, tmp_path: Path
) -> None:
    before = sha256_of(published_path(published))
    broken = pd.read_parquet(published_path(published).parent / "aggregates.parquet")
    broken.loc[broken["region"] == "NL01", "value"] += 1  # NL01 no longer adds up
    broken.to_parquet(published_path(published).parent / "aggregates.parquet", index=False)
    with pytest.raises(Exception, match=r"add up|sum"):
        publish(published)
    assert sha256_of(published_path(published)) == before
    assert not list(published_path(published).parent.glob(".published*tmp*"))


def test_a_table_is_published_whole_or_not_at_all() -> None:
    catalog = default_catalog()
    totals = {**TOTALS, "secure.basis.woningen": [*TOTALS["secure.basis.woningen"], "secure.x.y"]}
    with pytest.raises(ConfigurationError, match=r"published only in part: secure\.x\.y"):
        release_from_catalog(catalog, totals, list(catalog.measures))
    release = release_from_catalog(catalog, TOTALS, list(catalog.measures))
    assert release.rule_names["secure.fiu.verdacht_bedrag"] == "amounts"
    assert release.rule_names["secure.basis.woningen"] == "public"
    woningen = next(t for t in release.spec.tables if t.total == "secure.basis.woningen")
    assert woningen.rules == "default"  # the confidential owner classes


def test_public_margins_are_published_everywhere_and_utility_is_reported(
    published: Settings,
) -> None:
    frame = pd.read_parquet(published_path(published))
    margins = frame[
        frame["measure"].isin(
            ["secure.basis.woningen", "secure.basis.inwoners", "secure.basis.bedrijfsvestigingen"]
        )
    ]
    assert len(margins) and margins["value"].notna().all()
    woningen = margins[margins["measure"] == "secure.basis.woningen"]
    assert woningen["status"].eq("ok").all()  # exact, as the BAG publishes it
    inwoners = margins[margins["measure"] == "secure.basis.inwoners"]
    assert (inwoners["value"] % 5 == 0).all()  # rounded to 5, as the KWB does
    report = json.loads(report_path(published_path(published).parent).read_text())
    utility = pd.DataFrame(report["utility"])
    assert set(utility["level"]) <= {"land", "gemeente", "wijk", "buurt"}
    assert (
        utility["cells"] == utility["published"] + utility["primary"] + utility["secondary"]
    ).all()
    public = utility[utility["measure"] == "secure.basis.woningen"]
    assert (public["published_share"] == 1.0).all()
    hidden = frame["status"].eq("suppressed")
    assert utility["primary"].sum() + utility["secondary"].sum() == hidden.sum()


def test_an_audited_release_carries_the_audit_figures(home: Settings) -> None:
    write_secure_folder(home)
    result = publish(home, check=True)
    audit = result.document["audit"]
    assert result.document["audited"] is True
    assert audit["unprotected"] == audit["public_hidden"] == audit["zeros_given_away"] == 0
    assert audit["cells"] > 0 and audit["checked_intervals"] > 0 and audit["seconds"] >= 0
    report = json.loads(report_path(published_path(home).parent).read_text())
    assert report["audit"]["tables"] == audit["tables"]
    # The audit checked protection's certificates itself and used the valid ones.
    assert audit["certificates_checked"] > 0 and audit["certificates_rejected"] == 0
    assert audit["proven_by_certificates"] > 0
    assert audit["proven_by_certificates"] + audit["proven_by_programs"] > 0
    # They stay on the secure side, beside the published file (never loaded).
    proofs = pd.read_parquet(published_path(home).parent / "certificates.parquet")
    assert proofs["certificate"].nunique() == report["certificates"]["certificates"]
    assert set(proofs["region"]) <= set(result.published["region"])
