"""Train the theme classifier from ``data/train.jsonl`` (``worldview train``).

Each line is ``{"id", "text", "themes"}`` plus an optional ``"group"``: consecutive lines of one
group are the sentences of one paragraph, in order, so the classifier learns what a neighbour
says. Lines without a group stand alone. Stand-alone lines are also presented a second time with
two randomly drawn training sentences as neighbours, so that an unrelated neighbour does not
change the verdict (context only helps when it is about the same thing).

Everything is chosen by cross-validation on the training data only: the regularisation strength,
then per-theme thresholds on the out-of-fold scores. The folds are the data's writing passes
(``"pass"``: each pass was written later than the one before, in other registers and words), so
every sentence is scored by a model that never saw its pass: the thresholds are set for phrasing
the model has not met, as on unseen analyses, rather than for reworded neighbours of its own
exemplars (random folds chose thresholds that were too high). The held-out dev set and the seed
labels are never read here.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from worldview.themes.classifier import ThemeClassifier, context_features
from worldview.themes.taxonomy import TAXONOMY_PATH, Taxonomy

DATA_DIR = Path(__file__).with_name("data")
TRAIN_PATH = DATA_DIR / "train.jsonl"
FOLDS = 5
C_GRID = (16.0, 64.0)
SEED = 13
# Thresholds below this assign themes to too much shared-vocabulary prose (they win CV by a hair
# and lose on unseen prose); above the ceiling a theme would almost never fire.
THRESHOLD_FLOOR, THRESHOLD_CEILING = 0.3, 0.9


@dataclass
class TrainingSet:
    texts: list[str]
    labels: np.ndarray  # (n, themes) 0/1
    paragraphs: list[list[int]]  # row indices of multi-sentence groups, in order
    fold_groups: np.ndarray  # the writing pass of each row (a paragraph never straddles two)
    digest: str


def read_training_set(taxonomy: Taxonomy, path: Path = TRAIN_PATH) -> TrainingSet:
    ids = taxonomy.ids
    texts, labels, groups, passes = [], [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        unknown = set(item["themes"]) - set(ids)
        if unknown:
            raise ValueError(f"{path}:{number}: unknown theme ids {sorted(unknown)}")
        texts.append(item["text"])
        labels.append([int(t in item["themes"]) for t in ids])
        groups.append(item.get("group") or f"_{item['id']}")
        passes.append(str(item.get("pass", "")) or groups[-1])
    paragraphs: dict[str, list[int]] = {}
    for row, group in enumerate(groups):
        paragraphs.setdefault(group, []).append(row)
    digest = hashlib.sha256(path.read_bytes() + TAXONOMY_PATH.read_bytes()).hexdigest()
    _, fold_groups = np.unique(np.array(passes), return_inverse=True)
    return TrainingSet(
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        paragraphs=[rows for rows in paragraphs.values() if len(rows) > 1],
        fold_groups=fold_groups,
        digest=digest,
    )


def design_matrix(embeddings: np.ndarray, data: TrainingSet, rng: np.random.Generator):
    """Original rows (true context) followed by augmented stand-alone rows (random context)."""
    base = context_features(embeddings, data.paragraphs)
    in_paragraph = np.zeros(len(data.texts), dtype=bool)
    for rows in data.paragraphs:
        in_paragraph[rows] = True
    alone = np.flatnonzero(~in_paragraph)
    partners = rng.integers(0, len(data.texts), size=(len(alone), 2))
    augmented = np.hstack([embeddings[alone], embeddings[partners].mean(axis=1)])
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


def out_of_fold_scores(features, source_row, data: TrainingSet, c: float) -> np.ndarray:
    """Scores of every original row by a model that never saw its paragraph."""
    from sklearn.model_selection import GroupKFold

    from worldview.themes.classifier import softmax

    n = len(data.texts)
    scores = np.zeros(data.labels.shape, dtype=np.float32)
    row_groups = data.fold_groups[source_row]
    folds = min(FOLDS, len(np.unique(row_groups)))
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(features, groups=row_groups):
        weights, bias = fit_weights(features[train_idx], data.labels[source_row[train_idx]], c)
        originals = test_idx[test_idx < n]
        scores[originals] = softmax(features[originals] @ weights + bias)[:, 1:]
    return scores


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


def train(taxonomy: Taxonomy, encoder, out_dir: Path, log=print) -> ThemeClassifier:
    started = time.perf_counter()
    data = read_training_set(taxonomy)
    untagged = int((data.labels.sum(axis=1) == 0).sum())
    log(f"training set: {len(data.texts)} sentences, {untagged} without theme")
    embeddings = encoder.encode(data.texts)
    features, source_row = design_matrix(embeddings, data, np.random.default_rng(SEED))
    cv = {}
    for c in C_GRID:
        scores = out_of_fold_scores(features, source_row, data, c)
        thresholds = best_thresholds(scores, data.labels)
        cv[c] = (micro_f1(data.labels, scores >= thresholds), scores, thresholds)
        log(f"C={c:g}: cross-validated micro-F1 {cv[c][0]:.3f}")
    c = max(cv, key=lambda k: cv[k][0])
    cv_f1, scores, thresholds = cv[c]
    weights, bias = fit_weights(features, data.labels[source_row], c)
    per_theme = {
        t: round(f1(data.labels[:, j], scores[:, j] >= thresholds[j]), 3)
        for j, t in enumerate(taxonomy.ids)
    }
    metadata = {
        "model_id": f"{encoder.model_id}+context-logreg@{data.digest[:12]}",
        "encoder": encoder.model_id,
        "taxonomy_version": taxonomy.version,
        "training_data_sha256": data.digest,
        "training_sentences": len(data.texts),
        "features": "sentence embedding ++ mean embedding of paragraph neighbours",
        "classifier": "softmax regression over no-theme + themes, per-theme thresholds",
        "C": c,
        "cv_folds": "leave one writing pass out",
        "cv_micro_f1": round(cv_f1, 4),
        "cv_f1_per_theme": per_theme,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    classifier = ThemeClassifier(taxonomy.ids, weights, bias, thresholds, metadata)
    classifier.save(out_dir)
    took = time.perf_counter() - started
    log(f"chose C={c:g}, CV micro-F1 {cv_f1:.3f}; wrote {out_dir} in {took:.0f} s")
    return classifier
