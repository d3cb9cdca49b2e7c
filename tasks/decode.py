"""Step task: bytes -> Unicode text (``worldview.extract.decode``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.decode import decode_bytes

decode_task = task(decode_bytes, name="decode")
