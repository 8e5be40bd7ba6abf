"""Validation of *zoekgebieden* against the planted hidden cases.

The only module besides the tests that reads the planted truth (``secure/planted``):
the models never see it. Two designs, both at buurt level:

* **temporal**: fit on the buurten of the earlier year, score the later year (the
  intercept set to the later year's national registrations, :func:`.at_level`);
* **spatial**: five folds of gemeenten (``GroupKFold``): fit on four, score the fifth.

Each scoring ranks buurten by the cases they are expected to miss (``gemist``,
:func:`.missed`; method ``model``) and, for comparison, by ``expected - observed``
(``verwacht_min_geregistreerd``); baselines rank them by the registered rate and
count, by a composite index (equal-weight mean of index-vs-NL of the area's risk
shares, the method of ``buurtzicht composite``) and at random. :func:`sensitivity`
repeats the model's ranking for other assumed registration shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import GroupKFold

from buurtzicht.regions.codes import gemeente_of
from buurtzicht.secure.models.areas import Theme, feature_matrix
from buurtzicht.secure.models.metrics import (
    SIZE_CLASSES,
    auc_delong,
    calibration,
    capture,
    top_mask,
)
from buurtzicht.secure.models.zoekgebieden import (
    CLASSES,
    at_level,
    fit_theme,
    missed,
    risk_class,
    rows,
    score,
)


@dataclass(frozen=True)
class ThemeValidation:
    """What :func:`validate_theme` measured for one theme.

    Attributes
    ----------
    rows : list of dict
        Per design and method: hidden cases found in the top 5 % / 10 %, AUC.
    calibration : DataFrame
        Expected against observed in bins (spatial design).
    held_out : DataFrame
        The spatial design's buurt scores with their hidden cases.
    shares : list of dict
        Hidden cases in the top 10 % per assumed registration share.
    classes : list of dict
        Hidden cases per buurt in each risk class (:func:`class_rows`).
    """

    rows: list[dict[str, object]]
    calibration: pd.DataFrame
    held_out: pd.DataFrame
    shares: list[dict[str, object]]
    classes: list[dict[str, object]]


SHARES = (0.05, 0.10)
#: Assumed national registration shares for which :func:`sensitivity` reports the model.
REGISTRATION_SHARES = (0.25, 0.5, 0.75, 1.0)
COMPOSITE = ("uitkering", "schulden", "antecedenten", "eigenaar_antecedenten", "lage_inkomens")
RANDOM_DRAWS = 20


def hidden_cases(secure: Path, years: tuple[int, ...]) -> pd.DataFrame:
    """Planted hidden cases per theme, buurt and year (stocks count in every year)."""
    planted, micro = secure / "planted", secure / "microdata"
    if not (planted / "hidden_hennep.parquet").is_file():  # real microdata: no planted truth
        return pd.DataFrame({"theme": [], "buurt": [], "year": [], "cases": []})
    addresses = f"read_parquet('{micro / 'addresses'}/*.parquet')"
    businesses = f"read_parquet('{micro / 'businesses'}/*.parquet')"
    year_list = ", ".join(str(y) for y in years)
    sql = f"""
        SELECT 'hennep' AS theme, a.buurt, YEAR(h.date) AS year, COUNT(*) AS cases
        FROM read_parquet('{planted / "hidden_hennep.parquet"}') h
        JOIN {addresses} a ON a.address_id = h.id GROUP BY ALL
        UNION ALL
        SELECT t.theme, a.buurt, y.year, COUNT(*)
        FROM (SELECT 'doorsluiswoningen' AS theme, id
              FROM read_parquet('{planted / "hidden_doorsluiswoningen.parquet"}')
              UNION ALL SELECT 'onverklaarbaar_bezit', id
              FROM read_parquet('{planted / "hidden_onverklaarbaar_bezit.parquet"}')) t
        JOIN {addresses} a ON a.address_id = t.id
        CROSS JOIN (SELECT UNNEST([{year_list}]) AS year) y GROUP BY ALL
        UNION ALL
        SELECT 'witwas', a.buurt, y.year, COUNT(*)
        FROM read_parquet('{planted / "hidden_witwas_vestigingen.parquet"}') w
        JOIN {businesses} b ON b.business_id = w.id
        JOIN {addresses} a ON a.address_id = b.address_id
        CROSS JOIN (SELECT UNNEST([{year_list}]) AS year) y GROUP BY ALL
    """
    con = duckdb.connect()
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def _baselines(part: pd.DataFrame, theme: Theme, nl: pd.Series) -> dict[str, np.ndarray]:
    exposure = part[theme.exposure].to_numpy(float)
    observed = part.get(theme.observed, pd.Series(0.0, part.index)).to_numpy(float)
    x = feature_matrix(part, COMPOSITE)
    index = 100 * x / nl.where(nl > 0, 1.0)
    return {
        "geregistreerd_per_eenheid": np.where(exposure > 0, observed / np.maximum(exposure, 1), 0),
        "geregistreerd_aantal": observed,
        "samengestelde_index": index.mean(axis=1).to_numpy(),
    }


def evaluate(
    scores: dict[str, np.ndarray], cases: np.ndarray, design: str, theme: str
) -> list[dict[str, object]]:
    """One row per method: hidden cases captured in the top 5 % / 10 %, AUC."""
    out = []
    rng = np.random.default_rng(17)
    draws = [rng.random(len(cases)) for _ in range(RANDOM_DRAWS)]
    for method, score_values in [*scores.items(), ("willekeurig", None)]:
        row: dict[str, object] = {"theme": theme, "design": design, "method": method}
        for share in SHARES:
            runs = [
                capture(s, cases, share)
                for s in (draws if score_values is None else [score_values])
            ]
            found, recall, precision = (float(np.mean(v)) for v in zip(*runs, strict=True))
            pct = round(share * 100)
            row |= {f"gevonden_top{pct}": found, f"recall_top{pct}": recall,
                    f"precisie_top{pct}": precision}  # fmt: skip
        auc = auc_delong(draws[0] if score_values is None else score_values, cases > 0)
        row |= {"auc": auc.auc, "buurten": len(cases), "verborgen": float(cases.sum())}
        out.append(row)
    return out


def sensitivity(
    designs: dict[str, pd.DataFrame], cases: np.ndarray, theme: str
) -> list[dict[str, object]]:
    """Hidden cases in the model's top 10 % for each assumed registration share
    (:data:`REGISTRATION_SHARES`; ``expected`` alone is the limit of a share near 0)."""
    out = []
    for design, frame in designs.items():
        expected, level = frame["expected"].to_numpy(), frame["niveau"].to_numpy()
        ranked = {f"{share:g}": missed(expected, level, share) for share in REGISTRATION_SHARES}
        for label, values in {**ranked, "verwacht": expected}.items():
            out.append({"theme": theme, "design": design, "registratiegraad": label,
                        "gevonden_top10": capture(values, cases, 0.10)[0],
                        "auc": auc_delong(values, cases > 0).auc})  # fmt: skip
    return out


def poisson_class(expected: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """The risk class that main published before the search order (kept as a baseline):
    *hoog* when the observed count is improbably low for the expected one (Poisson,
    one-sided p < 0.10) and at least one case apart, *laag* when observed reaches
    expected, else *gemiddeld*.

    >>> poisson_class(np.array([10.0, 10.0, 2.0]), np.array([2.0, 9.0, 3.0])).tolist()
    ['hoog', 'gemiddeld', 'laag']
    """
    expected, observed = np.asarray(expected, float), np.asarray(observed, float)
    p_low = stats.poisson.cdf(np.floor(observed), np.maximum(expected, 1e-12))
    high = (p_low < 0.10) & (expected - observed >= 1.0)
    return np.where(high, "hoog", np.where(observed >= expected, "laag", "gemiddeld"))


def class_rows(
    designs: dict[str, pd.DataFrame], cases: np.ndarray, theme: str
) -> list[dict[str, object]]:
    """Per design, class rule and class: buurten, hidden cases and hidden cases per buurt.

    ``model`` is the published rule (:func:`.risk_class` of the search score over the
    buurten); ``verwacht_vs_geregistreerd`` the former class (:func:`poisson_class`).
    """
    out: list[dict[str, object]] = []
    for design, frame in designs.items():
        rules = {
            "model": risk_class(frame["gemist"].to_numpy()),
            "verwacht_vs_geregistreerd": poisson_class(
                frame["expected"].to_numpy(), frame["observed"].to_numpy()
            ),
        }
        for method, klasse in rules.items():
            for label in CLASSES:
                mask = klasse == label
                found = cases[mask]
                out.append({"theme": theme, "design": design, "method": method,
                            "klasse": label, "buurten": int(mask.sum()),
                            "verborgen": float(found.sum()),
                            "verborgen_per_buurt": float(found.mean()) if mask.any() else None})  # fmt: skip
    return out


def validate_theme(
    table: pd.DataFrame, theme: Theme, hidden: pd.DataFrame, years: tuple[int, int]
) -> ThemeValidation:
    """Temporal and spatial validation of one theme."""
    earlier, later = years
    cases_of = hidden[hidden["theme"] == theme.name].set_index(["buurt", "year"])["cases"]
    train, test = rows(table, earlier), rows(table, later)
    test = test[test[theme.exposure] > 0]
    index = pd.MultiIndex.from_arrays([test.index, [later] * len(test)])
    cases = cases_of.reindex(index).fillna(0.0).to_numpy()
    nl = feature_matrix(test, COMPOSITE).mul(test[theme.exposure], axis=0).sum()
    nl = nl / test[theme.exposure].sum()
    base = _baselines(test, theme, nl)
    temporal = score(test, theme, at_level(fit_theme(train, theme), test, theme))
    spatial = _spatial(test, theme)
    results = []
    for design, frame in (("temporeel", temporal), ("ruimtelijk", spatial)):
        scores = {"model": frame["gemist"].to_numpy(),
                  "verwacht_min_geregistreerd": frame["excess"].to_numpy(), **base}  # fmt: skip
        results += evaluate(scores, cases, design, theme.name)
    held_out = spatial.assign(hidden=cases, theme=theme.name)
    calib = calibration(spatial["expected"].to_numpy(), spatial["observed"].to_numpy())
    designs = {"temporeel": temporal, "ruimtelijk": spatial}
    return ThemeValidation(
        rows=results,
        calibration=calib.assign(theme=theme.name),
        held_out=held_out,
        shares=sensitivity(designs, cases, theme.name),
        classes=class_rows(designs, cases, theme.name),
    )


def _spatial(test: pd.DataFrame, theme: Theme, folds: int = 5) -> pd.DataFrame:
    groups = pd.Series(test.index.astype(str)).map(gemeente_of).to_numpy()
    parts = []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(test, groups=groups):
        fitted = fit_theme(test.iloc[train_idx], theme)
        parts.append(score(test.iloc[test_idx], theme, fitted))
    return pd.concat(parts).reindex(test.index)


def groups(held_out: pd.DataFrame, context: pd.DataFrame) -> pd.DataFrame:
    """Per gemeente size class and urbanity: hidden cases, how many the model's top 10 %
    of buurten holds when ranked nationally (the published order) and when ranked within
    the group (each group its own top 10 %), and the share of the national top-10 %
    buurten without a hidden case. Summed over the groups of one kind, ``gevonden_*``
    compares the two orders as a whole."""
    rows = []
    for theme, part in held_out.groupby("theme"):
        joined = part.join(context, how="left")
        score, hidden_all = part["gemist"].to_numpy(), part["hidden"].to_numpy()
        top = top_mask(score, 0.10)
        edges = [lo for lo, _, _ in SIZE_CLASSES] + [10**9]
        labels = [label for _, _, label in SIZE_CLASSES]
        size = pd.cut(joined["gemeente_inwoners"], edges, right=False, labels=labels)
        urban = joined["stedelijkheid"].round().astype("Int64").astype(str)
        for kind, values in (("gemeentegrootte", size.astype(str)), ("stedelijkheid", urban)):
            for label in sorted(set(values)):
                mask = (values == label).to_numpy()
                rows.append({"theme": theme, "groep": kind, "klasse": label,
                             **_group_row(score[mask], hidden_all[mask], top[mask])})  # fmt: skip
    return pd.DataFrame(rows)


def _group_row(score: np.ndarray, hidden: np.ndarray, top: np.ndarray) -> dict[str, object]:
    within = top_mask(score, 0.10)
    total = float(hidden.sum())
    return {
        "buurten": len(score),
        "verborgen": total,
        "gevonden_top10": float(hidden[top].sum()),
        "recall_top10": float(hidden[top].sum()) / total if total else float("nan"),
        "gevonden_top10_binnen": float(hidden[within].sum()),
        "recall_top10_binnen": float(hidden[within].sum()) / total if total else float("nan"),
        "zonder_geval_top10": float((hidden[top] == 0).mean()) if top.any() else float("nan"),
    }


def combined(checks: list[ThemeValidation], context: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The validation tables of all themes, keyed as the release document names them."""
    return {
        "zoekgebieden": pd.DataFrame([r for c in checks for r in c.rows]),
        "zoekgebieden_calibration": pd.concat([c.calibration for c in checks], ignore_index=True),
        "zoekgebieden_groups": groups(pd.concat([c.held_out for c in checks]), context),
        "zoekgebieden_registratiegraad": pd.DataFrame([r for c in checks for r in c.shares]),
        "zoekgebieden_klassen": pd.DataFrame([r for c in checks for r in c.classes]),
    }
