"""The theme tagger: encoder + classifier, loaded once per process, tagging in batches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worldview.errors import ModelUnavailableError
from worldview.extract.sentences import split_sentences
from worldview.record import Content, DocumentTheme, SentenceRef, SentenceTheme
from worldview.themes.classifier import ThemeClassifier, sentence_features
from worldview.themes.encoder import Encoder
from worldview.themes.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

MODEL_DIR = Path(__file__).with_name("model")


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
    def score_paragraphs(self, paragraphs: list[list[str]]) -> list[list[list[tuple[str, float]]]]:
        """One encoder pass over every sentence of every paragraph, then one matrix product."""
        texts: list[str] = []
        rows: list[list[int]] = []
        for sentences in paragraphs:
            rows.append(list(range(len(texts), len(texts) + len(sentences))))
            texts.extend(sentences)
        if not texts:
            return [[] for _ in paragraphs]
        views = self.encoder.encode_views(texts)
        scores = self.classifier.scores(sentence_features(views, rows, self.classifier.context))
        assigned = scores >= self.classifier.thresholds
        ids = self.classifier.theme_ids
        out = []
        for para_rows in rows:
            para = []
            for row in para_rows:
                hits = np.flatnonzero(assigned[row])
                found = [(ids[j], round(float(scores[row, j]), 4)) for j in hits]
                para.append(sorted(found, key=lambda t: -t[1]))
            out.append(para)
        return out

    # -- record content ------------------------------------------------------------------------
    def tag_content(self, content: Content) -> list[DocumentTheme]:
        paragraphs = [[s.text for s in p.sentences] for p in content.paragraphs]
        results = self.score_paragraphs(paragraphs)
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
        """Each passage is split into sentences and read as one paragraph."""
        split = [[s.text for s in split_sentences(p)] for p in passages]
        results = self.score_paragraphs(split)
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
    try:
        classifier.apply_encoder_weights(encoder.model)
    except ValueError as exc:
        raise ModelUnavailableError(f"theme model in {model_dir}: {exc}") from None
    return ThemeTagger(encoder, classifier, taxonomy)
