"""clean(): text and Markdown to blocks, repeats dropped, side material moved out of the body."""

from __future__ import annotations

import pytest

from worldview.document import BlockKind, Format
from worldview.extract.clean import clean
from worldview.extract.detect_format import detect_format

TEXT = """Moscow's Arctic Gambit

KEY TAKEAWAYS

  • Russia treats the Arctic as a strategic bastion.
  • The Northern Sea Route is an instrument of sovereignty.

KEY TAKEAWAYS

  • Russia treats the Arctic as a strategic bastion.
  • The Northern Sea Route is an instrument of sovereignty.

Russia has spent two decades rebuilding its Arctic bases, and the
Kremlin now presents the region as a frontier of national survival.

An icebreaker leaves Murmansk in March. (Ivan Petrov/Reuters)
An icebreaker leaves Murmansk in March. (Ivan Petrov/Reuters)

The Northern Fleet

The fleet's submarines are the core of Russia's second-strike capability.

Share this article

Subscribe to our newsletter

Editor's note: This analysis was updated to reflect the March exercises.

Anna Berg is a senior fellow at the Nordic Security Institute.

PHOTO: An icebreaker leaves Murmansk in March. (Ivan Petrov/Reuters)

The views expressed in this publication are those of the author(s).

PUBLICATION TYPE: Commentary
"""


def _texts(doc):
    return [b.text for b in doc.blocks]


def test_text_blocks_take_structure_from_layout() -> None:
    doc = clean(TEXT, Format.TEXT)
    kinds = [(b.kind, b.role) for b in doc.blocks]
    assert kinds[0] == (BlockKind.HEADING, "title")
    assert doc.blocks[0].text == "Moscow's Arctic Gambit"
    assert (BlockKind.HEADING, None) in kinds  # "KEY TAKEAWAYS", "The Northern Fleet"
    items = [b.text for b in doc.blocks if b.kind == BlockKind.LIST_ITEM]
    assert items == [
        "Russia treats the Arctic as a strategic bastion.",
        "The Northern Sea Route is an instrument of sovereignty.",
    ]
    # Hard-wrapped prose is joined back into one paragraph.
    assert (
        "Russia has spent two decades rebuilding its Arctic bases, and the Kremlin now presents "
        "the region as a frontier of national survival." in _texts(doc)
    )


def test_repeated_blocks_are_dropped_once_with_warnings() -> None:
    doc = clean(TEXT, Format.TEXT)
    texts = _texts(doc)
    assert texts.count("KEY TAKEAWAYS") == 1
    assert texts.count("An icebreaker leaves Murmansk in March. (Ivan Petrov/Reuters)") == 1
    repeated = [w for w in doc.warnings if w.startswith("repeated_block_dropped")]
    assert len(repeated) == 2  # one per run: the takeaways box, the caption


def test_side_material_moves_to_its_fields() -> None:
    doc = clean(TEXT, Format.TEXT)
    assert doc.photo_lines == ["An icebreaker leaves Murmansk in March. (Ivan Petrov/Reuters)"]
    assert doc.bios == ["Anna Berg is a senior fellow at the Nordic Security Institute."]
    assert doc.disclaimers == [
        "The views expressed in this publication are those of the author(s)."
    ]
    assert doc.publication_type == "Commentary"
    assert doc.notes == ["This analysis was updated to reflect the March exercises."]
    joined = " ".join(_texts(doc))
    for gone in (
        "PHOTO:",
        "PUBLICATION TYPE",
        "views expressed",
        "senior fellow",
        "Subscribe",
        "Share this",
        "Editor's note",
    ):
        assert gone not in joined


def test_a_bio_like_sentence_in_the_middle_of_the_body_stays() -> None:
    paragraphs = [
        f"Paragraph number {i} of the body, with enough words to be prose." for i in range(9)
    ]
    paragraphs.insert(4, "Sergei Lavrov is a veteran diplomat at the Foreign Ministry of Russia.")
    doc = clean("A Title\n\n" + "\n\n".join(paragraphs), Format.TEXT)
    assert doc.bios == []
    assert "Sergei Lavrov is a veteran diplomat at the Foreign Ministry of Russia." in _texts(doc)


MARKDOWN = """---
title: "The Title From Front Matter"
authors: [Jane Roe, John Doe]
date: 2024-03-05
lang: en-GB
---

*A subtitle in italics.*

## Highlights

- First point.
- Second point.

Body paragraph one, long enough to be a paragraph of prose in the article.

![Alt text](/img/a.jpg)
*A caption under the picture. (Photo: Agency)*

> A pulled sentence that the body repeats later on in the text.

## Section

Body paragraph two. A pulled sentence that the body repeats later on in the text.

---

*Jane Roe is a fellow at the Example Institute.*
"""


def test_markdown_blocks_and_front_matter() -> None:
    assert detect_format(MARKDOWN, "x.txt") == Format.MARKDOWN
    doc = clean(MARKDOWN, Format.MARKDOWN)
    assert doc.hints.title == "The Title From Front Matter"
    assert doc.hints.authors == ["Jane Roe", "John Doe"]
    assert doc.hints.published == "2024-03-05"
    assert doc.hints.language == "en-GB"
    kinds = [b.kind for b in doc.blocks]
    assert BlockKind.QUOTE in kinds and BlockKind.IMAGE in kinds
    image = next(b for b in doc.blocks if b.kind == BlockKind.IMAGE)
    assert (image.src, image.alt) == ("/img/a.jpg", "Alt text")
    assert image.text == "A caption under the picture. (Photo: Agency)"
    assert doc.bios == ["Jane Roe is a fellow at the Example Institute."]
    assert all("*" not in b.text and "---" not in b.text for b in doc.blocks)


def test_related_section_is_dropped() -> None:
    text = (
        "Title Here\n\nA long enough opening paragraph of the body text that stays in place.\n\n"
        "Related Publications\n\n- Another article title\n- Yet another article title\n"
    )
    doc = clean(text, Format.TEXT)
    assert _texts(doc) == [
        "Title Here",
        "A long enough opening paragraph of the body text that stays in place.",
    ]


WEB_COPY = "\r\n".join(
    [
        "Skip to main content",
        "Home | Research | Experts | Events",
        "",
        "RUSI Commentary",
        "",
        "Putin’s Nuclear Signalling Has Lost Its Edge After Three Years of",
        "Threats Against the West",
        "",
        "Russia’s nuclear threats have become routine. Since 2022 the Kremlin has warned of",
        "“consequences” if the West crossed its red lines, and each time the lines moved.",
        "",
        "Related Research",
        "",
        "Russia’s Military After Ukraine",
        "Deterrence in the Baltic",
        "",
        "© RUSI, 2025",
    ]
)


def test_text_copied_from_a_web_page_loses_its_chrome() -> None:
    doc = clean(WEB_COPY.replace("\r\n", "\n"), Format.TEXT)
    assert doc.publication_type == "Commentary"
    assert [(b.role, b.text) for b in doc.blocks] == [
        (
            "title",
            "Putin’s Nuclear Signalling Has Lost Its Edge After Three Years of Threats Against "
            "the West",
        ),
        (
            None,
            "Russia’s nuclear threats have become routine. Since 2022 the Kremlin has warned of "
            "“consequences” if the West crossed its red lines, and each time the lines moved.",
        ),
    ]


def test_a_bio_shaped_opening_paragraph_stays_in_the_body() -> None:
    opening = (
        "Vladimir Putin is the president of Russia and has ruled it for a quarter of a century, "
        "longer than any leader since Stalin."
    )
    body = "A body paragraph that is long enough to count as article text. " * 6
    doc = clean(f"A Title\n\n{opening}\n\n{body}\n\n{body}\n", Format.TEXT)
    assert doc.bios == []
    assert opening in _texts(doc)


def test_note_numbers_glued_to_sentences_are_removed() -> None:
    text = (
        "A Title\n\n"
        "The fleet left port in spring.3 Its return was delayed,12 and nobody said why.¹ "
        "Officials cited a report[4] and pp.7 of the annex, No.2 in the series. "
        "The area is 40 km² and the 2024.5 budget figure is a number.\n"
    )
    doc = clean(text, Format.TEXT)
    assert _texts(doc)[1] == (
        "The fleet left port in spring. Its return was delayed, and nobody said why. "
        "Officials cited a report and pp.7 of the annex, No.2 in the series. "
        "The area is 40 km² and the 2024.5 budget figure is a number."
    )
    assert any(w.startswith("footnote_markers_removed") for w in doc.warnings)


def test_note_numbers_from_html_superscripts_leave_whole_sentences() -> None:
    html = (
        "<html><body><article><h1>A Title</h1>"
        "<p>The envoy flew home in May.<sup><a href='#n1'>1</a></sup> Talks stalled after that, "
        "and both sides blamed the other for the delay in the weeks that followed.</p>"
        "</article></body></html>"
    )
    from worldview.extract.segment import segment

    seg = segment(clean(html, Format.HTML))
    sentences = [s.text for s in seg.content.paragraphs[0].sentences]
    assert sentences[0] == "The envoy flew home in May."


LONG = "A body paragraph that is long enough to count as article text, and then some. " * 5


def test_a_bio_that_opens_with_another_verb_leaves_the_body() -> None:
    bio = (
        "Marta Kowal edits the Vistula Brief newsletter and is a visiting fellow at the "
        "Baltic Policy Institute in Gdańsk."
    )
    doc = clean(f"A Title\n\nBy Marta Kowal\n\n{LONG}\n\n{LONG}\n\n{bio}\n", Format.TEXT)
    assert doc.bios == [bio]
    from worldview.extract.metadata import extract_metadata
    from worldview.extract.segment import segment

    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Marta Kowal", "Baltic Policy Institute")
    ]


def test_a_closing_sentence_about_someone_else_is_not_a_bio() -> None:
    closing = "Vladimir Putin, a former KGB officer, is a leader who trusts only the services."
    for front in ("By Marta Kowal\n\n", ""):
        doc = clean(f"A Title\n\n{front}{LONG}\n\n{LONG}\n\n{closing}\n", Format.TEXT)
        assert doc.bios == [], front
        assert closing in _texts(doc)


def test_an_unsigned_article_keeps_a_bio_that_names_an_employer() -> None:
    bio = "Marta Kowal is a senior analyst at the Baltic Policy Institute."
    doc = clean(f"A Title\n\n{LONG}\n\n{LONG}\n\n{bio}\n", Format.TEXT)
    assert doc.bios == [bio]


def test_a_post_meta_line_that_starts_with_a_date_is_a_dateline_not_a_menu() -> None:
    text = f"A Title\n\nMay 4, 2023 at 10:15 AM | filed under: Europe | 3 Comments\n\n{LONG}\n"
    doc = clean(text, Format.TEXT)
    assert [(b.text, b.role) for b in doc.blocks[1:2]] == [("May 4, 2023 at 10:15 AM", "dateline")]
    from worldview.extract.metadata import extract_metadata
    from worldview.extract.segment import segment

    assert extract_metadata(doc, segment(doc)).published == "2023-05-04"


def test_a_by_label_marked_as_bio_is_not_kept_as_a_bio() -> None:
    html = (
        "<html><body><article><h1>A Title</h1>"
        f"<p>{LONG}</p><div class='author-bio'>by</div>"
        "<div class='author-bio'>Marta Kowal is a senior analyst at the Baltic Policy "
        "Institute.</div></article></body></html>"
    )
    doc = clean(html, Format.HTML)
    assert doc.bios == ["Marta Kowal is a senior analyst at the Baltic Policy Institute."]
    assert "by" not in _texts(doc)


def test_markdown_footnote_marks_and_their_texts_are_apparatus() -> None:
    text = (
        "# A Title\n\nThe convoy reached the border in June.[^1] It turned back a week later, "
        "as the envoy had warned it would.[^note-2]\n\n"
        "[^1]: Border agency figures.\n[^note-2]: Interview with the envoy.\n"
    )
    doc = clean(text, Format.MARKDOWN)
    assert _texts(doc)[1:] == [
        "The convoy reached the border in June. It turned back a week later, "
        "as the envoy had warned it would."
    ]


def test_an_opening_sentence_about_an_official_is_not_the_authors_bio() -> None:
    opening = "Sergei Shoigu is a senior adviser at the Kremlin and runs the Security Council."
    doc = clean(f"A Title\n\nBy Marta Kowal\n\n{opening}\n\n{LONG}\n\n{LONG}\n", Format.TEXT)
    assert doc.bios == []
    assert opening in _texts(doc)


def test_a_numbered_german_date_is_not_a_list_item() -> None:
    doc = clean(f"Ein Titel\n\n2. Oktober 2025\n\n{LONG}\n", Format.TEXT)
    assert doc.blocks[1].kind != BlockKind.LIST_ITEM
    assert doc.blocks[1].text == "2. Oktober 2025"
    doc = clean(f"A Title\n\n{LONG}\n\n1. First point\n2. Second point\n", Format.TEXT)
    assert [b.kind for b in doc.blocks[-2:]] == [BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]


def test_soft_hyphens_and_zero_width_spaces_are_not_text() -> None:
    html = (
        "<html><head><title>Se\u00adcu\u00adrity Talks</title></head><body><article>"
        "<h1>Se&shy;cu&shy;rity Talks</h1><p>The can&shy;di&shy;date spoke about\u200b the "
        "talks, and the delegations agreed to meet again before the summer was out.</p>"
        "</article></body></html>"
    )
    doc = clean(html, Format.HTML)
    assert _texts(doc)[:2] == [
        "Security Talks",
        "The candidate spoke about the talks, and the delegations agreed to meet again "
        "before the summer was out.",
    ]
    assert doc.hints.title == "Security Talks"


@pytest.mark.parametrize(
    "line",
    [
        "Views in this commentary are the author’s own.",
        "Any opinions here are solely those of the writer.",
        "This brief does not represent the official position of the Polar Forum.",
        "The author writes in a personal capacity.",
    ],
)
def test_more_disclaimer_shapes_leave_the_body(line: str) -> None:
    doc = clean(f"A Title\n\n{LONG}\n\n{line}\n", Format.TEXT)
    assert doc.disclaimers == [line]


def test_an_opinion_about_views_in_the_body_is_not_a_disclaimer() -> None:
    line = "The Kremlin’s views are those of a besieged fortress, officials say."
    doc = clean(f"A Title\n\n{LONG}\n\n{line}\n\n{LONG}\n", Format.TEXT)
    assert doc.disclaimers == [] and line in _texts(doc)


@pytest.mark.parametrize(
    ("line", "note"),
    [
        (
            "Correction: An earlier version gave the wrong port.",
            "An earlier version gave the wrong port.",
        ),
        ("Update, 5 March 2025: The talks resumed.", "The talks resumed."),
        (
            "Note: This analysis was revised after the summit.",
            "This analysis was revised after the summit.",
        ),
    ],
)
def test_corrections_and_updates_are_editors_notes(line: str, note: str) -> None:
    doc = clean(f"A Title\n\n{line}\n\n{LONG}\n", Format.TEXT)
    assert doc.notes == [note]
    assert line not in _texts(doc)


def test_a_word_that_starts_like_a_note_label_stays_text() -> None:
    line = "Correctional colonies hold most of the prisoners, according to the rights groups."
    doc = clean(f"A Title\n\n{LONG}\n\n{line}\n", Format.TEXT)
    assert doc.notes == [] and line in _texts(doc)


def test_one_bio_for_two_authors() -> None:
    bio = "Marta Kowal and Tomas Berg are research fellows at the Baltic Policy Institute."
    doc = clean(
        f"A Title\n\nBy Marta Kowal and Tomas Berg\n\n{LONG}\n\n{LONG}\n\n{bio}\n", Format.TEXT
    )
    assert doc.bios == [bio]
    from worldview.extract.metadata import extract_metadata
    from worldview.extract.segment import segment

    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Marta Kowal", "Baltic Policy Institute"),
        ("Tomas Berg", "Baltic Policy Institute"),
    ]


# --- notes on the text's history, citation lines, platform prompts (issue 14) -----------------

NOTES_TEXT = """Russia’s Arctic Gambit

Russia has spent two decades rebuilding its Arctic bases, and the Kremlin now presents the
region as a frontier of national survival.

This article was updated on 5 June 2025 to include the new fleet figures.

Translated from Russian by Jane Roe.

An earlier version of this article misstated the size of the Northern Fleet.

Thanks for reading The Arctic Letter! Subscribe for free to receive new posts and support my work.

Cite this: Berg, A. (2025), “Russia’s Arctic Gambit”, Nordic Security Institute.

The fleet’s submarines are the core of Russia’s second-strike capability, and the report
was updated in 2019.
"""


def test_update_correction_and_translation_notes_go_to_notes_and_updated() -> None:
    doc = clean(NOTES_TEXT, Format.TEXT)
    body = [b.text for b in doc.blocks]
    assert doc.notes == [
        "This article was updated on 5 June 2025 to include the new fleet figures.",
        "Translated from Russian by Jane Roe.",
        "An earlier version of this article misstated the size of the Northern Fleet.",
    ]
    assert doc.hints.updated == "2025-06-05"
    assert not any(t.startswith(("Thanks for reading", "Cite this", "Translated")) for t in body)
    assert body[-1].startswith("The fleet’s submarines")  # "the report was updated" stays


@pytest.mark.parametrize(
    "line",
    [
        "Suggested citation: Roe, J. (2025). Moscow and the Sahel. Policy Brief 4.",
        "How to cite this article: Roe, J. (2025). Moscow and the Sahel.",
        "Jane’s Letter is a reader-supported publication. To receive new posts and support "
        "my work, consider becoming a free or paid subscriber.",
    ],
)
def test_citation_lines_and_platform_prompts_leave_the_body(line: str) -> None:
    text = "A Title\n\n" + "Moscow’s policy in the Sahel rests on security deals. " * 3
    doc = clean(f"{text}\n\n{line}\n", Format.TEXT)
    assert all(line[:20] not in b.text for b in doc.blocks)
