"""PDF and Word documents (issue 19): detection by content, the readers' layout rules, and bad
input (scans, encryption, damage, truncation, 10,000 pages, zip bombs, a spreadsheet renamed
.docx): a record or a clear ``PipelineError`` naming the reason, in bounded time.

The samples (``samples/articles/*.pdf``, ``*.docx``, made by Chromium, LibreOffice and
python-docx) are checked against their goldens in ``test_samples.py``; the bad inputs here are
written at test time (``tests/documents.py``)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from documents import (
    CONTENT_TYPES,
    SCAN_PAGE,
    article_pdf,
    docx,
    package,
    paragraph,
    pdf,
    text_page,
)

from worldview.document import Format
from worldview.errors import NoArticleError, PipelineError, UnsupportedInputError
from worldview.extract.detect_format import detect_format
from worldview.extract.readers.pdf.text import fix_glyphs, join_lines, join_two, vocabulary
from worldview.extract.rules.pages import is_page_furniture_text
from worldview.extract.segment import footnote
from worldview.extract.sniff import document_format
from worldview.pipeline import process_document
from worldview.settings import get_settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"
PDF_SAMPLE = SAMPLES / "sanctions_shadow_fleet_two_column.pdf"
DOCX_SAMPLE = SAMPLES / "kaliningrad_baltic_exclave_word.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refused(data: bytes, name: str) -> PipelineError:
    started = time.perf_counter()
    with pytest.raises(PipelineError) as caught:
        process_document(data, name)
    assert time.perf_counter() - started < 10, "a bad document must be refused quickly"
    assert "Traceback" not in str(caught.value)
    return caught.value


@pytest.fixture
def settings_env(monkeypatch):
    """Set WORLDVIEW_* variables for one test (the settings are cached)."""

    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"WORLDVIEW_{key.upper()}", value)
        get_settings.cache_clear()

    yield set_env
    get_settings.cache_clear()


# --- detection by content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["brief.pdf", "brief.txt", "brief.html", "brief"])
def test_a_pdf_is_read_as_pdf_whatever_its_name(name: str) -> None:
    record = process_document(PDF_SAMPLE.read_bytes(), name)
    assert record.source.media_type == "application/pdf"
    assert record.source.format == "pdf" and record.source.encoding == "binary"
    assert record.metadata.title.startswith("Russia’s Shadow Fleet")


@pytest.mark.parametrize("name", ["draft.docx", "draft.zip", "draft.md"])
def test_a_word_file_is_read_as_word_whatever_its_name(name: str) -> None:
    record = process_document(DOCX_SAMPLE.read_bytes(), name)
    assert record.source.media_type == DOCX_TYPE
    assert record.metadata.title.startswith("Kaliningrad")


def test_the_media_type_an_upload_declares_does_not_override_the_content() -> None:
    record = process_document(PDF_SAMPLE.read_bytes(), "x.txt", media_type="text/plain")
    assert record.source.media_type == "application/pdf"


def test_detect_format_reads_bytes_by_signature_and_container() -> None:
    assert detect_format(PDF_SAMPLE.read_bytes()) == Format.PDF
    assert detect_format(DOCX_SAMPLE.read_bytes()) == Format.DOCX
    assert detect_format("<html><body><p>x</p></body></html>") == Format.HTML
    assert document_format(b"Plain text that mentions %PDF-1.4 in passing.") is None


# --- bad input --------------------------------------------------------------------------------


def test_a_scan_without_a_text_layer_is_refused_naming_ocr() -> None:
    error = refused(pdf([SCAN_PAGE] * 3, image=True), "scan.pdf")
    assert isinstance(error, UnsupportedInputError)
    assert "scanned PDF without a text layer" in error.reason and "OCR" in error.reason


def test_an_encrypted_pdf_is_refused() -> None:
    page = text_page([(72, 700, 12, "A title nobody can read")])
    error = refused(pdf([page], encrypt=True), "locked.pdf")
    assert "encrypted PDF" in error.reason


def test_a_truncated_pdf_is_refused() -> None:
    data = PDF_SAMPLE.read_bytes()
    error = refused(data[: len(data) // 2], "cut.pdf")
    assert "truncated PDF" in error.reason


def test_a_damaged_pdf_is_refused() -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    error = refused(data, "noise.pdf")
    assert "PDF" in error.reason


def test_ten_thousand_pages_are_refused_before_reading_any(settings_env) -> None:
    data = pdf([text_page([(72, 700, 12, "Page")])], repeat=10_000)
    error = refused(data, "huge.pdf")
    assert "10000 pages is over the 1000-page limit (WORLDVIEW_MAX_PAGES)" in error.reason
    settings_env(max_pages="2")
    error = refused(pdf([text_page([(72, 700, 12, "Page")])], repeat=3), "three.pdf")
    assert "3 pages is over the 2-page limit" in error.reason


def test_a_pdf_with_only_a_title_has_no_article() -> None:
    error = refused(pdf([text_page([(72, 700, 20, "Only a Title Here")])]), "title.pdf")
    assert isinstance(error, NoArticleError)


def test_a_zip_bomb_docx_is_refused_from_its_directory() -> None:
    bomb = docx(paragraph("x") + " " * 30_000_000)
    assert len(bomb) < 200_000
    error = refused(bomb, "bomb.docx")
    assert "zip bomb" in error.reason and "word/document.xml" in error.reason


def test_a_docx_over_the_unpacked_limit_is_refused(settings_env) -> None:
    settings_env(max_unpacked_bytes="1000")
    error = refused(docx(paragraph("A long text " * 200)), "long.docx")
    assert "WORLDVIEW_MAX_UNPACKED_BYTES" in error.reason


def test_a_spreadsheet_renamed_docx_is_refused_as_a_spreadsheet() -> None:
    sheet = package({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"})
    error = refused(sheet, "report.docx")
    assert isinstance(error, UnsupportedInputError)
    assert "Excel spreadsheet (.xlsx), not a Word document" in error.reason


def test_an_opendocument_text_is_refused_with_what_to_do() -> None:
    odt = package(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"},
        zipfile.ZIP_STORED,
    )
    assert "OpenDocument text (.odt): save it as .docx or PDF" in refused(odt, "a.odt").reason


def test_a_damaged_docx_is_refused() -> None:
    data = DOCX_SAMPLE.read_bytes()
    assert "ZIP" in refused(data[: len(data) // 2], "cut.docx").reason
    broken_xml = docx("<w:p><w:r><w:t>unclosed</w:r></w:p>")
    assert "damaged Word document" in refused(broken_xml, "bad.docx").reason


def test_word_xml_with_entities_is_not_expanded() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": laughs})
    try:
        record = process_document(data, "laughs.docx")
    except PipelineError:
        return
    assert "haha" not in record.model_dump_json()


# --- Word: styles, tracked changes, comments, notes -------------------------------------------


def test_word_tracked_changes_are_accepted_and_comments_ignored() -> None:
    record = process_document(DOCX_SAMPLE.read_bytes(), "k.docx")
    text = " ".join(p.text for p in record.content.paragraphs)
    assert "as a necessary response" in text and "an a necessary" not in text
    assert "anti-access" in text  # a soft hyphen inside, no hyphen added
    assert "Check this figure" not in record.model_dump_json()  # the comment
    assert record.metadata.authors[0].name == "Jonas Petraitis"  # not "python-docx"
    assert [n.label for n in record.content.footnotes] == ["1", "2"]
    assert "tracked_changes_accepted" in " ".join(record.warnings)


def test_word_without_heading_styles_is_read_by_its_formatting() -> None:
    big = (
        '<w:p><w:r><w:rPr><w:sz w:val="48"/></w:rPr><w:t>The Kremlin and the Sahel</w:t>'
        "</w:r></w:p>"
    )
    bold = "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Wagner Becomes Africa Corps</w:t></w:r></w:p>"
    body = "".join(
        paragraph(f"Paragraph {i}: Moscow sells security to juntas that expel Western troops.")
        for i in range(3)
    )
    record = process_document(docx(big + body + bold + body.replace("Paragraph", "Part")), "s.docx")
    assert record.metadata.title == "The Kremlin and the Sahel"
    assert record.content.headings == ["Wagner Becomes Africa Corps"]
    assert len(record.content.paragraphs) == 6


# --- PDF: layout rules ------------------------------------------------------------------------


def test_a_simple_pdf_gives_title_byline_and_paragraphs() -> None:
    record = process_document(article_pdf(), "a.pdf")
    assert record.metadata.title == "Sanctions and the Shadow Fleet"
    assert [a.name for a in record.metadata.authors] == ["Jane Roe"]
    assert len(record.content.paragraphs) == 3
    assert record.content.paragraphs[0].text.endswith("beyond the reach of Western law.")


def test_running_headers_and_page_numbers_are_removed() -> None:
    pages = []
    for n in range(1, 4):
        lines = [(72, 760, 8, "Maritime Risk Asia | Policy Brief"), (300, 30, 8, f"Page {n} of 3")]
        lines += [(72, 700, 24, "A Title on the First Page")] if n == 1 else []
        lines += [
            (72, 600 - 14 * i, 11, f"Sentence {i} of page {n} goes on here.") for i in range(5)
        ]
        pages.append(text_page(lines))
    record = process_document(pdf(pages), "brief.pdf")
    text = " ".join(p.text for p in record.content.paragraphs)
    assert "Maritime Risk Asia" not in text and "Page 2 of 3" not in text
    assert "Sentence 4 of page 3" in text
    assert any(w.startswith("page_furniture_removed") for w in record.warnings)


@pytest.mark.parametrize(
    "line",
    [
        "3",
        "- 3 -",
        "Page 3 of 8",
        "3/8",
        "p. 3",
        "iv",
        "12/6/26, 4:04 PM",
        "file:///tmp/a.html",
        "https://example.org/brief",
        "7 | Policy Brief",
    ],
)
def test_page_furniture_lines(line: str) -> None:
    assert is_page_furniture_text(line)


@pytest.mark.parametrize("line", ["Russia and China", "In 2024, Moscow", "Page turners"])
def test_text_is_not_page_furniture(line: str) -> None:
    assert not is_page_furniture_text(line)


def test_hyphens_of_the_typesetter_are_undone_and_compounds_kept() -> None:
    words = vocabulary(["the patriotism of the state", "a great-power claim", "a power"])
    assert (
        join_two("pa\u00adtri\u00ad", "otism runs deep", words)
        == "pa\u00adtriotism runs deep"  # (soft hyphens inside a word go in clean)
    )
    assert join_two("the state gives pri\u2010", "vileged status", words) == (
        "the state gives privileged status"
    )
    assert join_two("its", "patriotism", words) == "its patriotism"
    assert join_two("great-", "power claims", words) == "great-power claims"  # in the text
    assert join_two("Moscow-", "based analysts", words) == "Moscow-based analysts"  # a tail
    assert join_two("Russia-", "China ties", words) == "Russia-China ties"  # a capital
    assert join_two("post-", "2014 order", words) == "post-2014 order"
    assert join_two("nuclear\ufffe", "capable missiles", words) == "nuclear-capable missiles"
    assert join_two("diplo-", "macy abroad", words) == "diplomacy abroad"
    assert join_lines(["A line that", "goes on."], words) == "A line that goes on."


def test_ligatures_become_letters() -> None:
    assert (
        fix_glyphs("of\ufb01cial \ufb02eet e\ufb00ort \uf001rst") == "official fleet effort first"
    )


@pytest.mark.parametrize(
    ("text", "label", "note"),
    [
        ("1 Baltic Defence Review, 2024.", "1", "Baltic Defence Review, 2024."),
        ("12. Ibid., p. 4.", "12", "Ibid., p. 4."),
        ("[3] See the annex.", "3", "See the annex."),
        ("* Data for 2024.", "*", "Data for 2024."),
        ("Estimates vary.", None, "Estimates vary."),
    ],
)
def test_a_note_mark_becomes_the_footnote_label(text: str, label: str | None, note: str) -> None:
    parsed = footnote(text)
    assert (parsed.label, parsed.text) == (label, note)


def test_the_cli_reads_pdf_and_word(tmp_path: Path) -> None:
    from worldview.cli import main

    out = tmp_path / "records"
    status = main(["process", "--no-themes", "--out", str(out), str(PDF_SAMPLE), str(DOCX_SAMPLE)])
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "kaliningrad_baltic_exclave_word.json",
        "sanctions_shadow_fleet_two_column.json",
    ]
