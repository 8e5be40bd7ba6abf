"""*Jonge aanwas*: the probability of a first drug registration for persons aged 8-23.

A penalised logistic regression on the linked characteristics of :mod:`.youth`,
trained on the cohort of an earlier reference date and validated on a later one
(temporal) and across gemeenten (five ``GroupKFold`` folds, spatial). Person-level
scores exist only in memory on the secure side; what leaves are the coefficients,
the validation figures and per area the expected number of young people at risk.

Baselines rank persons by an area figure only: the registered rate of drug suspects
aged 8-23 in their buurt, a composite index of the buurt (benefits, debts and records
against NL, equal weights) and at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from buurtzicht.regions.codes import gemeente_of
from buurtzicht.secure.models.glm import Fitted, fit_logistic
from buurtzicht.secure.models.metrics import SIZE_CLASSES, auc_delong, calibration, top_mask
from buurtzicht.secure.models.youth import NAMES

#: Training keeps every case and this many non-cases per case at most (reweighted),
#: so that a national cohort (~3M persons) trains in seconds.
CONTROLS_PER_CASE = 50


def train(frame: pd.DataFrame, *, seed: int = 17) -> Fitted:
    """The logistic model on ``frame`` (a cohort), with case-control subsampling."""
    outcome = frame["outcome"].to_numpy(bool)
    cases, controls = np.flatnonzero(outcome), np.flatnonzero(~outcome)
    keep = min(len(controls), max(CONTROLS_PER_CASE * len(cases), 50_000))
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(controls, size=keep, replace=False))
    rows = np.concatenate([cases, chosen])
    weight = np.where(outcome[rows], 1.0, len(controls) / keep)
    return fit_logistic(frame.iloc[rows][list(NAMES)], outcome[rows], c=1.0, weight=weight)


def area_scores(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Baseline scores per person: figures of the person's buurt only."""
    area = frame.groupby("buurt")[["buurt_uitkering", "buurt_schulden", "buurt_antecedenten"]]
    means = area.mean()
    nl = frame[["buurt_uitkering", "buurt_schulden", "buurt_antecedenten"]].mean()
    composite = (100 * means / nl.where(nl > 0, 1.0)).mean(axis=1)
    return {
        "geregistreerd_buurt": frame["buurt_drugs_jong"].to_numpy(float),
        "samengestelde_index": frame["buurt"].map(composite).to_numpy(float),
    }


@dataclass(frozen=True)
class Validation:
    """Rows of the validation table, calibration per decile and the gap per group."""

    table: pd.DataFrame
    calibration: pd.DataFrame
    groups: pd.DataFrame


def _row(design: str, method: str, score: np.ndarray, outcome: np.ndarray) -> dict[str, object]:
    auc = auc_delong(score, outcome)
    top = top_mask(score, 0.10)
    return {
        "design": design,
        "method": method,
        "auc": auc.auc,
        "auc_low": auc.low,
        "auc_high": auc.high,
        "recall_top10": float(outcome[top].sum() / max(outcome.sum(), 1)),
        "precisie_top10": float(outcome[top].mean()),
        "personen": len(outcome),
        "gevallen": int(outcome.sum()),
    }


def validate(earlier: pd.DataFrame, later: pd.DataFrame, context: pd.DataFrame) -> Validation:
    """Temporal (train ``earlier``, score ``later``) and spatial validation with baselines.

    ``context`` has per buurt its ``gemeente_inwoners`` and ``stedelijkheid``.
    """
    outcome = later["outcome"].to_numpy(bool)
    temporal = train(earlier).predict(later)
    spatial = _spatial(later)
    rows = [
        _row("temporeel", "model", temporal, outcome),
        _row("ruimtelijk", "model", spatial, outcome),
    ]
    for name, score in area_scores(later).items():
        rows.append(_row("temporeel", name, score, outcome))
    rows.append(
        _row("temporeel", "willekeurig", np.random.default_rng(17).random(len(later)), outcome)
    )
    calib = calibration(temporal, outcome.astype(float))
    return Validation(pd.DataFrame(rows), calib, _groups(later, temporal, context))


def _spatial(frame: pd.DataFrame, folds: int = 5) -> np.ndarray:
    groups = frame["buurt"].astype(str).map(gemeente_of).to_numpy()
    out = np.zeros(len(frame))
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(frame, groups=groups):
        out[test_idx] = train(frame.iloc[train_idx]).predict(frame.iloc[test_idx])
    return out


def _groups(frame: pd.DataFrame, score: np.ndarray, context: pd.DataFrame) -> pd.DataFrame:
    """AUC, recall and false-positive rate of the top 10 % per gemeente size and urbanity."""
    joined = frame[["buurt", "outcome"]].join(context, on="buurt")
    top = top_mask(score, 0.10)
    size = pd.cut(joined["gemeente_inwoners"], [lo for lo, _, _ in SIZE_CLASSES] + [10**9],
                  right=False, labels=[label for _, _, label in SIZE_CLASSES])  # fmt: skip
    rows = []
    for kind, labels in (("gemeentegrootte", size.astype(str)),
                         ("stedelijkheid", joined["stedelijkheid"].round().astype("Int64").astype(str))):  # fmt: skip
        for label in sorted(set(labels)):
            mask = (labels == label).to_numpy()
            y = joined["outcome"].to_numpy(bool)[mask]
            auc = auc_delong(score[mask], y)
            rows.append({
                "groep": kind, "klasse": label, "personen": int(mask.sum()), "gevallen": int(y.sum()),
                "auc": auc.auc, "auc_low": auc.low, "auc_high": auc.high,
                "recall_top10": float(top[mask][y].mean()) if y.any() else float("nan"),
                "fout_positief_top10": float(top[mask][~y].mean()) if (~y).any() else float("nan"),
            })  # fmt: skip
    return pd.DataFrame(rows)
