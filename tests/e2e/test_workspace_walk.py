"""Issue 18's "Done when", walked in Chromium against a real server process: the CLI
adds an analist for a gemeente; the analist logs in, uploads a CSV of addresses with
coordinates, and sees it on the map and on the profile of their gemeente; an analist of
another gemeente and an anonymous visitor do not; the audit log records it all and
``buurtzicht audit-log verify`` passes."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import screenshot, wait_for_map

pytestmark = pytest.mark.browser

PASSWORD = "paarden-nietje-batterij"
NAME = "Meldingen-E2E-KX41"
#: Three addresses in the centre of Amsterdam (WGS84), one row each.
ADDRESSES = [
    "adres;lat;lon;datum;kenmerk",
    "Dam 1;52,37312;4,89267;12-03-2024;M-1",
    "Stationsplein 1;52,37890;4,90030;02-05-2024;M-2",
    "Nieuwmarkt 4;52,37257;4,90060;17-09-2024;M-3",
]


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", *args],
        env={**os.environ, "BUURTZICHT_HOME": str(home), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _log_in(page: Page, username: str) -> None:
    page.goto("/inloggen")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/inloggen'] button[type=submit]")
    page.wait_for_url("**/werkruimte")


def test_done_when(
    page: Page, browser: Browser, base_url: str, e2e_home: Path, tmp_path: Path
) -> None:
    # 1. The CLI adds an analist for Amsterdam (and one for Rotterdam, the outsider).
    for user, gemeente in (("ana@amsterdam.nl", "GM0363"), ("rob@rotterdam.nl", "GM0599")):
        added = _cli(
            e2e_home, "users", "add", user, "--organisation", gemeente, "--password", PASSWORD
        )
        assert added.returncode == 0, added.stderr
        assert f"user {user}: analist of" in added.stdout and gemeente in added.stdout

    # 2. Ana logs in and uploads a CSV of addresses: preview first, then store.
    _log_in(page, "ana@amsterdam.nl")
    upload = tmp_path / "meldingen.csv"
    upload.write_text("\n".join(ADDRESSES) + "\n", encoding="utf-8")
    page.set_input_files("#bestand", str(upload))
    page.click("form[action='/werkruimte/voorbeeld'] button[type=submit]")
    page.wait_for_url("**/werkruimte/voorbeeld")
    assert "Alle rijen zijn in orde" in page.content()
    page.fill("#naam", NAME)
    page.click("form[action='/werkruimte/opslaan'] button[type=submit]")
    page.wait_for_url("**/werkruimte/gegevens/*")
    dataset_url = page.url.removeprefix(base_url)
    dataset_id = dataset_url.rsplit("/", 1)[1]

    # 3. On the map: the data set's own map (buurt level) and the public map page.
    page.goto(f"{dataset_url}?niveau=buurt")
    wait_for_map(page)
    assert page.locator("h1 .badge.own").inner_text() == "eigen gegevens"
    counts = page.locator("#values-table tbody td.num").all_inner_texts()
    assert sum(int(c) for c in counts) == 3  # three rows, placed in their buurten
    screenshot(page, "workspace-own-map")
    page.goto("/kaart?niveau=gemeente")
    wait_for_map(page)
    own = page.locator("#eigen-gegevens")
    assert "eigen gegevens" in own.inner_text() and NAME in own.inner_text()
    assert own.locator("tr", has_text="Amsterdam").locator("td.num").first.inner_text() == "3"

    # ... and on the profile of her gemeente, beside the public figures.
    page.goto("/gemeente/GM0363")
    own = page.locator("#eigen-gegevens")
    assert own.is_visible()
    assert NAME in own.inner_text() and "eigen gegevens" in own.inner_text()
    row = own.locator("tr", has_text="GM0363")
    assert (
        row.locator("td").nth(1).inner_text() == "2024"
        and row.locator("td.num").first.inner_text() == "3"
    )
    assert page.locator(".theme-section").count() > 0  # the public figures are still there
    screenshot(page, "workspace-own-profile")
    profile_json = page.request.get("/gemeente/GM0363.json").json()
    assert profile_json["eigen_gegevens"]["datasets"][0]["name"] == NAME

    # 4. Rob (another gemeente) and an anonymous visitor see none of it, by any route.
    routes = [
        "/gemeente/GM0363",
        "/gemeente/GM0363.json",
        "/kaart?niveau=gemeente",
        "/kaart.json?niveau=buurt&binnen=GM0363",
        "/ranglijst?niveau=gemeente",
        "/vergelijk?regio=GM0363,GM0599",
        "/api/werkruimte/regio/GM0363",
        dataset_url,
        f"{dataset_url}.json",
        f"{dataset_url}/export.csv",
        f"{dataset_url}/export.xlsx",
        "/werkruimte",
    ]
    rob_context = browser.new_context(base_url=base_url)
    anon_context = browser.new_context(base_url=base_url)
    try:
        rob = rob_context.new_page()
        _log_in(rob, "rob@rotterdam.nl")
        anon = anon_context.new_page()
        for who, visitor in (("rob", rob), ("anon", anon)):
            for url in routes:
                answer = visitor.request.get(url, max_redirects=0)
                body = answer.body().decode("utf-8", "replace")
                assert NAME not in body, (who, url, answer.status)
        assert rob.request.get(dataset_url).status == 404
        rob.goto("/gemeente/GM0363")
        assert rob.locator("#eigen-gegevens").count() == 1  # Rob's own (empty) block
        assert NAME not in rob.locator("#eigen-gegevens").inner_text()
        anon.goto("/gemeente/GM0363")
        assert anon.locator("#eigen-gegevens").count() == 0
        anon.goto(dataset_url)
        assert "/inloggen" in anon.url
    finally:
        rob_context.close()
        anon_context.close()

    # 5. The audit log holds all of it, and its chain verifies.
    verified = _cli(e2e_home, "audit-log", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit log verified" in verified.stdout
    exported = tmp_path / "audit.csv"
    assert _cli(e2e_home, "audit-log", "export", str(exported)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    seen = {(r["actor"], r["action"]) for r in rows}
    added = [r for r in rows if r["action"] == "beheer.gebruiker.toegevoegd"]
    assert [r["target"] for r in added] == ["ana@amsterdam.nl", "rob@rotterdam.nl"]
    assert all(r["actor"].startswith("cli:") and r["address"] == "cli" for r in added)
    for expected in (
        ("ana@amsterdam.nl", "login.geslaagd"),
        ("ana@amsterdam.nl", "dataset.bekeken"),
        ("rob@rotterdam.nl", "login.geslaagd"),
    ):
        assert expected in seen, (expected, sorted(seen))
    assert any(
        r["actor"] == "ana@amsterdam.nl"
        and r["action"].startswith("dataset.")
        and dataset_id in r["target"] + r["detail"]
        for r in rows
        if r["action"] != "dataset.bekeken"
    ), "the upload is in the audit log"
    viewed = [
        r for r in rows if r["action"] == "dataset.bekeken" and r["target"] == "/gemeente/GM0363"
    ]
    assert viewed and all(r["actor"] == "ana@amsterdam.nl" for r in viewed)
    assert not [
        r for r in rows if r["actor"] == "rob@rotterdam.nl" and r["action"] == "dataset.bekeken"
    ]
