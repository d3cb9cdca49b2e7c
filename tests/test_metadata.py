"""extract_metadata(): authors with affiliations and bios, stated dates only, titles, language."""

from __future__ import annotations

import pytest

from worldview.document import Format
from worldview.extract.clean import clean
from worldview.extract.dates import parse_date
from worldview.extract.metadata import (
    affiliation_from_bio,
    byline_entries,
    detect_language,
    extract_metadata,
    names_from_byline,
    strip_site_suffix,
)
from worldview.extract.segment import segment


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Roe", ["Jane Roe"]),
        ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"]),
        (
            "By Anna Berg, Piotr Nowak and Olena Shevchenko",
            ["Anna Berg", "Piotr Nowak", "Olena Shevchenko"],
        ),
        ("By Anna Berg & Piotr Nowak | March 3, 2024", ["Anna Berg", "Piotr Nowak"]),
        ("Written by Mary-Ann O’Neil, 5 May 2023", ["Mary-Ann O’Neil"]),
        # outlets and placeholders are not people
        ("By NORTH STAR ONLINE, Tromsø", []),
        ("By Guest Author", []),
        ("By Author Archives and Jane Roe", ["Jane Roe"]),
    ],
)
def test_names_from_bylines(line: str, names: list[str]) -> None:
    assert names_from_byline(line) == names


@pytest.mark.parametrize(
    ("bio", "affiliation"),
    [
        (
            "Iuliia Osmolovska is a Ukrainian foreign affairs scholar with the Kyiv-based think "
            "tank GLOBSEC and a former Ukrainian diplomat.",
            "GLOBSEC",
        ),
        ("Anna Berg is a senior fellow at the Atlantic Council.", "Atlantic Council"),
        (
            "Piotr Nowak is a professor of politics at Warsaw University, where he teaches.",
            "Warsaw University",
        ),
        ("Olena Shevchenko is an independent writer.", None),
    ],
)
def test_affiliation_from_bio(bio: str, affiliation: str | None) -> None:
    assert affiliation_from_bio(bio, bio.split(" is ")[0]) == affiliation


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("August 8, 2024", "2024-08-08"),
        ("Published: Aug. 8, 2024", "2024-08-08"),
        ("8 August 2024", "2024-08-08"),
        ("2024-08-08T10:00:00Z", "2024-08-08"),
        ("13/05/2024", "2024-05-13"),
        ("05/06/2024", None),  # ambiguous day and month: not guessed
        ("In 2024 the war went on.", None),
        ("February 30, 2024", None),
    ],
)
def test_parse_date_only_reads_stated_dates(text: str, date: str | None) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Russia in the Sahel | Eurasia Review", None, "Russia in the Sahel"),
        ("Russia in the Sahel – Carnegie Endowment", "Carnegie Endowment", "Russia in the Sahel"),
        (
            "After Prisoners: Can the World Negotiate?",
            None,
            "After Prisoners: Can the World Negotiate?",
        ),
        ("The War - and the Peace", None, "The War - and the Peace"),
        # a leading site name
        (
            "Baltic Desk :: Riga and the Fleet: A Long Watch",
            None,
            "Riga and the Fleet: A Long Watch",
        ),
        ("Baltic Desk | Riga and the Fleet", None, "Riga and the Fleet"),
        ("Baltic Desk - Riga and the Fleet", "Baltic Desk", "Riga and the Fleet"),
        ("Putin - The Man and the Myth", None, "Putin - The Man and the Myth"),
    ],
)
def test_site_suffix_is_stripped_from_markup_titles(title, site, expected) -> None:
    assert strip_site_suffix(title, site) == expected


def test_language_is_guessed_cheaply() -> None:
    assert (
        detect_language("The Kremlin says that the West is to blame for the war in Ukraine.")
        == "en"
    )
    assert (
        detect_language("Der Kreml sagt, dass der Westen an dem Krieg in der Ukraine schuld ist.")
        == "de"
    )


TWO_AUTHORS = """Two Authors, Two Bios

By Anna Berg and Piotr Nowak

Published June 2, 2023 | Updated June 4, 2023

The body of the analysis starts here, with a long enough paragraph of prose, written in 2019.

A second body paragraph follows, also long enough to count as prose in the article.

Anna Berg is a senior fellow at the Nordic Security Institute.

Piotr Nowak is a researcher with the Warsaw-based think tank Centre for Eastern Studies.
"""


def test_two_authors_get_their_own_bios_and_affiliations() -> None:
    doc = clean(TWO_AUTHORS, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Anna Berg", "Nordic Security Institute"),
        ("Piotr Nowak", "Centre for Eastern Studies"),
    ]
    assert meta.authors[1].bio.startswith("Piotr Nowak is a researcher")
    assert meta.published == "2023-06-02"
    assert meta.language == "en"


def test_no_stated_date_means_null_not_a_year_from_the_body() -> None:
    text = "A Title\n\nIn 2014 and again on March 3, 2022, Russia invaded Ukraine, as all know.\n"
    doc = clean(text, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert meta.published is None and meta.updated is None


@pytest.mark.parametrize(
    ("front", "names", "published"),
    [
        ("Jane Roe\n\nMarch 3, 2024", ["Jane Roe"], "2024-03-03"),
        ("Jane Roe | 3 March 2024", ["Jane Roe"], "2024-03-03"),
        ("By JANE ROE, Senior Fellow\n\n03.05.2024", ["Jane Roe"], "2024-05-03"),
        ("By Dr. Jane Roe and Prof. John Doe", ["Jane Roe", "John Doe"], None),
    ],
)
def test_bylines_in_their_common_shapes(front: str, names: list[str], published) -> None:
    text = f"The Title\n\n{front}\n\nThe body paragraph is long enough to be prose, really.\n"
    doc = clean(text, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert [a.name for a in meta.authors] == names
    assert meta.published == published


HEADER_STACK = """Expert comment
Published 3 March 2025
Updated 5 March 2025
Russia’s Pivot to the Global South Is Running Out of Steam
The Kremlin’s courtship of Africa and Asia delivers votes and headlines, but little else.

Dr James Nixey and Olena Petrenko

Since 2022, Moscow has invested heavily in its image across the Global South. Russian diplomats
have toured African capitals, and the Kremlin hosted two Russia–Africa summits.

Votes, not vassals

Most states that abstain on Ukraine resolutions do so to keep their options open.

James Nixey is director of the Russia and Eurasia Programme at Chatham House. Olena Petrenko is an
academy associate at the Kyiv School of Economics.
"""


def test_a_stacked_header_with_type_dates_headline_dek_and_names() -> None:
    doc = clean(HEADER_STACK, Format.TEXT)
    seg = segment(doc)
    meta = extract_metadata(doc, seg)
    assert meta.title == "Russia’s Pivot to the Global South Is Running Out of Steam"
    assert meta.subtitle.startswith("The Kremlin’s courtship of Africa")
    assert meta.publication_type == "Expert comment"
    assert (meta.published, meta.updated) == ("2025-03-03", "2025-03-05")
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("James Nixey", "Chatham House"),
        ("Olena Petrenko", "Kyiv School of Economics"),
    ]
    assert seg.content.headings == ["Votes, not vassals"]
    assert len(seg.content.paragraphs) == 2


@pytest.mark.parametrize(
    ("bio", "affiliation"),
    [
        (
            "Jane Roe, a former U.S. ambassador to Russia, is a distinguished fellow at Brookings.",
            "Brookings",
        ),
        (
            "Jane Roe is a senior fellow at the Institute for Security Studies in Pretoria.",
            "Institute for Security Studies",
        ),
        ("Jane Roe is the director of the Kennan Institute.", "Kennan Institute"),
        ("Jane Roe is an independent analyst based in Berlin.", None),
    ],
)
def test_more_bio_shapes(bio: str, affiliation: str | None) -> None:
    assert affiliation_from_bio(bio, "Jane Roe") == affiliation


def test_slashed_and_dotted_iso_dates() -> None:
    assert parse_date("2024/08/08") == parse_date("2024.8.8") == "2024-08-08"


def test_posted_on_a_date_by_a_name() -> None:
    text = "A Title\n\nPosted March 3, 2025 by Jane Roe\n\nThe body paragraph is long enough.\n"
    doc = clean(text, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert ([a.name for a in meta.authors], meta.published) == (["Jane Roe"], "2025-03-03")


@pytest.mark.parametrize(
    ("bio", "affiliation"),
    [
        (
            "Jane Roe is a fellow at the Tbilisi-based research group Caucasus Policy Lab.",
            "Caucasus Policy Lab",
        ),
        (
            "Jane Roe is a fellow at the Swiss think tank Alpine Security Forum.",
            "Alpine Security Forum",
        ),
        (
            "Jane Roe is an analyst at Riga’s independent Baltic Media Centre.",
            "Baltic Media Centre",
        ),
        (
            "Jane Roe is a fellow at the Washington, D.C.-based Arctic Institute.",
            "Arctic Institute",
        ),
        (
            "Jane Roe is a fellow at the Stiftung Wissenschaft und Politik.",
            "Stiftung Wissenschaft und Politik",
        ),
        (
            "Jane Roe is a fellow at the Council on Foreign Relations.",
            "Council on Foreign Relations",
        ),
        (
            "Jane Roe is a visiting scholar at the Nordic Arctic Centre in Tromsø.",
            "Nordic Arctic Centre",
        ),
    ],
)
def test_descriptors_and_places_around_the_organisation_are_dropped(bio, affiliation) -> None:
    assert affiliation_from_bio(bio, "Jane Roe") == affiliation


@pytest.mark.parametrize(
    ("line", "entries"),
    [
        (
            "By Maria Lind, Research Fellow, Centre for Baltic Studies",
            [("Maria Lind", "Centre for Baltic Studies")],
        ),
        (
            "By Maria Lind (Nordic Defence Forum) and Tomas Berg (Hanseatic Council)",
            [("Maria Lind", "Nordic Defence Forum"), ("Tomas Berg", "Hanseatic Council")],
        ),
        (
            "By Maria Lind, Senior Analyst, Chatham House, and Tomas Berg",
            [("Maria Lind", "Chatham House"), ("Tomas Berg", None)],
        ),
        ("By Maria Lind, Senior Analyst", [("Maria Lind", None)]),
        ("By Maria Lind, Oslo", [("Maria Lind", None)]),
        ("by Maria Lind on May 4, 2023", [("Maria Lind", None)]),
        ("By Col. (ret.) Tomas Berg", [("Tomas Berg", None)]),
    ],
)
def test_a_byline_can_give_the_affiliation(line: str, entries) -> None:
    assert byline_entries(line) == entries


def test_byline_affiliation_is_used_when_there_is_no_bio() -> None:
    text = (
        "A Title\n\nBy Maria Lind, Senior Fellow, Institute for Arctic Security\n\n"
        "The body paragraph is long enough to be prose, really, and it goes on a while.\n"
    )
    doc = clean(text, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation, a.bio) for a in meta.authors] == [
        ("Maria Lind", "Institute for Arctic Security", None)
    ]


@pytest.mark.parametrize("honorific", ["Dr.", "Prof.", "Amb.", "Gen.", "Mr.", "Ms.", "Dr"])
def test_honorifics_never_reach_the_author_name(honorific: str) -> None:
    text = (
        f"A Title\n\nBy {honorific} Maria Lind\n\n"
        "The body paragraph is long enough to be prose, really, and it goes on a while.\n\n"
        f"{honorific} Maria Lind is a senior fellow at the Institute for Arctic Security.\n"
    )
    doc = clean(text, Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Maria Lind", "Institute for Arctic Security")
    ]


def test_honorifics_are_stripped_from_markup_authors() -> None:
    html = (
        '<html><head><meta name="author" content="Prof. Maria Lind"></head><body><article>'
        "<h1>A Title</h1><p>The body paragraph is long enough to be prose, really. It says what "
        "the analysis argues and why, in two sentences that a reader can follow.</p>"
        "</article></body></html>"
    )
    doc = clean(html, Format.HTML)
    meta = extract_metadata(doc, segment(doc))
    assert [a.name for a in meta.authors] == ["Maria Lind"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Fri Mar 07 09:12:44 CEST 2025", "2025-03-07"),  # Java's Date.toString
        ("publié le 4 novembre 2021", "2021-11-04"),
        ("1er juillet 2022", "2022-07-01"),
        ("Stand: 9. Dezember 2023", "2023-12-09"),
        ("7 de abril de 2024", "2024-04-07"),
        ("12 сентября 2024", "2024-09-12"),
        ("Nov 9, 2023 · 4 min read", "2023-11-09"),
        ("09.11.2023", "2023-11-09"),
        ("November 9, 2023 at 07:30 PM | filed under Europe", "2023-11-09"),
        # the first date stated wins, whatever its form
        ("Published 9 November 2023 | Updated November 12, 2023", "2023-11-09"),
        ("We may 12 times say so", None),
    ],
)
def test_dates_in_other_languages_and_machine_forms(text: str, date: str | None) -> None:
    assert parse_date(text) == date


def test_a_date_whose_line_says_updated_at_a_time_is_the_update() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2023-05-03T08:00:00Z">'
        "</head><body><article><h1>A Title</h1><p>May 4, 2023 -- Updated 0915 GMT</p>"
        "<p>The body paragraph is long enough to be prose, really. It says what the analysis "
        "argues and why, in two sentences that a reader can follow.</p></article></body></html>"
    )
    doc = clean(html, Format.HTML)
    meta = extract_metadata(doc, segment(doc))
    assert (meta.published, meta.updated) == ("2023-05-03", "2023-05-04")


def test_one_block_with_two_bios_one_with_an_apposition_and_another_verb() -> None:
    from worldview.extract.metadata import split_bios

    block = (
        "Maria Lind is a research fellow with the Oslo-based network Arctic Watch. "
        "Tomas Berg, a former Danish diplomat, teaches history at the University of Aarhus."
    )
    bios = split_bios(block)
    assert [affiliation_from_bio(b, " ".join(b.split()[:2])) for b in bios] == [
        "Arctic Watch",
        "University of Aarhus",
    ]


BODY_EN = "The body of the article is long enough to be prose and it ends a sentence here. " * 3


@pytest.mark.parametrize(
    ("front", "authors", "published"),
    [
        (
            "Maria Lind, Senior Fellow, Polar Research Institute\n4 May 2024",
            [("Maria Lind", "Polar Research Institute")],
            "2024-05-04",
        ),
        (
            "By Maria Lind | Polar Research Institute | 4 May 2024",
            [("Maria Lind", "Polar Research Institute")],
            "2024-05-04",
        ),
        (
            "BY MARIA LIND AND TOMAS BERG\n\nMAY 4, 2024",
            [("Maria Lind", None), ("Tomas Berg", None)],
            "2024-05-04",
        ),
        (
            "Von Maria Lind und Tomas Berg\n\n4. Mai 2024",
            [("Maria Lind", None), ("Tomas Berg", None)],
            "2024-05-04",
        ),
        ("Par Maria Lind\n\nLe 4 mai 2024", [("Maria Lind", None)], "2024-05-04"),
    ],
)
def test_more_byline_shapes(front: str, authors, published: str) -> None:
    doc = clean(f"The Title of It\n\n{front}\n\n{BODY_EN}\n", Format.TEXT)
    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == authors
    assert meta.published == published


def test_a_name_run_into_its_bio_box_is_cut_where_it_repeats() -> None:
    html = (
        '<html><head><meta name="author" content="Maria Lind Maria"></head><body><article>'
        "<h1>A Title</h1><p>The body paragraph is long enough to be prose, really. It says what "
        "the analysis argues and why, in two sentences that a reader can follow.</p>"
        "</article></body></html>"
    )
    doc = clean(html, Format.HTML)
    meta = extract_metadata(doc, segment(doc))
    assert [a.name for a in meta.authors] == ["Maria Lind"]


def test_front_matter_authors_with_affiliations() -> None:
    text = (
        "---\ntitle: A Title\nauthors:\n  - name: Dr. Maria Lind\n    affiliation: Polar Forum\n"
        "  - name: Tomas Berg\n---\n\n"
        "The body paragraph is long enough to be prose, really, and it goes on a while.\n"
    )
    doc = clean(text, Format.MARKDOWN)
    meta = extract_metadata(doc, segment(doc))
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Maria Lind", "Polar Forum"),
        ("Tomas Berg", None),
    ]


@pytest.mark.parametrize(
    ("bio", "affiliation"),
    [
        ("Jane Roe — senior analyst, Caspian Policy Forum (Baku).", "Caspian Policy Forum"),
        (
            "Jane Roe, Research Associate, Centre for Polar Studies, New Delhi.",
            "Centre for Polar Studies",
        ),
        (
            "Jane Roe (Polish Institute of International Affairs) is an analyst covering Russian "
            "military policy.",
            "Polish Institute of International Affairs",
        ),
        (
            "Jane Roe, a former diplomat, is head of the Russia programme at Chatham House.",
            "Chatham House",
        ),
    ],
)
def test_organisations_set_off_after_the_name(bio: str, affiliation: str | None) -> None:
    assert affiliation_from_bio(bio, "Jane Roe") == affiliation


@pytest.mark.parametrize(
    ("lead", "published"),
    [
        ("MOSCOW, 12 March 2025 — The Kremlin said talks would go on.", "2025-03-12"),
        ("Kyiv, March 3, 2025 (Reuters) - Ukraine said talks would go on.", "2025-03-03"),
        ("On 12 March 2025, the Kremlin said that talks would go on, in a statement.", None),
    ],
)
def test_a_news_dateline_opening_the_lead_is_the_date_when_nothing_else_states_one(
    lead: str, published: str | None
) -> None:
    doc = clean(
        f"Talks Go On\n\n{lead}\n\nA second paragraph of body text follows here.\n", Format.TEXT
    )
    assert extract_metadata(doc, segment(doc)).published == published
    dated = clean(f"Talks Go On\n\nPublished: 1 April 2025\n\n{lead}\n", Format.TEXT)
    assert extract_metadata(dated, segment(dated)).published == "2025-04-01"  # the stated date wins


def test_front_matter_type_by_its_usual_name() -> None:
    text = "---\ntitle: A Title\ntype: policy_brief\n---\n\nBody text of the brief, long enough.\n"
    assert clean(text, Format.MARKDOWN).publication_type == "Policy Brief"
