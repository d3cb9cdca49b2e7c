"""The packed MiniLM forward (no padding) gives the same states as the padded BERT layout."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

TEXTS = [
    "The Kremlin declares the international system a threat to Russia's sovereignty.",
    "Short.",
    "",
    "U.S. officials met in Geneva; talks ended without a deal. " * 30,  # truncated at 256 tokens
    "Москва считает, что Запад окружает Россию.",
    "He avoids any blueprint.",
]


@pytest.fixture(scope="module")
def minilm():
    from worldview.themes.encoder import packaged_encoder_dir
    from worldview.themes.minilm import MAX_TOKENS, MiniLM

    model = MiniLM(packaged_encoder_dir())
    assert max(len(t) for t in model.token_ids(TEXTS)) == MAX_TOKENS
    return model


def test_packed_states_match_the_padded_forward(minilm):
    ids, mask, types = minilm.tokenize(TEXTS)
    with torch.inference_mode():
        padded = minilm.hidden_states(ids, mask, types)
        packed = minilm.packed_states(minilm.token_ids(TEXTS), keep=(0, 4, minilm.layers))
    lengths = mask.sum(dim=1).tolist()
    for state, tokens in packed.items():
        expected = torch.cat([padded[state][row, :n] for row, n in enumerate(lengths)])
        assert tokens.shape == expected.shape
        assert float((tokens - expected).abs().max()) < 1e-4


def test_views_do_not_depend_on_what_else_is_in_the_batch():
    """A sentence's embedding is the same alone, in a batch, and in a batch split into chunks."""
    import numpy as np

    from worldview.themes import encoder as encoder_module

    encoder = encoder_module.Encoder()
    together = encoder.encode_views(TEXTS)
    alone = [encoder.encode_views([t]) for t in TEXTS]
    chunk = encoder_module.CHUNK_SIZE
    try:
        encoder_module.CHUNK_SIZE = 2
        chunked = encoder.encode_views(TEXTS)
    finally:
        encoder_module.CHUNK_SIZE = chunk
    for view, rows in together.items():
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
        for i in range(len(TEXTS)):
            assert float(np.abs(rows[i] - alone[i][view][0]).max()) < 1e-4
            assert float(np.abs(rows[i] - chunked[view][i]).max()) < 1e-4
