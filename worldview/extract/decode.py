"""The decode step: bytes -> Unicode text with "\\n" newlines, or a clear reason why not.

A PDF or Word document is not decoded: its bytes go on to its reader (``sniff`` recognises it
by content). Fast paths first, because most sources are plain UTF-8: a byte-order mark decides
outright. Otherwise other binary formats (images, archives) are refused by their signatures,
UTF-16 without a BOM is recognised by its NUL pattern (other NUL bytes mean binary), then strict
UTF-8 is tried, then a charset the markup declares, then cp1252 for Western text with a few stray
high bytes, and only then charset-normalizer's statistical guess. Mojibake (UTF-8 read as cp1252
somewhere upstream) is repaired with ftfy, but only when ftfy's own detector says the text is really
garbled; typographic quotes and dashes are left as they are.
"""

from __future__ import annotations

import codecs
import re
from itertools import islice

from worldview.document import DecodedText
from worldview.errors import DecodeError, NoArticleError, UnsupportedInputError
from worldview.extract.sniff import document_format

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
MOJIBAKE_CONTEXT = 24  # characters either side of a suspect pair that ftfy judges
MOJIBAKE_MAX_SUSPECTS = 64
LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
HIGH_BYTES = re.compile(rb"[\x80-\xff]")
# A well-formed UTF-8 multi-byte sequence; and a byte that is not UTF-8, as "surrogateescape"
# decodes it (U+DC80-U+DCFF). cp1252's punctuation in 0x80-0x9F (quotes, dashes, ellipsis, euro)
# is what such a byte most often is inside UTF-8 text: a passage pasted from a legacy document.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
CP1252_PUNCTUATION = {
    byte: char
    for byte in range(0x80, 0xA0)
    if (char := bytes([byte]).decode("cp1252", "ignore")) and not char.isalpha()
}
# Words of another script (cp1251 Cyrillic, Greek, ...) are runs of high bytes; in Western text
# accented letters stand alone among ASCII letters ("café", "Zürich").
HIGH_LETTER_RUNS = re.compile(rb"[\xc0-\xff]{3,}")
# A few stray NUL bytes in an otherwise 8-bit text (a bad copy, a database dump) are dropped with
# a warning; a bigger share means UTF-16 or binary (random bytes have one NUL in 256).
STRAY_NULS_MAX_SHARE = 0.002
# 8-bit text glued to UTF-16 (a footer appended by a tool) reads as CJK-looking characters whose
# two bytes are both printable ASCII ("ab" -> U+6261): a run of them that re-reads as prose
# (spaced words) is re-read as the 8-bit text it is.
_ASCII_BYTES = [0x09, 0x0A, 0x0D, *range(0x20, 0x7F)]
_PAIR_RANGES = "".join(
    f"\\u{hi:02x}20-\\u{hi:02x}7e\\u{hi:02x}09\\u{hi:02x}0a\\u{hi:02x}0d" for hi in _ASCII_BYTES
)
MISREAD_UTF16_RUN = re.compile(f"[{_PAIR_RANGES}]{{8,}}")
MISREAD_MIN_SPACE_SHARE = 1 / 12  # prose has a space or line break every few bytes
MISREAD_MIN_LETTER_SHARE = 0.6


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


def _mostly_utf8(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    """UTF-8 with a few bytes that are not (a cp1252 quote pasted in, a stray byte, a file cut
    mid-character), or None when the bytes are not UTF-8 at all.

    UTF-8 it is when the markup declares it, or when the text has at least as many well-formed
    multi-byte sequences as bytes that are not UTF-8: legacy text almost never forms those
    sequences by accident, and one stray byte must not send a whole UTF-8 analysis to a
    detector's guess (one 0xFF made "Russia’s" "Russia‚Äôs"). The bad bytes are replaced
    (cp1252 punctuation as what it is, anything else by U+FFFD), with a warning. A declaration
    the bytes contradict outright (not one UTF-8 sequence) is ignored, with a warning."""
    declared = _declared_charset(data[:SNIFF_BYTES])
    if declared not in (None, "utf-8"):
        return None  # the markup names a legacy charset: _legacy_decode reads it
    valid = len(UTF8_SEQUENCE.findall(data))
    if not valid:
        if declared == "utf-8" and HIGH_BYTES.search(data):
            warnings.append(
                "declared_charset_ignored: the markup says UTF-8, but no byte sequence is UTF-8"
            )
        return None
    try:  # only the last character cut in half (a truncated file)
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    else:
        cut = len(data) - len(text.encode("utf-8"))
        warnings.append(f"utf8_truncated: the file ends in half a character ({cut} bytes dropped)")
        return text, "utf-8"
    text = data.decode("utf-8", "surrogateescape")
    bad = len(ESCAPED_BYTE.findall(text))
    if declared is None and bad > valid:
        return None
    punctuation = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal punctuation
        byte = ord(match.group()) - 0xDC00
        char = CP1252_PUNCTUATION.get(byte)
        if char is None:
            return "\ufffd"
        punctuation += 1
        return char

    text = ESCAPED_BYTE.sub(replace, text)
    read_as = f"{punctuation} read as cp1252 punctuation, " if punctuation else ""
    warnings.append(
        f"invalid_utf8: {bad} byte(s) that are not UTF-8 in UTF-8 text ({read_as}"
        f"{bad - punctuation} replaced by U+FFFD)"
    )
    return text, "utf-8"


def _legacy_decode(data: bytes, warnings: list[str]) -> tuple[str, str]:
    """Bytes that are not UTF-8: the declared charset, cp1252, or charset-normalizer's guess;
    a warning says when the decoder had to guess (no declaration, or one that does not fit)."""
    declared = _declared_charset(data[:SNIFF_BYTES])
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    why = f"the declared {declared} does not fit" if declared else "no charset declared"
    # Western text with a few smart quotes or accents: cp1252 needs no statistics. A high share
    # of high bytes means another script (Cyrillic cp1251, KOI8-R, ...): let the detector choose.
    sample = data[:65536]
    high = len(HIGH_BYTES.findall(sample))
    if high <= 0.03 * len(sample) or len(HIGH_LETTER_RUNS.findall(sample)) <= high // 50:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append(f"encoding_guessed: cp1252 (not UTF-8; {why})")
            return text, "cp1252"
    from charset_normalizer import from_bytes  # only for the rare hard case

    best = from_bytes(data[:262144]).best()
    if best is None or best.encoding is None:
        raise DecodeError(
            "undecodable bytes: not UTF-8 or UTF-16, and no single-byte encoding fits"
        )
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"undecodable bytes: {best.encoding} guessed but fails ({exc})") from None
    warnings.append(f"encoding_guessed: {best.encoding} by charset-normalizer (not UTF-8; {why})")
    return text, best.encoding


def _repair_mojibake(text: str, warnings: list[str]) -> str:
    # UTF-8 read as cp1252/latin-1 always shows a lead byte (Â-ô) before a continuation byte
    # (C1, NBSP-¿ or a cp1252 punctuation mark): without one, ftfy has nothing to look at.
    if text.isascii() or not MOJIBAKE_PAIR.search(text):
        return text
    from ftfy import badness

    # ftfy's verdict is local: judging the stretches around the suspect pairs, not a whole page
    # of markup, gives the same answer in a fraction of the time.
    suspects = "\n".join(
        text[max(0, m.start() - MOJIBAKE_CONTEXT) : m.end() + MOJIBAKE_CONTEXT]
        for m in islice(MOJIBAKE_PAIR.finditer(text), MOJIBAKE_MAX_SUSPECTS)
    )
    if not badness.is_bad(suspects):
        return text
    from ftfy import fix_encoding

    fixed = fix_encoding(text)
    if fixed != text:
        changed = abs(len(text) - len(fixed))
        warnings.append(
            f"mojibake_repaired: text was UTF-8 read in a legacy encoding ({changed} chars fewer)"
        )
    return fixed


def _decode_with_bom(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    """A byte-order mark decides the codec outright; None when there is none."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                if name == "utf-16":
                    return _decode_utf16(data[len(bom) :], codec, warnings), name
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {name} byte-order mark but: {exc}") from None
    return None


def _decode_utf16(payload: bytes, codec: str, warnings: list[str]) -> str:
    """UTF-16, with 8-bit text glued to it re-read as such (an odd byte at the end is its last)."""
    odd = payload[-1:] if len(payload) % 2 else b""
    text = payload[: len(payload) - len(odd)].decode(codec)
    if odd and odd[0] in _ASCII_BYTES:
        text += odd.decode("ascii")
    elif odd:
        warnings.append(
            f"utf16_odd_length: last byte 0x{odd[0]:02x} of an odd-length {codec} file dropped"
        )
    return _reread_8bit_runs(text, codec, warnings)


def _reread_8bit_runs(text: str, codec: str, warnings: list[str]) -> str:
    """Runs of "CJK" characters that are two ASCII bytes each and read as prose -> that prose."""
    if not MISREAD_UTF16_RUN.search(text):
        return text
    fixed = 0

    def reread(match: re.Match[str]) -> str:
        nonlocal fixed
        raw = match.group(0).encode(codec)
        spaces = raw.count(b" ") + raw.count(b"\n")
        letters = sum(1 for b in raw if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
        if spaces < MISREAD_MIN_SPACE_SHARE * len(raw) or letters < MISREAD_MIN_LETTER_SHARE * (
            len(raw) - spaces
        ):
            return match.group(0)
        fixed += len(raw)
        return raw.decode("ascii")

    text = MISREAD_UTF16_RUN.sub(reread, text)
    if fixed:
        warnings.append(
            f"utf16_misdecoded: {fixed} bytes of 8-bit text inside {codec} re-read as ASCII"
        )
    return text


def _without_stray_nuls(data: bytes, warnings: list[str]) -> bytes:
    """A few NUL bytes in 8-bit text are dropped with a warning, not a refusal."""
    nuls = data.count(0)
    if not nuls or nuls > max(1, STRAY_NULS_MAX_SHARE * len(data)):
        return data
    if _utf16_without_bom(data[:SNIFF_BYTES]) or _binary_kind(data[:SNIFF_BYTES]):
        return data
    warnings.append(f"nul_bytes_dropped: {nuls} stray NUL byte(s) in the text")
    return data.replace(b"\x00", b"")


def _decode_without_bom(data: bytes, warnings: list[str]) -> tuple[str, str]:
    """Binary refused; then UTF-16 by its NULs, strict UTF-8, or a legacy encoding."""
    head = data[:SNIFF_BYTES]
    kind = _binary_kind(head)
    if kind:
        raise UnsupportedInputError(f"binary input: this is {kind}, not a text or HTML file")
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            return _decode_utf16(data, utf16, warnings), utf16
        except UnicodeDecodeError as exc:
            raise DecodeError(f"looks like {utf16} but: {exc}") from None
    data = _without_stray_nuls(data, warnings)
    if b"\x00" in data:
        return _utf16_other_script(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _mostly_utf8(data, warnings) or _legacy_decode(data, warnings)


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
    if document_format(data) is not None:
        return DecodedText(text="", encoding="binary", data=data)  # PDF, Word: read as bytes

    warnings: list[str] = []
    text, encoding = _decode_with_bom(data, warnings) or _decode_without_bom(data, warnings)
    text = _drop_control_characters(text, encoding)
    if "\r" in text:  # str.replace is many times faster than the pattern on a large page
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = LINE_BREAKS.sub("\n", text)
    if not text.strip():
        raise NoArticleError("the file contains only whitespace", step="decode")
    text = _repair_mojibake(text, warnings)
    return DecodedText(text=text, encoding=encoding, warnings=warnings)
