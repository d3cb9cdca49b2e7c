"""PDF and Word files for the tests, written at test time (bad inputs) with exact structure.

``pdf`` writes a small PDF by hand (objects, a correct cross-reference table): text pages in a
standard font, pages that are only a picture (a scan), an encryption dictionary, thousands of
pages sharing one content stream. ``package`` writes a ZIP package with the given members.
"""

from __future__ import annotations

import io
import zipfile
import zlib

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_page(lines: list[tuple[float, float, float, str]]) -> bytes:
    """A content stream: (x, y, size, text) lines in Helvetica (y from the bottom)."""
    parts = [
        f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm ({_escape(text)}) Tj ET" for x, y, size, text in lines
    ]
    return "\n".join(parts).encode("latin-1")


SCAN_PAGE = b"q 500 0 0 700 50 50 cm /Im1 Do Q"


def pdf(
    pages: list[bytes], *, image: bool = False, encrypt: bool = False, repeat: int = 1
) -> bytes:
    """A PDF of ``pages`` content streams (each page list repeated ``repeat`` times)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    resources = f"/Font << /F1 {font} 0 R >>"
    if image:
        pixels = zlib.compress(bytes([128, 128, 128]) * 64 * 64)
        picture = add(
            b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(pixels)
            + pixels
            + b"\nendstream"
        )
        resources += f" /XObject << /Im1 {picture} 0 R >>"
    kids = []
    streams = []
    for content in pages:
        stream = zlib.compress(content)
        streams.append(
            add(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                + stream
                + b"\nendstream"
            )
        )
    for _ in range(repeat):
        for stream in streams:
            kids.append(
                add(
                    f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 612 792] "
                    f"/Resources << {resources} >> /Contents {stream} 0 R >>".encode()
                )
            )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    trailer_extra = ""
    if encrypt:
        # The standard security handler with a user password (its hashes are not of "").
        crypt = add(
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
            b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
        )
        trailer_extra = f" /Encrypt {crypt} 0 R /ID [<{'33' * 16}> <{'33' * 16}>]"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R{trailer_extra} >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


BODY = (
    "Moscow treats the sanctions as an attack on its sovereignty and answers with a",
    "network of traders, tankers and banks beyond the reach of Western law.",
    "The Kremlin describes the price cap as theft and its evasion as a service to",
    "every country that resents the power of the dollar over its trade.",
    "Western governments answer with lists of ships, which new ships replace within",
    "weeks, and with pressure on the flag states that register them.",
)


def article_pdf() -> bytes:
    """One page: a large title, a byline and three two-line body paragraphs in Helvetica."""
    lines = [(72, 700, 24, "Sanctions and the Shadow Fleet"), (72, 670, 11, "By Jane Roe")]
    y = 640.0
    for i, text in enumerate(BODY):
        lines.append((72, y, 11, text))
        y -= 14 if i % 2 == 0 else 24
    return pdf([text_page(lines)])


def package(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(body_xml: str, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A minimal Word package whose body is ``body_xml`` (w: paragraphs)."""
    document = f'<w:document xmlns:w="{W}"><w:body>{body_xml}</w:body></w:document>'
    return package(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document, **(extra or {})}
    )


def paragraph(text: str, style: str | None = None) -> str:
    style_xml = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{style_xml}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
