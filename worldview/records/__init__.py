"""For downstream teams: read, compare and export the records in the store, without the pipeline.

    from worldview.records import RecordReader

    reader = RecordReader.from_settings()            # WORLDVIEW_S3_ENDPOINT, WORLDVIEW_BUCKET, ...
    for row in reader.list(theme="besieged_fortress", since=date(2024, 1, 1)):
        record = reader.get(row.document_id)          # a worldview.record.Record
    reader.history(doc_id)                            # every version and why it was made
    diff_records(reader.get(doc_id, 1), reader.get(doc_id, 2))

Needs only the base install (``pip install worldview``): pydantic, boto3, jsonschema, pyarrow.
Importing this package does not import pyarrow (only ``worldview.records.export`` does).
"""

from worldview.records.diff import RecordDiff, diff_records, render_diff
from worldview.records.reader import RecordNotFound, RecordReader, VersionInfo
from worldview.storage import LatestPointer as IndexRow
from worldview.storage import RecordFormatError, parse_record

__all__ = [
    "IndexRow",
    "RecordDiff",
    "RecordFormatError",
    "RecordNotFound",
    "RecordReader",
    "VersionInfo",
    "diff_records",
    "parse_record",
    "render_diff",
]
