"""A member's *eigen gegevens* block is kept per process while the datasets epoch stays
the same: a new version or a deletion through another worker shows on the next page,
every view is still audited, and a kept block costs no query of own data."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import event

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.workspace import audit
from tests.workspace.files import csv_bytes
from tests.workspace.helpers import log_in, seed, upload

PAGE = "/gemeente/GM0363"


def _data(value: str) -> bytes:
    return csv_bytes(["regiocode;jaar;waarde", f"GM0363;2023;{value}"])


def _views(database) -> int:
    return len(audit.entries(database, audit.AuditFilter(action="dataset.bekeken"), limit=0))


def test_data_changed_by_another_worker_shows_at_once(own_settings: Settings, database) -> None:
    seed(database)
    # Two apps on one database: two workers, each with its own handle and caches.
    with (
        TestClient(create_app(own_settings)) as first,
        TestClient(create_app(own_settings)) as second,
    ):
        csrf = log_in(first, "ana")
        log_in(second, "ana")
        old = upload(first, csrf, "a.csv", _data("111111"), "Meldingen")
        assert old is not None
        assert "111.111" in second.get(PAGE).text
        engine = second.app.state.workspace.database().engine  # type: ignore[attr-defined]
        seen: list[str] = []
        record = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert "111.111" in second.get(PAGE).text  # kept: no query of own data
        finally:
            event.remove(engine, "before_cursor_execute", record)
        asked = [s for s in seen if "audit_log" not in s]
        assert len(asked) == 2 and all("change_epochs" in s for s in asked), asked

        new = upload(first, csrf, "b.csv", _data("222222"), "Meldingen")  # a new version
        page = second.get(PAGE).text
        assert "222.222" in page and "111.111" not in page
        assert first.post(f"/werkruimte/gegevens/{new}/verwijderen", data={"csrf": csrf})
        page = second.get(PAGE).text  # the previous version is current again
        assert "111.111" in page and "222.222" not in page
        first.post(f"/werkruimte/gegevens/{old}/verwijderen", data={"csrf": csrf})
        page = second.get(PAGE).text
        assert "111.111" not in page and "222.222" not in page
    # Every page that showed own figures was audited, kept block or not (4 views).
    assert _views(database) == 4
    audit.verify(database)
