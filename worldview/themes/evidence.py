"""Russia-connected evidence: does a sentence, its paragraph or its document tie a view to Russia?

A theme is an element of the *Kremlin's* worldview (``docs/labelling.md`` §2): a sentence carries
one only when it, its paragraph or its document ties the view to Russia. The sentence encoder sees
one sentence (and its neighbours' gist); it cannot know that a 40-sentence page about a city budget
never mentions Russia. These features give the calibrator (``calibration.py``) that evidence, at
three levels, from one pass of a regular expression over the sentences:

* ``sentence``, ``paragraph``, ``document``: whether each names Russia's state, leaders, officials,
  security services, state media, or the places and history its worldview is about (``TERMS``);
* ``document_share``: the share of the document's sentences that do;
* ``unlinked_length``: ``log(1 + sentences)`` of a document with no such mention, else 0. A long
  document that never names Russia is strong evidence that it is not about Russia; a one-sentence
  passage ("We will not allow our borders to be threatened") is weak evidence, because the
  reference may lie outside it.

The weights of these features are learned with the rest of the calibrator on out-of-fold scores
of the training data (real documents and the project's passages), never set by hand. The terms
are names (entities), not theme cues: they say what a text is about, not which theme it carries.
"""

from __future__ import annotations

import math
import re

import numpy as np

# Russia's state and leaders, security services, state and pro-Kremlin media, and the places and
# history its worldview concerns. Word-initial matches, case-insensitive.
TERMS = re.compile(
    r"\b(?:"
    r"russ(?:ia|ian|o)\w*|kremlin\w*|moscow\w*|muscovite\w*|soviet\w*|ussr|"
    r"putin\w*|lavrov|peskov|medvedev|zakharova|shoigu|patrushev|naryshkin|bortnikov|surkov|"
    r"dugin|volodin|matviyenko|nebenzia|nebenzya|gerasimov|belousov|kadyrov|prigozhin|"
    r"yeltsin|gorbachev|stalin\w*|brezhnev|chechn\w*|"
    r"fsb|kgb|gru|svr|siloviki|silovik|duma|roscosmos|rosatom|gazprom|rosneft|wagner group|"
    r"tass|sputnik|ria novosti|pravda|izvestia|kommersant|"
    r"crimea\w*|sevastopol|donbas+|donetsk|luhansk|lugansk|novorossiya|transnistria\w*|"
    r"kaliningrad|st\.? petersburg|vladivostok|siberia\w*"
    r")\b",
    re.IGNORECASE,
)

FEATURES = ("sentence", "paragraph", "document", "document_share", "unlinked_length")
# calibration.SENTENCE_LEVEL: the first two are read by the sentence part, the rest by the gate.


def mentions(texts: list[str]) -> np.ndarray:
    """1 where a sentence names Russia (see ``TERMS``), else 0."""
    return np.fromiter(
        (TERMS.search(t) is not None for t in texts), dtype=np.float32, count=len(texts)
    )


def evidence_features(
    hits: np.ndarray, paragraphs: list[list[int]], documents: list[list[int]]
) -> np.ndarray:
    """Per sentence, the ``FEATURES`` columns; ``hits`` from ``mentions``.

    ``paragraphs`` and ``documents`` list the row indices of each paragraph and document; a row in
    no paragraph is its own paragraph, a row in no document its own document.
    """
    n = len(hits)
    out = np.zeros((n, len(FEATURES)), dtype=np.float32)
    out[:, 0] = hits
    out[:, 1] = hits  # rows outside any paragraph: the sentence is its paragraph
    for rows in paragraphs:
        out[rows, 1] = float(hits[rows].max()) if rows else 0.0
    in_document = np.zeros(n, dtype=bool)
    for rows in documents:
        if not rows:
            continue
        in_document[rows] = True
        share = float(hits[rows].mean())
        out[rows, 2] = float(share > 0)
        out[rows, 3] = share
        out[rows, 4] = 0.0 if share > 0 else math.log1p(len(rows))
    alone = ~in_document
    out[alone, 2] = hits[alone]
    out[alone, 3] = hits[alone]
    out[alone, 4] = np.where(hits[alone] > 0, 0.0, math.log(2.0))
    return out
