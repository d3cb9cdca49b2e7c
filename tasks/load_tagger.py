"""Load the theme tagger once per process (``worldview.themes.tagger_if``); flows and batch tasks
reuse it for every document. With themes off there is no tagger and records say ``model: null``;
with themes on, a missing or broken model is a clear ``ModelUnavailableError``."""

from __future__ import annotations

from prefect import task

from worldview.themes import tagger_if

load_tagger_task = task(tagger_if, name="load-tagger", cache_policy=None)
