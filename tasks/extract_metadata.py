"""Step 5: title, authors, dates, type. PLACEHOLDER: replaced by the real extractor (issue 3)."""

from __future__ import annotations

from tasks._prefect import prefect_task
from worldview.document import CleanedDocument, Segments
from worldview.record import Metadata


def extract_metadata(doc: CleanedDocument, segments: Segments) -> Metadata:
    return Metadata(title=segments.title or "Untitled", publication_type=doc.publication_type)


extract_metadata_task = prefect_task(extract_metadata, name="extract-metadata")
