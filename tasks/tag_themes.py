"""Step task: sentence themes and the document roll-up (``worldview.extract.tag_themes``)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from worldview.extract.tag_themes import tag_themes

# No input hashing: the tagger (a ~90 MB model) is an input of this step.
tag_themes_task = task(tag_themes, name="tag-themes", cache_policy=NO_CACHE)
