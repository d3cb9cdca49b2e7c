"""decode_bytes: encodings, BOMs, mojibake, newlines, and clear refusals of what is not text."""

from __future__ import annotations

import codecs

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252 to fabricate mojibake)
import pytest

from worldview.errors import DecodeError, NoArticleError, UnsupportedInputError
from worldview.extract.decode import decode_bytes

TEXT = "Putin’s “besieged fortress” — café in Zürich\nSecond line…\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding
    assert decoded.warnings == []


def test_cp1252_prose_with_many_smart_quotes_is_not_mistaken_for_another_codepage() -> None:
    text = "“Yes,” she said — “it’s über-café.” " * 3
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"


def test_cyrillic_single_byte_text_is_detected() -> None:
    text = "Россия заявляет, что нынешняя международная система угрожает её суверенитету. " * 4
    decoded = decode_bytes(text.encode("cp1251"))
    assert decoded.text == text
    assert decoded.encoding == "cp1251"


def test_html_declared_latin1_is_read_as_cp1252_like_browsers() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>“café”</p></body></html>'
    decoded = decode_bytes(html.encode("cp1252"))
    assert "<p>“café”</p>" in decoded.text
    assert decoded.encoding == "cp1252"


def test_crlf_and_cr_become_newlines() -> None:
    decoded = decode_bytes(b"Title\r\n\r\nOne.\rTwo.\r\n")
    assert decoded.text == "Title\n\nOne.\nTwo.\n"


def test_mojibake_is_repaired_with_a_warning() -> None:
    clean = "The Kremlin’s “red lines” — again and again, said the café owner."
    garbled = clean.encode("utf-8").decode("sloppy-windows-1252")
    decoded = decode_bytes(garbled.encode("utf-8"))
    assert decoded.text == clean
    assert any(w.startswith("mojibake_repaired:") for w in decoded.warnings)


def test_typographic_text_is_left_alone() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"))
    assert decoded.text == TEXT  # curly quotes, dashes, ellipsis kept
    assert decoded.warnings == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"some text\x00\x01\x02\x00 more \x00 bytes", "NUL"),
    ],
)
def test_binary_inputs_are_refused_with_their_kind(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedInputError, match=reason):
        decode_bytes(data)


def test_control_character_soup_is_refused() -> None:
    with pytest.raises(UnsupportedInputError, match="control characters"):
        decode_bytes(bytes(range(1, 9)) * 200)


def test_undecodable_bytes_are_a_decode_error() -> None:
    data = b"Title\n\n" + bytes(range(0x80, 0x100)) * 20
    with pytest.raises(DecodeError, match="undecodable"):
        decode_bytes(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\u3000\n".encode()])
def test_empty_and_whitespace_are_clear_errors(data: bytes) -> None:
    with pytest.raises(NoArticleError, match="empty|whitespace"):
        decode_bytes(data)


def test_size_limit_is_enforced_before_decoding() -> None:
    with pytest.raises(UnsupportedInputError, match="over the 10-byte limit"):
        decode_bytes(b"x" * 11, max_bytes=10)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_cyrillic_utf16_without_bom_is_recognised(codec: str) -> None:
    text = "Россия заявляет, что нынешняя международная система угрожает её суверенитету.\n" * 3
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


def test_random_binary_with_nuls_is_not_read_as_utf16() -> None:
    import random

    rng = random.Random(5)
    with pytest.raises(UnsupportedInputError, match="binary"):
        decode_bytes(bytes(rng.randrange(256) for _ in range(4000)))
