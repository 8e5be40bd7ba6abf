"""Isolation: every route of the app, asked by a member of organisation A, by a member
of another organisation covering the same gemeente, and anonymously, never answers
with organisation B's own data (or, anonymously, anyone's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from tests.workspace.files import csv_bytes
from tests.workspace.helpers import log_in, seed, upload
from tests.workspace.routes import all_routes

#: Markers that appear in a response only if it carries that organisation's data.
AMSTERDAM = ("GEHEIM-AMSTERDAM-Q7", "424242", "424.242")
ROTTERDAM = ("GEHEIM-ROTTERDAM-Z9", "737373", "737.373")
SKIP = {"/static"}  # files of the package itself
PRIVATE = ("/werkruimte", "/api/werkruimte", "/beheer", "/account")


@pytest.fixture
def clients(own_settings: Settings, database) -> Iterator[dict[str, object]]:
    seed(database)
    app = create_app(own_settings)
    with (
        TestClient(app) as ana,
        TestClient(app) as rob,
        TestClient(app) as ria,
        TestClient(app) as anon,
    ):
        ana_csrf, rob_csrf = log_in(ana, "ana"), log_in(rob, "rob")
        log_in(ria, "ria")
        ids = {
            "ana": upload(
                ana,
                ana_csrf,
                "a.csv",
                csv_bytes(["regiocode;jaar;waarde", "GM0363;2023;424242,5", "BU0363AA01;2023;0"]),
                AMSTERDAM[0],
            ),
            "rob": upload(
                rob,
                rob_csrf,
                "r.csv",
                csv_bytes(["regiocode;jaar;waarde", "GM0599;2023;737373,25", "WK059901;2023;0"]),
                ROTTERDAM[0],
            ),
        }
        assert ids["ana"] and ids["rob"]
        yield {
            "app": app,
            "ana": ana,
            "rob": rob,
            "ria": ria,
            "anon": anon,
            "ids": ids,
            "csrf": {"ana": ana_csrf, "rob": rob_csrf},
        }


#: Public pages that show a member's own figures beside the public ones, with queries
#: that put both organisations' regions on them.
PUBLIC_WITH_OWN = [
    "/gemeente/GM0599",
    "/gemeente/GM0599.json",
    "/wijk/WK059901",
    "/vergelijk?regio=GM0599,GM0363",
    "/vergelijk.json?regio=GM0599,GM0363",
    "/ranglijst?niveau=gemeente",
    "/ranglijst.json?niveau=gemeente",
    "/ranglijst?niveau=wijk&binnen=GM0599",
    "/kaart?niveau=gemeente",
    "/kaart.json?niveau=gemeente",
    "/kaart?niveau=wijk&binnen=GM0599",
]


def _urls(app, ids: dict[str, int | None]) -> list[str]:
    """Every GET route with its path parameters filled in: B's data set, B's regions."""
    values = {
        "code": ["GM0599", "WK059901", "GM0363", "BU0363AA01"],
        "name": [
            "GM0599",
            "GM0599.json",
            "WK059901",
            "BU0363AA01.json",
            str(ids["rob"]),
            f"{ids['rob']}.json",
        ],
        "dataset_id": [str(ids["rob"]), str(ids["ana"])],
        "suffix": ["csv", "xlsx"],
        "extension": ["csv", "xlsx"],
        "indicator_id": ["misdrijven.TotaalGeregistreerdeMisdrijven"],
        "level": ["gemeente", "buurt"],
        "year": ["2024"],
        "z": ["7"],
        "x": ["65"],
        "y": ["42"],
        "username": ["rob"],
        "theme": ["veiligheid"],
        "composite": ["veiligheidsindex"],
        "organisation": ["GM0599", "GM0363"],
    }
    urls = []
    for route in all_routes(app):
        if "GET" not in route.methods or route.path in SKIP:
            continue
        paths = [route.path]
        while any("{" in p for p in paths):
            expanded = []
            for path in paths:
                name = path[path.index("{") + 1 : path.index("}")]
                assert name in values, (
                    f"isolation test does not know path parameter {name!r} ({route.path})"
                )
                expanded += [path.replace("{" + name + "}", v, 1) for v in values[name]]
            paths = expanded
        urls += paths
    return urls


def _leaks(body: str, markers: tuple[str, ...]) -> list[str]:
    return [m for m in markers if m in body]


def test_no_route_gives_another_organisations_data(clients) -> None:
    ids = clients["ids"]
    urls = _urls(clients["app"], ids)
    urls += [f"/werkruimte/gegevens/{ids['rob']}?niveau=wijk", "/api/werkruimte/regio/WK059901"]
    urls += PUBLIC_WITH_OWN
    assert len(urls) > 60
    problems = []
    for url in urls:
        for who, forbidden in (
            ("ana", ROTTERDAM),
            ("ria", AMSTERDAM + ROTTERDAM),
            ("anon", AMSTERDAM + ROTTERDAM),
        ):
            answer = clients[who].get(url, follow_redirects=False)
            leaked = _leaks(answer.text, forbidden)
            if leaked:
                problems.append(f"{who} GET {url} -> {answer.status_code} holds {leaked}")
            private_route = url.startswith(PRIVATE)
            if who == "anon" and private_route and answer.status_code not in (303, 401):
                problems.append(f"anonymous GET {url} -> {answer.status_code}, not 303/401")
    assert not problems, "\n".join(problems)


def test_each_organisation_does_see_its_own_data(clients) -> None:
    """The control: the markers are there for the owner (so the test above can fail)."""
    ids = clients["ids"]
    rob = clients["rob"]
    assert _leaks(rob.get(f"/werkruimte/gegevens/{ids['rob']}").text, ROTTERDAM[:1])
    own = rob.get("/api/werkruimte/regio/GM0599").json()
    assert [d["name"] for d in own["datasets"]] == [ROTTERDAM[0]]
    assert own["datasets"][0]["values"] == [{"period": "2023", "count": 2, "total": 737373.25}]
    assert "737373" in rob.get(f"/werkruimte/gegevens/{ids['rob']}/export.csv").text.replace(
        ",", ""
    )
    assert clients["ana"].get("/api/werkruimte/regio/GM0599").json()["datasets"] == []
    assert clients["ana"].get(f"/werkruimte/gegevens/{ids['rob']}").status_code == 404


def test_no_one_deletes_another_organisations_data(clients) -> None:
    ids = clients["ids"]
    ana = clients["ana"]
    answer = ana.post(
        f"/werkruimte/gegevens/{ids['rob']}/verwijderen", data={"csrf": clients["csrf"]["ana"]}
    )
    assert answer.status_code == 404
    assert clients["rob"].get(f"/werkruimte/gegevens/{ids['rob']}").status_code == 200
    anonymous = clients["anon"].post(
        f"/werkruimte/gegevens/{ids['rob']}/verwijderen", data={"csrf": "x"}
    )
    assert anonymous.status_code == 401


def test_own_figures_beside_the_public_ones_for_members(clients) -> None:
    """Profile, compare, ranking and map pages carry the member's own figures, labelled
    and private; the JSON twins too."""
    rob = clients["rob"]
    for url in PUBLIC_WITH_OWN:
        answer = rob.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == "no-store, private", url
        if ".json" in url:
            block = answer.json()["eigen_gegevens"]
            assert block["label"] == "eigen gegevens" and block["organisation"] == "GM0599"
            assert [d["name"] for d in block["datasets"]] == [ROTTERDAM[0]], url
        else:
            assert "eigen gegevens" in answer.text and ROTTERDAM[0] in answer.text, url
    profile = rob.get("/gemeente/GM0599.json").json()["eigen_gegevens"]["datasets"][0]
    rows = {(r["code"], r["period"]): (r["count"], r["total"]) for r in profile["rows"]}
    # GM0599 itself (both rows: the wijk row counts for its gemeente too) and the wijk.
    assert rows == {("GM0599", "2023"): (2, 737373.25), ("WK059901", "2023"): (1, 0.0)}
    assert "737.373,25" in rob.get("/gemeente/GM0599").text
    compared = rob.get("/vergelijk.json?regio=GM0599,GM0363").json()["eigen_gegevens"]
    assert [r["code"] for r in compared["datasets"][0]["rows"]] == ["GM0599"]
    ranked = rob.get("/ranglijst.json?niveau=gemeente").json()["eigen_gegevens"]
    assert [(r["code"], r["level"]) for r in ranked["datasets"][0]["rows"]] == [
        ("GM0599", "gemeente")
    ]
    mapped = rob.get("/kaart.json?niveau=wijk&binnen=GM0599").json()["eigen_gegevens"]
    assert [r["code"] for r in mapped["datasets"][0]["rows"]] == ["WK059901"]
    # Anonymous: the public page, no block at all.
    anonymous = clients["anon"].get("/gemeente/GM0599.json")
    assert "eigen_gegevens" not in anonymous.json()
    assert "no-store" not in anonymous.headers.get("cache-control", "")


def test_views_of_own_figures_are_audited(clients, database) -> None:
    from buurtzicht.workspace import audit

    before = len(audit.entries(database, audit.AuditFilter(action="dataset.bekeken"), limit=0))
    clients["rob"].get("/gemeente/GM0599")
    clients["rob"].get("/kaart.json?niveau=wijk&binnen=GM0599")
    clients["ana"].get("/gemeente/GM0599")  # nothing of Amsterdam's shown: not a view
    seen = audit.entries(database, audit.AuditFilter(action="dataset.bekeken"), limit=0)
    assert len(seen) == before + 2
    latest, previous = seen[0], seen[1]
    assert (latest.actor, latest.organisation, latest.target) == ("rob", "GM0599", "/kaart.json")
    assert '"via": "kaart"' in latest.detail and '"WK059901"' in latest.detail
    assert (previous.target, previous.actor) == ("/gemeente/GM0599", "rob")
    assert f'"datasets": [{clients["ids"]["rob"]}]' in previous.detail
    assert audit.verify(database).entries == len(
        audit.entries(database, audit.AuditFilter(), limit=0)
    )


def test_personal_pages_never_reach_a_shared_cache(clients) -> None:
    """Once the owner has seen the pages, the same URLs asked by others (anonymous, the
    other organisation) hold none of it, and no cache of the build holds its bytes."""
    rob = clients["rob"]
    urls = [*PUBLIC_WITH_OWN, "/api/werkruimte/regio/GM0599"]
    for url in urls:
        assert ROTTERDAM[0] in rob.get(url).text, url
    for who in ("anon", "ana", "ria"):
        for url in urls:
            assert not _leaks(clients[who].get(url).text, ROTTERDAM), (who, url)
    snapshot = clients["app"].state.warehouse.snapshot()
    cached = list(snapshot.cache._items.values())
    assert cached, "the public pages were cached"
    assert not [value for value in cached if ROTTERDAM[0] in repr(value)]


def test_a_member_page_is_the_cached_public_page_plus_the_block(clients, monkeypatch) -> None:
    """A member's page is the public page of the build's page cache, byte for byte, with
    only the *eigen gegevens* block added: once the public pages are cached, a member's
    request reads nothing of the build (every read fails here) and renders only the block."""
    import json
    import re

    from buurtzicht.api.warehouse import Snapshot

    anon, rob = clients["anon"], clients["rob"]
    public = {url: anon.get(url) for url in PUBLIC_WITH_OWN}
    assert all(answer.status_code == 200 for answer in public.values())

    def no_build_reads(*_args, **_kwargs):
        raise AssertionError("a member's page re-built the public page")

    monkeypatch.setattr(Snapshot, "read", no_build_reads)
    block = re.compile(r'<section class="own-figures".*?</section>', re.S)
    for url, anonymous in public.items():
        member = rob.get(url)  # gzip: the public parts compressed once, the block per request
        plain = rob.get(url, headers={"accept-encoding": "identity"})
        assert member.headers["content-encoding"] == "gzip", url
        assert "content-encoding" not in plain.headers and plain.text == member.text, url
        assert member.status_code == 200, url
        assert member.headers["cache-control"] == "no-store, private", url
        if ".json" in url:
            mine = member.json()
            assert mine.pop("eigen_gegevens")["datasets"][0]["name"] == ROTTERDAM[0]
            assert mine == json.loads(anonymous.text), url
        else:
            assert len(block.findall(member.text)) == 1 and ROTTERDAM[0] in member.text, url
            assert block.sub("", member.text) == anonymous.text.replace("<!--own-figures-->", "")
