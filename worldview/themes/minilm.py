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
        # The packaged tokenizer.json pads/truncates to a fixed 128; match sentence-transformers
        # (truncate at 256) and pad ourselves, only where a padded batch is wanted.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's word-piece ids, [CLS] ... [SEP], unpadded."""
        return [e.ids for e in self.tokenizer.encode_batch(texts)]

    def tokenize(self, texts: list[str]):
        """Padded ``(ids, attention mask, token types)`` tensors, as BERT tokenizers give them."""
        import torch

        token_ids = self.token_ids(texts)
        length = max((len(t) for t in token_ids), default=0)
        ids = torch.zeros((len(token_ids), length), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
            mask[row, : len(tokens)] = 1
        return ids, mask, torch.zeros_like(ids)

    def hidden_states(self, ids, mask, types) -> list:
        """Embedding output plus every layer's output, like transformers' ``hidden_states``."""
        import torch

        w = self.weights
        n, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length].unsqueeze(0)
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = layer_norm(x, w, "embeddings.LayerNorm", self.eps)
        states = [x]
        # Additive mask: padded keys get a large negative score, as in BertModel.
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for i in range(self.layers):
            x = bert_layer(x, bias, w, f"encoder.layer.{i}.", self.heads, self.eps)
            states.append(x)
        return states

    def packed_states(self, token_ids: list[list[int]], keep: tuple[int, ...]) -> dict:
        """The states ``keep`` (indices as in ``hidden_states``) of every token, without padding.

        Returns ``{state: (tokens, dim) tensor}`` with the sequences' tokens concatenated in order.
        The dense layers, which are nearly all of the arithmetic, run once over the packed tokens,
        so no time goes to padding (a quarter of the work on a typical article, whose sentences
        run from 10 to 70 tokens); only attention is laid out as a padded batch. Same numbers as
        ``hidden_states`` (tests/test_themes.py compares them).
        """
        import torch
        from torch.nn import functional as F

        w = self.weights
        lengths = torch.tensor([len(t) for t in token_ids], dtype=torch.long)
        n, longest = len(token_ids), int(lengths.max())
        flat = torch.tensor([i for tokens in token_ids for i in tokens], dtype=torch.long)
        sequence = torch.repeat_interleave(torch.arange(n), lengths)
        starts = torch.cumsum(lengths, 0) - lengths
        position = torch.arange(len(flat)) - starts[sequence]
        slot = sequence * longest + position  # each token's place in the padded (n, longest) grid
        x = (
            w["embeddings.word_embeddings.weight"][flat]
            + w["embeddings.position_embeddings.weight"][position]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = layer_norm(x, w, "embeddings.LayerNorm", self.eps)
        kept = {0: x} if 0 in keep else {}
        valid = torch.arange(longest)[None, :] < lengths[:, None]
        bias = torch.zeros((n, 1, 1, longest), dtype=x.dtype)
        bias.masked_fill_(~valid[:, None, None, :], torch.finfo(x.dtype).min)
        head_dim = self.dim // self.heads
        for i in range(self.layers):
            grid = x.new_zeros((n * longest, 3 * self.dim))
            prefix = f"encoder.layer.{i}."
            grid[slot] = qkv_projection(x, w, prefix)
            q, k, v = grid.view(n, longest, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4)
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            context = context.transpose(1, 2).reshape(n * longest, self.dim)[slot]
            x = after_attention(context, x, w, prefix, self.eps)
            if i + 1 in keep:
                kept[i + 1] = x
        return kept


# -- BERT layer arithmetic, over a weights dict (the packaged one, or trainable parameters) -------


def layer_norm(x, w: dict, name: str, eps: float):
    from torch.nn import functional as F

    return F.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], eps)


def qkv_projection(x, w: dict, prefix: str):
    """A layer's query, key and value in one product (last dim: q | k | v). Concatenated per call
    so that ``w`` stays the one source of truth (fine-tuned layers replace its entries)."""
    import torch
    from torch.nn import functional as F

    parts = [prefix + f"attention.self.{m}" for m in ("query", "key", "value")]
    weight = torch.cat([w[name + ".weight"] for name in parts])
    bias = torch.cat([w[name + ".bias"] for name in parts])
    return F.linear(x, weight, bias)


def after_attention(context, x, w: dict, prefix: str, eps: float, dropout: float = 0.0):
    """A layer after attention: output projection and feed-forward block, each with its
    residual connection and LayerNorm (dropout only while fine-tuning)."""
    from torch.nn import functional as F

    def linear(t, name):
        return F.linear(t, w[prefix + name + ".weight"], w[prefix + name + ".bias"])

    attn = F.dropout(linear(context, "attention.output.dense"), dropout, training=dropout > 0)
    x = layer_norm(attn + x, w, prefix + "attention.output.LayerNorm", eps)
    hidden = F.gelu(linear(x, "intermediate.dense"))
    out = F.dropout(linear(hidden, "output.dense"), dropout, training=dropout > 0)
    return layer_norm(out + x, w, prefix + "output.LayerNorm", eps)


def bert_layer(x, attn_bias, w: dict, prefix: str, heads: int, eps: float, dropout: float = 0.0):
    """One BERT layer over a padded batch ``(n, length, dim)``."""
    from torch.nn import functional as F

    n, length, dim = x.shape
    qkv = qkv_projection(x, w, prefix).view(n, length, 3, heads, dim // heads)
    q, k, v = qkv.permute(2, 0, 3, 1, 4)
    context = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_bias, dropout_p=dropout)
    context = context.transpose(1, 2).reshape(n, length, dim)
    return after_attention(context, x, w, prefix, eps, dropout)
