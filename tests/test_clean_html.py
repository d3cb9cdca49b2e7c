"""The HTML path of the cleaner: site chrome out, the article's blocks in, stated metadata kept.

The fixtures under tests/fixtures/html/ are whole pages in the style of different kinds of sites
(think-tank analysis, news site with JSON-LD, WordPress blog, table-layout page without <article>,
a listing page that is only chrome). Each is checked at the block level (html_to_blocks) and end to
end through worldview.pipeline.process_document.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from worldview.document import BlockKind
from worldview.errors import NoArticleError
from worldview.extract.readers.html import (
    html_to_blocks,
    limit_nesting,
    parse_date,
    split_people,
    strip_site_name,
)
from worldview.pipeline import process_document

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def blocks_of(name: str):
    return html_to_blocks(load(name))


def all_text(blocks) -> str:
    return "\n".join(b.text for b in blocks)


def record_of(name: str):
    return process_document((FIXTURES / name).read_bytes(), f"fixtures/{name}")


# Phrases that only site chrome contains, per fixture: none may survive into any block.
CHROME_PHRASES = {
    "thinktank_analysis.html": [
        "cookies", "Skip to main content", "Donate", "Regions", "flagship report", "Breadcrumb",
        "Share", "LinkedIn", "Related Publications", "Kaliningrad", "Stay informed", "weekly",
        "Massachusetts Avenue", "All rights reserved", "Topics", "Deterrence in Northern Europe",
    ],
    "news_jsonld.html": [
        "We and our partners", "I Accept", "Advertisement", "Subscribe for", "Trending",
        "Read more", "Suwałki", "Comments (212)", "steppe_watcher", "winter of 2021-22",
        "More in Europe", "Hungary", "Morning Briefing", "Terms of Service", "Gift this article",
    ],
    "wordpress_blog.html": [
        "Skip to content", "Notes on Russia", "Menu", "Share this", "Twitter", "Related",
        "Wagner’s mutiny", "Tagged", "Previous:", "thoughts on", "Kwame", "Leave a Reply",
        "Recent Posts", "About this blog", "Proudly powered",
    ],
    "no_article_tag.html": [
        "uses cookies", "Home |", "Trade and Transit", "Latest papers", "Middle Corridor after",
        "Print this page", "Email a friend", "Site map", "Copyright",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CHROME_PHRASES))
def test_site_chrome_never_reaches_the_blocks(name):
    blocks, _, warnings = blocks_of(name)
    text = all_text(blocks)
    for phrase in CHROME_PHRASES[name]:
        assert phrase not in text, f"{name}: chrome {phrase!r} kept"
    assert any(w.startswith("chrome_removed:") for w in warnings)


def test_think_tank_page_blocks_and_hints():
    blocks, hints, warnings = blocks_of("thinktank_analysis.html")
    assert blocks[0].kind is BlockKind.HEADING and blocks[0].role == "title"
    assert blocks[0].text == "The Kremlin’s Long Game in the Baltic Sea"
    roles = [b.role for b in blocks[:4]]
    assert roles == ["title", "subtitle", "byline", "dateline"]
    assert blocks[2].text == "By Katrin Väher and Tomas Brazauskas"
    assert hints.title == "The Kremlin’s Long Game in the Baltic Sea"
    assert hints.subtitle.startswith("Moscow’s pressure on Estonia, Latvia and Lithuania")
    assert hints.authors == ["Katrin Väher", "Tomas Brazauskas"]
    assert hints.published == "2024-10-17"
    assert hints.publication_type == "Analysis"
    assert hints.site_name == "Institute for Security and Diplomacy"
    assert hints.language == "en"
    assert hints.canonical_url.endswith("/kremlins-long-game-baltic-sea")
    # Key takeaways stay list items right after their heading.
    i = next(i for i, b in enumerate(blocks) if b.text == "Key Takeaways")
    assert blocks[i].role == "takeaways_heading"
    assert [b.kind for b in blocks[i + 1 : i + 4]] == [BlockKind.LIST_ITEM] * 3
    # The figure: caption with its credit, which the markup set apart.
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert image.credit == "Mindaugas Kulbis/AP"
    assert image.text.startswith("A Lithuanian navy patrol vessel")
    assert image.alt == "A Lithuanian navy vessel on patrol"
    assert "baltic-patrol.jpg" in image.src
    quotes = [b for b in blocks if b.kind is BlockKind.QUOTE]
    assert [q.text[:30] for q in quotes] == ["For Moscow, the Baltic states "]
    bios = [b.text for b in blocks if b.role == "bio"]
    assert len(bios) == 2 and bios[1].startswith("Tomas Brazauskas is a research associate")
    headings = [b.text for b in blocks if b.kind is BlockKind.HEADING and b.role is None]
    assert headings == ["A Sphere of Influence by Other Means", "What Allies Should Do"]
    assert any("cookie banner" in w and "share buttons" in w for w in warnings)


def test_think_tank_page_record():
    record = record_of("thinktank_analysis.html")
    meta, content = record.metadata, record.content
    assert meta.title == "The Kremlin’s Long Game in the Baltic Sea"
    assert [a.name for a in meta.authors] == ["Katrin Väher", "Tomas Brazauskas"]
    assert meta.published == "2024-10-17"
    assert len(content.key_takeaways) == 3
    assert content.headings == ["A Sphere of Influence by Other Means", "What Allies Should Do"]
    assert len(content.paragraphs) == 6
    assert content.pull_quotes == [
        "For Moscow, the Baltic states are not neighbours but a former sphere of influence "
        "that it was cheated out of."
    ]
    assert [(i.credit, i.caption[:20]) for i in content.images] == [
        ("Mindaugas Kulbis/AP", "A Lithuanian navy pa")
    ]
    body = " ".join(p.text for p in content.paragraphs)
    assert "is a senior fellow" not in body and "cookies" not in body


def test_news_page_uses_json_ld_and_skips_organisation_author():
    blocks, hints, _ = blocks_of("news_jsonld.html")
    # Meta author is the publisher; JSON-LD names the two reporters by @id reference.
    assert hints.authors == ["Elena Worth", "Marek Sadowski"]
    assert hints.title == "Russia Expands Drills With Belarus as NATO Watches"
    assert hints.published == "2025-02-19"  # the date as the page states it, not shifted to UTC
    assert hints.updated == "2025-02-20"
    assert hints.site_name == "The Continental Ledger"
    assert blocks[0].role == "title"
    byline = next(b for b in blocks if b.role == "byline")
    assert byline.text == "By Elena Worth and Marek Sadowski"
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH and b.role is None]
    assert paragraphs[0].text.startswith("WARSAW — Russian and Belarusian forces")
    assert len(paragraphs) == 6
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert image.src == "https://media.continentalledger.com/2025/02/19/drills-belarus.jpg"
    assert image.credit == "Vadim Savitsky/Russian Defense Ministry, via Associated Press"


def test_news_page_record():
    record = record_of("news_jsonld.html")
    assert record.metadata.title == "Russia Expands Drills With Belarus as NATO Watches"
    assert [a.name for a in record.metadata.authors] == ["Elena Worth", "Marek Sadowski"]
    assert record.metadata.published == "2025-02-19"
    assert len(record.content.paragraphs) == 6
    assert record.content.images[0].credit.startswith("Vadim Savitsky")


def test_wordpress_blog_ignores_site_title_h1_and_comments():
    blocks, hints, _ = blocks_of("wordpress_blog.html")
    assert blocks[0].text == "Why the Kremlin Courts the Global South"
    assert hints.title == "Why the Kremlin Courts the Global South"  # "– Eurasia Desk" removed
    assert hints.authors == ["Ruth Adeyemi"]
    assert hints.published == "2023-09-05"
    assert hints.language == "en"
    images = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert [i.src.rsplit("/", 1)[-1] for i in images] == [
        "brics-summit-1024x576.jpg",
        "putin-video-link.jpg",
    ]
    assert images[1].text.endswith("(Photo: Alet Pretorius/Reuters)")
    record = record_of("wordpress_blog.html")
    assert record.content.headings == ["Anti-colonial language, imperial habits"]
    assert len(record.content.paragraphs) == 4
    assert record.content.images[1].credit == "Alet Pretorius/Reuters"


def test_table_layout_page_without_article_tag():
    blocks, hints, _ = blocks_of("no_article_tag.html")
    assert blocks[0].role == "title" and blocks[0].text == "Moscow and the Caspian: A Quiet Contest"
    assert hints.title == "Moscow and the Caspian: A Quiet Contest"  # ":: Caspian Policy Forum"
    assert hints.site_name == "Caspian Policy Forum"
    assert hints.published == "2024-03-12"
    assert hints.authors == ["Nodira Karimova", "Alexei Petrov"]
    # <br><br>-separated text inside <font> becomes paragraphs; a bold line becomes a heading.
    body = [b for b in blocks if b.role is None]
    assert [b.kind for b in body] == [
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
    ]
    assert body[2].text == "A sea of competing routes"
    record = record_of("no_article_tag.html")
    assert len(record.content.paragraphs) == 4
    assert record.content.paragraphs[3].section == "A sea of competing routes"


def test_chrome_only_page_has_no_article():
    blocks, hints, warnings = blocks_of("chrome_only.html")
    assert blocks == []
    assert any(w.startswith("no_article") for w in warnings)
    assert hints.site_name == "Baltic Strategy Centre"
    with pytest.raises(NoArticleError):
        record_of("chrome_only.html")


# ---- hostile and malformed markup ------------------------------------------------------------

ARTICLE = "<p>" + "Moscow presents the war as a defence of Russia against the West. " * 4 + "</p>"


def test_deep_nesting_is_flattened_not_crashed():
    depth = 100_000
    page = "<html><body>" + "<div>" * depth + ARTICLE + "</div>" * depth + "</body></html>"
    blocks, _, warnings = html_to_blocks(page)
    assert [b.text[:20] for b in blocks] == ["Moscow presents the "]
    assert any(w.startswith("html_nesting_flattened") for w in warnings)


def test_deep_inline_nesting():
    depth = 100_000
    page = "<body><article>" + "<span><b>" * depth + ARTICLE + "</b></span>" * depth
    blocks, _, _ = html_to_blocks(page)
    assert "defence of Russia" in all_text(blocks)


def test_limit_nesting_keeps_text_and_shallow_pages():
    shallow = "<div><p>text</p></div>" * 1000
    assert limit_nesting(shallow) == (shallow, False)
    deep, changed = limit_nesting("<section>" * 500 + "kept" + "</section>" * 500, max_depth=10)
    assert changed and "kept" in deep and deep.count("<section>") == 10


def test_entities_are_never_expanded_from_outside():
    page = (
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><html><body><article>'
        "<h1>Entities &amp; Titles</h1>" + ARTICLE + "<p>&xxe; &b; &lt;script&gt;</p></article>"
    )
    blocks, hints, _ = html_to_blocks(page)
    text = all_text(blocks)
    assert "root:" not in text and "aaaaaaaaaa" not in text
    assert blocks[0].text == "Entities & Titles"


def test_scripts_comments_and_broken_markup():
    page = (
        "<html><head><script>document.write('<p>injected paragraph from script</p>')</script>"
        "<style>p{color:red}</style></head><body><article><h1>Broken markup</h1>"
        "<!-- <p>commented-out paragraph</p> -->" + ARTICLE + "<p>unclosed <b>bold <i>italic"
        "<p class=x onclick='alert(1)'>Second paragraph with an event handler attribute."
        "<template><p>template text</p></template><noscript>enable javascript</noscript>"
        "<p hidden>hidden text</p><p style='display: none'>invisible text</p>\x00</article>"
    )
    blocks, _, _ = html_to_blocks(page)
    text = all_text(blocks)
    for junk in ("injected", "commented-out", "color:red", "template text", "javascript"):
        assert junk not in text
    assert "hidden text" not in text and "invisible text" not in text
    assert "Second paragraph with an event handler attribute." in text


def test_invalid_json_ld_is_ignored():
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": broken</script><script type="application/ld+json">'
        + "[" * 50_000 + "]" * 50_000
        + "</script><title>A Title Long Enough - Site</title></head><body>" + ARTICLE
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.title == "A Title Long Enough"
    assert len(blocks) == 1


def test_empty_and_textless_pages():
    for page in ("", "<html></html>", "<html><body><nav><a href='/'>Home</a></nav></body></html>"):
        blocks, _, warnings = html_to_blocks(page)
        assert blocks == []


# ---- the small rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, site, headline, want",
    [
        ("Russia’s Pivot to Asia | Carnegie Endowment for International Peace",
         "Carnegie Endowment for International Peace", None, "Russia’s Pivot to Asia"),
        ("Russia’s Pivot to Asia - Analysis - Some Institute", "Some Institute", None,
         "Russia’s Pivot to Asia"),
        ("Chatham House | Putin’s Wars at Home", "Chatham House", None, "Putin’s Wars at Home"),
        ("How Russia Sees NATO | The Ledger", "", None, "How Russia Sees NATO"),
        ("After the Summit: What Next for Russia and China?", "", None,
         "After the Summit: What Next for Russia and China?"),
        ("Russia - Ukraine talks stall again | CSIS", "CSIS", None,
         "Russia - Ukraine talks stall again"),
        ("Long Headline Here – Example Site", "", "Long Headline Here", "Long Headline Here"),
        ("Putin, the West and the War", "", None, "Putin, the West and the War"),
    ],
)  # fmt: skip
def test_strip_site_name(title, site, headline, want):
    assert strip_site_name(title, [site], headline) == want


@pytest.mark.parametrize(
    "value, want",
    [
        ("2024-08-09T23:30:00-04:00", "2024-08-09"),
        ("Fri, 09 Aug 2024 10:00:00 GMT", "2024-08-09"),
        ("August 9, 2024", "2024-08-09"),
        ("Aug. 9, 2024", "2024-08-09"),
        ("Sept. 30, 2023", "2023-09-30"),
        ("9 August 2024", "2024-08-09"),
        ("Published: 12 March 2024", "2024-03-12"),
        ("2024/03/12", "2024-03-12"),
        ("20240312", "2024-03-12"),
        ("2024", None),
        ("Spring 2024", None),
        ("2024-02-30", None),
        ("08/09/2024", None),
        ("", None),
    ],
)
def test_parse_date_only_states_what_is_written(value, want):
    assert parse_date(value) == want


@pytest.mark.parametrize(
    "value, want",
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe, and Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
        ("Doe, Jane", ["Jane Doe"]),
        ("https://example.com/people/jane-doe", []),
        ("Dr. Nodira Karimova", ["Nodira Karimova"]),
        ("admin", []),
    ],
)
def test_split_people(value, want):
    assert split_people(value) == want


def test_citation_author_is_surname_first():
    page = (
        '<html><head><meta name="citation_author" content="Osmolovska, Iuliia">'
        '<meta name="citation_author" content="Smith, John Paul"></head><body>' + ARTICLE
    )
    _, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Iuliia Osmolovska", "John Paul Smith"]


def test_no_date_when_the_page_states_none():
    page = "<html><body><article><h1>Russia in 2022 and 2023</h1>" + ARTICLE + "</article>"
    _, hints, _ = html_to_blocks(page)
    assert hints.published is None and hints.updated is None


def test_lazy_images_and_tracking_pixels():
    page = (
        "<body><article>" + ARTICLE + '<img src="/px.gif" width="1" height="1">'
        '<figure><img src="data:image/png;base64,AAAA" data-srcset="/real-800.jpg 800w, '
        '/real-1600.jpg 1600w" alt="A real photo"><figcaption>Caption here. '
        '<small class="credit">© Photographer Name</small></figcaption></figure></article>'
    )
    blocks, _, _ = html_to_blocks(page)
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert image.src == "/real-800.jpg" and image.credit == "Photographer Name"
    assert image.text == "Caption here. (Photographer Name)"


def test_byline_with_job_titles_keeps_the_linked_names():
    page = (
        "<body><article><h1>Some Headline About Russia</h1><div class='contributors'>"
        "<a href='/experts/jane-doe'>Jane Doe</a> <span>Senior Fellow, Europe Program</span>"
        "<a href='/experts/ivan-roe'>Ivan Roe</a> <span>Director, Eurasia Center</span></div>"
        + ARTICLE * 3 + "</article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert blocks[1].role == "byline" and blocks[1].text == "By Jane Doe and Ivan Roe"
    assert hints.authors == ["Jane Doe", "Ivan Roe"]


def test_article_container_with_a_modifier_class_is_kept():
    page = (
        "<body><header class='site-header'><a href='/'>Home</a></header><main>"
        "<div class='article-body has-share-tools print-friendly'>" + ARTICLE * 4 + "</div>"
        "<div class='related-posts'><p>" + "Another article teaser text to read. " * 3 + "</p>"
        "</div></main>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert len(blocks) == 4 and all("defence of Russia" in b.text for b in blocks)


@pytest.mark.parametrize(
    "title, sites, want",
    [
        ("Berlin confronts Germany's colonial past | DW | 19.01.2020", ["DW.COM", "dw"],
         "Berlin confronts Germany's colonial past"),
        ("How Moscow Reads the Summit | Analysis | Carnegie Endowment", ["Carnegie Endowment"],
         "How Moscow Reads the Summit"),
    ],
)  # fmt: skip
def test_strip_site_name_drops_dates_and_sections(title, sites, want):
    assert strip_site_name(title, sites) == want


def test_parsely_page_and_json_ld_name_lists():
    parsely = (
        '{"title": "T", "pub_date": "2024-05-06T10:00:00Z", "authors": ["Anna Lee", "Omar Haddad"]}'
    )
    page = f"<html><head><meta name='parsely-page' content='{parsely}'></head><body>" + ARTICLE
    _, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Anna Lee", "Omar Haddad"] and hints.published == "2024-05-06"
    page = (
        '<html><head><script type="application/ld+json">{"@type": "Article", "author": '
        '{"@type": "Person", "name": ["Anna Lee", "Omar Haddad"]}}</script></head><body>' + ARTICLE
    )
    assert html_to_blocks(page)[1].authors == ["Anna Lee", "Omar Haddad"]


def test_heading_left_empty_by_dropped_links_goes_too():
    page = (
        "<body><article><h1>A Headline About Moscow</h1>" + ARTICLE * 3
        + "<h2>More on this topic</h2><ul><li><a href='/a'>First other story here</a></li>"
        "<li><a href='/b'>Second other story here</a></li></ul></article>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert [b.kind for b in blocks] == [BlockKind.HEADING] + [BlockKind.PARAGRAPH] * 3


def test_wordpress_post_classes_do_not_mark_the_article_as_chrome():
    comments = "".join(
        f"<li class='comment'><p>{'A long reader comment that goes on and on. ' * 6}</p></li>"
        for _ in range(12)
    )
    page = (
        "<body><article class='post type-post tag-russia tag-nato category-analysis hentry'>"
        "<h1 class='entry-title'>A Headline About Russia and NATO</h1>"
        "<div class='entry-content'>" + ARTICLE * 2 + "</div></article>"
        "<div class='comments-area'><ol>" + comments + "</ol></div>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert [b.kind for b in blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.PARAGRAPH]


def test_article_header_meta_and_cite_credit():
    page = (
        "<body><article><div class='story-header'><h1>Headline About the Kremlin</h1></div>"
        "<div class='story-header__meta'><span class='author-name'>Jane Doe</span></div>"
        + ARTICLE * 2
        + "<figure><img src='/a.jpg' alt='x'><figcaption>Putin in Moscow. "
        "<cite>Jane Roe/Reuters</cite></figcaption></figure></article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert blocks[1].role == "byline" and hints.authors == ["Jane Doe"]
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert (
        image.credit == "Jane Roe/Reuters" and image.text == "Putin in Moscow. (Jane Roe/Reuters)"
    )


def test_main_element_narrows_a_page_split_between_article_and_other_text():
    other = "<div><p>" + "Unlabelled promotional text about the institute and its events. " * 6
    page = (
        "<body><div class='wrap'><main><h1>A Headline on Russian Policy</h1>" + ARTICLE * 3
        + "</main>" + other * 2 + "</p></div></div>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert [b.kind for b in blocks] == [BlockKind.HEADING] + [BlockKind.PARAGRAPH] * 3


def body_texts(blocks) -> list[str]:
    return [b.text for b in blocks if b.kind is BlockKind.PARAGRAPH and b.role is None]


def test_wrapper_with_a_layout_word_that_holds_the_article_stays():
    # A blog platform that puts every post in a "widget" and a layout class naming a sidebar.
    filler = (
        "<div class='sidebar'><p>" + "Archive links and a blogroll of friends. " * 3 + "</p></div>"
    )
    page = (
        "<body><div class='widget Blog'><div class='l-sidebar-fixed l-main'>"
        "<h3>A Headline on Russia's Arctic Plans</h3><div class='post-body'>" + ARTICLE * 3
        + "</div></div></div>" + filler * 20
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert len(body_texts(blocks)) == 3
    assert "blogroll" not in all_text(blocks)


def test_layout_words_count_only_as_whole_class_components():
    page = (
        "<body><article><h1>A Headline on the Kremlin and Its Neighbours</h1>"
        "<div class='meta'><span class='color-secondary-text'>Mar 4, 2025</span></div>"
        + ARTICLE + "<h2 class='header-anchor'>A Section Heading</h2>" + ARTICLE
        + "<div class='site-footer'>Footer text of the site with links</div></article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.published == "2025-03-04"
    assert "A Section Heading" in [b.text for b in blocks if b.kind is BlockKind.HEADING]
    assert "Footer text" not in all_text(blocks)


def test_article_tool_lines_tag_lines_and_teaser_headings_are_dropped():
    page = (
        "<body><article><h1>A Headline on Sanctions Policy</h1>" + ARTICLE
        + "<div class='story-actions'><a>Share</a> <a>Adjust</a> <a>Print</a></div>"
        "<p>Adjust | Print</p><p>03:29</p><p>- Source: Agency TV</p>"
        "<p>&lt; 1 2 3 &gt;</p>" + ARTICLE
        + "<p><a href='/reuse'>Reuse this content</a></p><ul class='topics'><li>Tagged:</li>"
        "<li><a href='/t/russia'>russia</a></li><li><a href='/t/nato'>nato</a></li></ul>"
        "<h2>Category: <a rel='category tag' href='/c/news'>News</a></h2>"
        "<div class='card'><h3><a href='/other-story'>An Unrelated Story From Elsewhere</a></h3>"
        "<p>Teaser text of another story that should not be here at all.</p></div>"
        "<h2><a href='#part-two'>Part Two</a></h2>" + ARTICLE + "</article>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    text = all_text(blocks)
    for chrome in (
        "Adjust",
        "Print",
        "03:29",
        "Agency TV",
        "Reuse",
        "Tagged",
        "Category",
        "Unrelated",
    ):
        assert chrome not in text
    assert "Part Two" in [b.text for b in blocks if b.kind is BlockKind.HEADING]


def test_soft_hyphens_are_removed_from_text():
    page = (
        "<body><article><h1>A Headline on the Kremlin</h1><p>The can\u00addi\u00addate spoke "
        "about the war and about the economy for a very long time indeed, as they do.</p>"
        + ARTICLE + "</article>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert "The candidate spoke" in all_text(blocks) and "\u00ad" not in all_text(blocks)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("von Anna Berg · 21.02.2025", "2025-02-21"),
        ("Wed Mar 05 09:12:44 CET 2025", "2025-03-05"),
        ("release v1.2.2020", None),
    ],
)
def test_parse_date_dotted_day_first_and_java_dates(text, expected):
    assert parse_date(text) == expected


def test_site_name_before_a_double_colon_or_bar_goes():
    assert strip_site_name("Baltic Review :: The Kremlin and the Baltic Fleet", []) == (
        "The Kremlin and the Baltic Fleet"
    )
    assert strip_site_name("The Kremlin and the Baltic Fleet | Baltic Review", []) == (
        "The Kremlin and the Baltic Fleet"
    )


def test_dublin_core_date_meta():
    page = (
        "<html><head><meta name='DC:date' content='2018-04-09'></head><body><article>"
        "<h1>A Headline on Russian Diplomacy</h1>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    assert html_to_blocks(page)[1].published == "2018-04-09"


def test_meta_line_that_opens_with_a_date_is_a_dateline():
    page = (
        "<body><article><h1>A Headline on Russian Diplomacy</h1>"
        "<p><small>March 3, 2021 at 10:15 AM | filed in <a href='/c/r'>Russia</a> | "
        "<a href='#comments'>Leave a comment</a></small></p>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.published == "2021-03-03"
    assert "Leave a comment" not in " ".join(body_texts(blocks))


def test_label_value_fact_box_gives_byline_and_dateline():
    page = (
        "<body><article><h1>A Headline on the Caucasus</h1>" + ARTICLE * 2
        + "<ul class='facts'><li><strong>Date</strong> 07.11.2019</li>"
        "<li><strong>Author</strong> Marta Kowalczyk</li></ul></article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.published == "2019-11-07"
    assert [b.text for b in blocks if b.role == "byline"] == ["By Marta Kowalczyk"]
    assert hints.authors == ["Marta Kowalczyk"]


def test_publication_time_in_the_article_footer_is_read_before_footers_go():
    page = (
        "<body><article><h1>A Headline on Russian Energy</h1>" + ARTICLE * 2
        + "<footer class='entry-footer'><span class='posted-on'>"
        "<time class='entry-date published' datetime='2019-06-14T08:00:00+00:00'>June 14</time>"
        "</span></footer></article>"
    )  # fmt: skip
    assert html_to_blocks(page)[1].published == "2019-06-14"


def test_footnote_markers_paywall_paragraphs_and_lone_credits():
    gated = "<p class='paywall'>" + "Gated text of the article goes on about Moscow. " * 3 + "</p>"
    page = (
        "<body><article><h1>A Headline on Russia in Syria</h1>"
        "<p>The bases were the hub of its operations in the region.<sup><a href='#fn1'>1</a>"
        "</sup> They are now in doubt, and the navy has few other ports to use.</p>"
        "<div class='media'><img src='/base.jpg' alt='A base'>"
        "<div class='image-meta'><figcaption class='image-credit'>Lena Markova/Agency"
        "</figcaption></div></div>" + ARTICLE + gated * 3
        + "<div class='credit'>Getty Images</div></article>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    body = body_texts(blocks)
    assert body[0].startswith("The bases were the hub of its operations in the region. They")
    assert len(body) == 5 and "Getty" not in all_text(blocks)
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert image.credit == "Lena Markova/Agency"


def test_lede_class_is_the_subtitle():
    page = (
        "<body><article><h1>A Headline on Russia and Turkey</h1>"
        "<div class='top'><p class='lede'>Ankara and Moscow compete and cooperate "
        "at the same time.</p></div>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    assert html_to_blocks(page)[1].subtitle == (
        "Ankara and Moscow compete and cooperate at the same time."
    )


def test_teaser_card_bylines_are_not_the_articles():
    card = (
        "<article class='story-card'><h3><a href='/elsewhere'>Another Story About the Baltic "
        "Sea Fleet</a></h3><p class='author'>By Otto Kranich</p>"
        "<time class='date' datetime='2017-01-01'>1 January 2017</time></article>"
    )
    page = (
        "<body><main><article><h1>A Headline on Russian Naval Bases</h1>"
        "<div class='byline'>By Hanna Lind</div>" + ARTICLE * 3 + card * 2 + "</article></main>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert [b.text for b in blocks if b.role == "byline"] == ["By Hanna Lind"]
    assert hints.published is None


def test_json_ld_entities_are_unescaped():
    ld = (
        '{"@type": "NewsArticle", "headline": "Moscow&#039;s New Line",'
        ' "author": {"@type": "Person", "name": "Liam O&#039;Connor"}}'
    )
    page = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article>"
        "<h1>Moscow's New Line</h1>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    hints = html_to_blocks(page)[1]
    assert hints.authors == ["Liam O'Connor"] and hints.title == "Moscow's New Line"


def test_title_container_gives_the_heading_inside_without_its_date():
    page = (
        "<html><head><meta property='og:title' content='Why the Kremlin Courts the Gulf States'>"
        "</head><body><div class='post-title-wrap'><time datetime='2022-05-04'>May 4</time>"
        "<h2 class='entry-title'><time datetime='2022-05-04'>May 4</time> Why the Kremlin "
        "Courts the Gulf States</h2><p>A short dek under the headline of the post.</p></div>"
        "<div class='entry-content'>" + ARTICLE * 3 + "</div>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert blocks[0].role == "title" and blocks[0].text == "Why the Kremlin Courts the Gulf States"
    assert hints.title == "Why the Kremlin Courts the Gulf States"
    assert hints.published == "2022-05-04"


def test_byline_inside_a_share_bar_survives_and_photo_bylines_are_credits():
    page = (
        "<body><article><h1>A Headline on Arctic Shipping Routes</h1>"
        "<div class='sharebar'><div class='sharebar__author'>By <span>Ines Varga</span></div>"
        "<a class='share-mail' href='/mail'>Email</a></div>"
        "<figure><img src='/ship.jpg' alt='A ship'></figure>"
        "<p class='byline'>Photograph by Tom Reyes, Arctic Images</p>" + ARTICLE * 2
        + "</article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Ines Varga"]
    (image,) = [b for b in blocks if b.kind is BlockKind.IMAGE]
    assert image.credit == "Tom Reyes, Arctic Images"
    assert "Email" not in all_text(blocks)


def test_fact_box_beside_the_article_and_teaser_named_cards():
    related = (
        "<div class='col'><div class='imgTeaserM'><div class='teaserContentWrap'>"
        "<h4>A slideshow about something else</h4><p class='author'>Author: Pia Sommer</p>"
        "</div></div></div>"
    )
    page = (
        "<body><div class='col-main'><h1>A Headline on Russia's Gas Deals</h1>" + ARTICLE * 3
        + "</div><div class='col-side'><ul class='smallList'><li><strong>Date</strong> "
        "03.02.2021</li><li><strong>Author</strong> Karl Brandt</li></ul>" + related + "</div>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Karl Brandt"] and hints.published == "2021-02-03"
    assert "Pia Sommer" not in all_text(blocks)


def test_author_name_styled_by_a_share_kit_class_is_kept():
    page = (
        "<body><article><h1>A Headline on the Kremlin's Allies</h1>"
        "<div class='kit__contributors--author'>By <span class='sharekit--dark'>Rosa Lenz</span>"
        "</div>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    assert html_to_blocks(page)[1].authors == ["Rosa Lenz"]


def test_post_footer_that_holds_the_byline_stays():
    page = (
        "<body><article class='post hentry'><h1 class='post-title'>A Post on Russian Elections</h1>"
        "<div class='post-body entry-content'>" + ARTICLE * 2 + "</div>"
        "<div class='post-footer'><span class='post-author vcard'>Posted by "
        "<span class='fn'>Nora Quist</span></span></div></article>"
        "<div class='site-footer'><p>Powered by a blog platform. All rights reserved.</p></div>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Nora Quist"]
    assert "Powered by" not in all_text(blocks)


def test_byline_after_the_post_body_outside_its_container():
    page = (
        "<body><div class='post'><h1>A Post on Russian Elections</h1>"
        "<div class='post-body'>" + ARTICLE * 3 + "</div>"
        "<div class='post-meta-bottom'><span class='post-author'>Posted by Ivo Dimitrov</span>"
        "</div></div>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Ivo Dimitrov"]


def test_sentence_set_as_a_heading_is_a_paragraph():
    lede = "Our correspondent travels to Minsk to see how the union state works in daily life."
    page = (
        "<body><article><h1>A Headline on Belarus</h1><h4>" + lede + "</h4>"
        "<h4>At the Border</h4>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    blocks, _, _ = html_to_blocks(page)
    assert lede in body_texts(blocks)
    assert "At the Border" in [b.text for b in blocks if b.kind is BlockKind.HEADING]


def test_meta_author_naming_the_publisher_and_places_is_no_author():
    page = (
        "<html><head><meta property='og:site_name' content='WELTBLICK ONLINE'>"
        "<meta name='author' content='WELTBLICK ONLINE, Hamburg, Germany'></head><body>"
        "<article><h1>Ein Titel über Russland</h1>" + ARTICLE * 2
        + "<div class='art-autoren'>Von Jonas Weber</div></article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.authors == ["Jonas Weber"]


def test_content_type_span_in_a_meta_line_is_the_publication_type():
    page = (
        "<body><article><h1>A Headline on Syria</h1><div class='article-meta'>"
        "<span class='content-type'>Commentary</span> · <time datetime='2025-01-15'>15 January "
        "2025</time></div>" + ARTICLE * 2 + "<p><a href='/'>Back to homepage</a></p></article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.publication_type == "Commentary" and hints.published == "2025-01-15"
    assert "Commentary" not in " ".join(body_texts(blocks))
    assert "homepage" not in all_text(blocks)


def test_headline_split_into_spans_takes_the_stated_titles_punctuation():
    page = (
        "<html><head><meta property='og:title' content='Gas Deals: Moscow Turns East'></head>"
        "<body><article><h1><span class='kicker'>Gas Deals</span> <span>Moscow Turns East</span>"
        "</h1>" + ARTICLE * 2 + "</article>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert blocks[0].text == "Gas Deals: Moscow Turns East" == hints.title


def test_standfirst_right_before_the_body_container_is_the_subtitle():
    dek = "Ein Reporter hat Geschichten erfunden. Wie konnte es dazu kommen, fragt die Redaktion."
    page = (
        "<body><h1>Das Magazin</h1><div class='story'><h2>Ein langer Abend</h2>"
        "<div class='story-vorspann'>" + dek + "</div><div class='story-text'>"
        + ARTICLE * 4 + "</div></div>"
    )  # fmt: skip
    blocks, hints, _ = html_to_blocks(page)
    assert hints.subtitle == dek


def test_byline_beside_the_post_outside_its_zone_when_nothing_else_names_an_author():
    page = (
        "<body><div class='navbyline'>Blog / <span class='author'><a href='/u/ml'>Mira Lund</a>"
        "</span> / 9:12 am</div><div class='main'><h1>A Post on Russian Media</h1>"
        "<div class='body-copy'>" + ARTICLE * 3 + "</div></div>"
        "<div class='more'><div class='teaser'><a href='/x'>Another Post About Something Else"
        "</a><span class='author'>Ada Kern</span></div></div>"
    )  # fmt: skip
    assert html_to_blocks(page)[1].authors == ["Mira Lund"]


def test_date_header_above_the_post_but_not_a_teasers_date():
    post = "<div class='post'><h1>A Post on Russian Media</h1>" + ARTICLE * 3 + "</div>"
    teaser = (
        "<div class='teaser'><a href='/y'>Another Post About Something Else Entirely</a>"
        "<span class='date'>May 2, 2019</span></div>"
    )
    page = "<body><h2 class='date-header'><span>Friday, March 8, 2019</span></h2>" + post
    assert html_to_blocks(page + teaser)[1].published == "2019-03-08"
    assert html_to_blocks("<body>" + post + teaser)[1].published is None


def test_malformed_json_ld_ids_and_a_valueless_canonical_are_read_not_crashed_on():
    """An "@id" may be any JSON value (a list here) and an attribute may have no value."""
    body = "Moscow has spent a decade building leverage over its neighbours. " * 5
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "A Title Here", "author": [{"@id": ["x"]}, "Jane Roe"], '
        '"publisher": {"@id": [1]}}</script><link rel=canonical href></head>'
        f"<body><article><h1>A Title Here</h1><p>{body}</p></article></body></html>"
    )
    blocks, hints, _ = html_to_blocks(page)
    assert hints.title == "A Title Here"
    assert hints.authors == ["Jane Roe"]
    assert hints.canonical_url is None


# ---- real pages: structures the reader must read as article text (issue 14) ----------------

PROSE = "Moscow presents the war as a defence of Russia against a hostile West, and says so often. "


def _body_text(html: str) -> str:
    blocks, _hints, _warnings = html_to_blocks(html)
    return all_text(blocks)


def test_a_form_that_wraps_the_whole_page_is_not_removed_as_a_form() -> None:
    page = f"<form action=x.aspx><div>{PROSE * 4}<br><br>{PROSE * 3}</div></form>"
    html = f"<html><body>{page}</body></html>"
    assert "hostile West" in _body_text(html)


def test_self_closing_svg_shapes_do_not_count_as_nesting() -> None:
    icons = "<svg><path d='M0'/><circle r='1'/></svg>" * 400
    article = f"<article><h1>Title</h1><p>{PROSE * 3}</p></article>"
    html = f"<html><body><header>{icons}</header>{article}</body></html>"
    _blocks, _hints, warnings = html_to_blocks(html)
    assert not any(w.startswith("html_nesting_flattened") for w in warnings)


def test_a_section_id_that_slugs_its_heading_is_not_a_chrome_word() -> None:
    sections = "".join(
        f"<div class='section' id='sharing-with-{n}-developers'>"
        f"<h2>Sharing with {n} developers</h2><p>{PROSE * 3}</p></div>"
        for n in ("two", "many")
    )
    html = f"<html><body><h1>Evolve</h1><p>{PROSE}</p>{sections}</body></html>"
    text = _body_text(html)
    assert "Sharing with many developers" in text and text.count("hostile West") >= 7


def test_a_caption_box_holding_the_post_is_running_text_not_a_caption() -> None:
    html = (
        "<html><body><h1>Preview</h1><div class='caption-image'><img src='/a.jpg' alt='x'>"
        f"<div class='inline-edit'><p>{PROSE * 2}</p><p>{PROSE}</p></div></div></body></html>"
    )
    assert _body_text(html).count("hostile West") == 3


def test_chinese_paragraphs_are_not_taken_for_interface_crumbs() -> None:
    para = "俄罗斯把这场战争描绘成保卫国家、抵御敌对西方的斗争，官方媒体每天都在重复这一说法。"
    body = f"<h1>标题</h1><div class='c'><p>{para}</p><p>{para[::-1]}</p></div><p>正在加载...</p>"
    html = f"<html><body>{body}</body></html>"
    assert para in _body_text(html)


def test_the_bodys_own_container_is_chosen_over_a_sidebar_of_excerpts() -> None:
    excerpts = "".join(
        f"<p>A reader wrote about another story, number {i}, at some length.</p>" for i in range(12)
    )
    html = (
        "<html><body><div class='wrap'><div class='entry-content'>"
        f"<p>{PROSE * 3}</p><p>{PROSE * 3}</p><p>{PROSE * 3}</p><p>{PROSE * 3}</p></div>"
        f"<div class='recent'>{excerpts}</div></div>"
        "</body></html>"
    )
    text = _body_text(html)
    assert "hostile West" in text and "another story" not in text
