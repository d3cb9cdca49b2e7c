"""Step 1: bytes -> Unicode text. PLACEHOLDER: replaced by the real decoder (issue 3)."""

from __future__ import annotations

from tasks._prefect import prefect_task
from worldview.document import DecodedText
from worldview.errors import DecodeError


def decode_bytes(data: bytes) -> DecodedText:
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"undecodable bytes: {exc}") from None
    return DecodedText(text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=encoding)


decode_task = prefect_task(decode_bytes, name="decode")
