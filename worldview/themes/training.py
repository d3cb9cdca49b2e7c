"""Train the theme classifier from every ``data/train*.jsonl`` (``worldview train``).

Each line is ``{"id", "text", "themes"}`` plus an optional ``"group"``: consecutive lines of one
group are the sentences of one paragraph, in order, so the classifier learns what a neighbour
says. Lines without a group stand alone. Stand-alone lines are also presented a second time with
two randomly drawn training sentences as neighbours, so that an unrelated neighbour does not
change the verdict (context only helps when it is about the same thing).

The model: a logistic probe (softmax regression over "no theme" + themes) on the frozen
encoder's views is fitted first; then the encoder's top four layers and that head are fine-tuned
together with cross-entropy (``finetune.py``), only those layers running forward and backward
over cached layer-2 inputs. The tuned layers ship as a small float16 artefact next to the head.

Everything is chosen by cross-validation on the training data only: the probe's regularisation,
the fine-tuning settings, then per-theme thresholds on the out-of-fold scores. The folds are the
data's writing passes (``"pass"``: each pass was written later than the one before, in other
registers and words), so
every sentence is scored by a model that never saw its pass: the thresholds are set for phrasing
the model has not met, as on unseen analyses, rather than for reworded neighbours of its own
exemplars (random folds chose thresholds that were too high). The held-out dev set and the seed
labels are never read here.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from worldview.themes.calibration import (
    cross_fitted,
    expected_calibration_error,
    fit_calibrator,
    reliability,
)
from worldview.themes.classifier import ThemeClassifier, context_features, sentence_features
from worldview.themes.encoder import MID_LAYER, VIEWS
from worldview.themes.evidence import FEATURES as EVIDENCE_FEATURES
from worldview.themes.evidence import evidence_features, mentions
from worldview.themes.taxonomy import TAXONOMY_PATH, Taxonomy

DATA_DIR = Path(__file__).with_name("data")
TRAIN_GLOB = "train*.jsonl"
# Real text (issue 13): sentences of real documents with the final labels of two labelling passes;
# only the "train" split is trained on (the "test" split is read by ``worldview evaluate``).
REAL_ITEMS = DATA_DIR / "real" / "items.jsonl"
REAL_LABELS = DATA_DIR / "real" / "labels_final.jsonl"
# Encoder outputs of training sentences, keyed by text hash: retraining after a data edit encodes
# only the new lines. Gitignored (.worldview/); deleting it only costs time.
CACHE_PATH = Path(__file__).resolve().parents[2] / ".worldview" / "theme_views_cache.npz"
# The last training run's out-of-fold scores, for error analysis per writing pass (gitignored).
OUT_OF_FOLD_PATH = CACHE_PATH.with_name("theme_out_of_fold.npz")
FOLDS = 5
# The probe's regularisation (the fine-tuned head's starting point); CV on all the training data:
# C=4 0.889, C=16 0.890, C=64 0.886.
C = 16.0
SEED = 13
# The encoder's last four layers are fine-tuned with the classifier head (``finetune.py``); the
# layers below them, the mid view (hidden_states[MID_LAYER], their input) and the context stay as
# packaged. Five-fold CV on the six training files of 2026-12-04 (before train_multi_b and
# train_paragraphs_c): layer 5 alone 0.845, layers 4-5 0.849; at lr_body 1e-4 0.853 (3 epochs
# 0.854, not worth 50% more training time). On all eight files: layers 4-5 with the mid view at
# hidden_states[4] 0.829; layers 2-5 with it at hidden_states[2] 0.833 (126 instead of 139 of
# the 2,846 theme-less sentences tagged; paired bootstrap over sentences: better in 95 % of
# resamples). Layers 2-5 cost no inference time (one forward pass either way).
TUNED_LAYERS = (2, 3, 4, 5)
FINE_TUNE = {"epochs": 2, "lr_body": 1e-4, "lr_head": 5e-4, "batch_size": 32, "dropout": 0.1}
CONTEXT_VIEW = "mid"  # neighbours read through the mid view: CV 0.890 vs 0.888 (last layer)
# Thresholds below this assign themes to too much shared-vocabulary prose (they win CV by a hair
# and lose on unseen prose); above the ceiling a theme would almost never fire.
THRESHOLD_FLOOR, THRESHOLD_CEILING = 0.3, 0.9
# Calibration (issue 13): one threshold on the calibrated probability, searched in this range; the
# real rows weigh more in the calibrator, whose probabilities are meant for real text.
PROBABILITY_FLOOR, PROBABILITY_CEILING = 0.2, 0.8
REAL_WEIGHT = 3.0


class TrainingProgress:
    """What ``train`` reports as it goes (``worldview train`` draws bars with ETAs from it): a
    phase starts, with its number of steps when known; a step is done. This one is silent."""

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def step(self) -> None:
        pass


def fine_tune_steps(rows: int) -> int:
    """Optimiser steps of one fine-tuning run over ``rows`` sentences."""
    return FINE_TUNE["epochs"] * -(-rows // FINE_TUNE["batch_size"])


@dataclass
class TrainingSet:
    texts: list[str]
    labels: np.ndarray  # (n, themes) 0/1
    paragraphs: list[list[int]]  # row indices of multi-sentence groups, in order
    fold_groups: (
        np.ndarray
    )  # writing pass or real source of each row (a paragraph never straddles two)
    digest: str
    # Row indices of each document (a real document; a group or a lone line of the project's
    # files), for the Russia evidence of ``evidence.py``; and which rows are real text.
    documents: list[list[int]] = field(default_factory=list)
    real: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob(TRAIN_GLOB))


def real_source(ref: str) -> str:
    """The source of a real item: the site of a URL, else the dataset (a GitHub file)."""
    from urllib.parse import urlparse

    if ref.startswith(("http://", "https://")):
        return urlparse(ref).netloc.lower().removeprefix("www.")
    return ref.split("@")[0].split(" ")[0]


def real_training_items(split: str = "train") -> list[dict]:
    """Real sentences of one split (``data/real/items.jsonl``) with their final labels
    (``labels_final.jsonl``, written by ``data/real/agreement.py``: items the two labelling
    passes dispute are not there). Training reads only the train split; the test split is
    ``worldview evaluate``'s."""
    if not (REAL_ITEMS.is_file() and REAL_LABELS.is_file()):
        return []
    labels = {}
    for line in REAL_LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[row["id"]] = row
    items = []
    for line in REAL_ITEMS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["split"] == split and item["id"] in labels:
            items.append({**item, "themes": labels[item["id"]]["themes"]})
    return items


def read_training_set(
    taxonomy: Taxonomy, paths: list[Path] | None = None, real: bool = True
) -> TrainingSet:
    """All training files and the real train split; a CV fold is one writing pass of one file (a
    file with no pass numbers is one pass) or one real source (site or dataset), so every real
    sentence is scored by a model that never saw its source, as the real test set's are."""
    paths = training_files() if paths is None else paths
    if not paths:
        raise FileNotFoundError(f"no training data ({TRAIN_GLOB}) in {DATA_DIR}")
    ids = taxonomy.ids
    texts, labels, groups, passes, docs = [], [], [], [], []
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            unknown = set(item["themes"]) - set(ids)
            if unknown:
                raise ValueError(f"{path}:{number}: unknown theme ids {sorted(unknown)}")
            texts.append(item["text"])
            labels.append([int(t in item["themes"]) for t in ids])
            groups.append(f"{path.stem}:{item.get('group') or '_' + str(item['id'])}")
            passes.append(f"{path.stem}:{item.get('pass', '')}")
            docs.append(groups[-1])
    synthetic = len(texts)
    if real:
        items = real_training_items("train")
        hasher.update(REAL_ITEMS.name.encode() + b"\0" + REAL_ITEMS.read_bytes() if items else b"")
        hasher.update(REAL_LABELS.read_bytes() if items else b"")
        for item in items:
            unknown = set(item["themes"]) - set(ids)
            if unknown:
                raise ValueError(
                    f"{REAL_LABELS}: {item['id']}: unknown theme ids {sorted(unknown)}"
                )
            texts.append(item["text"])
            labels.append([int(t in item["themes"]) for t in ids])
            groups.append(f"real:{item['doc']}:{item['para']}")
            passes.append(f"real:{real_source(item['source']['ref'])}")
            docs.append(f"real:{item['doc']}")
    paragraphs: dict[str, list[int]] = {}
    for row, group in enumerate(groups):
        paragraphs.setdefault(group, []).append(row)
    documents: dict[str, list[int]] = {}
    for row, doc in enumerate(docs):
        documents.setdefault(doc, []).append(row)
    hasher.update(TAXONOMY_PATH.read_bytes())
    digest = hasher.hexdigest()
    _, fold_groups = np.unique(np.array(passes), return_inverse=True)
    is_real = np.zeros(len(texts), dtype=bool)
    is_real[synthetic:] = True
    return TrainingSet(
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        paragraphs=[rows for rows in paragraphs.values() if len(rows) > 1],
        fold_groups=fold_groups,
        digest=digest,
        documents=list(documents.values()),
        real=is_real,
    )


def encode_cached(encoder, texts: list[str], cache_path: Path = CACHE_PATH) -> dict:
    """``encoder.encode_views(texts)``, reusing earlier results for texts seen before."""
    tag = f"{encoder.model_id}\0mid{MID_LAYER}"  # the views depend on the mid layer too
    keys = [hashlib.sha256(f"{tag}\0{t}".encode()).hexdigest()[:24] for t in texts]
    known: dict[str, dict] = {}
    if cache_path.is_file():
        try:
            with np.load(cache_path) as cache:
                # Each ``cache[name]`` reads the whole array again: read each one once.
                arrays = {v: cache[v] for v in VIEWS}
                for i, key in enumerate(cache["keys"]):
                    known[str(key)] = {v: arrays[v][i] for v in VIEWS}
        except (OSError, KeyError, ValueError):
            known = {}  # unreadable or from another layout: rebuilt below
    missing = sorted({i for i, k in enumerate(keys) if k not in known}, key=keys.__getitem__)
    missing_keys = list(dict.fromkeys(keys[i] for i in missing))
    first = {k: i for i, k in reversed(list(enumerate(keys)))}
    if missing_keys:
        fresh = encoder.encode_views([texts[first[k]] for k in missing_keys])
        for j, key in enumerate(missing_keys):
            known[key] = {v: fresh[v][j] for v in VIEWS}
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        stored = list(known)
        np.savez(
            cache_path,
            keys=np.array(stored),
            **{v: np.stack([known[k][v] for k in stored]).astype(np.float32) for v in VIEWS},
        )
    return {v: np.stack([known[k][v] for k in keys]).astype(np.float32) for v in VIEWS}


def design_matrix(views: dict, data: TrainingSet, rng: np.random.Generator):
    """Original rows (true context) followed by augmented stand-alone rows (random context)."""
    base = sentence_features(views, data.paragraphs, CONTEXT_VIEW)
    in_paragraph = np.zeros(len(data.texts), dtype=bool)
    for rows in data.paragraphs:
        in_paragraph[rows] = True
    alone = np.flatnonzero(~in_paragraph)
    partners = rng.integers(0, len(data.texts), size=(len(alone), 2))
    own = sentence_features({v: x[alone] for v, x in views.items()}, [], CONTEXT_VIEW)
    dim = views["mean"].shape[1]
    augmented = np.hstack([own[:, :-dim], views[CONTEXT_VIEW][partners].mean(axis=1)])
    features = np.vstack([base, augmented])
    source_row = np.concatenate([np.arange(len(data.texts)), alone])
    return features, source_row


def fit_weights(features: np.ndarray, labels: np.ndarray, c: float):
    """Softmax regression over "no theme" + themes; a two-theme sentence counts once for each."""
    from sklearn.linear_model import LogisticRegression

    rows, classes = [], []
    for row, themes in enumerate(labels):
        hits = np.flatnonzero(themes)
        for cls in hits + 1 if len(hits) else [0]:
            rows.append(row)
            classes.append(int(cls))
    model = LogisticRegression(C=c, max_iter=3000).fit(features[rows], classes)
    return model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)


def fine_tune_inputs(encoder, data: TrainingSet, views: dict) -> dict:
    """What ``finetune.train_top`` needs besides the labels: every sentence's frozen input of the
    tuned layers (one encoder pass), its fixed mid view and its neighbours' context."""
    from worldview.themes import finetune

    if MID_LAYER > min(TUNED_LAYERS):
        # Training reads the mid view from the packaged encoder; the tagger would read it from a
        # tuned layer, and the classifier would see features it was never trained on.
        raise ValueError(
            f"mid view hidden_states[{MID_LAYER}] is above tuned layer {min(TUNED_LAYERS)}"
        )
    dim = views["mid"].shape[1]
    alone = np.ones(len(data.texts), dtype=bool)
    for rows in data.paragraphs:
        alone[rows] = False
    return {
        "states": finetune.frozen_states(encoder.model, data.texts, min(TUNED_LAYERS)),
        "mid": views["mid"],
        "context": context_features(views[CONTEXT_VIEW], data.paragraphs)[:, dim:],
        "alone": alone,
        "partners": views[CONTEXT_VIEW],
    }


def fine_tune(encoder, inputs: dict, data: TrainingSet, rows: np.ndarray, head_init, on_step=None):
    from worldview.themes import finetune

    return finetune.train_top(
        [inputs["states"][i] for i in rows],
        inputs["mid"][rows],
        inputs["context"][rows],
        inputs["alone"][rows],
        inputs["partners"],
        data.labels[rows],
        encoder.model.weights,
        head_init,
        layers=TUNED_LAYERS,
        heads=encoder.model.heads,
        eps=encoder.model.eps,
        seed=SEED,
        on_step=on_step,
        **FINE_TUNE,
    )


def fine_tuned_out_of_fold(
    encoder, inputs, features, source_row, data, c, progress: TrainingProgress | None = None
):
    """Out-of-fold scores of the fine-tuned model and of the probe it starts from (the logistic
    regression on the frozen encoder): each original row is scored by models that never saw its
    writing pass."""
    from sklearn.model_selection import GroupKFold

    from worldview.themes import finetune
    from worldview.themes.classifier import softmax

    n = len(data.texts)
    scores = np.zeros(data.labels.shape, dtype=np.float32)
    probe_scores = np.zeros(data.labels.shape, dtype=np.float32)
    row_groups = data.fold_groups[source_row]
    folds = min(FOLDS, len(np.unique(row_groups)))
    splits = list(GroupKFold(n_splits=folds).split(features, groups=row_groups))
    progress = progress or TrainingProgress()
    steps = sum(fine_tune_steps(len(np.unique(source_row[t]))) for t, _ in splits)
    progress.phase(f"cross-validation: fine-tune {folds} folds", steps)
    for train_idx, test_idx in splits:
        head_init = fit_weights(features[train_idx], data.labels[source_row[train_idx]], c)
        test = test_idx[test_idx < n]
        probe_scores[test] = softmax(features[test] @ head_init[0] + head_init[1])[:, 1:]
        train_rows = np.unique(source_row[train_idx])
        tuned, weights, bias = fine_tune(
            encoder, inputs, data, train_rows, head_init, on_step=progress.step
        )
        all_weights = {**encoder.model.weights, **_as_tensors(tuned)}
        views = finetune.views_with(
            [inputs["states"][i] for i in test],
            inputs["mid"][test],
            all_weights,
            TUNED_LAYERS,
            encoder.model.heads,
            encoder.model.eps,
        )
        own = np.hstack([views["mean"], views["max"], views["mid"], inputs["context"][test]])
        scores[test] = softmax(own @ weights + bias)[:, 1:]
    return scores, probe_scores


def _as_tensors(arrays: dict) -> dict:
    import torch

    return {k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in arrays.items()}


def best_thresholds(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    grid = np.round(np.arange(THRESHOLD_FLOOR, THRESHOLD_CEILING + 1e-9, 0.025), 3)
    chosen = []
    for j in range(labels.shape[1]):
        f1s = [f1(labels[:, j], scores[:, j] >= t) for t in grid]
        best = max(f1s)
        # Among near-best thresholds take the highest: precision is what unseen prose punishes.
        chosen.append(max(t for t, f in zip(grid, f1s, strict=True) if f >= best - 0.005))
    return np.array(chosen, dtype=np.float32)


def f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = int(np.sum(truth & predicted))
    fp = int(np.sum(~truth.astype(bool) & predicted))
    fn = int(np.sum(truth.astype(bool) & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def micro_f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    return f1(labels.astype(bool).ravel(), predicted.ravel())


def row_folds(data: TrainingSet, features: np.ndarray, source_row: np.ndarray) -> np.ndarray:
    """The CV fold of each original row: the same GroupKFold split as the out-of-fold scores."""
    from sklearn.model_selection import GroupKFold

    n = len(data.texts)
    row_groups = data.fold_groups[source_row]
    folds = min(FOLDS, len(np.unique(row_groups)))
    out = np.zeros(n, dtype=np.int64)
    for k, (_, test_idx) in enumerate(
        GroupKFold(n_splits=folds).split(features, groups=row_groups)
    ):
        out[test_idx[test_idx < n]] = k
    return out


def share_tagged(assigned: np.ndarray) -> float | None:
    """The share of rows given any theme (``None`` when there are no rows to judge)."""
    return round(float(assigned.any(axis=1).mean()), 4) if len(assigned) else None


def training_evidence(data: TrainingSet) -> np.ndarray:
    """The Russia evidence (``evidence.py``) of each training row in its paragraph and document."""
    return evidence_features(mentions(data.texts), data.paragraphs, data.documents)


def probability_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The one threshold on calibrated probabilities that maximises pooled micro-F1 (the highest
    of the near-best, as for the raw thresholds: precision is what unseen prose punishes)."""
    grid = np.round(np.arange(PROBABILITY_FLOOR, PROBABILITY_CEILING + 1e-9, 0.025), 3)
    f1s = [micro_f1(labels, probabilities >= t) for t in grid]
    best = max(f1s)
    return float(max(t for t, f in zip(grid, f1s, strict=True) if f >= best - 0.002))


def calibrate(scores: np.ndarray, data: TrainingSet, folds: np.ndarray, log=print):
    """Fit the calibrator on the out-of-fold ``scores`` and choose the probability threshold.

    Judged honestly by cross-fitting: each fold's probabilities come from a calibrator fitted on
    the other folds' out-of-fold scores, and the threshold is chosen on those. Real rows weigh
    ``REAL_WEIGHT``: the probabilities are meant for real text. Returns the calibrator (fitted on
    every row), the threshold and what CV says about both (for the model's metadata).
    """
    evidence = training_evidence(data)
    weights = np.where(data.real, REAL_WEIGHT, 1.0)
    cross = cross_fitted(scores, data.labels, evidence, folds, weights)
    threshold = probability_threshold(cross, data.labels)
    assigned = cross >= threshold
    real, synthetic = data.real, ~data.real
    no_theme = data.labels.sum(axis=1) == 0
    ece, ece_upper = expected_calibration_error(cross[real], data.labels[real])
    report = {
        "probability_threshold": threshold,
        "cv_micro_f1": round(micro_f1(data.labels, assigned), 4),
        "cv_micro_f1_real": round(micro_f1(data.labels[real], assigned[real]), 4),
        "cv_micro_f1_project": round(micro_f1(data.labels[synthetic], assigned[synthetic]), 4),
        "cv_real_no_theme_tagged": share_tagged(assigned[real & no_theme]),
        "cv_ece_real": round(ece, 4),
        "cv_ece_real_above_0_1": round(ece_upper, 4),
        "cv_reliability_real": reliability(cross[real], data.labels[real]),
    }
    tagged = report["cv_real_no_theme_tagged"]
    log(
        f"calibrated (cross-fitted): threshold {threshold:.3f}; micro-F1 "
        f"{report['cv_micro_f1']:.3f} (real {report['cv_micro_f1_real']:.3f}, project "
        f"{report['cv_micro_f1_project']:.3f}); real no-theme sentences tagged "
        f"{'-' if tagged is None else f'{tagged:.1%}'}; ECE on real {ece:.4f} "
        f"({ece_upper:.3f} >= 0.1)"
    )
    calibrator = fit_calibrator(scores, data.labels, evidence, weights)
    return calibrator, threshold, report, cross


def train(
    taxonomy: Taxonomy,
    encoder,
    out_dir: Path,
    log=print,
    progress: TrainingProgress | None = None,
) -> ThemeClassifier:
    started = time.perf_counter()
    progress = progress or TrainingProgress()
    progress.phase("read the training data")
    data = read_training_set(taxonomy)
    untagged = int((data.labels.sum(axis=1) == 0).sum())
    log(f"training set: {len(data.texts)} sentences, {untagged} without theme")
    progress.phase("encode the sentences (cached ones are read back)")
    views = encode_cached(encoder, data.texts)
    features, source_row = design_matrix(views, data, np.random.default_rng(SEED))
    progress.phase("inputs of the tuned layers (one encoder pass)")
    inputs = fine_tune_inputs(encoder, data, views)
    log(f"fine-tuning layers {list(TUNED_LAYERS)} + head, {FOLDS} folds ...")
    scores, probe_scores = fine_tuned_out_of_fold(
        encoder, inputs, features, source_row, data, C, progress
    )
    probe_f1 = micro_f1(data.labels, probe_scores >= best_thresholds(probe_scores, data.labels))
    thresholds = best_thresholds(scores, data.labels)
    cv_f1 = micro_f1(data.labels, scores >= thresholds)
    log(f"cross-validated micro-F1: fine-tuned {cv_f1:.3f}, probe alone {probe_f1:.3f}")
    progress.phase("calibrate on the out-of-fold scores")
    folds = row_folds(data, features, source_row)
    calibrator, threshold, calibration, probabilities = calibrate(scores, data, folds, log)
    np.savez(
        OUT_OF_FOLD_PATH,
        scores=scores,
        probe_scores=probe_scores,
        probabilities=probabilities,
        labels=data.labels,
        thresholds=thresholds,
        texts=np.array(data.texts),
        real=data.real,
        folds=folds,
    )
    progress.phase("the final model: fine-tune on all the data", fine_tune_steps(len(data.texts)))
    head_init = fit_weights(features, data.labels[source_row], C)
    tuned, weights, bias = fine_tune(
        encoder, inputs, data, np.arange(len(data.texts)), head_init, on_step=progress.step
    )
    tuned = {k: v.astype(np.float16) for k, v in tuned.items()}  # as stored
    per_theme = {
        t: round(f1(data.labels[:, j], scores[:, j] >= thresholds[j]), 3)
        for j, t in enumerate(taxonomy.ids)
    }
    digest = hashlib.sha256(
        json.dumps(
            {"data": data.digest, "layers": TUNED_LAYERS, "fine_tune": FINE_TUNE, "seed": SEED},
            sort_keys=True,
        ).encode()
    ).hexdigest()
    metadata = {
        "model_id": f"{encoder.model_id}+ft{''.join(map(str, TUNED_LAYERS))}-views-context@"
        f"{digest[:12]}",
        "encoder": encoder.model_id,
        "encoder_layers": sorted(tuned),
        "taxonomy_version": taxonomy.version,
        "training_data_sha256": data.digest,
        "training_sentences": len(data.texts),
        "features": f"mean, max (last layer; fine-tuned layers {list(TUNED_LAYERS)}) and "
        f"hidden_states[{MID_LAYER}] mean pools of the sentence ++ mean hidden_states[{MID_LAYER}] "
        "view of paragraph neighbours",
        "mid_layer": MID_LAYER,
        "context_view": CONTEXT_VIEW,
        "training_files": [p.name for p in training_files()],
        "classifier": "softmax over no-theme + themes, trained with the encoder's top layers "
        "(started from the logistic probe); per-theme Platt scaling with Russia evidence on "
        "out-of-fold scores; one threshold on the calibrated probability",
        "fine_tune": {"layers": list(TUNED_LAYERS), **FINE_TUNE, "seed": SEED},
        "C": C,
        "cv_folds": "leave writing passes and real sources out (GroupKFold, 5 folds)",
        "cv_micro_f1_uncalibrated": round(cv_f1, 4),
        "real_training_sentences": int(data.real.sum()),
        "real_weight_in_calibration": REAL_WEIGHT,
        "evidence_features": list(EVIDENCE_FEATURES),
        **calibration,
        "cv_micro_f1_probe": round(probe_f1, 4),
        "cv_f1_per_theme": per_theme,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    classifier = ThemeClassifier(
        taxonomy.ids, weights, bias, thresholds, metadata, tuned, calibrator, threshold
    )
    progress.phase("save")
    classifier.save(out_dir)
    took = time.perf_counter() - started
    log(
        f"CV micro-F1 {calibration['cv_micro_f1']:.3f} (calibrated); "
        f"wrote {out_dir} in {took:.0f} s"
    )
    return classifier
