"""Which sentences the English-only encoder may read: text in another language gets no themes.

all-MiniLM-L6-v2 was trained on English; on other languages it produces embeddings that the
classifier reads as confidently as English ones (Russian recipe lines were tagged russian_world).
A document whose body is not English is not tagged at all; in an English document, a sentence in
another language is skipped. Either way the record says so (``themes_skipped: language ru``).

Detection reuses the pipeline's cheap check (``worldview.extract.metadata.detect_language``:
English function words first, py3langid only when they are rare). A single sentence is called
non-English only when py3langid also gives English a probability below ``MAX_ENGLISH`` (headlines
and datelines such as "Patchy fog before 2 p.m." have few function words but stay English).
Sentences of fewer than five words are never judged on their own.
"""

from __future__ import annotations

import math
from collections import Counter

from worldview.extract.metadata import detect_language

ENGLISH = "en"
MAX_ENGLISH = 1e-12  # foreign only when py3langid gives English less than this (English lines:
# >= 1e-7; one foreign clause: <= 1e-30)
DOCUMENT_SAMPLE = 4000  # characters of the body read to decide the document's language


def english_probability(sentence: str) -> float:
    """py3langid's probability that ``sentence`` is English (its ranking, normalised; the model is
    the one the metadata step loads, read once per process)."""
    import py3langid

    ranked = py3langid.rank(sentence)
    top = max(float(score) for _, score in ranked)
    weights = {lang: math.exp(float(score) - top) for lang, score in ranked}
    return weights.get(ENGLISH, 0.0) / sum(weights.values())


def warm_up() -> None:
    """Load py3langid's model now (~1 s), with the tagger, rather than on the first document
    that has a sentence it must judge."""
    import py3langid

    py3langid.rank("warm up")


def document_language(sentences: list[str]) -> str | None:
    """The body's language (``None``: too little text to tell)."""
    text, size = [], 0
    for sentence in sentences:
        text.append(sentence)
        size += len(sentence) + 1
        if size >= DOCUMENT_SAMPLE:
            break
    return detect_language(" ".join(text))


def sentence_language(sentence: str) -> str | None:
    """The language of one sentence when it is confidently not English, else ``None``."""
    guess = detect_language(sentence)
    if guess in (None, ENGLISH):
        return None
    return guess if english_probability(sentence) < MAX_ENGLISH else None


def skipped_languages(sentences: list[str]) -> list[str | None]:
    """Per sentence, the language that keeps it from being tagged (``None``: tag it)."""
    language = document_language(sentences)
    if language not in (None, ENGLISH):
        return [language] * len(sentences)
    return [sentence_language(s) for s in sentences]


def skip_warnings(skipped: list[str | None]) -> list[str]:
    """Record warnings for skipped sentences: ``themes_skipped: language ru`` for a document in
    Russian, ``themes_skipped: language ru (3 of 40 sentences)`` for some sentences."""
    counts = Counter(s for s in skipped if s)
    total = len(skipped)
    return [
        f"themes_skipped: language {language}"
        + ("" if count == total else f" ({count} of {total} sentences)")
        for language, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
