"""Which binary document a file is, by its content: PDF by its ``%PDF-`` header, Word by the
members of its ZIP container (``word/document.xml``), never by its name.

``decode`` asks this first: a PDF or a Word document goes to its reader as bytes; another
Office Open XML or OpenDocument file (a spreadsheet renamed ``.docx``) is refused here with what
it really is. Only the ZIP's central directory is read (its member names), never a member's
content: that is the Word reader's job, within its limits.
"""

from __future__ import annotations

import io
import zipfile

from worldview.document import Format
from worldview.errors import UnsupportedInputError

PDF_MAGIC = b"%PDF-"
# Readers accept a PDF header anywhere in the first kilobyte (junk before it is common).
PDF_HEADER_WITHIN = 1024
ZIP_MAGIC = b"PK\x03\x04"
WORD_MAIN_PART = "word/document.xml"
# What an Office Open XML or OpenDocument package holds instead of a Word body.
OTHER_PACKAGES = (
    ("xl/workbook.xml", "an Excel spreadsheet (.xlsx), not a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx), not a Word document"),
    ("visio/document.xml", "a Visio drawing (.vsdx), not a Word document"),
)
OPENDOCUMENT_KINDS = {
    "application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt): save it as .docx "
    "or PDF",
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
}

MEDIA_TYPES = {
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def is_pdf(data: bytes) -> bool:
    if data.startswith(PDF_MAGIC):
        return True
    at = data.find(PDF_MAGIC, 0, PDF_HEADER_WITHIN)
    # Junk before the header, but binary junk: prose that mentions "%PDF-" is not a PDF.
    return at > 0 and b"%%EOF" in data[-2048:]


def zip_document(data: bytes) -> Format:
    """A ZIP container as a Word document, or a clear refusal naming what it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = _stored_mimetype(archive, names)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsupportedInputError(f"corrupt ZIP container (or a broken .docx): {exc}") from None
    if WORD_MAIN_PART in names:
        return Format.DOCX
    if mimetype in OPENDOCUMENT_KINDS:
        raise UnsupportedInputError(f"binary input: this is {OPENDOCUMENT_KINDS[mimetype]}")
    for member, kind in OTHER_PACKAGES:
        if member in names:
            raise UnsupportedInputError(f"binary input: this is {kind}")
    if "[Content_Types].xml" in names:
        raise UnsupportedInputError(
            "binary input: an Office Open XML package without a Word body (word/document.xml)"
        )
    raise UnsupportedInputError("binary input: this is a ZIP archive, not a text or HTML file")


def _stored_mimetype(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """OpenDocument's first member, ``mimetype``, stored uncompressed and a few bytes long."""
    if "mimetype" not in names:
        return None
    info = archive.getinfo("mimetype")
    if info.file_size > 200:
        return None
    return archive.read(info).decode("ascii", errors="replace").strip()


def document_format(data: bytes) -> Format | None:
    """PDF or Word when the bytes are one (raising for another kind of ZIP package), else None."""
    if is_pdf(data):
        return Format.PDF
    if data.startswith(ZIP_MAGIC):
        return zip_document(data)
    return None
