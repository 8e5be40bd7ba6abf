"""Benchmark and validation table of the risk models (issue 17).

Runs ``buurtzicht secure models`` (training, temporal and spatial validation, scoring)
on an existing linked world and prints the time per stage, CPU seconds, peak memory,
the load average before and after, and the validation figures::

    BUURTZICHT_HOME=/path/with/secure python benchmarks/models.py [--write-readme]

The world must exist (``buurtzicht synth --scale 1.0`` and ``buurtzicht secure link``).
Target: training + validation + scoring at scale 1.0 in <= 120 s on 2 cores. With
``--write-readme`` the tables replace the ``## Risk models`` section of
``benchmarks/README.md``; results also go to ``benchmarks/results/models.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "models.json"
#: Every timed run (code version, wall and CPU seconds, stages, load), for before/after.
HISTORY = HERE / "results" / "models_runs.json"
README = HERE / "README.md"
SECTION = "## Risk models"


def measure() -> dict[str, Any]:
    from buurtzicht.config import Settings
    from buurtzicht.microdata.store import microdata_dir
    from buurtzicht.secure.models.run import run_models, write_run

    settings = Settings()
    world = json.loads((microdata_dir(settings) / "world.json").read_text(encoding="utf-8"))
    load_before = os.getloadavg()[0]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    run = run_models(settings)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    write_run(run, settings)
    return {
        "scale": world["scale"],
        "seed": world["seed"],
        "seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "stages": run.seconds,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "validation": run.release["validation"],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "code": _revision(),
    }


def _revision() -> str:
    """The commit the benchmark ran (with ``+`` when the tree had changes)."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True).stdout

    dirty = bool(git("status", "--porcelain", "--", "../src").strip())
    return git("rev-parse", "--short", "HEAD").strip() + ("+" if dirty else "")


def history(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs so far plus this one (timings only), oldest first."""
    runs: list[dict[str, Any]] = (
        json.loads(HISTORY.read_text(encoding="utf-8")) if HISTORY.is_file() else []
    )
    keys = ("date", "code", "scale", "seconds", "cpu_seconds", "stages", "peak_mb",
            "load_before", "load_after", "note")  # fmt: skip
    return [*runs, {k: result[k] for k in keys if k in result}]


def timing_table(runs: list[dict[str, Any]], scale: float) -> list[str]:
    lines = [
        "| run (UTC) | code | wall s | CPU s | stages (s) | peak MB | load before / after | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in (r for r in runs if r["scale"] == scale):
        stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
        lines.append(
            f"| {r['date']} | {r.get('code', '?')} | {r['seconds']} | {r['cpu_seconds']} | "
            f"{stages} | {r['peak_mb']} | {r['load_before']} / {r['load_after']} | "
            f"{r.get('note', '')} |"
        )
    return lines


def _f(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{float(value):.{digits}f}"


def markdown(result: dict[str, Any], runs: list[dict[str, Any]] | None = None) -> str:
    lines = [
        SECTION,
        "",
        "`benchmarks/models.py` on a linked world (`buurtzicht synth` + `secure link`):",
        "features, training, temporal and spatial validation and scoring of both models",
        "(`buurtzicht secure models`). Figures of one run; the planted hidden cases are",
        "read only by the validation (docs/models.md). SYNTHETIC world.",
        "",
        f"Scale {result['scale']}, seed {result['seed']}, {result['date']}: "
        f"**{result['seconds']} s** wall ({result['cpu_seconds']} CPU s in this process, "
        f"peak {result['peak_mb']} MB; stages {result['stages']}), load average "
        f"{result['load_before']} before / {result['load_after']} after (2 cores, shared). "
        "Target <= 120 s.",
        "",
        f"Every timed run at scale {result['scale']} (CPU s counts all threads of the process; "
        "on 2 cores shared by several engineers the wall time follows the load):",
        "",
        *timing_table(runs or [result], result["scale"]),
        "",
        "### Zoekgebieden: planted hidden cases in the top 10 % / 5 % of buurten",
        "",
        "| theme | design | method | hidden found top 10 % | recall top 10 % | "
        "precision top 10 % | recall top 5 % | AUC |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["validation"]["zoekgebieden"]:
        lines.append(
            f"| {r['theme']} | {r['design']} | {r['method']} | {_f(r['gevonden_top10'], 1)} | "
            f"{_f(r['recall_top10'])} | {_f(r['precisie_top10'])} | {_f(r['recall_top5'])} | "
            f"{_f(r['auc'])} |"
        )
    lines += ["", "Ratio model / registered rate (hidden cases in the top 10 %, target >= 2; "
              "`model` ranks by expected missed cases, `verwacht_min_geregistreerd` by "
              "expected minus registered, the ranking before 2026-12-07):", ""]  # fmt: skip
    for design in ("temporeel", "ruimtelijk"):
        rows = [r for r in result["validation"]["zoekgebieden"] if r["design"] == design]
        base = sum(r["gevonden_top10"] for r in rows if r["method"] == "geregistreerd_per_eenheid")
        for method in ("model", "verwacht_min_geregistreerd"):
            found = sum(r["gevonden_top10"] for r in rows if r["method"] == method)
            ratio = f"{found / base:.2f}" if base else "inf"
            lines.append(f"- {design}, {method}: {found:.0f} vs {base:.0f} = **{ratio}x**")
    lines += _shares_table(result["validation"], base_of(result["validation"]))
    lines += [
        "",
        "Calibration (spatial, all themes): observed / expected per decile of expected:",
        "",
    ]
    calib = result["validation"]["zoekgebieden_calibration"]
    for theme in sorted({c["theme"] for c in calib}):
        ratios = [_f(c["observed_per_predicted"], 2) for c in calib if c["theme"] == theme]
        lines.append(f"- {theme}: {' '.join(ratios)}")
    lines += ["", "### Jonge aanwas", "", "| design | method | AUC | 95 % CI (DeLong) | "
              "recall top 10 % | precision top 10 % | persons | cases |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in result["validation"]["jonge_aanwas"]:
        lines.append(
            f"| {r['design']} | {r['method']} | {_f(r['auc'])} | {_f(r['auc_low'])}-"
            f"{_f(r['auc_high'])} | {_f(r['recall_top10'])} | {_f(r['precisie_top10'])} | "
            f"{r['personen']} | {r['gevallen']} |"
        )
    lines += ["", "Across gemeente size and urbanity (temporal; top 10 % nationally):", "",
              "| group | class | persons | cases | AUC (95 % CI) | recall top 10 % | "
              "false-positive rate top 10 % |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in result["validation"]["jonge_aanwas_groups"]:
        lines.append(
            f"| {r['groep']} | {r['klasse']} | {r['personen']} | {r['gevallen']} | "
            f"{_f(r['auc'])} ({_f(r['auc_low'])}-{_f(r['auc_high'])}) | "
            f"{_f(r['recall_top10'])} | {_f(r['fout_positief_top10'])} |"
        )
    lines += ["", "Zoekgebieden across gemeente size and urbanity (spatial): recall of the "
              "national top 10 % (the published order) and of a top 10 % ranked within each "
              "group (stedelijkheid 1 = very urban ... 5 = rural):", "",
              "| theme | group | class | buurten | hidden | recall top 10 % national | "
              "recall top 10 % within group | top-10 % buurten without a hidden case |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in result["validation"]["zoekgebieden_groups"]:
        lines.append(
            f"| {r['theme']} | {r['groep']} | {r['klasse']} | {r['buurten']} | "
            f"{_f(r['verborgen'], 0)} | {_f(r['recall_top10'])} | "
            f"{_f(r.get('recall_top10_binnen'))} | {_f(r['zonder_geval_top10'])} |"
        )
    lines += _within_totals(result["validation"]["zoekgebieden_groups"])
    lines += _classes_table(result["validation"].get("zoekgebieden_klassen") or [])
    return "\n".join(lines) + "\n"


def _within_totals(groups: list[dict[str, Any]]) -> list[str]:
    """Hidden cases found, all themes, by the national order and by one within groups."""
    if not groups or "gevonden_top10_binnen" not in groups[0]:
        return []
    lines = ["", "All themes, hidden cases in the top 10 % (spatial): national order against "
             "a top 10 % within each group:", ""]  # fmt: skip
    for kind in ("gemeentegrootte", "stedelijkheid"):
        rows = [r for r in groups if r["groep"] == kind]
        national = sum(float(r["gevonden_top10"]) for r in rows)
        within = sum(float(r["gevonden_top10_binnen"]) for r in rows)
        lines.append(f"- within {kind}: {within:.0f} vs national {national:.0f}")
    return lines


def _classes_table(rows: list[dict[str, Any]]) -> list[str]:
    """Hidden cases per buurt in each risk class: the published rule and the former one."""
    if not rows:
        return []
    lines = ["", "### Zoekgebieden: hidden cases per buurt in each risk class", "",
             "`model`: the published class (expected missed cases ranked within the level: "
             "hoog from the 90th percentile, gemiddeld from the median, each at least 1 "
             "missed case); `verwacht_vs_geregistreerd`: the class published before "
             "2026-12-07 (registered improbably low for expected, Poisson p < 0.10). "
             "Buurten of the validation; hidden per buurt (buurten).", "",
             "| theme | design | rule | hoog | gemiddeld | laag |", "|---|---|---|---|---|---|"]  # fmt: skip
    keyed = {(r["theme"], r["design"], r["method"], r["klasse"]): r for r in rows}
    for theme, design, method in dict.fromkeys(
        (r["theme"], r["design"], r["method"]) for r in rows
    ):
        cells = []
        for klasse in ("hoog", "gemiddeld", "laag"):
            r = keyed[(theme, design, method, klasse)]
            cells.append(f"{_f(r['verborgen_per_buurt'], 2)} ({r['buurten']})")
        lines.append(f"| {theme} | {design} | {method} | " + " | ".join(cells) + " |")
    return lines


def base_of(validation: dict[str, Any]) -> dict[str, float]:
    """Hidden cases in the registered rate's top 10 %, all themes, per design."""
    out: dict[str, float] = {}
    for r in validation["zoekgebieden"]:
        if r["method"] == "geregistreerd_per_eenheid":
            out[r["design"]] = out.get(r["design"], 0.0) + float(r["gevonden_top10"])
    return out


def _shares_table(validation: dict[str, Any], base: dict[str, float]) -> list[str]:
    """Hidden cases in the model's top 10 % (all themes) per assumed registration share."""
    rows = validation.get("zoekgebieden_registratiegraad") or []
    if not rows:
        return []
    labels = list(dict.fromkeys(str(r["registratiegraad"]) for r in rows))
    lines = [
        "",
        "Sensitivity to the assumed national registration share r (search order "
        "E x (1/r - u); `verwacht` = ranking by E alone, the limit of a small r). Hidden "
        "cases in the top 10 % of buurten, all themes, and the ratio to the registered rate:",
        "",
        "| design | "
        + " | ".join("E alone" if label == "verwacht" else f"r = {label}" for label in labels)
        + " |",
        "|---|" + "---|" * len(labels),
    ]
    for design in ("temporeel", "ruimtelijk"):
        cells = []
        for label in labels:
            found = sum(
                float(r["gevonden_top10"])
                for r in rows
                if r["design"] == design and str(r["registratiegraad"]) == label
            )
            ratio = found / base[design] if base.get(design) else float("inf")
            cells.append(f"{found:.0f} ({ratio:.2f}x)")
        lines.append(f"| {design} | " + " | ".join(cells) + " |")
    return lines


def write_readme(text: str) -> None:
    body = README.read_text(encoding="utf-8")
    if SECTION not in body:
        README.write_text(body.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    start = body.index(SECTION)
    end = body.find("\n## ", start + len(SECTION))
    tail = "\n" + body[end + 1 :] if end >= 0 else ""
    README.write_text(body[:start] + text + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--note", default="", help="A word on the run for the timing table")
    args = parser.parse_args(argv)
    result = measure()
    result["note"] = args.note
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1), encoding="utf-8")
    runs = history(result)
    HISTORY.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    text = markdown(result, runs)
    print(text)
    if args.write_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
