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
two indicators, and errors: 404, 405 and 422 in Dutch and English, as pages and as
JSON) is requested from an in-process app on each build and the status, headers (but
``date``; between two builds also the ETag and length, which follow the build id) and
bodies are compared after the build id is replaced by a placeholder.

Between two builds, doubles (table columns, numbers in JSON answers) are compared to 12
significant digits and the load times in ``datasets.notes`` are masked: DuckDB sums in
parallel threads, so the last bits of an aggregate differ between two builds of the
same code (17081507.0 vs 17081507.000000004), and a load takes as long as it takes;
``--exact`` compares them as they are. Exit
0 when all is identical, 1 when anything differs (each difference printed), 2 on bad
arguments.

The same answers compare two versions of the code on one build: save them with the old
code, then compare with the new (``--app`` names the app factory, for code from before
``buurtzicht.server``)::

    python scripts/compare_builds.py /tmp/a --save-answers before.json \
        --app buurtzicht.api.app:create_app              # on the old checkout
    python scripts/compare_builds.py /tmp/a --answers-against before.json
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

#: Tables that describe the build itself (its id, times, versions), not its contents.
IDENTITY_TABLES = frozenset({"build_info", "manifest"})
#: Significant digits doubles are compared to (tables and JSON answers; ``--exact``:
#: all). DuckDB sums in parallel threads, so the last bits of an aggregate differ
#: between two builds of the same code: 17081507.0 and 17081507.000000004.
DIGITS = 12
#: Text that says how long a step took (``datasets.notes``: "loaded in 2.77 s").
TIMING = r"loaded in [0-9.]+ s"
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
    # Errors, as a page and as JSON, in both languages.
    "/bestaat-niet",
    "/bestaat-niet?lang=en",
    "/bestaat-niet.json",
    "/api/bestaat-niet",
    "/gemeente/GM9999",
    "/gemeente/GM9999?lang=en",
    "/gemeente/GM9999.json",
    "/api/regions/GM9999",
    "POST /gemeente/{gm}",
    "POST /gemeente/{gm}?lang=en",
    "POST /api/regions/{gm}",
    "/kaart?indicator={ind}&niveau=provincie",
    "/kaart?indicator={ind}&niveau=provincie&lang=en",
    "/kaart.json?indicator={ind}&niveau=provincie",
    "/api/values?indicator={ind}&level=provincie",
    "/api/values?indicator={ind}&level=provincie&lang=en",
    "POST /api/regions/{gm}?lang=en",
    "/api/profile/{gm}?onbekend=1",
)
#: Headers that differ between two builds of the same sources (the build id is in the
#: body the ETag hashes, and ids differ in length).
BUILD_BOUND_HEADERS = frozenset({"etag", "content-length"})
#: The app the answers come from (``--app``).
DEFAULT_APP = "buurtzicht.server:create_app"


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


def _column(name: str, data_type: str, *, exact: bool, json_text: bool = False) -> str:
    """A column as compared: doubles to :data:`DIGITS` digits (also inside JSON text),
    timings masked."""
    if exact:
        return f'"{name}"'
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return f"printf('%.{DIGITS}g', \"{name}\")"
    if json_text:
        return f'normalised_json("{name}")'
    if data_type == "VARCHAR":
        return f"regexp_replace(\"{name}\", '{TIMING}', 'loaded in <t> s', 'g')"
    return f'"{name}"'


def compare_tables(a: Path, b: Path, *, exact: bool = False) -> list[Difference]:
    """Row-for-row differences between the tables of two build files."""
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    conn.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    conn.create_function(
        "normalised_json", lambda text: text and _normalised(text), [str], str,
        null_handling="special",
    )  # fmt: skip
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
        types = {
            side: dict(
                conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
                    [side, name],
                ).fetchall()
            )
            for side in ("a", "b")
        }
        columns = {side: list(types[side]) for side in ("a", "b")}
        if columns["a"] != columns["b"]:
            out.append(Difference(name, f"columns differ: {columns['a']} vs {columns['b']}"))
        shared = ", ".join(
            _column(
                c,
                types["a"][c],
                exact=exact,
                json_text=types["a"][c] == "VARCHAR" and _holds_json(conn, name, c),
            )
            for c in columns["a"]
            if c in columns["b"]
        )
        for left, right in (("a", "b"), ("b", "a")):
            (extra,) = conn.execute(  # type: ignore[misc]
                f'SELECT count(*) FROM (SELECT {shared} FROM {left}."{name}" '
                f'EXCEPT ALL SELECT {shared} FROM {right}."{name}")'
            ).fetchone()
            if extra:
                out.append(Difference(name, f"{extra:,} rows only in build {left}"))
    return out


def _holds_json(conn: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether a text column holds JSON documents (their doubles vary like a column's)."""
    row = conn.execute(
        f'SELECT count(*) FROM (SELECT "{column}" AS v FROM a."{table}" LIMIT 100) '
        "WHERE regexp_matches(v, '^\\s*[\\[{]')"
    ).fetchone()
    return bool(row and row[0])


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


#: One answer: status, headers (sorted, ``date`` left out), body; the build id replaced.
Answer = tuple[int, list[tuple[str, str]], str]


def app_factory(spec: str) -> Callable[..., object]:
    """``module:function`` -> the function (the app factory to request the URLs from)."""
    module, _, name = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"error: --app {spec!r}: {exc}") from exc
    return factory  # type: ignore[no-any-return]


def responses(home: Path, urls: list[str], app: str = DEFAULT_APP) -> dict[str, Answer]:
    """Status, headers and body (build id replaced) of every URL, from an app on ``home``.

    A URL may start with a method (``POST /api/...``); the default is GET.
    """
    from fastapi.testclient import TestClient

    from buurtzicht.config import Settings

    settings = Settings(home=home)
    build_id = current_build(home).name.removesuffix(".duckdb")
    out: dict[str, Answer] = {}
    with TestClient(app_factory(app)(settings)) as client:  # type: ignore[arg-type]
        for url in urls:
            method, _, path = url.rpartition(" ")
            answer = client.request(method or "GET", path)
            headers = sorted(
                (name, value.replace(build_id, "<build>"))
                for name, value in answer.headers.multi_items()
                if name != "date"
            )
            out[url] = (answer.status_code, headers, answer.text.replace(build_id, "<build>"))
    return out


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _normalised(body: str) -> str:
    """A JSON body with its doubles to :data:`DIGITS` digits (others as they are)."""
    try:
        return json.dumps(_rounded(json.loads(body)), ensure_ascii=False)
    except ValueError:
        return body


def compare_answers(
    a: dict[str, Answer],
    b: dict[str, Answer],
    *,
    ignore: frozenset[str] = frozenset(),
    exact: bool = True,
) -> list[Difference]:
    """Differences in status, headers (but those in ``ignore``) and body, per URL; with
    ``exact=False`` JSON doubles to :data:`DIGITS` significant digits."""
    a, b = _without(a, ignore), _without(b, ignore)
    if not exact:
        a = {
            url: (status, headers, _normalised(body)) for url, (status, headers, body) in a.items()
        }
        b = {
            url: (status, headers, _normalised(body)) for url, (status, headers, body) in b.items()
        }
    out = []
    for url in sorted(a.keys() ^ b.keys()):
        out.append(Difference(url, f"asked only of {'a' if url in a else 'b'}"))
    for url in [u for u in a if u in b]:
        (status_a, headers_a, body_a), (status_b, headers_b, body_b) = a[url], b[url]
        if status_a != status_b:
            out.append(Difference(url, f"status {status_a} vs {status_b}"))
        elif headers_a != headers_b:
            changed = sorted(set(map(tuple, headers_a)) ^ set(map(tuple, headers_b)))
            out.append(Difference(url, f"headers differ: {changed}"))
        elif body_a != body_b:
            at = next(
                (i for i, (x, y) in enumerate(zip(body_a, body_b, strict=False)) if x != y),
                min(len(body_a), len(body_b)),
            )
            out.append(Difference(url, f"bodies differ from character {at:,}"))
    return out


def _without(answers: dict[str, Answer], ignore: frozenset[str]) -> dict[str, Answer]:
    return {
        url: (status, [(n, v) for n, v in headers if n not in ignore], body)
        for url, (status, headers, body) in answers.items()
    }


def compare_responses(home_a: Path, home_b: Path, *, exact: bool = False) -> list[Difference]:
    """Two builds: the ETag and length follow the build id (the bodies are compared with
    the id replaced), so those headers are left out."""
    urls = sample_urls(current_build(home_a))
    return compare_answers(
        responses(home_a, urls),
        responses(home_b, urls),
        ignore=BUILD_BOUND_HEADERS,
        exact=exact,
    )


def load_answers(path: Path) -> dict[str, Answer]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: cannot read saved answers {path}: {exc}") from exc
    return {
        url: (status, [(name, value) for name, value in headers], body)
        for url, (status, headers, body) in saved.items()
    }


def answers_main(args: argparse.Namespace) -> int:
    """``--save-answers`` / ``--answers-against``: one build, two versions of the code."""
    urls = sample_urls(current_build(args.home_a))
    answers = responses(args.home_a, urls, args.app)
    if args.save_answers:
        args.save_answers.write_text(json.dumps(answers, indent=1), encoding="utf-8")
        statuses = sorted({status for status, _, _ in answers.values()})
        print(f"{len(answers)} answers (statuses {statuses}) saved to {args.save_answers}")
        return 0
    differences = compare_answers(load_answers(args.answers_against), answers)
    print(
        f"{len(answers)} answers against {args.answers_against}: {len(differences)} difference(s)"
    )
    for difference in differences:
        print(f"  {difference}")
    print("identical" if not differences else "DIFFERENT")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home_a", type=Path, help="BUURTZICHT_HOME of the first build")
    parser.add_argument("home_b", type=Path, nargs="?", help="BUURTZICHT_HOME of the second build")
    parser.add_argument("--tables-only", action="store_true", help="skip the server answers")
    parser.add_argument(
        "--exact",
        action="store_true",
        help=f"compare doubles to the bit and load times as they are (default: doubles to "
        f"{DIGITS} significant digits, load times masked)",
    )
    parser.add_argument(
        "--save-answers", type=Path, metavar="FILE", help="save home_a's answers to FILE"
    )
    parser.add_argument(
        "--answers-against",
        type=Path,
        metavar="FILE",
        help="compare home_a's answers with those saved in FILE",
    )
    parser.add_argument(
        "--app", default=DEFAULT_APP, help=f"app factory, module:function ({DEFAULT_APP})"
    )
    args = parser.parse_args(argv)
    if args.save_answers or args.answers_against:
        if args.home_b is not None or (args.save_answers and args.answers_against):
            parser.error("--save-answers and --answers-against take one home, and not both")
        return answers_main(args)
    if args.home_b is None:
        parser.error("two homes to compare (or --save-answers / --answers-against)")
    build_a, build_b = current_build(args.home_a), current_build(args.home_b)
    print(f"a: {build_a}\nb: {build_b}")
    differences = compare_tables(build_a, build_b, exact=args.exact)
    print(f"tables: {len(differences)} difference(s)")
    if not args.tables_only:
        answers = compare_responses(args.home_a, args.home_b, exact=args.exact)
        print(f"server answers: {len(answers)} difference(s)")
        differences += answers
    for difference in differences:
        print(f"  {difference}")
    print("identical" if not differences else "DIFFERENT")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
