"""What a record says about themes, joined for reading: every themed sentence with its themes'
labels and scores, and every theme with its sentences (the record keeps them apart, by index).

The page and the terminal summary both read this; neither walks the record's indices itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from worldview.record import Record
from worldview.views.palette import Colour, load_palette


@dataclass(frozen=True)
class ThemeInfo:
    id: str
    label: str
    definition: str | None
    colour: Colour


@dataclass(frozen=True)
class SentenceTheme:
    theme: ThemeInfo
    score: float


@dataclass(frozen=True)
class ThemedSentence:
    """A sentence that carries at least one theme; ``number`` counts them in reading order."""

    number: int
    paragraph: int
    sentence: int
    text: str
    section: str | None
    themes: tuple[SentenceTheme, ...]  # highest score first

    @property
    def anchor(self) -> str:
        return sentence_anchor(self.paragraph, self.sentence)

    @property
    def theme_ids(self) -> list[str]:
        return [t.theme.id for t in self.themes]


@dataclass
class ThemeSummary:
    theme: ThemeInfo
    score: float  # the document score (the record's roll-up)
    sentences: list[ThemedSentence] = field(default_factory=list)  # reading order

    @property
    def count(self) -> int:
        return len(self.sentences)

    def score_in(self, sentence: ThemedSentence) -> float:
        return next(t.score for t in sentence.themes if t.theme.id == self.theme.id)

    @property
    def top(self) -> ThemedSentence | None:
        """The sentence that carries this theme most surely (the first of equals)."""
        return max(self.sentences, key=self.score_in, default=None)


@dataclass
class RecordView:
    record: Record
    themes: list[ThemeSummary]  # most sentences first, then document score
    sentences: list[ThemedSentence]
    total_sentences: int
    absent: list[ThemeInfo]  # taxonomy themes the document does not carry
    by_position: dict[tuple[int, int], ThemedSentence]

    @property
    def tagged(self) -> bool:
        return self.record.provenance.model is not None


def sentence_anchor(paragraph: int, sentence: int) -> str:
    return f"p{paragraph}-s{sentence}"


@cache
def _taxonomy_themes() -> dict[str, tuple[str, str]]:
    """id -> (label, definition) from the installed taxonomy; empty if it cannot be read."""
    from worldview.themes.taxonomy import TaxonomyError, load_taxonomy

    try:
        return {t.id: (t.label, t.definition) for t in load_taxonomy().themes}
    except TaxonomyError:
        return {}


def theme_info(theme_id: str, label: str | None = None) -> ThemeInfo:
    """Label and definition from the taxonomy; a label the record carries wins for unknown ids."""
    known = _taxonomy_themes().get(theme_id)
    if known is not None:
        return ThemeInfo(theme_id, known[0], known[1], load_palette().colour(theme_id))
    fallback = label or theme_id.replace("_", " ").capitalize()
    return ThemeInfo(theme_id, fallback, None, load_palette().colour(theme_id))


def all_themes() -> list[ThemeInfo]:
    """Every theme of the installed taxonomy, in its order."""
    return [theme_info(theme_id) for theme_id in _taxonomy_themes()]


def record_view(record: Record) -> RecordView:
    labels = {t.id: t.label for t in record.themes}
    infos: dict[str, ThemeInfo] = {}

    def info(theme_id: str) -> ThemeInfo:
        if theme_id not in infos:
            infos[theme_id] = theme_info(theme_id, labels.get(theme_id))
        return infos[theme_id]

    summaries = {t.id: ThemeSummary(info(t.id), t.score) for t in record.themes}
    sentences: list[ThemedSentence] = []
    total = 0
    for paragraph in record.content.paragraphs:
        for sentence in paragraph.sentences:
            total += 1
            if not sentence.themes:
                continue
            ordered = sorted(sentence.themes, key=lambda t: -t.score)
            themed = ThemedSentence(
                number=len(sentences) + 1,
                paragraph=paragraph.index,
                sentence=sentence.index,
                text=sentence.text,
                section=paragraph.section,
                themes=tuple(SentenceTheme(info(t.id), t.score) for t in ordered),
            )
            sentences.append(themed)
            for t in ordered:
                if t.id not in summaries:  # a sentence theme the roll-up left out
                    summaries[t.id] = ThemeSummary(info(t.id), t.score)
                summaries[t.id].sentences.append(themed)
    themes = sorted(summaries.values(), key=lambda s: (-s.count, -s.score, s.theme.label))
    present = set(summaries)
    absent = [t for t in all_themes() if t.id not in present]
    by_position = {(s.paragraph, s.sentence): s for s in sentences}
    return RecordView(record, themes, sentences, total, absent, by_position)
