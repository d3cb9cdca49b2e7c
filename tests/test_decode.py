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
    # cp1252 without a declaration is the decoder's guess: it says so (issue 15)
    guessed = ["encoding_guessed: cp1252 (not UTF-8; no charset declared)"]
    assert decoded.warnings == (guessed if encoding == "cp1252" else [])


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
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"some text\x00\x01\x02\x00 more \x00 bytes", "NUL"),
    ],
)
def test_binary_inputs_are_refused_with_their_kind(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedInputError, match=reason):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x00" * 8 + b"%PDF-1.4"]
)
def test_a_pdf_goes_on_as_bytes_for_its_reader(data: bytes) -> None:
    """PDF is read (issue 19): decode hands its bytes on instead of refusing them; junk before
    the header only when the file ends like a PDF."""
    if not data.startswith(b"%PDF"):
        data += b"\n%%EOF\n"
    decoded = decode_bytes(data)
    assert decoded.data == data and decoded.text == "" and decoded.encoding == "binary"
    assert decoded.source is data


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


# --- issue 15: one stray byte no longer garbles the document -----------------------------------

ANALYSIS = (
    "Russia’s Shadow Fleet\n\nBy Anna Petersen\n\n"
    + "The Kremlin’s “shadow fleet” — ageing tankers under flags of convenience — carries "
    "oil past the price cap. Insurers in London say the risk is “unprecedented”.\n\n" * 20
)
STRAY_BYTE_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Russia’s Shadow Fleet</title>'
    "</head><body><article><h1>Russia’s Shadow Fleet</h1>"
    + "<p>The Kremlin’s “shadow fleet” — ageing tankers — carries oil past the cap.</p>" * 20
    + "</article></body></html>"
)


@pytest.mark.parametrize("document", [ANALYSIS, STRAY_BYTE_HTML], ids=["text", "html-utf8"])
@pytest.mark.parametrize("stray", [b"\xff", b"\xc0", b"\x9d", b"\xe9"])
def test_one_stray_byte_in_utf8_is_replaced_not_a_reason_to_guess(document, stray) -> None:
    """Case 3: a single byte that is not UTF-8 sent the whole file to charset-normalizer
    (mac_iceland, cp1251, cp852: "Russia‚Äôs Shadow Fleet"), even under <meta charset="utf-8">.
    It is UTF-8 with one bad byte: replaced, with a warning; the rest reads as written."""
    data = document.encode("utf-8")
    middle = data.index(b"\n", len(data) // 2) if b"\n" in data else data.index(b"<p>", 900)
    decoded = decode_bytes(data[:middle] + stray + data[middle:])
    assert decoded.encoding == "utf-8"
    assert decoded.text.replace("\ufffd", "") == document or stray == b"\x9d"
    assert "Russia’s Shadow Fleet" in decoded.text and "‚Äô" not in decoded.text
    assert any(w.startswith("invalid_utf8: 1 byte(s)") for w in decoded.warnings), decoded.warnings


def test_cp1252_punctuation_pasted_into_utf8_reads_as_punctuation() -> None:
    data = ANALYSIS.encode("utf-8") + b"Pasted from Word: \x93we are ready\x94.\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == ANALYSIS + "Pasted from Word: “we are ready”.\n"
    assert "2 read as cp1252 punctuation" in decoded.warnings[0]


def test_a_file_cut_mid_character_loses_only_that_character() -> None:
    data = "Итоги переговоров в Женеве".encode()[:-1]
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text) == ("utf-8", "Итоги переговоров в Женев")
    assert decoded.warnings[0].startswith("utf8_truncated:")


def test_the_decoder_says_when_it_guessed() -> None:
    """Case 3: a warning whenever the decoder had to guess (no declaration, a detector)."""
    cyrillic = "Россия заявляет, что нынешняя международная система угрожает её суверенитету. " * 4
    guessed = decode_bytes(cyrillic.encode("cp1251"))
    assert guessed.warnings[0].startswith("encoding_guessed: cp1251 by charset-normalizer")
    declared = decode_bytes(
        b'<meta charset="windows-1251"><p>' + cyrillic.encode("cp1251") + b"</p>"
    )
    assert declared.encoding == "cp1251" and declared.warnings == []
    lying = decode_bytes(b'<meta charset="utf-8"><p>' + "café crème".encode("cp1252") + b"</p>")
    assert lying.text.endswith("café crème</p>")
    assert lying.warnings[0].startswith("declared_charset_ignored:")
    assert lying.warnings[1].startswith("encoding_guessed: cp1252")


# --- stray NUL bytes and 8-bit text glued to UTF-16 (issue 14) --------------------------------


def test_a_stray_nul_byte_is_dropped_with_a_warning_not_refused() -> None:
    page = b"<html><body><p>Moscow presents the war as defence.\x00 More text.</p></body></html>"
    decoded = decode_bytes(page)
    assert "\x00" not in decoded.text and "defence. More text." in decoded.text
    assert decoded.warnings == ["nul_bytes_dropped: 1 stray NUL byte(s) in the text"]


TAILS = [b"\nAppended by a tool: a line of 8-bit text.\n", b"\nAn odd line, thirty-three bytes\n"]


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_8bit_text_appended_to_utf16_is_read_as_such_with_a_warning(
    tail: bytes, codec: str
) -> None:
    body = "Title\n\nThe Kremlin presents the war as a defence of Russia against the West.\n"
    decoded = decode_bytes(body.encode(codec) + tail)
    assert decoded.text == body + tail.decode("ascii")
    assert any(w.startswith("utf16_misdecoded:") for w in decoded.warnings), decoded.warnings


def test_chinese_utf16_is_not_taken_for_misread_8bit_text() -> None:
    text = "俄罗斯的外交政策在过去十年中发生了深刻的变化。这一点在各个地区都能看到。\n" * 40
    decoded = decode_bytes(text.encode("utf-16"))
    assert decoded.text == text and decoded.warnings == []
