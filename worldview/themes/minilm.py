"""A minimal BERT encoder for the packaged all-MiniLM-L6-v2 weights: torch + tokenizers only.

sentence-transformers (through transformers) takes 10-15 s to import on this machine, several
times the cost of the model itself; this forward pass needs only ``torch``, the Rust
``tokenizers`` and ``safetensors``, and gives the same hidden states (a test compares them with
sentence-transformers' embeddings). It reads the standard BERT weight names from
``model.safetensors`` and the architecture from ``config.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


class MiniLM:
    def __init__(self, model_dir: Path) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.dim = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.weights = {
            k: v.to(torch.float32) for k, v in load_file(model_dir / "model.safetensors").items()
        }
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # The packaged tokenizer.json pads/truncates to a fixed 128; match sentence-transformers.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def tokenize(self, texts: list[str]):
        import torch

        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        types = torch.tensor([e.type_ids for e in encodings], dtype=torch.long)
        return ids, mask, types

    def hidden_states(self, ids, mask, types) -> list:
        """Embedding output plus every layer's output, like transformers' ``hidden_states``."""
        import torch
        from torch.nn import functional as F

        w = self.weights
        n, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length].unsqueeze(0)
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = F.layer_norm(
            x,
            (self.dim,),
            w["embeddings.LayerNorm.weight"],
            w["embeddings.LayerNorm.bias"],
            self.eps,
        )
        states = [x]
        head_dim = self.dim // self.heads
        # Additive mask: padded keys get a large negative score, as in BertModel.
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min

        def split(t):
            return t.view(n, length, self.heads, head_dim).transpose(1, 2)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = split(
                F.linear(
                    x, w[p + "attention.self.query.weight"], w[p + "attention.self.query.bias"]
                )
            )
            k = split(
                F.linear(x, w[p + "attention.self.key.weight"], w[p + "attention.self.key.bias"])
            )
            v = split(
                F.linear(
                    x, w[p + "attention.self.value.weight"], w[p + "attention.self.value.bias"]
                )
            )
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            context = context.transpose(1, 2).reshape(n, length, self.dim)
            attn = F.linear(
                context,
                w[p + "attention.output.dense.weight"],
                w[p + "attention.output.dense.bias"],
            )
            x = F.layer_norm(
                attn + x,
                (self.dim,),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = F.gelu(
                F.linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"])
            )
            out = F.linear(hidden, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
            x = F.layer_norm(
                out + x,
                (self.dim,),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
            states.append(x)
        return states
