"""Writing systems: the scripts written without spaces between words (Chinese, Japanese), where
a word is a character or two rather than a run between spaces, and their full-width sentence
punctuation. Every word-count threshold counts words with ``word_count``, so that a line of
Chinese prose is not taken for a three-word label.
"""

from __future__ import annotations

import re

# Hiragana, katakana, CJK ideographs (extension A and the unified block), compatibility
# ideographs, Hangul syllables.
CJK_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_CHAR = re.compile(f"[{CJK_CHARACTERS}]")
CJK_CHARS_PER_WORD = 2  # a Chinese word is one or two characters
# What a CJK character carries, in Latin letters: character-count thresholds written for
# Latin text ("a paragraph of 80 characters") measure CJK text with ``latin_length``.
CJK_CHAR_WIDTH = 3
# Sentence and clause ends in full-width punctuation: "。" "！" "？" and "：" "；" "，".
FULL_WIDTH_SENTENCE_END = ("。", "！", "？")
FULL_WIDTH_CLAUSE_END = ("：", "；", "，")
# What ends a sentence in any script: a line ending in one of these is prose, not a label.
SENTENCE_STOPS = (".", "!", "?", *FULL_WIDTH_SENTENCE_END)


def word_count(text: str) -> int:
    """Words in ``text``: runs between spaces, and in CJK text a word per two characters."""
    words = len(text.split())
    if text.isascii():
        return words
    cjk = len(CJK_CHAR.findall(text))
    return words + cjk // CJK_CHARS_PER_WORD if cjk else words


def latin_length(text: str) -> int:
    """The length of ``text`` in Latin-letter equivalents: a CJK character counts three."""
    if text.isascii():
        return len(text)
    cjk = len(CJK_CHAR.findall(text))
    return len(text) + (CJK_CHAR_WIDTH - 1) * cjk
