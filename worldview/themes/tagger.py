"""The theme tagger: encoder + classifier, loaded once per process, tagging in batches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from worldview.errors import ModelUnavailableError
from worldview.extract.limits import check_time
from worldview.extract.sentences import split_sentences
from worldview.record import Content, DocumentTheme, SentenceRef, SentenceTheme
from worldview.themes.classifier import ThemeClassifier, sentence_features
from worldview.themes.encoder import Encoder
from worldview.themes.evidence import evidence_features, mentions
from worldview.themes.language import skip_warnings, skipped_languages, warm_up
from worldview.themes.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

MODEL_DIR = Path(__file__).with_name("model")
# Sentences per encoder pass of a long document (every analysis in samples/ fits in one).
ENCODE_SLICE = 2_000


class Scored(NamedTuple):
    rows: list[list[int]]  # per paragraph, its sentences' rows
    scores: np.ndarray  # (sentences, themes): calibrated probabilities (raw for an old model)
    assigned: np.ndarray  # (sentences, themes) bool
    warnings: list[list[str]]  # per document


@dataclass
class SentenceThemes:
    text: str
    themes: list[tuple[str, float]]  # (theme id, score), best first


class ThemeTagger:
    """A ``worldview.extract.tag_themes.Tagger``; also tags plain passages (``worldview tag``)."""

    def __init__(self, encoder: Encoder, classifier: ThemeClassifier, taxonomy: Taxonomy) -> None:
        if classifier.theme_ids != taxonomy.ids:
            raise ModelUnavailableError(
                "theme model was trained on another theme list than taxonomy.json; "
                "rebuild it with `worldview train`"
            )
        if classifier.metadata.get("taxonomy_version") != taxonomy.version:
            raise ModelUnavailableError(
                f"theme model was trained for taxonomy "
                f"{classifier.metadata.get('taxonomy_version')}, not {taxonomy.version}; "
                "rebuild it with `worldview train`"
            )
        self.encoder = encoder
        self.classifier = classifier
        self.taxonomy = taxonomy
        self.taxonomy_version = taxonomy.version
        self.model_id = classifier.metadata["model_id"]

    # -- core: paragraphs of sentences -> per-sentence (theme, score) lists ----------------------
    def score_paragraphs(
        self, paragraphs: list[list[str]], documents: list[list[int]] | None = None
    ) -> list[list[list[tuple[str, float]]]]:
        """Themes of every sentence of every paragraph (see ``score_documents``); ``documents``
        lists the paragraph indices of each document (default: all paragraphs are one)."""
        return self.score_documents(paragraphs, documents)[0]

    def score_documents(
        self, paragraphs: list[list[str]], documents: list[list[int]] | None = None
    ) -> tuple[list[list[list[tuple[str, float]]]], list[list[str]]]:
        """One encoder pass over every sentence of every paragraph, then one matrix product.

        Returns the (theme, score) lists of each paragraph's sentences, and each document's
        warnings. A sentence's score is the calibrated probability of the theme, which reads the
        Russia evidence of its paragraph and document (``evidence.py``); a sentence or document
        not in English is not tagged (``language.py``) and its document says so.
        """
        scored = self.probabilities(paragraphs, documents)
        ids = self.classifier.theme_ids
        out = []
        for para_rows in scored.rows:
            para = []
            for row in para_rows:
                hits = np.flatnonzero(scored.assigned[row])
                found = [(ids[j], round(float(scored.scores[row, j]), 4)) for j in hits]
                para.append(sorted(found, key=lambda t: -t[1]))
            out.append(para)
        return out, scored.warnings

    def probabilities(
        self, paragraphs: list[list[str]], documents: list[list[int]] | None = None
    ) -> Scored:
        """Every theme's score for every sentence (one row per sentence, paragraphs in order)
        and which are assigned; a skipped sentence (not English) is assigned none."""
        if documents is None:
            documents = [list(range(len(paragraphs)))]
        texts: list[str] = []
        rows: list[list[int]] = []
        for sentences in paragraphs:
            rows.append(list(range(len(texts), len(texts) + len(sentences))))
            texts.extend(sentences)
        if not texts:
            empty = np.zeros((0, len(self.classifier.theme_ids)))
            return Scored(rows, empty, empty.astype(bool), [[] for _ in documents])
        doc_rows = [[r for i in doc for r in rows[i]] for doc in documents]
        skipped: list[str | None] = [None] * len(texts)
        warnings = []
        for doc in doc_rows:
            found = skipped_languages([texts[r] for r in doc])
            for r, language in zip(doc, found, strict=True):
                skipped[r] = language
            warnings.append(skip_warnings(found))
        if all(skipped):  # nothing the encoder may read
            none = np.zeros((len(texts), len(self.classifier.theme_ids)), dtype=np.float32)
            return Scored(rows, none, none.astype(bool), warnings)
        views = self._encode(texts)
        scores = self.classifier.scores(sentence_features(views, rows, self.classifier.context))
        evidence = evidence_features(mentions(texts), rows, doc_rows)
        scores, assigned = self.classifier.decide(scores, evidence)
        assigned[[r for r, language in enumerate(skipped) if language]] = False
        return Scored(rows, scores, assigned, warnings)

    def _encode(self, texts: list[str]) -> dict:
        """The encoder's views of every sentence, ``ENCODE_SLICE`` sentences at a time: the
        activations follow the slice, not the document (5,000 sentences in one pass: +550 MB),
        and the per-document time budget is checked between slices. The features, the Russia
        evidence and the language check still read the whole document."""
        if len(texts) <= ENCODE_SLICE:
            return self.encoder.encode_views(texts)
        parts = []
        for start in range(0, len(texts), ENCODE_SLICE):
            check_time("tag_themes")
            parts.append(self.encoder.encode_views(texts[start : start + ENCODE_SLICE]))
        return {view: np.concatenate([part[view] for part in parts]) for view in parts[0]}

    # -- record content ------------------------------------------------------------------------
    def tag_content(
        self, content: Content, warnings: list[str] | None = None
    ) -> list[DocumentTheme]:
        """Fill each body sentence's themes; return the document's. The body is one document;
        what kept sentences from being tagged is appended to ``warnings``."""
        paragraphs = [[s.text for s in p.sentences] for p in content.paragraphs]
        results, notes = self.score_documents(paragraphs)
        if warnings is not None:
            warnings.extend(notes[0])
        refs: dict[str, list[SentenceRef]] = {}
        for paragraph, para_result in zip(content.paragraphs, results, strict=True):
            for sentence, found in zip(paragraph.sentences, para_result, strict=True):
                sentence.themes = [SentenceTheme(id=t, score=s) for t, s in found]
                for t, s in found:
                    ref = SentenceRef(paragraph=paragraph.index, sentence=sentence.index, score=s)
                    refs.setdefault(t, []).append(ref)
        return [
            DocumentTheme(
                id=t,
                label=self.taxonomy.label(t),
                score=max(r.score for r in refs[t]),
                sentence_count=len(refs[t]),
                sentences=refs[t],
            )
            for t in self.taxonomy.ids  # taxonomy order: stable, diff-friendly records
            if t in refs
        ]

    # -- plain passages (``worldview tag``, evaluation) ----------------------------------------
    def tag_passages(self, passages: list[str]) -> list[list[SentenceThemes]]:
        """Each passage is split into sentences and read as one paragraph of its own document."""
        split = [[s.text for s in split_sentences(p)] for p in passages]
        results = self.score_paragraphs(split, [[i] for i in range(len(split))])
        return [
            [SentenceThemes(text, found) for text, found in zip(sentences, para, strict=True)]
            for sentences, para in zip(split, results, strict=True)
        ]


def passage_themes(sentences: list[SentenceThemes]) -> list[tuple[str, float]]:
    """Union of the sentences' themes, each with its best score, best first."""
    best: dict[str, float] = {}
    for sentence in sentences:
        for theme, score in sentence.themes:
            best[theme] = max(score, best.get(theme, 0.0))
    return sorted(best.items(), key=lambda t: -t[1])


def build_tagger(model_dir: Path | None = None, encoder_dir: Path | None = None) -> ThemeTagger:
    model_dir = Path(model_dir) if model_dir else MODEL_DIR
    try:
        taxonomy = load_taxonomy()
    except TaxonomyError as exc:
        raise ModelUnavailableError(str(exc)) from None
    try:
        classifier = ThemeClassifier.load(model_dir)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelUnavailableError(
            f"theme classifier not found or unreadable in {model_dir} ({exc}); "
            "build it with `worldview train`"
        ) from None
    encoder = Encoder(encoder_dir)
    warm_up()  # the language check's model: a load-time cost, not the first document's
    try:
        classifier.apply_encoder_weights(encoder.model)
    except ValueError as exc:
        raise ModelUnavailableError(f"theme model in {model_dir}: {exc}") from None
    return ThemeTagger(encoder, classifier, taxonomy)
