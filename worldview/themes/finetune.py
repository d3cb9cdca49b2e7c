"""Fine-tuning the top of the encoder together with the theme classifier (SetFit-like, but cheap).

The encoder's first layers stay frozen: the output of layer ``FROZEN_STATE - 1`` (``hidden_states
[FROZEN_STATE]``) of every training sentence is computed once, and only the layers above it and
the classifier head run forward and backward while training. The layers above are ordinary BERT
layers under the standard weight names, so the tagger loads the fine-tuned ones by overriding
those entries of ``MiniLM.weights``; the encoder's own forward then gives exactly the features
the head was trained on.

torch is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

from worldview.themes.minilm import bert_layer

# BERT layer parameter names, relative to "encoder.layer.<i>."
LAYER_PARAMS = (
    "attention.self.query.weight",
    "attention.self.query.bias",
    "attention.self.key.weight",
    "attention.self.key.bias",
    "attention.self.value.weight",
    "attention.self.value.bias",
    "attention.output.dense.weight",
    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight",
    "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",
    "intermediate.dense.bias",
    "output.dense.weight",
    "output.dense.bias",
    "output.LayerNorm.weight",
    "output.LayerNorm.bias",
)


def layer_weight_names(layers) -> list[str]:
    return [f"encoder.layer.{i}.{p}" for i in layers for p in LAYER_PARAMS]


def frozen_states(minilm, texts: list[str], state: int, batch_size: int = 64) -> list:
    """``hidden_states[state]`` of each text, unpadded: one (tokens, dim) float32 tensor each."""
    import torch

    out: list = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            ids, mask, types = minilm.tokenize([texts[i] for i in rows])
            states = minilm.hidden_states(ids, mask, types)[state]
            lengths = mask.sum(dim=1).tolist()
            for j, row in enumerate(rows):
                out[row] = states[j, : lengths[j]].clone()
    return out


def pad(states: list):
    """Stack unpadded (tokens, dim) tensors into (n, longest, dim) plus a 0/1 mask."""
    import torch

    longest = max(s.shape[0] for s in states)
    dim = states[0].shape[1]
    x = torch.zeros(len(states), longest, dim)
    mask = torch.zeros(len(states), longest)
    for i, s in enumerate(states):
        x[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1.0
    return x, mask


def top_views(
    x, mask, weights: dict, layers, heads: int, eps: float, dropout: float = 0.0, mid=None
):
    """``mean``, ``max`` (last layer) and ``mid`` pools, unit length, as ``Encoder.encode_views``
    returns them: ``x`` is the frozen input of ``layers``; ``mid`` (the mid-layer mean view, fixed)
    is passed in, or taken from ``x`` when ``x`` is itself that layer."""
    import torch
    from torch.nn import functional as F

    bias = (1.0 - mask[:, None, None, :]) * torch.finfo(x.dtype).min
    m = mask.unsqueeze(-1)
    count = m.sum(dim=1).clamp(min=1.0)
    if mid is None:
        mid = (x * m).sum(dim=1) / count
    h = x
    for i in layers:
        h = bert_layer(h, bias, weights, f"encoder.layer.{i}.", heads, eps, dropout)
    mean = (h * m).sum(dim=1) / count
    mx = h.masked_fill(m == 0, -1e4).max(dim=1).values
    return {
        "mean": F.normalize(mean, p=2, dim=1),
        "max": F.normalize(mx, p=2, dim=1),
        "mid": F.normalize(mid, p=2, dim=1),
    }


def as_numpy(t) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32)


def soft_targets(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax targets over "no theme" + themes, and row weights: a sentence with k themes puts
    1/k on each and weighs k (as k copies of it would in the logistic regression)."""
    k = labels.sum(axis=1)
    targets = np.zeros((len(labels), 1 + labels.shape[1]), dtype=np.float32)
    targets[k == 0, 0] = 1.0
    targets[k > 0, 1:] = labels[k > 0] / k[k > 0, None]
    return targets, np.maximum(k, 1).astype(np.float32)


def train_top(
    states: list,
    mid: np.ndarray,
    context: np.ndarray,
    alone: np.ndarray,
    partners: np.ndarray,
    labels: np.ndarray,
    base_weights: dict,
    head_init: tuple[np.ndarray, np.ndarray],
    *,
    layers,
    heads: int,
    eps: float,
    epochs: int,
    lr_body: float,
    lr_head: float,
    batch_size: int,
    dropout: float,
    seed: int,
    on_step=None,
) -> tuple[dict, np.ndarray, np.ndarray]:
    """Fine-tune ``layers`` and a linear head over ``[mean | max | mid | context]`` with
    cross-entropy; the head starts from ``head_init`` (the logistic probe on the frozen encoder:
    "linear probe, then fine-tune", which distorts the pretrained features least).

    ``states`` are the frozen inputs of ``layers``, ``mid`` the fixed mid-layer views, ``context``
    each sentence's neighbour context; in each epoch half of the stand-alone sentences (``alone``)
    get the mean of two random ``partners`` rows as context instead, as the probe's augmented
    rows do. Returns the tuned layer weights (name -> float32 array) and the head (weights, bias).
    Deterministic for a given seed: fixed batch order, fixed torch seed.
    """
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    names = layer_weight_names(layers)
    params = {k: base_weights[k].detach().clone().requires_grad_(True) for k in names}
    weights = {**base_weights, **params}
    dim = context.shape[1]
    head = torch.nn.Linear(4 * dim, labels.shape[1] + 1)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(np.ascontiguousarray(head_init[0].T)))
        head.bias.copy_(torch.from_numpy(head_init[1]))
    optimiser = torch.optim.AdamW(
        [
            {"params": list(params.values()), "lr": lr_body, "weight_decay": 0.01},
            {"params": list(head.parameters()), "lr": lr_head, "weight_decay": 0.0},
        ]
    )
    targets, row_weights = (torch.from_numpy(a) for a in soft_targets(labels))
    mid_t = torch.from_numpy(np.ascontiguousarray(mid, dtype=np.float32))
    # Batches of similar length (little padding), visited in a new random order each epoch.
    order = np.argsort([s.shape[0] for s in states], kind="stable")
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    total = epochs * len(batches)
    warmup = max(1, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (total - step) / total)
    )
    for _ in range(epochs):
        ctx = np.array(context, dtype=np.float32)
        flip = alone & (rng.random(len(ctx)) < 0.5)
        ctx[flip] = partners[rng.integers(0, len(partners), size=(int(flip.sum()), 2))].mean(1)
        context_t = torch.from_numpy(ctx)
        for b in rng.permutation(len(batches)):
            rows = batches[b]
            x, mask = pad([states[i] for i in rows])
            views = top_views(x, mask, weights, layers, heads, eps, dropout, mid=mid_t[rows])
            features = torch.cat([views["mean"], views["max"], views["mid"], context_t[rows]], 1)
            log_p = torch.log_softmax(head(features), dim=1)
            w = row_weights[rows]
            loss = (-(targets[rows] * log_p).sum(dim=1) * w).sum() / w.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            if on_step is not None:  # progress (``worldview train``'s bars)
                on_step()
    tuned = {k: as_numpy(p) for k, p in params.items()}
    return tuned, as_numpy(head.weight).T.copy(), as_numpy(head.bias)


def views_with(states: list, mid: np.ndarray, weights: dict, layers, heads: int, eps: float):
    """The encoder views of sentences from their frozen states, through (tuned) ``layers``."""
    import torch

    n = len(states)
    out = {v: np.zeros((n, mid.shape[1]), dtype=np.float32) for v in ("mean", "max", "mid")}
    order = np.argsort([s.shape[0] for s in states], kind="stable")
    with torch.inference_mode():
        for start in range(0, n, 128):
            rows = order[start : start + 128]
            x, mask = pad([states[i] for i in rows])
            m = torch.from_numpy(np.ascontiguousarray(mid[rows], dtype=np.float32))
            for name, tensor in top_views(x, mask, weights, layers, heads, eps, mid=m).items():
                out[name][rows] = tensor.numpy()
    return out
