"""A generated bad-input corpus and the checks every pipeline output must pass.

Nothing here is committed as data: ``cases()`` builds every input in memory (the 50 MB file is
written by the test that needs it, in a temporary directory). Write the corpus to a directory for
manual runs with ``.venv/bin/python tests/hostile/__init__.py DIR``.

Each case says what the pipeline must do with it:
  "error"  a clear ``PipelineError`` (a PNG is not an article, an empty file has no title);
  "record" a valid record (a Russian article is still an article);
  "either" a valid record or a clear ``PipelineError`` (issue 3: "either a valid record with
           warnings, or a clear error"), but never another exception, never a hang.
``forbidden`` lists strings that must never appear anywhere in the record (script content,
expanded entities, file contents an external entity points at).
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# Marker placed inside every script-like construct; a record containing it carries script content.
SCRIPT_MARKER = "XSSMARKER"
# C0 controls (and DEL) other than tab and newline have no business in record text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    data: bytes
    expect: str  # "error" | "record" | "either"
    forbidden: tuple[str, ...] = ()
    required: tuple[str, ...] = field(default=())  # strings a record must contain (in its text)

    def __post_init__(self) -> None:
        assert self.expect in {"error", "record", "either"}, self.expect


# --- article text used as the carrier of the hostile parts -------------------------------------

TITLE = "Moscow's Arctic Ambitions and the Limits of Cooperation"
PARAGRAPHS = [
    "Russia has spent the last decade rebuilding its military presence along the Northern Sea "
    "Route, reopening Soviet-era bases and expanding its fleet of nuclear icebreakers.",
    "Officials in Moscow describe the Arctic as a zone of dialogue, yet the Kremlin's strategy "
    "documents treat the region as a theatre of competition with the United States and NATO.",
    "Dr. Elena Markova, a researcher in Oslo, argues that the U.S. and its allies misread these "
    "signals. “Moscow wants recognition, not partnership,” she said in an interview.",
    "The Arctic Council, paused since 2022, illustrates the problem: institutions built for "
    "cooperation cannot work when one member rejects the premises on which they rest.",
    "What comes next depends less on ice and shipping lanes than on whether the West and Russia "
    "can agree on any shared rules at all.",
]


def article_text(title: str = TITLE, paragraphs: list[str] = PARAGRAPHS) -> str:
    return "\n\n".join([title, "By Anna Petersen", *paragraphs]) + "\n"


def article_html(
    body_extra: str = "", head_extra: str = "", doctype: str = "<!DOCTYPE html>"
) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'{doctype}\n<html lang="en"><head><meta charset="utf-8"><title>{TITLE}</title>'
        f"{head_extra}</head>\n<body><article><h1>{TITLE}</h1>\n"
        f'<p class="byline">By Anna Petersen</p>\n{paras}\n{body_extra}</article></body></html>\n'
    )


RUSSIAN_TITLE = "Внешняя политика России после 2022 года: пределы переговоров"
RUSSIAN_PARAGRAPHS = [
    "Кремль последовательно описывает нынешний международный порядок как угрозу суверенитету "
    "России и её традиционным ценностям.",
    "По мнению экспертов, Москва стремится к признанию своей сферы влияния на постсоветском "
    "пространстве. Переговоры с Западом она рассматривает как способ закрепить этот статус.",
    "В официальных документах США и НАТО названы главными источниками угроз. При этом Россия "
    "заявляет о готовности к диалогу на своих условиях.",
    "Итог зависит от того, смогут ли стороны договориться хотя бы о минимальных общих правилах.",
]
ARABIC_TITLE = "السياسة الخارجية الروسية في الشرق الأوسط"
ARABIC_PARAGRAPHS = [
    "تسعى روسيا إلى توسيع نفوذها في الشرق الأوسط من خلال الشراكات العسكرية والطاقة.",
    "ويرى المحللون أن موسكو تستخدم الأزمة السورية لإثبات مكانتها كقوة عظمى. فهل تنجح في ذلك؟",
    "يبقى المستقبل غامضاً في ظل التنافس مع الولايات المتحدة والصين.",
]
HEBREW_TITLE = "רוסיה והמזרח התיכון: מדיניות של איזונים"
HEBREW_PARAGRAPHS = [
    "רוסיה מנסה לשמור על יחסים טובים עם כל השחקנים באזור. היא מדברת עם כולם.",
    "לדברי מומחים, מוסקבה רואה בסוריה בסיס להשפעה אזורית ארוכת טווח.",
    "השאלה היא אם האיזון הזה יחזיק מעמד לאורך זמן.",
]


# --- binary formats -----------------------------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes([x * 16 % 256, 80, 160] * 16) for x in range(16))
    ihdr = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Title\x00" + TITLE.encode())
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _pdf() -> bytes:
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({TITLE}) Tj ET".encode())
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n"
        + f"4 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
        + stream
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("article.txt", article_text())
        zf.writestr("article.html", article_html())
    return buf.getvalue()


# --- HTML bombs ---------------------------------------------------------------------------------


def _deep_nesting(depth: int = 100_000) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + f"<h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p>"
        + "</div>" * depth
        + "</body></html>"
    ).encode()


def _deep_unclosed(depth: int = 100_000) -> bytes:
    return (
        f"<html><body><h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p>"
        + "<b><i><span>" * (depth // 3)
        + PARAGRAPHS[1]
    ).encode()


LAUGH = "LOLBOMB"


def _billion_laughs() -> bytes:
    entities = [f'<!ENTITY lol0 "{LAUGH}">']
    for i in range(1, 10):
        entities.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    doctype = "<!DOCTYPE html [\n" + "\n".join(entities) + "\n]>"
    return article_html(body_extra="<p>The total: &lol9;</p>", doctype=doctype).encode()


def _external_entities() -> bytes:
    doctype = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://127.0.0.1:9/xhtml1-strict.dtd" [\n'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        '<!ENTITY remote SYSTEM "http://127.0.0.1:9/secret.txt">\n'
        '<!ENTITY % param SYSTEM "http://127.0.0.1:9/evil.dtd"> %param;\n]>'
    )
    return article_html(body_extra="<p>Leak: &xxe; and &remote;</p>", doctype=doctype).encode()


# --- script content -----------------------------------------------------------------------------

M = SCRIPT_MARKER
SCRIPT_HTML = article_html(
    head_extra=(
        f"<script>var a='{M}-head';</script><style>body{{content:'{M}-style'}}</style>"
        f'<link rel="stylesheet" href="javascript:{M}-link">'
        f'<script type="application/ld+json">{{"x": "{M}-ldjson-not-a-script"}}</script>'
    ),
    body_extra=(
        f"<script>document.write('{M}-inline')</script>"
        f"<noscript><p>{M}-noscript enable javascript</p></noscript>"
        f"<p onclick=\"alert('{M}-onclick')\">Diplomacy requires patience on both sides.</p>"
        f'<img src="javascript:alert(\'{M}-imgsrc\')" onerror="alert(\'{M}-onerror\')" alt="">'
        f"<a href=\"javascript:alert('{M}-href')\">Read the full report.</a>"
        f"<svg><script>alert('{M}-svg')</script></svg>"
        f"<iframe srcdoc=\"<script>alert('{M}-srcdoc')</script>\"></iframe>"
        f"<template><p>{M}-template</p></template>"
        f"<!-- {M}-comment <p>hidden</p> -->"
        f"<script><!--\nalert('{M}-legacy')\n//--></script>"
        f"<SCRIPT SRC=//127.0.0.1:9/{M}-upper.js></SCRIPT>"
        f'<object data="javascript:{M}-object"></object><embed src="javascript:{M}-embed">'
        f'<form action="javascript:{M}-form"><input value="{M}-input"></form>'
        f"<style>@import 'javascript:{M}-import';</style>"
    ),
)
# The ld+json block is data, not a script; a pipeline may read metadata from it. Its marker is a
# different word so that reading JSON-LD is not mistaken for leaking script content.
SCRIPT_HTML = SCRIPT_HTML.replace(f"{M}-ldjson-not-a-script", "ld-json-data")

SCRIPT_MARKDOWN = (
    f"# {TITLE}\n\nBy Anna Petersen\n\n{PARAGRAPHS[0]}\n\n"
    f"<script>alert('{M}-md-script')</script>\n\n"
    f"{PARAGRAPHS[1]} [Read more](javascript:alert('{M}-md-link')).\n\n"
    f"![chart](javascript:alert('{M}-md-image'))\n\n"
    f"<div onmouseover=\"alert('{M}-md-handler')\">{PARAGRAPHS[2]}</div>\n\n"
    f"<style>p {{ color: red }} /* {M}-md-style */</style>\n\n{PARAGRAPHS[3]}\n"
)

SCRIPT_TEXT = (
    f"{TITLE}\n\nBy Anna Petersen\n\n{PARAGRAPHS[0]}\n\n"
    f"<script>alert('{M}-txt-script')</script>\n\n{PARAGRAPHS[1]}\n\n{PARAGRAPHS[2]}\n"
)


# --- encodings and characters -------------------------------------------------------------------


def _truncated_utf8() -> bytes:
    data = article_text(RUSSIAN_TITLE, RUSSIAN_PARAGRAPHS).encode("utf-8")
    return data[:-2]  # cuts the final newline and half of the last Cyrillic... or the period


def _truncated_utf8_mid_char() -> bytes:
    data = (article_text() + "Он сказал: «Мир»").encode("utf-8")
    assert data[-2:] == "»".encode()
    return data[:-1]  # half of a two-byte character at the very end


def _mixed_encodings() -> bytes:
    head = f"{TITLE}\n\nBy Anna Petersen\n\n{PARAGRAPHS[2]}\n\n".encode()  # UTF-8 “quotes”
    tail = (
        f"The café owner’s “view” of the crisis — as reported — differs.\n\n{PARAGRAPHS[3]}\n"
    ).encode("cp1252")
    return head + tail


def _control_characters() -> bytes:
    paras = [
        PARAGRAPHS[0].replace(" ", "\x00", 3),
        "\x1b[31m" + PARAGRAPHS[1] + "\x1b[0m\x07",
        PARAGRAPHS[2].replace(",", ",\x0b\x0c") + "\x7f\x08",
        "\u200b\u200e\ufeff" + PARAGRAPHS[3] + "\u2028" + PARAGRAPHS[4] + "\x85",
    ]
    return article_text(paragraphs=paras).encode()


def _rtl_html() -> bytes:
    paras = "\n".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{ARABIC_TITLE}</title></head><body><article><h1>{ARABIC_TITLE}</h1>"
        f"{paras}</article></body></html>"
    ).encode()


def _bidi_tricks() -> bytes:
    # Right-to-left override and isolates mixed into English text (the "Trojan Source" tricks).
    paras = [
        PARAGRAPHS[0],
        "The file \u202ecod.exe\u202c was \u2066attached\u2069 to the \u200fmemo\u200f.",
        PARAGRAPHS[1],
    ]
    return article_text(paragraphs=paras).encode()


def _seeded_random(n: int) -> bytes:
    return random.Random(1234).randbytes(n)


def _chrome_only_html() -> bytes:
    return (
        "<html><body><nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        "<div class='cookie-banner'>We use cookies to improve your experience. Accept all</div>"
        "<div class='share'>Share on Twitter Share on Facebook</div>"
        "<footer>© 2024 Institute. All rights reserved. Privacy policy</footer></body></html>"
    ).encode()


def _pathological_markdown() -> bytes:
    return (
        f"# {TITLE}\n\n{PARAGRAPHS[0]}\n\n"
        + ">" * 5000
        + " quoted\n\n"
        + "[" * 20000
        + "x"
        + "](" * 5000
        + "\n\n"
        + "*" * 20000
        + "\n\n"
        + "- " * 3000
        + "item\n\n"
        + PARAGRAPHS[1]
        + "\n"
    ).encode()


def cases() -> list[Case]:
    """Every hostile input, built in memory (about 3 MB in all)."""
    return [
        Case("empty", "empty.txt", b"", "error"),
        Case("whitespace", "blank.txt", " \n\t\r\n  \u00a0\u3000 \r\n".encode(), "error"),
        Case("whitespace_html", "blank.html", b"<html><body>  \n </body></html>", "error"),
        Case("pdf", "report.pdf", _pdf(), "error"),
        Case("pdf_named_txt", "report.txt", _pdf(), "error"),
        Case("png", "photo.png", _png(), "error"),
        Case("png_named_html", "photo.html", _png(), "error"),
        Case("zip", "bundle.zip", _zip(), "error"),
        Case("gzip", "article.txt.gz", gzip.compress(article_text().encode(), mtime=0), "error"),
        Case(
            "gzip_named_txt",
            "article2.txt",
            gzip.compress(article_text().encode(), mtime=0),
            "error",
        ),
        Case("random_bytes", "noise.txt", _seeded_random(8192), "error"),
        Case("truncated_utf8", "cut.txt", _truncated_utf8(), "either"),
        Case("truncated_utf8_mid_char", "cut2.txt", _truncated_utf8_mid_char(), "either"),
        Case("mixed_encodings", "mixed.txt", _mixed_encodings(), "either"),
        Case("deep_nesting_100k", "deep.html", _deep_nesting(), "either"),
        Case("deep_unclosed_100k", "unclosed.html", _deep_unclosed(), "either"),
        Case("billion_laughs", "laughs.html", _billion_laughs(), "either", forbidden=(LAUGH * 2,)),
        Case(
            "external_entities",
            "xxe.html",
            _external_entities(),
            "either",
            forbidden=("root:", "/bin/bash", "/usr/sbin/nologin"),
        ),
        Case("scripts_html", "scripts.html", SCRIPT_HTML.encode(), "record", forbidden=(M,)),
        Case("scripts_markdown", "scripts.md", SCRIPT_MARKDOWN.encode(), "record", forbidden=(M,)),
        Case("scripts_text", "scripts.txt", SCRIPT_TEXT.encode(), "either", forbidden=(M,)),
        Case(
            "russian",
            "russian.txt",
            article_text(RUSSIAN_TITLE, RUSSIAN_PARAGRAPHS).replace("By Anna", "Анна").encode(),
            "record",
            required=("Кремль последовательно",),
        ),
        Case(
            "russian_cp1251",
            "russian1251.txt",
            article_text(RUSSIAN_TITLE, RUSSIAN_PARAGRAPHS)
            .replace("By Anna", "Анна")
            .encode("cp1251"),
            "either",
        ),
        Case("arabic_rtl_html", "arabic.html", _rtl_html(), "either"),
        Case(
            "hebrew_text",
            "hebrew.txt",
            article_text(HEBREW_TITLE, HEBREW_PARAGRAPHS).encode(),
            "either",
        ),
        Case("bidi_tricks", "bidi.txt", _bidi_tricks(), "either"),
        Case("control_characters", "controls.txt", _control_characters(), "either"),
        Case("chrome_only_html", "chrome.html", _chrome_only_html(), "either"),
        Case(
            "one_huge_line",
            "oneline.txt",
            (TITLE + "\n\n" + ("word " * 200_000)).encode(),
            "either",
        ),
        Case(
            "many_tiny_sentences",
            "tiny.txt",
            (TITLE + "\n\n" + ("No. " * 50_000) + "\n\n" + "A.B.C. " * 20_000).encode(),
            "either",
        ),
        Case(
            "unclosed_comment_html",
            "comment.html",
            article_html().replace("<h1>", "<!--<h1>", 1).encode(),
            "either",
        ),
        Case("pathological_markdown", "weird.md", _pathological_markdown(), "either"),
        Case("utf16_article", "utf16.txt", article_text().encode("utf-16"), "record"),
    ]


# --- checks on every record ---------------------------------------------------------------------


def record_texts(record: dict):
    """Every human-readable string of a record's content and metadata (not provenance)."""

    def walk(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    yield from walk(record["metadata"])
    yield from walk(record["content"])


def check_record(record: dict) -> None:
    """The invariants every record must hold, whatever the input.

    Validates against the published schema, then checks what the schema cannot express: indices
    are contiguous, every sentence is exactly the slice of its paragraph its offsets name, and in
    order; no script URL and no C0 control characters in the text.
    """
    from worldview.extract.validate import validate_record

    validate_record(record)
    json.dumps(record, ensure_ascii=False, allow_nan=False)  # plain JSON, no NaN
    paragraphs = record["content"]["paragraphs"]
    assert [p["index"] for p in paragraphs] == list(range(len(paragraphs)))
    for p in paragraphs:
        sentences = p["sentences"]
        assert [s["index"] for s in sentences] == list(range(len(sentences))), p["index"]
        previous_end = 0
        for s in sentences:
            assert 0 <= s["start"] < s["end"] <= len(p["text"]), (p["index"], s)
            assert p["text"][s["start"] : s["end"]] == s["text"], (p["index"], s)
            assert s["start"] >= previous_end, ("overlapping sentences", p["index"], s)
            previous_end = s["end"]
    for image in record["content"]["images"]:
        for key in ("src", "alt", "caption", "credit"):
            value = (image.get(key) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:text/html")), image
    for text in record_texts(record):
        assert not CONTROL_CHARS.search(text), f"control character in record text: {text[:80]!r}"


def write_corpus(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in cases():
        path = directory / case.filename
        path.write_bytes(case.data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for written in write_corpus(target):
        print(written)
