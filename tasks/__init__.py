"""The Prefect tasks: one module per pipeline step, each a thin ``@task`` over its library function.

The library (``worldview``) never imports Prefect; this package does. ``run_step_as_task`` is the
step runner the ``process-document`` flow hands to ``worldview.pipeline.process_document``, so the
step order stays written once (in the pipeline) and each step is still its own task run in the UI.
"""

from __future__ import annotations

from typing import Any

from tasks.build_record import build_record_task
from tasks.clean import clean_task
from tasks.decode import decode_task
from tasks.detect_format import detect_format_task
from tasks.extract_metadata import extract_metadata_task
from tasks.segment import segment_task
from tasks.tag_themes import tag_themes_task
from tasks.validate import validate_task
from worldview.pipeline import Step

STEP_TASKS = {
    Step.DECODE: decode_task,
    Step.DETECT_FORMAT: detect_format_task,
    Step.CLEAN: clean_task,
    Step.SEGMENT: segment_task,
    Step.EXTRACT_METADATA: extract_metadata_task,
    Step.TAG_THEMES: tag_themes_task,
    Step.BUILD_RECORD: build_record_task,
    Step.VALIDATE: validate_task,
}


def run_step_as_task(step: Step, /, *args: Any, **kwargs: Any) -> Any:
    return STEP_TASKS[step](*args, **kwargs)
