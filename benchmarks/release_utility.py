"""Utility of a published secure release against issue 12's targets.

Reads ``var/secure/published.parquet`` of a release (``secure publish``) and prints:
per level the primary and secondary suppressions and their ratio (target: secondary <=
10 % of primary), and per released measure, for the latest period, the share of gemeente
cells published among the measures whose national count gives a typical gemeente at least
10 units (target: >= 90 %). "Typical" is the median gemeente: the national count times the
median gemeente's share of the inhabitants (``secure.basis.inwoners``, a public margin).

    .venv/bin/python benchmarks/release_utility.py            # var/ of BUURTZICHT_HOME
    .venv/bin/python benchmarks/release_utility.py /path/to/var
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb

TYPICAL_UNITS = 10
PUBLISHED_SHARE = 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("BUURTZICHT_HOME", "var"))
    parser.add_argument("var", nargs="?", type=Path, default=default, help="the release's var/")
    args = parser.parse_args()
    release = args.var / "secure" / "published.parquet"
    if not release.exists():
        raise SystemExit(f"no published release at {release}: run `buurtzicht secure publish`")
    conn = duckdb.connect()
    conn.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet('{release}')")
    (share,) = conn.execute(
        """WITH inw AS (SELECT region, value FROM p WHERE measure = 'secure.basis.inwoners'
             AND period = (SELECT max(period) FROM p WHERE measure = 'secure.basis.inwoners'))
           SELECT median(g.value / n.value) FROM inw g, inw n
           WHERE g.region LIKE 'GM%' AND n.region = 'NL01'"""
    ).fetchall()[0]
    print("level     primary  secondary  secondary/primary")
    for level, primary, secondary in conn.execute(
        """SELECT CASE WHEN region = 'NL01' THEN 'land' WHEN region LIKE 'GM%' THEN 'gemeente'
             WHEN region LIKE 'WK%' THEN 'wijk' ELSE 'buurt' END AS level,
             count(*) FILTER (WHERE status = 'suppressed' AND reason <> 'secondary'),
             count(*) FILTER (WHERE reason = 'secondary')
           FROM p GROUP BY ALL ORDER BY min(length(region))"""
    ).fetchall():
        ratio = f"{secondary / primary:.3f}" if primary else "-"
        print(f"{level:9s} {primary:>8,} {secondary:>10,}  {ratio}")
    rows = conn.execute(
        """WITH latest AS (SELECT measure, max(period) AS period FROM p GROUP BY measure)
           SELECT measure, max(value) FILTER (WHERE region = 'NL01') AS nl,
             count(*) FILTER (WHERE region LIKE 'GM%') AS cells,
             count(*) FILTER (WHERE region LIKE 'GM%' AND status IN ('ok', 'rounded')) AS shown
           FROM p JOIN latest USING (measure, period) GROUP BY ALL ORDER BY measure"""
    ).fetchall()
    eligible = [(m, nl, n, k) for m, nl, n, k in rows if n and nl and nl * share >= TYPICAL_UNITS]
    met = [r for r in eligible if r[3] / r[2] >= PUBLISHED_SHARE]
    print(
        f"\nmedian gemeente's share of inhabitants {share:.5f}; {len(rows)} measures, "
        f"{len(eligible)} with a typical gemeente of >= {TYPICAL_UNITS} units, "
        f"{len(met)} of them with >= {PUBLISHED_SHARE:.0%} of gemeente cells published"
    )
    for measure, nl, cells, shown in eligible:
        mark = "" if shown / cells >= PUBLISHED_SHARE else "  <"
        print(
            f"  {measure:62s} typical {nl * share:>10,.1f}  {shown}/{cells} = {shown / cells:.0%}{mark}"
        )


if __name__ == "__main__":
    main()
