"""The pipeline's own errors: each names the step that failed and a reason a user can act on."""

from __future__ import annotations


class PipelineError(Exception):
    """A document could not be turned into a record. Never a crash of the batch."""

    step = "pipeline"

    def __init__(self, reason: str, *, step: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if step is not None:
            self.step = step

    def __str__(self) -> str:
        return f"{self.step}: {self.reason}"


class DecodeError(PipelineError):
    step = "decode"


class UnsupportedInputError(PipelineError):
    """Binary formats (PDF, images, archives) and inputs over the size limit."""

    step = "decode"


class DocumentTooLargeError(PipelineError):
    """Over one of a document's limits (``WORLDVIEW_MAX_*``, worldview/extract/limits.py): the
    reason names the setting. The step is the one that found it."""


class TimeBudgetError(PipelineError):
    """The document took longer than ``WORLDVIEW_MAX_DOCUMENT_SECONDS`` in the pipeline."""


class NoArticleError(PipelineError):
    """Nothing left that looks like an article (empty, whitespace, pure site chrome)."""

    step = "segment"


class RecordValidationError(PipelineError):
    step = "validate"


class ModelUnavailableError(PipelineError):
    """The theme model is missing or broken: a clear error, never silently empty themes."""

    step = "tag_themes"
