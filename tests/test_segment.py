"""segment(): title, front matter, takeaways, sections, sentences, images, pull quotes."""

from __future__ import annotations

import pytest

from worldview.document import Block, BlockKind, CleanedDocument, Format, MarkupHints
from worldview.errors import NoArticleError
from worldview.extract.captions import split_caption_credit
from worldview.extract.clean import clean
from worldview.extract.segment import segment
from worldview.extract.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. and Russia met in Geneva. "
            "Dr. Smith led the talks on Jan. 5 with J. R. Brown.",
            [
                "The U.S. and Russia met in Geneva.",
                "Dr. Smith led the talks on Jan. 5 with J. R. Brown.",
            ],
        ),
        (
            "The “Ukrainian crisis is not a territorial conflict,” Putin said. “It is broader.” "
            "Nobody agreed.",
            [
                "The “Ukrainian crisis is not a territorial conflict,” Putin said.",
                "“It is broader.”",
                "Nobody agreed.",
            ],
        ),
        ("No final punctuation here", ["No final punctuation here"]),
        ("Is it over? No! It goes on.", ["Is it over?", "No!", "It goes on."]),
    ],
)
def test_sentences_split_where_a_reader_would(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for i, s in enumerate(sentences):
        assert s.index == i
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Putin at a parade in May. (Nanna Heitmann/The New York Times)",
            "Putin at a parade in May.",
            "Nanna Heitmann/The New York Times",
        ),
        (
            "Valves at a station. (Photo: Stefan Brandt/Energy Press)",
            "Valves at a station.",
            "Stefan Brandt/Energy Press",
        ),
        ("Troops in Mali. Photo: Jane Doe/AFP", "Troops in Mali.", "Jane Doe/AFP"),
        (
            "A meeting of ministers (left to right) in Minsk.",
            "A meeting of ministers (left to right) in Minsk.",
            None,
        ),
        ("Photo by Ivan Petrov", None, "Ivan Petrov"),
    ],
)
def test_credit_is_split_from_the_caption(
    text: str, caption: str | None, credit: str | None
) -> None:
    assert split_caption_credit(text) == (caption, credit)


TEXT = """The Title of the Analysis

A subtitle that explains the argument in one line

By Jane Roe and John Doe

March 3, 2024

Key Points

  • First point of the piece.
  • Second point of the piece.

Opening paragraph of the body, which says what the analysis is about in some detail.

A crowd in Red Square on Victory Day. (Ivan Petrov/Reuters)

First Section

The Kremlin says the West wants to weaken Russia. It repeats this claim every year.

The Kremlin says the West wants to weaken Russia and keep it out of Europe.

Second paragraph of the first section. The Kremlin says the West wants to weaken Russia \
and keep it out of Europe, officials said.

Second Section

A last paragraph of the article that closes the argument with a conclusion.
"""


def test_a_text_article_is_segmented() -> None:
    seg = segment(clean(TEXT, Format.TEXT))
    content = seg.content
    assert seg.title == "The Title of the Analysis"
    assert seg.subtitle == "A subtitle that explains the argument in one line"
    assert seg.bylines == ["By Jane Roe and John Doe"]
    assert seg.datelines == ["March 3, 2024"]
    assert content.key_takeaways == ["First point of the piece.", "Second point of the piece."]
    assert content.headings == ["First Section", "Second Section"]
    assert [p.section for p in content.paragraphs] == [
        None,
        "First Section",
        "First Section",
        "Second Section",
    ]
    assert content.pull_quotes == [
        "The Kremlin says the West wants to weaken Russia and keep it out of Europe."
    ]
    assert len(content.images) == 1
    assert content.images[0].caption == "A crowd in Red Square on Victory Day."
    assert content.images[0].credit == "Ivan Petrov/Reuters"
    texts = [p.text for p in content.paragraphs]
    assert not any("Ivan Petrov" in t or "By Jane" in t or "March 3" in t for t in texts)
    assert [p.index for p in content.paragraphs] == list(range(len(texts)))


def test_photo_line_and_body_caption_are_one_image() -> None:
    text = (
        "A Title\n\nFirst paragraph of the body, long enough to be prose.\n\n"
        "Soldiers at a checkpoint near Kherson. (Jane Doe/AP)\n\n"
        "Second paragraph of the body, long enough to be prose as well.\n\n"
        "PHOTO: Soldiers at a checkpoint near Kherson. (Jane Doe/AP)\n"
    )
    content = segment(clean(text, Format.TEXT)).content
    assert [(i.caption, i.credit) for i in content.images] == [
        ("Soldiers at a checkpoint near Kherson.", "Jane Doe/AP")
    ]
    assert len(content.paragraphs) == 2


def test_a_blockquote_the_body_does_not_repeat_stays_a_paragraph() -> None:
    doc = CleanedDocument(
        format=Format.HTML,
        blocks=[
            Block(BlockKind.HEADING, "Title", level=1),
            Block(BlockKind.PARAGRAPH, "Putin spoke to the assembly at length in February."),
            Block(
                BlockKind.QUOTE, "We will never give up our historical territories, he said then."
            ),
        ],
    )
    content = segment(doc).content
    assert content.pull_quotes == []
    assert len(content.paragraphs) == 2


def test_markup_title_is_used_when_the_text_has_none() -> None:
    doc = CleanedDocument(
        format=Format.HTML,
        blocks=[Block(BlockKind.PARAGRAPH, "Only a body paragraph, which is long enough.")],
        hints=MarkupHints(title="From The Meta Tag"),
    )
    assert segment(doc).title == "From The Meta Tag"


def test_no_title_stated_gets_a_stand_in_with_a_warning_and_keeps_the_body() -> None:
    body = "This text starts straight away with a long sentence of body text, as prose does."
    second = "A second paragraph follows it, and neither of them is a headline of any kind."
    segments = segment(clean(body + "\n\n" + second, Format.TEXT))
    assert segments.title == "This text starts straight away with a long sentence of body text…"
    assert [p.text for p in segments.content.paragraphs] == [body, second]
    assert any(w.startswith("title_missing:") for w in segments.warnings)
    chinese = "俄罗斯的外交政策在过去十年中发生了深刻的变化，" * 6 + "这一点在各个地区都能看到。"
    title = segment(clean(chinese + "\n\n" + chinese, Format.TEXT)).title
    assert len(title) == 101 and title.endswith("…")  # no spaces: the characters bound it


def test_no_body_is_a_clear_error() -> None:
    with pytest.raises(NoArticleError, match="no body paragraphs"):
        segment(clean("Just A Title\n\nShare this\n", Format.TEXT))


def test_a_type_label_over_the_headline_is_not_the_title() -> None:
    text = (
        "COMMENTARY\n\nRussia’s War Economy at Three\n\nBy Jane Roe\n\n"
        "The body paragraph is long enough to be prose, really it is.\n"
    )
    doc = clean(text, Format.TEXT)
    assert doc.publication_type == "Commentary"
    assert segment(doc).title == "Russia’s War Economy at Three"


def test_a_conclusions_section_is_not_takeaways_but_a_key_points_line_is() -> None:
    text = (
        "A Title\n\nKey points:\n\nRussia wants a buffer zone.\n\nThe West hesitates.\n\n"
        "Body\n\nA first body paragraph that is long enough. It has two sentences.\n\n"
        "Conclusions\n\nThe last paragraph draws the conclusion of the whole piece.\n"
    )
    content = segment(clean(text, Format.TEXT)).content
    assert content.key_takeaways == ["Russia wants a buffer zone.", "The West hesitates."]
    assert content.headings == ["Body", "Conclusions"]
    assert content.paragraphs[-1].section == "Conclusions"


def test_a_photo_line_with_only_a_name_is_a_credit() -> None:
    text = "A Title\n\nThe body paragraph is long enough to be prose.\n\nPhoto: Reuters\n"
    images = segment(clean(text, Format.TEXT)).content.images
    assert [(i.caption, i.credit) for i in images] == [(None, "Reuters")]


def test_a_pull_quote_shortened_with_an_ellipsis() -> None:
    text = (
        "A Title\n\nThe Kremlin wants, in the end, a buffer zone of vassal states around Russia. "
        "It has said so for years.\n\n"
        "“The Kremlin wants … a buffer zone of vassal states around Russia.”\n\n"
        "Another paragraph, long enough to be prose in the article.\n"
    )
    content = segment(clean(text, Format.TEXT)).content
    assert content.pull_quotes == [
        "“The Kremlin wants … a buffer zone of vassal states around Russia.”"
    ]
    assert len(content.paragraphs) == 2


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Russian servicemen march in Red Square. REUTERS/Maxim Shemetov",
            "Russian servicemen march in Red Square.",
            "REUTERS/Maxim Shemetov",
        ),
        (
            "Troops near Bakhmut in the 2023/24 winter.",
            "Troops near Bakhmut in the 2023/24 winter.",
            None,
        ),
    ],
)
def test_wire_service_credits(text: str, caption: str, credit: str | None) -> None:
    assert split_caption_credit(text) == (caption, credit)


def test_e_g_before_a_capitalised_name_does_not_end_a_sentence() -> None:
    text = "Several states, e.g. Russia and Iran, objected. The vote went ahead."
    assert [s.text for s in split_sentences(text)] == [
        "Several states, e.g. Russia and Iran, objected.",
        "The vote went ahead.",
    ]


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        # a proper name alone in the closing parentheses is the source
        (
            "Ballot papers stacked in a depot. (Electoral Watch Europe)",
            "Ballot papers stacked in a depot.",
            "Electoral Watch Europe",
        ),
        ("Troop positions in the north (ISW)", "Troop positions in the north", "ISW"),
        ("A ferry in the strait (Mirela Costa)", "A ferry in the strait", "Mirela Costa"),
        # a trailing label without parentheses
        (
            "A ferry in the strait in 2023. Photo: Mirela Costa",
            "A ferry in the strait in 2023.",
            "Mirela Costa",
        ),
        ("A ferry in the strait © Mirela Costa", "A ferry in the strait", "Mirela Costa"),
        (
            "A ferry in the strait. Image courtesy of Mirela Costa",
            "A ferry in the strait.",
            "Mirela Costa",
        ),
        ("A ferry in the strait – Mirela Costa/AFP", "A ferry in the strait", "Mirela Costa/AFP"),
        # asides stay in the caption
        ("The two ministers (right) in 1998", "The two ministers (right) in 1998", None),
        ("A treaty signing (1945)", "A treaty signing (1945)", None),
        (
            "A summit dinner (Mirela Costa, second left)",
            "A summit dinner (Mirela Costa, second left)",
            None,
        ),
    ],
)
def test_more_credit_shapes(text: str, caption: str, credit: str | None) -> None:
    assert split_caption_credit(text) == (caption, credit)


BODY = "The body of the article, long enough to be prose and to end a sentence here. " * 3


def test_a_headline_with_the_byline_run_into_it_is_split() -> None:
    doc = CleanedDocument(
        format=Format.HTML,
        blocks=[
            Block(BlockKind.PARAGRAPH, "Minsk Between Two Capitals by Anna Berg · 04.03.2024"),
            Block(BlockKind.PARAGRAPH, BODY),
        ],
        hints=MarkupHints(title="Regional Review :: Minsk Between Two Capitals"),
    )
    seg = segment(doc)
    assert seg.title == "Minsk Between Two Capitals"
    assert seg.bylines == ["by Anna Berg · 04.03.2024"]
    assert seg.datelines == ["by Anna Berg · 04.03.2024"]
    assert [p.text for p in seg.content.paragraphs] == [BODY]


def test_a_sentence_with_by_in_it_is_not_a_glued_headline() -> None:
    opening = "The treaty was signed by Anna Berg and two deputies."
    doc = CleanedDocument(
        format=Format.TEXT,
        blocks=[Block(BlockKind.PARAGRAPH, opening), Block(BlockKind.PARAGRAPH, BODY)],
        hints=MarkupHints(title="A Title"),
    )
    seg = segment(doc)
    assert seg.title == "A Title" and seg.bylines == []
    assert seg.content.paragraphs[0].text == opening


def test_a_lone_by_label_joins_the_name_after_it_and_never_stays_in_the_body() -> None:
    blocks = [
        Block(BlockKind.HEADING, "A Title", level=1, role="title"),
        Block(BlockKind.PARAGRAPH, "by"),
        Block(BlockKind.PARAGRAPH, "Anna Berg"),
        Block(BlockKind.PARAGRAPH, BODY),
        Block(BlockKind.PARAGRAPH, "By"),
        Block(BlockKind.PARAGRAPH, BODY + " Again."),
    ]
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks))
    assert seg.bylines == ["By Anna Berg"]
    assert [p.text for p in seg.content.paragraphs] == [BODY, BODY + " Again."]


def test_a_date_run_into_the_dek_is_a_dateline() -> None:
    blocks = [
        Block(BlockKind.HEADING, "A Title", level=1, role="title"),
        Block(
            BlockKind.HEADING,
            "Why the port matters to Moscow?Tuesday, 4 March 2025",
            2,
            role="subtitle",
        ),
        Block(BlockKind.PARAGRAPH, BODY),
    ]
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks))
    assert seg.subtitle == "Why the port matters to Moscow?"
    assert seg.datelines == ["Tuesday, 4 March 2025"]


def test_a_photographer_marked_as_byline_credits_the_picture_not_the_article() -> None:
    blocks = [
        Block(BlockKind.HEADING, "A Title", level=1, role="title"),
        Block(BlockKind.IMAGE, "A harbour at dawn.", src="/a.jpg"),
        Block(BlockKind.PARAGRAPH, "Photograph by Anna Berg", role="byline"),
        Block(BlockKind.PARAGRAPH, BODY),
    ]
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks))
    assert seg.bylines == []
    assert [(i.caption, i.credit) for i in seg.content.images] == [
        ("A harbour at dawn.", "Anna Berg")
    ]


def test_a_byline_after_the_body_began_does_not_add_authors_to_the_header_byline() -> None:
    blocks = [
        Block(BlockKind.HEADING, "A Title", level=1, role="title"),
        Block(BlockKind.PARAGRAPH, "By Anna Berg", role="byline"),
        Block(BlockKind.PARAGRAPH, BODY),
        Block(BlockKind.PARAGRAPH, "By Piotr Nowak", role="byline"),  # a teaser's byline
        Block(BlockKind.PARAGRAPH, BODY + " More."),
    ]
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks))
    assert seg.bylines == ["By Anna Berg"]
    # with no header byline, a later one is all the document states, and it counts
    seg = segment(CleanedDocument(format=Format.HTML, blocks=[blocks[0], *blocks[2:]]))
    assert seg.bylines == ["By Piotr Nowak"]


@pytest.mark.parametrize(
    "label", ["Arms Control", "Energy Security", "Central Asia", "Middle East"]
)
def test_a_section_label_beside_the_date_is_not_a_byline(label: str) -> None:
    text = f"The Title\n\n{label}\n\nMarch 3, 2024\n\n{BODY}\n"
    seg = segment(clean(text, Format.TEXT))
    assert seg.bylines == []
    assert seg.datelines == ["March 3, 2024"]


def test_a_name_beside_the_date_is_a_byline() -> None:
    seg = segment(clean(f"The Title\n\nMarta Kowal\n\nMarch 3, 2024\n\n{BODY}\n", Format.TEXT))
    assert seg.bylines == ["Marta Kowal"]


def test_a_standalone_caption_line_with_a_photo_label_is_an_image() -> None:
    text = (
        f"The Title\n\n{BODY}\n\n"
        "Fishing boats in the harbour at Sevastopol. Photo: Oksana Hrytsenko\n\n"
        f"{BODY} Again.\n\nHe said the harbour was full. Photographs taken that day show it.\n"
    )
    seg = segment(clean(text, Format.TEXT))
    assert [(i.caption, i.credit) for i in seg.content.images] == [
        ("Fishing boats in the harbour at Sevastopol.", "Oksana Hrytsenko")
    ]
    assert len(seg.content.paragraphs) == 3


def test_a_headline_ending_in_by_and_two_capitalised_words_stays_whole() -> None:
    title = "The War as Seen by Ordinary Citizens"
    seg = segment(clean(f"{title}\n\n{BODY}\n", Format.TEXT))
    assert (seg.title, seg.bylines) == (title, [])
    seg = segment(
        clean(f"Minsk Between Two Capitals by Anna Berg | 4 March 2024\n\n{BODY}\n", Format.TEXT)
    )
    assert (seg.title, seg.bylines) == (
        "Minsk Between Two Capitals",
        ["by Anna Berg | 4 March 2024"],
    )


def test_abbreviations_that_lead_into_more_words_do_not_end_sentences() -> None:
    text = "Russia vs. Ukraine is a war of attrition. Losses rose approx. 5 percent. Talks stalled."
    assert [s.text for s in split_sentences(text)] == [
        "Russia vs. Ukraine is a war of attrition.",
        "Losses rose approx. 5 percent.",
        "Talks stalled.",
    ]


def test_a_breadcrumb_trail_ending_in_the_title_is_not_the_subtitle() -> None:
    title = "Fishing Rights in the Barents Sea"
    blocks = [
        Block(BlockKind.HEADING, title, level=1, role="title"),
        Block(BlockKind.PARAGRAPH, f"Home Oceans {title}", role="subtitle"),
        Block(BlockKind.PARAGRAPH, BODY),
    ]
    hints = MarkupHints(subtitle=f"Home › Oceans › {title}")
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks, hints=hints))
    assert seg.subtitle is None
    assert [p.text for p in seg.content.paragraphs] == [BODY]


def test_a_courtesy_line_under_a_picture_is_its_credit() -> None:
    blocks = [
        Block(BlockKind.HEADING, "A Title", level=1, role="title"),
        Block(BlockKind.IMAGE, "", src="/a.jpg"),
        Block(BlockKind.PARAGRAPH, "Courtesy of the Polar Forum"),
        Block(BlockKind.PARAGRAPH, BODY),
    ]
    seg = segment(CleanedDocument(format=Format.HTML, blocks=blocks))
    assert [(i.caption, i.credit) for i in seg.content.images] == [(None, "the Polar Forum")]
    assert [p.text for p in seg.content.paragraphs] == [BODY]
