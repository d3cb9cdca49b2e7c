"""Load the theme tagger once per process (flows and batch tasks reuse it for every document).

With themes off (``WORLDVIEW_THEMES=off``) there is no tagger and records say ``model: null``.
With themes on, a missing or broken model is a clear ``ModelUnavailableError``, never silently
empty themes.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from tasks._prefect import prefect_task
from tasks.tag_themes import Tagger
from worldview.errors import ModelUnavailableError
from worldview.storage import config_fingerprint


def load_tagger(enabled: bool) -> Tagger | None:
    return _cached_tagger(enabled)


@lru_cache(maxsize=2)
def _cached_tagger(enabled: bool) -> Tagger | None:
    if not enabled:
        return None
    try:
        themes = importlib.import_module("worldview.themes")
        loader = themes.load_tagger
    except (ModuleNotFoundError, AttributeError) as exc:
        raise ModelUnavailableError(f"theme tagger not installed ({exc})") from None
    return loader()


def tagger_config(tagger: Tagger | None) -> str:
    """The config fingerprint records made with this tagger (and this pipeline) carry."""
    from worldview import __version__
    from worldview.record import SCHEMA_VERSION

    return config_fingerprint(
        __version__,
        SCHEMA_VERSION,
        tagger.taxonomy_version if tagger else None,
        tagger.model_id if tagger else None,
    )


load_tagger_task = prefect_task(load_tagger, name="load-tagger", cache_policy=None)
