"""The methodology page states the disclosure audit of the loaded release in plain words,
with the figures of the build's own audit note (not figures written into the page)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.warehouse.audit_note import audit_note
from buurtzicht.warehouse.build import run_build
from tests.tiny import tiny_batch, tiny_inputs

#: As the audit of the scale-1.0 buurt release (c51e982, 6 December 2026) reported it.
AUDIT = {
    "cells": 1_073_078,
    "checked_intervals": 571_804,
    "linear_programs": 179_754,
    "unprotected": 0,
    "public_hidden": 0,
    "zeros_given_away": 166,
    "seconds": 368.6,
}


def _methodology(tmp_path: Path, audit: dict[str, float], lang: str) -> str:
    note = audit_note({"audited": True, "audit": audit, "generated_at": "2026-12-06T23:30:00Z"})
    inputs = tiny_inputs(tmp_path)
    secure = dataclasses.replace(tiny_batch(), name="secure", notes=[note])
    settings = Settings(home=tmp_path / "var", mirror=None)
    run_build(settings, lambda _say: dataclasses.replace(inputs, batches=[*inputs.batches, secure]))
    with TestClient(create_app(settings)) as client:
        html = client.get(f"/methodologie?lang={lang}").text
    found = re.search(r'<ul class="audit-figures">(.*?)</ul>', html, re.S)
    assert found is not None, "the audit's figures are missing from the methodology page"
    return found.group(1)


@pytest.mark.parametrize(
    ("lang", "says", "alarm"),
    [
        (
            "nl",
            "166 cellen staan als “.” terwijl hun waarde 0 al volgt uit een gepubliceerde 0 "
            "erboven (bijvoorbeeld een buurt in een wijk met 0). Dat onthult niets extra’s",
            "verraadt",
        ),
        (
            "en",
            "166 cells shown as “.” whose value 0 already follows from a published 0 above "
            "them (for example a buurt in a wijk with 0). Nothing extra is revealed",
            "gives away",
        ),
    ],
)
def test_zeros_that_follow_from_a_published_zero_read_as_what_they_are(
    tmp_path: Path, lang: str, says: str, alarm: str
) -> None:
    figures = _methodology(tmp_path, AUDIT, lang)
    assert says in figures
    assert alarm not in figures
    assert ("1.073.078" if lang == "nl" else "1,073,078") in figures


def test_no_line_on_such_zeros_when_there_are_none(tmp_path: Path) -> None:
    figures = _methodology(tmp_path, {**AUDIT, "zeros_given_away": 0}, "nl")
    assert "1.073.078 cellen gecontroleerd" in figures
    assert "gepubliceerde 0" not in figures
