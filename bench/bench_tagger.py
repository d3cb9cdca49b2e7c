"""Theme tagger speed: sentences/s of the tagger against the raw encoder, on the same sentences.

Both sides run in this process, alternately, on the same sentences (the seed article's body and
the samples' bodies, repeated to a few thousand); the best of three rounds of each is kept, so
the ratio is measured side by side on a noisy shared machine. Also: the time to load the model
(imports included, as a fresh process pays them), the time to tag the seed article once loaded
(median of five), and the peak resident memory of the process.

Goals (issue 4): tagger >= 0.8x raw encode(); seed tagged in < 0.5 s on 2 cores.

    .venv/bin/python bench/bench_tagger.py            # ~1,500 sentences per round
    .venv/bin/python bench/bench_tagger.py --quick    # ~600

Prints one ``BENCH-ROW {json}`` line per result for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SEED = REPO.parent / "shared" / "corpus" / "seed_usip_negotiating_with_putin.txt"
SAMPLES = REPO / "samples" / "articles"


def row(metric: str, value, baseline=None, ratio=None, goal=None, note="") -> None:
    print(
        "BENCH-ROW "
        + json.dumps(
            {
                "bench": "tagger",
                "metric": metric,
                "value": value,
                "baseline": baseline,
                "ratio": ratio,
                "goal": goal,
                "note": note,
            }
        ),
        flush=True,
    )


def documents() -> list[tuple[str, bytes]]:
    paths = ([SEED] if SEED.is_file() else []) + sorted(p for p in SAMPLES.glob("*") if p.is_file())
    return [(p.name, p.read_bytes()) for p in paths]


def paragraphs_of(docs) -> tuple[list[list[str]], object]:
    """Body paragraphs (as sentence lists) of every document, and the seed's content if any."""
    from worldview.pipeline import process_document

    paragraphs, seed_content = [], None
    for name, data in docs:
        try:
            record = process_document(data, name)
        except Exception:  # a sample the pipeline rejects is not this benchmark's business
            continue
        if name == SEED.name:
            seed_content = record.content
        paragraphs += [[s.text for s in p.sentences] for p in record.content.paragraphs]
    return paragraphs, seed_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    target = 600 if args.quick else 1500

    t0 = time.perf_counter()
    from worldview.themes import load_tagger

    tagger = load_tagger()
    load_s = time.perf_counter() - t0
    row("model load (s, imports included)", round(load_s, 2), note=tagger.model_id)

    base, seed_content = paragraphs_of(documents())
    if not base:
        row("sentences/s", None, note="no documents to tag")
        return 1
    paragraphs: list[list[str]] = []
    while sum(map(len, paragraphs)) < target:
        paragraphs += base
    sentences = [s for p in paragraphs for s in p]
    # The raw encoder: sentence-transformers' encode() on the same packaged weights.
    from worldview.themes.encoder import BATCH_SIZE, reference_encoder

    reference = reference_encoder()

    def encode(texts: list[str]):
        return reference.encode(
            texts, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
        )

    encode(sentences[:64])  # warm-up: first-call allocations belong to neither side
    tagger_s, encode_s = [], []
    for _ in range(3):
        t = time.perf_counter()
        encode(sentences)
        encode_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        tagger.score_paragraphs(paragraphs)
        tagger_s.append(time.perf_counter() - t)
    n = len(sentences)
    tagger_rate, encode_rate = n / min(tagger_s), n / min(encode_s)
    row(
        "tagger sentences/s vs raw encode()",
        round(tagger_rate, 1),
        baseline=round(encode_rate, 1),
        ratio=round(tagger_rate / encode_rate, 3),
        goal=">= 0.8",
        note=f"{n} sentences, best of 3 rounds each",
    )

    if seed_content is not None:
        times = []
        for _ in range(5):
            content = seed_content.model_copy(deep=True)
            t = time.perf_counter()
            tagger.tag_content(content)
            times.append(time.perf_counter() - t)
        count = sum(len(p.sentences) for p in seed_content.paragraphs)
        row(
            "seed article tag time after load (s)",
            round(statistics.median(times), 3),
            goal="< 0.5",
            note=f"{count} sentences, median of 5",
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row("peak memory (MB, ru_maxrss)", round(peak_mb, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
