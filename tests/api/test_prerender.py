"""Pre-rendered answers: rendered once per build and code, replayed byte for byte by every
worker, never replayed for other code or settings, removed with their build."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.answer_store import answers_path
from buurtzicht.api.services import profile as profile_service
from buurtzicht.config import OidcProvider, Settings
from buurtzicht.server import create_app
from buurtzicht.server.answers import answers_tag
from buurtzicht.server.prerender import ensure_prerendered, prerender
from buurtzicht.warehouse.build import BuildInputs, run_build
from buurtzicht.warehouse.layout import BuildLayout
from tests.tiny import tiny_batch

URLS = [
    ("/", None),
    ("/", "en"),
    ("/api/regions/GM0001", None),
    ("/api/profile/GM0002", None),
    ("/api/profile/GM0002?lang=en", None),
    ("/gemeente/GM0001", None),
    ("/gemeente/GM0001", "en"),
]


def _get(client: TestClient, url: str, lang: str | None) -> tuple[int, bytes, dict[str, str]]:
    client.cookies.clear()
    if lang:
        client.cookies.set("lang", lang)
    answer = client.get(url)
    headers = {k: v for k, v in answer.headers.items() if k not in ("date", "content-length")}
    return answer.status_code, answer.content, headers


@pytest.fixture
def prerendered(home: Settings, inputs: BuildInputs) -> Settings:
    run_build(home, lambda _say: inputs)
    done = prerender(home)
    assert done.answers >= len(URLS) and done.path.is_file()
    return home


def test_answers_from_the_store_are_the_ones_the_server_computes(prerendered: Settings) -> None:
    with (
        TestClient(create_app(prerendered)) as stored,
        TestClient(create_app(prerendered, answers=False)) as computed,
    ):
        for url, lang in URLS:
            found = _get(stored, url, lang)
            assert found[0] == 200, url
            assert found == _get(computed, url, lang), url


def test_a_fresh_worker_answers_stored_urls_without_computing_them(
    prerendered: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("profile computed although it was pre-rendered")

    monkeypatch.setattr(profile_service, "profile", broken)
    with TestClient(create_app(prerendered)) as stored:
        assert stored.get("/api/profile/GM0002").status_code == 200
        assert stored.get("/gemeente/GM0001").status_code == 200
        # Junk parameters on a page are not part of the key: the stored page.
        assert stored.get("/gemeente/GM0001?cb=7").status_code == 200
    with TestClient(create_app(prerendered, answers=False), raise_server_exceptions=False) as bare:
        assert bare.get("/api/profile/GM0002").status_code == 500


def test_other_code_or_shown_settings_never_replay_a_store(prerendered: Settings) -> None:
    tag = answers_tag(prerendered)
    knobs = prerendered.model_copy(update={"cache_mb": 8, "request_slots": 2, "warm_up": True})
    assert answers_tag(knobs) == tag  # how the server runs, not what it answers
    login = {"GM0001": OidcProvider(issuer="https://login.example.nl", client_id="bz")}
    assert answers_tag(prerendered.model_copy(update={"oidc": login})) != tag
    layout = BuildLayout(prerendered.warehouse_dir)
    build_id = layout.current_id() or ""
    assert answers_path(layout, build_id, tag).is_file()
    assert ensure_prerendered(prerendered) is None  # present: nothing to do


def test_a_new_build_is_rendered_anew_and_pruning_removes_the_old_store(
    prerendered: Settings, inputs: BuildInputs
) -> None:
    layout = BuildLayout(prerendered.warehouse_dir)
    first = layout.current_id() or ""
    tag = answers_tag(prerendered)
    run_build(prerendered, lambda _say: dataclasses.replace(inputs, batches=[tiny_batch(99.0)]))
    assert not answers_path(layout, layout.current_id() or "", tag).is_file()
    with TestClient(create_app(prerendered)) as client:  # the old build's store is not used
        profile = client.get("/api/profile/GM0001").json()
    values = [c["figure"]["value"] for t in profile["themes"] for c in t["cards"]]
    assert 99.0 in values
    assert ensure_prerendered(prerendered) is not None
    assert layout.prune(keep=1) == [first]
    assert not answers_path(layout, first, tag).exists()
    assert answers_path(layout, layout.current_id() or "", tag).is_file()
