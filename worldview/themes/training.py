"""Train the theme classifier from every ``data/train*.jsonl`` (``worldview train``).

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

from worldview.themes.classifier import ThemeClassifier, sentence_features
from worldview.themes.encoder import VIEWS
from worldview.themes.taxonomy import TAXONOMY_PATH, Taxonomy

DATA_DIR = Path(__file__).with_name("data")
TRAIN_GLOB = "train*.jsonl"
# Encoder outputs of training sentences, keyed by text hash: retraining after a data edit encodes
# only the new lines. Gitignored (.worldview/); deleting it only costs time.
CACHE_PATH = Path(__file__).resolve().parents[2] / ".worldview" / "theme_views_cache.npz"
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


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob(TRAIN_GLOB))


def read_training_set(taxonomy: Taxonomy, paths: list[Path] | None = None) -> TrainingSet:
    """All training files; a CV fold is one writing pass of one file (a file with no pass
    numbers is one pass)."""
    paths = training_files() if paths is None else paths
    if not paths:
        raise FileNotFoundError(f"no training data ({TRAIN_GLOB}) in {DATA_DIR}")
    ids = taxonomy.ids
    texts, labels, groups, passes = [], [], [], []
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
    paragraphs: dict[str, list[int]] = {}
    for row, group in enumerate(groups):
        paragraphs.setdefault(group, []).append(row)
    hasher.update(TAXONOMY_PATH.read_bytes())
    digest = hasher.hexdigest()
    _, fold_groups = np.unique(np.array(passes), return_inverse=True)
    return TrainingSet(
        texts=texts,
        labels=np.array(labels, dtype=np.int8),
        paragraphs=[rows for rows in paragraphs.values() if len(rows) > 1],
        fold_groups=fold_groups,
        digest=digest,
    )


def encode_cached(encoder, texts: list[str], cache_path: Path = CACHE_PATH) -> dict:
    """``encoder.encode_views(texts)``, reusing earlier results for texts seen before."""
    keys = [hashlib.sha256(f"{encoder.model_id}\0{t}".encode()).hexdigest()[:24] for t in texts]
    known: dict[str, dict] = {}
    if cache_path.is_file():
        try:
            with np.load(cache_path) as cache:
                for i, key in enumerate(cache["keys"]):
                    known[str(key)] = {v: cache[v][i] for v in VIEWS}
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
    base = sentence_features(views, data.paragraphs)
    in_paragraph = np.zeros(len(data.texts), dtype=bool)
    for rows in data.paragraphs:
        in_paragraph[rows] = True
    alone = np.flatnonzero(~in_paragraph)
    partners = rng.integers(0, len(data.texts), size=(len(alone), 2))
    own = sentence_features({v: x[alone] for v, x in views.items()}, [])
    dim = views["mean"].shape[1]
    augmented = np.hstack([own[:, :-dim], views["mean"][partners].mean(axis=1)])
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
    views = encode_cached(encoder, data.texts)
    features, source_row = design_matrix(views, data, np.random.default_rng(SEED))
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
        "model_id": f"{encoder.model_id}+views-context-logreg@{data.digest[:12]}",
        "encoder": encoder.model_id,
        "taxonomy_version": taxonomy.version,
        "training_data_sha256": data.digest,
        "training_sentences": len(data.texts),
        "features": "mean, max and layer-4 mean pools of the sentence ++ mean embedding of "
        "paragraph neighbours",
        "training_files": [p.name for p in training_files()],
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
