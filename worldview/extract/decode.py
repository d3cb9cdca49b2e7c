"""The decode step: bytes -> Unicode text with "\\n" newlines, or a clear reason why not.

Fast paths first, because most sources are plain UTF-8: a byte-order mark decides outright.
Otherwise binary formats (PDF, images, archives) are refused by their signatures, UTF-16 without
a BOM is recognised by its NUL pattern (other NUL bytes mean binary), then strict UTF-8 is tried,
then a charset the markup declares, then cp1252 for Western text with a few stray high bytes, and
only then charset-normalizer's statistical guess. Mojibake (UTF-8 read as cp1252 somewhere
upstream) is repaired with ftfy, but only when ftfy's own detector says the text is really
garbled; typographic quotes and dashes are left as they are.
"""

from __future__ import annotations

import codecs
import re

from worldview.document import DecodedText
from worldview.errors import DecodeError, NoArticleError, UnsupportedInputError

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# Signatures of the binary formats people most often upload by mistake.
MAGIC_NUMBERS = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript document"),
    (b"\x7fELF", "an executable"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}

SNIFF_BYTES = 4096
# <meta charset="x">, <meta http-equiv=... content="...; charset=x">, <?xml encoding="x"?>
DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""")
# Browsers read these labels as cp1252 (WHATWG Encoding Standard); so do we.
CP1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"}
# C0 controls other than tab, newline, carriage return, form feed: a text file has (almost) none.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MOJIBAKE_PAIR = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
HIGH_BYTES = re.compile(rb"[\x80-\xff]")
# Words of another script (cp1251 Cyrillic, Greek, ...) are runs of high bytes; in Western text
# accented letters stand alone among ASCII letters ("café", "Zürich").
HIGH_LETTER_RUNS = re.compile(rb"[\xc0-\xff]{3,}")


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in MAGIC_NUMBERS:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] in RIFF_KINDS:
        return RIFF_KINDS[head[8:12]]
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text that is mostly ASCII has a NUL in every other byte: that tells LE from BE."""
    sample = head[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _utf16_other_script(data: bytes) -> tuple[str, str]:
    """UTF-16 without a BOM in a non-Latin script (Cyrillic: "\x1f\x04") has NULs only at its
    spaces and punctuation. Accept a UTF-16 reading only if it looks like prose — spaces between
    words, no control characters — which decoded binary never does; otherwise it is binary."""
    for codec in ("utf-16-le", "utf-16-be"):
        if len(data) % 2:
            break
        sample = data[:SNIFF_BYTES].decode(codec, errors="replace")  # may cut a pair in two
        spaces = sample.count(" ") + sample.count("\n")
        if spaces >= 0.08 * len(sample) and not CONTROL_CHARS.search(sample):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    raise UnsupportedInputError("binary input: contains NUL bytes, not a text file")


def _declared_charset(head: bytes) -> str | None:
    match = DECLARED_CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in CP1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _legacy_decode(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8: the declared charset, cp1252, or charset-normalizer's guess."""
    declared = _declared_charset(data[:SNIFF_BYTES])
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    # Western text with a few smart quotes or accents: cp1252 needs no statistics. A high share
    # of high bytes means another script (Cyrillic cp1251, KOI8-R, ...): let the detector choose.
    sample = data[:65536]
    high = len(HIGH_BYTES.findall(sample))
    if high <= 0.03 * len(sample) or len(HIGH_LETTER_RUNS.findall(sample)) <= high // 50:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes  # only for the rare hard case

    best = from_bytes(data[:262144]).best()
    if best is None or best.encoding is None:
        raise DecodeError(
            "undecodable bytes: not UTF-8 or UTF-16, and no single-byte encoding fits"
        )
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"undecodable bytes: {best.encoding} guessed but fails ({exc})") from None


def _repair_mojibake(text: str, warnings: list[str]) -> str:
    # UTF-8 read as cp1252/latin-1 always shows a lead byte (Â-ô) before a continuation byte
    # (C1, NBSP-¿ or a cp1252 punctuation mark): without one, ftfy has nothing to look at.
    if not MOJIBAKE_PAIR.search(text):
        return text
    from ftfy import badness

    if not badness.is_bad(text):
        return text
    from ftfy import fix_encoding

    fixed = fix_encoding(text)
    if fixed != text:
        changed = abs(len(text) - len(fixed))
        warnings.append(
            f"mojibake_repaired: text was UTF-8 read in a legacy encoding ({changed} chars fewer)"
        )
    return fixed


def _decode_with_bom(data: bytes) -> tuple[str, str] | None:
    """A byte-order mark decides the codec outright; None when there is none."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {name} byte-order mark but: {exc}") from None
    return None


def _decode_without_bom(data: bytes) -> tuple[str, str]:
    """Binary refused; then UTF-16 by its NULs, strict UTF-8, or a legacy encoding."""
    head = data[:SNIFF_BYTES]
    kind = _binary_kind(head)
    if kind:
        raise UnsupportedInputError(f"binary input: this is {kind}, not a text or HTML file")
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise DecodeError(f"looks like {utf16} but: {exc}") from None
    if b"\x00" in data:
        return _utf16_other_script(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _legacy_decode(data)


def _drop_control_characters(text: str, encoding: str) -> str:
    """A stray control character is dropped; many mean the bytes were not text at all."""
    controls = len(CONTROL_CHARS.findall(text, 0, 65536))
    if controls > 0.01 * min(len(text), 65536) + 8:
        raise UnsupportedInputError(
            f"binary input: {controls} control characters decode as {encoding}, not text"
        )
    return CONTROL_CHARS.sub("", text) if controls else text


def decode_bytes(data: bytes, *, max_bytes: int | None = None) -> DecodedText:
    """Decode one source file; raise a ``PipelineError`` with a reason a user can act on."""
    if max_bytes is None:
        from worldview.settings import get_settings

        max_bytes = get_settings().max_document_bytes
    if len(data) > max_bytes:
        raise UnsupportedInputError(f"{len(data)} bytes is over the {max_bytes}-byte limit")
    if not data:
        raise NoArticleError("empty file (0 bytes)", step="decode")

    text, encoding = _decode_with_bom(data) or _decode_without_bom(data)
    text = _drop_control_characters(text, encoding)
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = LINE_BREAKS.sub("\n", text)
    if not text.strip():
        raise NoArticleError("the file contains only whitespace", step="decode")
    warnings: list[str] = []
    text = _repair_mojibake(text, warnings)
    return DecodedText(text=text, encoding=encoding, warnings=warnings)
