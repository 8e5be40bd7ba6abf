"""The server's cache: bounded in bytes, keyed only on what a route accepts, and the
request slots that shed overload with 503 + Retry-After (on a real server)."""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.cache import ByteCache, weigh
from buurtzicht.api.response_cache import Stored
from buurtzicht.config import Settings
from buurtzicht.server import create_app
from tests.serve import running_server


def test_byte_cache_stays_within_its_budget_and_drops_the_least_recent() -> None:
    cache = ByteCache(4 * 2**20)
    for n in range(40):
        cache.put(("page", n), b"x" * 2**19)  # 0.5 MB each, 20 MB in all
        assert cache.bytes <= 4 * 2**20
    kept = [n for n in range(40) if cache.peek(("page", n)) is not None]
    assert kept == list(range(33, 40))  # 7 x (0.5 MB + overhead) fit in 4 MB
    cache.peek(("page", 33))  # used again: now the most recent
    cache.put(("page", 40), b"y" * 2**19)
    assert cache.peek(("page", 33)) is not None and cache.peek(("page", 34)) is None


def test_byte_cache_keeps_no_single_value_above_a_quarter_of_the_budget() -> None:
    cache = ByteCache(4 * 2**20)
    cache.put("small", b"s" * 1000)
    assert cache.get_or_compute("huge", lambda: b"h" * 2**20 * 2) == b"h" * 2**21
    assert cache.peek("huge") is None and cache.peek("small") == b"s" * 1000


def test_byte_cache_remembers_none_answers() -> None:
    cache = ByteCache(2**20)
    calls = []
    for _ in range(3):
        assert cache.get_or_compute("nothing", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_weigh_counts_what_a_cached_answer_holds() -> None:
    stored = Stored(((b"content-type", b"text/html"),), b"a" * 5000, b"b" * 700, b'"e"')
    assert 5700 <= weigh(stored) <= 6500  # the bodies plus bookkeeping
    assert weigh({"k": [b"x" * 100, "y" * 100]}) >= 200


@pytest.fixture
def small_client(small_settings: Settings) -> TestClient:
    settings = small_settings.model_copy(update={"cache_mb": 64})
    return TestClient(create_app(settings))


def _answers(client: TestClient) -> ByteCache:
    return client.app.state.warehouse.snapshot().cache  # type: ignore[attr-defined,no-any-return]


def _stored_keys(cache: ByteCache) -> list[tuple[object, ...]]:
    return [k for k in list(cache._items) if isinstance(k, tuple) and k[0] == "answer"]


def test_junk_parameters_neither_bypass_nor_grow_the_page_cache(small_client: TestClient) -> None:
    with small_client as client:
        first = client.get("/gemeente/GM0363")
        assert first.status_code == 200
        cache = _answers(client)
        before = (len(cache), cache.bytes)
        for n in range(50):
            again = client.get(f"/gemeente/GM0363?cb={n}&x{n}=1")
            assert again.status_code == 200 and again.content == first.content
        assert (len(cache), cache.bytes) == before
        assert [k for k in _stored_keys(cache) if k[1] == "/gemeente/GM0363"] == [
            ("answer", "/gemeente/GM0363", (), "nl")
        ]


def test_api_keys_on_accepted_parameters_and_refuses_unknown_ones(
    small_client: TestClient,
) -> None:
    with small_client as client:
        url = "/api/values?indicator=opgehelderd_pct&level=gemeente"
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200  # from the cache
        for junk in ("&cb=1", "&lang=xx", "&Indicator=x"):
            answer = client.get(url + junk)
            assert answer.status_code == 422, junk
        english = client.get(url + "&lang=en")
        assert english.status_code == 200
        keys = {k for k in _stored_keys(_answers(client)) if k[1] == "/api/values"}
        params = (("indicator", "opgehelderd_pct"), ("level", "gemeente"))
        assert keys == {
            ("answer", "/api/values", params, "nl"),
            ("answer", "/api/values", params, "en"),
        }


def test_cached_answers_are_the_routes_answers(small_client: TestClient) -> None:
    with small_client as client:
        for url in ("/api/profile/GM0363", "/gemeente/GM0363.json", "/", "/api/build"):
            fresh = client.get(url)
            cached = client.get(url)
            gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
            assert fresh.status_code == cached.status_code == 200
            assert fresh.content == cached.content == gzipped.content
            assert cached.headers["etag"] == fresh.headers["etag"]
            assert (
                client.get(url, headers={"If-None-Match": cached.headers["etag"]}).status_code
                == 304
            )
            assert "content-security-policy" in cached.headers


def test_answers_that_set_cookies_are_not_kept(small_client: TestClient) -> None:
    with small_client as client:
        toggled = client.get("/gemeente/GM0363?lang=en")
        assert "lang=en" in toggled.headers.get("set-cookie", "")
        # The route keeps the public English page (the key says "en"), never the cookie.
        cache = _answers(client)
        kept = [k for k in _stored_keys(cache) if k[1] == "/gemeente/GM0363"]
        assert kept == [("answer", "/gemeente/GM0363", (), "en")]
        assert b"set-cookie" not in dict(cache.peek(kept[0]).headers)
        # The language cookie now chooses the English page, stored apart from Dutch.
        assert (
            'lang="en"' in client.get("/gemeente/GM0363").text
            or 'lang="en"' in client.get("/gemeente/GM0363").text
        )
        client.cookies.set("lang", "nl")
        assert 'lang="nl"' in client.get("/gemeente/GM0363").text


def test_memory_stays_within_the_budget_under_cache_busting(small_settings: Settings) -> None:
    """Distinct real URLs (every region, both languages) against a 1 MB budget."""
    settings = small_settings.model_copy(update={"cache_mb": 1})
    with TestClient(create_app(settings)) as client:
        codes = [c["code"] for c in client.get("/api/regions?q=a").json()]
        codes += [r["code"] for r in client.get("/api/regions/GM0363").json()["children"]]
        assert len(codes) > 20
        for code in codes:
            for lang in ("nl", "en"):
                client.get(f"/api/regions/{code}?lang={lang}")
                client.get(f"/api/profile/{code}?lang={lang}")
        cache = _answers(client)
        assert cache.bytes <= 2**20
        assert len(_stored_keys(cache)) > 3


def test_overload_is_shed_with_503_and_retry_after(small_settings: Settings) -> None:
    """One slot, no queue: of many concurrent uncached requests some are refused at
    once with 503 + Retry-After; cached answers and static files are never refused."""
    env = {"BUURTZICHT_REQUEST_SLOTS": "1", "BUURTZICHT_QUEUE_MAX": "0"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with running_server(small_settings.home, "--workers", "1") as url:
            regions = httpx.get(url + "/api/regions/GM0363").json()["children"]
            paths = [f"/api/profile/{r['code']}" for r in regions][:24]
            assert len(paths) >= 12
            answers: list[httpx.Response] = []

            def fetch(path: str) -> None:
                answers.append(httpx.get(url + path, timeout=30))

            threads = [threading.Thread(target=fetch, args=(p,)) for p in paths]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            busy = [a for a in answers if a.status_code == 503]
            assert busy, [a.status_code for a in answers]
            assert {a.status_code for a in answers} <= {200, 503}
            for answer in busy:
                assert int(answer.headers["retry-after"]) >= 1
                assert answer.json()["error"]["status"] == 503
            assert httpx.get(url + "/api/build").status_code == 200
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_a_slow_answer_times_out_with_503(small_settings: Settings) -> None:
    """An answer that has not started within the time limit is a 503 (its work goes on
    and keeps the slot until it ends)."""
    settings = small_settings.model_copy(
        update={"request_timeout": 1.0, "request_slots": 1, "queue_wait": 0.1}
    )
    app = create_app(settings)

    @app.get("/api/slow")
    def slow() -> dict[str, str]:
        time.sleep(2.5)
        return {"done": "late"}

    with TestClient(app) as client:
        # Warm one answer (on a loaded machine its first computation may itself be late).
        assert any(client.get("/api/build").status_code == 200 for _ in range(10))
        answer = client.get("/api/slow")
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "1"
        assert "longer than 1 s" in answer.json()["error"]["detail"]
        assert client.get("/api/build").status_code == 200  # cached: never waits
