"""Compare two buurtzicht builds: every table, then the answers of the server on both.

A refactoring must not change what a build holds or what the server answers (issue 16,
"behaviour unchanged"). Build the same sources twice, once with the old code and once
with the new (``BUURTZICHT_HOME=/tmp/a buurtzicht build`` on one checkout, ``/tmp/b`` on
the other, the secure release loaded the same way), then::

    python scripts/compare_builds.py /tmp/a /tmp/b

Tables are compared row for row (``EXCEPT ALL`` both ways, so duplicates count) on the
columns both builds have; the build's own identity (``build_info``, ``manifest``: ids,
times, code version) is left out. Then a fixed set of pages, JSON twins and API calls
(regions picked from the build: NL, the largest gemeente, one of its wijken and buurten,
two indicators) is requested from an in-process app on each build and the bodies are
compared after the build id is replaced by a placeholder. Exit 0 when all is identical,
1 when anything differs (each difference printed), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

#: Tables that describe the build itself (its id, times, versions), not its contents.
IDENTITY_TABLES = frozenset({"build_info", "manifest"})
#: Pages, JSON twins and API calls; {gm}, {wk}, {bu} and {ind}/{ind2} come from the build.
URLS = (
    "/",
    "/index.json",
    "/kaart.json?indicator={ind}&niveau=gemeente",
    "/kaart.json?indicator={ind2}&niveau=wijk&binnen={gm}",
    "/ranglijst.json?indicator={ind}&niveau=gemeente",
    "/vergelijk.json?regio={gm}&regio=NL01",
    "/methodologie.json",
    "/gemeente/{gm}",
    "/gemeente/{gm}.json",
    "/wijk/{wk}.json",
    "/buurt/{bu}.json",
    "/gemeente/{gm}/samenvatting.json",
    "/api/themes",
    "/api/indicators",
    "/api/regions/{gm}",
    "/api/regions?q=Rotterdam",
    "/api/profile/{gm}",
    "/api/profile/{bu}",
    "/api/values?indicator={ind}&level=gemeente",
    "/api/values?indicator={ind2}&level=buurt",
    "/api/trends?indicator={ind}&regions={gm}",
    "/api/compare?regions={gm},NL01",
)


@dataclass(frozen=True)
class Difference:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def current_build(home: Path) -> Path:
    """The build file the ``CURRENT`` pointer of ``home``'s warehouse names."""
    from buurtzicht.errors import NoBuildError
    from buurtzicht.warehouse.layout import BuildLayout

    try:
        return BuildLayout(home / "warehouse").current_database()
    except NoBuildError as exc:
        raise SystemExit(f"error: {exc}") from exc


def compare_tables(a: Path, b: Path) -> list[Difference]:
    """Row-for-row differences between the tables of two build files."""
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    conn.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    out: list[Difference] = []
    tables = {
        side: {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
                [side],
            ).fetchall()
        }
        for side in ("a", "b")
    }
    for name in sorted(tables["a"] ^ tables["b"]):
        out.append(Difference(name, f"only in build {'a' if name in tables['a'] else 'b'}"))
    for name in sorted((tables["a"] & tables["b"]) - IDENTITY_TABLES):
        columns = {
            side: [
                row[0]
                for row in conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
                    [side, name],
                ).fetchall()
            ]
            for side in ("a", "b")
        }
        if columns["a"] != columns["b"]:
            out.append(Difference(name, f"columns differ: {columns['a']} vs {columns['b']}"))
        shared = ", ".join(f'"{c}"' for c in columns["a"] if c in columns["b"])
        for left, right in (("a", "b"), ("b", "a")):
            (extra,) = conn.execute(  # type: ignore[misc]
                f'SELECT count(*) FROM (SELECT {shared} FROM {left}."{name}" '
                f'EXCEPT ALL SELECT {shared} FROM {right}."{name}")'
            ).fetchone()
            if extra:
                out.append(Difference(name, f"{extra:,} rows only in build {left}"))
    return out


def sample_urls(build: Path) -> list[str]:
    """The fixed URL set filled with regions and indicators of this build.

    The gemeente is the one with the most inhabitants (else the first code); URLs that
    need a level the build does not have (a small test build has no buurten) are left out.
    """
    conn = duckdb.connect(str(build), read_only=True)

    def first(sql: str, *params: object) -> str | None:
        row = conn.execute(sql, list(params)).fetchone()
        return None if row is None else str(row[0])

    gm = first(
        "SELECT o.region FROM observations o JOIN regions r ON r.code = o.region "
        "WHERE r.level = 'gemeente' AND o.measure = 'kwb.AantalInwoners' "
        "AND o.value IS NOT NULL ORDER BY o.period DESC, o.value DESC LIMIT 1"
    ) or first(
        "SELECT code FROM regions WHERE level = 'gemeente' AND special IS NULL ORDER BY code"
    )
    wk = first("SELECT code FROM regions WHERE level = 'wijk' AND gemeente = ? ORDER BY code", gm)
    bu = first("SELECT code FROM regions WHERE level = 'buurt' AND wijk = ? ORDER BY code", wk)
    indicators = [
        str(r[0])
        for r in conn.execute(
            "SELECT indicator FROM indicator_values GROUP BY indicator "
            "ORDER BY count(*) DESC, indicator LIMIT 2"
        ).fetchall()
    ]
    values = {
        "gm": gm,
        "wk": wk,
        "bu": bu,
        "ind": indicators[0] if indicators else None,
        "ind2": indicators[-1] if indicators else None,
    }
    urls = []
    for url in URLS:
        needed = [key for key in values if "{" + key + "}" in url]
        if all(values[key] is not None for key in needed):
            urls.append(url.format(**{key: values[key] for key in needed}))
    return urls


def responses(home: Path, urls: list[str]) -> dict[str, tuple[int, str]]:
    """Status and body (build id replaced) of every URL, from an app on ``home``."""
    from fastapi.testclient import TestClient

    from buurtzicht.api.app import create_app
    from buurtzicht.config import Settings

    settings = Settings(home=home)
    build_id = current_build(home).name.removesuffix(".duckdb")
    out: dict[str, tuple[int, str]] = {}
    with TestClient(create_app(settings)) as client:
        for url in urls:
            answer = client.get(url)
            out[url] = (answer.status_code, answer.text.replace(build_id, "<build>"))
    return out


def compare_responses(home_a: Path, home_b: Path) -> list[Difference]:
    urls = sample_urls(current_build(home_a))
    a, b = responses(home_a, urls), responses(home_b, urls)
    out = []
    for url in urls:
        if a[url][0] != b[url][0]:
            out.append(Difference(url, f"status {a[url][0]} vs {b[url][0]}"))
        elif a[url][1] != b[url][1]:
            at = next(
                (i for i, (x, y) in enumerate(zip(a[url][1], b[url][1], strict=False)) if x != y),
                min(len(a[url][1]), len(b[url][1])),
            )
            out.append(Difference(url, f"bodies differ from character {at:,}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home_a", type=Path, help="BUURTZICHT_HOME of the first build")
    parser.add_argument("home_b", type=Path, help="BUURTZICHT_HOME of the second build")
    parser.add_argument("--tables-only", action="store_true", help="skip the server answers")
    args = parser.parse_args(argv)
    build_a, build_b = current_build(args.home_a), current_build(args.home_b)
    print(f"a: {build_a}\nb: {build_b}")
    differences = compare_tables(build_a, build_b)
    print(f"tables: {len(differences)} difference(s)")
    if not args.tables_only:
        answers = compare_responses(args.home_a, args.home_b)
        print(f"server answers: {len(answers)} difference(s)")
        differences += answers
    for difference in differences:
        print(f"  {difference}")
    print("identical" if not differences else "DIFFERENT")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
