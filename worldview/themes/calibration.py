"""Calibrated theme probabilities: Platt scaling of the classifier's scores, gated by evidence.

The classifier's softmax scores rank sentences well but are not probabilities on real text: on
off-topic news hundreds of false tags scored >= 0.9. The calibrator turns a sentence's score for a
theme into the probability that the sentence carries the theme, fitted on **out-of-fold** scores
(every sentence scored by a model that never saw its source or writing pass):

    P(theme t | sentence) = sigmoid(a_t * logit(score_t) + c_t + w . sentence evidence) * gate
    gate                  = sigmoid(v_0 + v . document evidence)

a per-theme Platt scaling (slope ``a_t``, intercept ``c_t``) with the sentence's and paragraph's
Russia evidence (``evidence.py``), times a gate: the probability that the document is tied to
Russia at all, from the document's evidence (whether and how often it names Russia, and how long
it goes on without doing so). A product, because a theme is an element of the *Kremlin's*
worldview: however sure the sentence classifier is that "a constitution should reflect the will of
the people" sounds like strong_state, a 40-sentence page that never names Russia carries no theme.
Every weight is fitted by maximum likelihood on the out-of-fold scores; none is set by hand.

A theme is assigned when its calibrated probability reaches one global threshold, chosen by
cross-validation; the score a record carries is that probability.

Inference is numpy only; fitting uses torch (training time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-6
# L2 penalty of the calibrator (per unit of mean log-loss): mild, its parameters are few (two per
# theme, a handful of evidence weights) and every theme has dozens of positives.
CALIBRATION_L2 = 1e-4
# The first evidence columns (``evidence.FEATURES``) are about the sentence and its paragraph; the
# rest are about the document and feed the gate.
SENTENCE_LEVEL = 2


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class Calibrator:
    slope: np.ndarray  # (themes,)
    intercept: np.ndarray  # (themes,)
    evidence: np.ndarray  # (sentence-level evidence features,)
    gate: np.ndarray  # (1 + document-level evidence features,)

    def gate_probability(self, evidence: np.ndarray) -> np.ndarray:
        """Probability that each row's document is tied to Russia."""
        return sigmoid(self.gate[0] + evidence[:, SENTENCE_LEVEL:] @ self.gate[1:])

    def probabilities(self, scores: np.ndarray, evidence: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, (sentences, themes), from raw scores and evidence rows."""
        z = (
            logit(scores) * self.slope
            + self.intercept
            + (evidence[:, :SENTENCE_LEVEL] @ self.evidence)[:, None]
        )
        return (sigmoid(z) * self.gate_probability(evidence)[:, None]).astype(np.float32)

    def to_json(self) -> dict:
        def rounded(a: np.ndarray) -> list[float]:
            return [round(float(x), 6) for x in a]

        return {
            "slope": rounded(self.slope),
            "intercept": rounded(self.intercept),
            "evidence": rounded(self.evidence),
            "gate": rounded(self.gate),
        }

    @classmethod
    def from_json(cls, data: dict) -> Calibrator:
        arrays = (np.array(data[k], dtype=np.float32) for k in ("slope", "intercept", "evidence"))
        return cls(*arrays, gate=np.array(data["gate"], dtype=np.float32))


def fit_calibrator(
    scores: np.ndarray,
    labels: np.ndarray,
    evidence: np.ndarray,
    weights: np.ndarray | None = None,
    l2: float = CALIBRATION_L2,
) -> Calibrator:
    """Maximum likelihood (weighted binary cross-entropy over every (sentence, theme) decision,
    a small L2 penalty) on out-of-fold ``scores`` against 0/1 ``labels``; torch's L-BFGS."""
    import torch
    from torch.nn.functional import logsigmoid

    n, k = scores.shape
    x = torch.from_numpy(logit(scores).astype(np.float64))
    y = torch.from_numpy(labels.astype(np.float64))
    e = torch.from_numpy(evidence.astype(np.float64))
    w = torch.ones(n, dtype=torch.float64)
    if weights is not None:
        w = torch.from_numpy(np.asarray(weights, dtype=np.float64))
    w = w / w.mean()
    slope = torch.ones(k, dtype=torch.float64, requires_grad=True)
    intercept = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    sentence = torch.zeros(SENTENCE_LEVEL, dtype=torch.float64, requires_grad=True)
    start = torch.zeros(1 + e.shape[1] - SENTENCE_LEVEL, dtype=torch.float64)
    start[0] = 4.0  # start from "every document is tied to Russia"
    gate = start.requires_grad_(True)
    optimiser = torch.optim.LBFGS(
        [slope, intercept, sentence, gate], max_iter=500, line_search_fn="strong_wolfe"
    )

    def loss():
        optimiser.zero_grad()
        z = x * slope + intercept + (e[:, :SENTENCE_LEVEL] @ sentence)[:, None]
        log_g = logsigmoid(gate[0] + e[:, SENTENCE_LEVEL:] @ gate[1:])[:, None]
        log_p = logsigmoid(z) + log_g  # log(sigmoid(z) * gate)
        log_q = torch.log1p(-torch.exp(log_p).clamp(max=1 - 1e-12))
        nll = -((y * log_p + (1 - y) * log_q).sum(dim=1) * w).sum() / n
        penalty = l2 * ((slope - 1).pow(2).sum() + sentence.pow(2).sum() + gate[1:].pow(2).sum())
        total = nll + penalty
        total.backward()
        return total

    optimiser.step(loss)

    def out(t) -> np.ndarray:
        return t.detach().numpy().astype(np.float32)

    return Calibrator(out(slope), out(intercept), out(sentence), out(gate))


def cross_fitted(
    scores: np.ndarray,
    labels: np.ndarray,
    evidence: np.ndarray,
    folds: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Calibrated probabilities of each row from a calibrator fitted on the other folds."""
    out = np.zeros(scores.shape, dtype=np.float32)
    for fold in np.unique(folds):
        test = folds == fold
        cal = fit_calibrator(
            scores[~test],
            labels[~test],
            evidence[~test],
            None if weights is None else np.asarray(weights)[~test],
        )
        out[test] = cal.probabilities(scores[test], evidence[test])
    return out


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict]:
    """Equal-width bins over every (sentence, theme) decision: count, mean probability, observed
    frequency of the theme."""
    p, y = probabilities.reshape(-1), labels.reshape(-1).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table = []
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        table.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "count": count,
                "mean_probability": round(float(p[inside].mean()), 4) if count else None,
                "observed": round(float(y[inside].mean()), 4) if count else None,
            }
        )
    return table


def expected_calibration_error(
    probabilities: np.ndarray, labels: np.ndarray, bins: int = 10
) -> tuple[float, float]:
    """ECE over every (sentence, theme) decision, and over those scored >= 0.1 (the decisions
    anyone reads: most pairs are near-certain zeros, which flatter the plain ECE)."""
    p, y = probabilities.reshape(-1), labels.reshape(-1).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    gaps = np.zeros(bins)
    counts = np.zeros(bins)
    for b in range(bins):
        inside = index == b
        counts[b] = inside.sum()
        if counts[b]:
            gaps[b] = abs(p[inside].mean() - y[inside].mean())
    ece = float((gaps * counts).sum() / max(counts.sum(), 1))
    upper = float((gaps[1:] * counts[1:]).sum() / max(counts[1:].sum(), 1))
    return ece, upper
