"""Rules as data (worldview/extract/rules): one concept in one place, applied alike in every
format, and the chrome warning labels derived from the concept names."""

from __future__ import annotations

import pytest

from worldview.document import Format
from worldview.extract.readers.html import html_to_blocks, split_people
from worldview.extract.rules import chrome, people, sections
from worldview.pipeline import process_document

BODY = (
    "Moscow has spent a decade building leverage over its neighbours through energy, and the "
    "results are mixed at best for the Kremlin, which now faces buyers with other options. "
) * 3


def _record(text: str, fmt: Format):
    name = {Format.HTML: "a.html", Format.MARKDOWN: "a.md", Format.TEXT: "a.txt"}[fmt]
    return process_document(text.encode(), name)


@pytest.mark.parametrize("label", ["Key Insights", "Key takeaways", "At a glance", "TL;DR"])
def test_a_takeaways_label_owns_its_list_in_html_text_and_markdown(label):
    items = ["Gas leverage is waning.", "Buyers have other options."]
    html = (
        f"<html><body><article><h1>Energy Leverage</h1><h2>{label}</h2><ul>"
        + "".join(f"<li>{i}</li>" for i in items)
        + f"</ul><p>{BODY}</p></article></body></html>"
    )
    text = f"Energy Leverage\n\n{label}\n\n" + "\n".join(f"- {i}" for i in items) + f"\n\n{BODY}\n"
    markdown = f"# Energy Leverage\n\n## {label}\n\n" + "\n".join(f"- {i}" for i in items)
    markdown += f"\n\n{BODY}\n"
    for source, fmt in ((html, Format.HTML), (text, Format.TEXT), (markdown, Format.MARKDOWN)):
        record = _record(source, fmt)
        assert record.content.key_takeaways == items, (fmt, record.content.key_takeaways)
        assert all(label not in p.text for p in record.content.paragraphs)


@pytest.mark.parametrize("name", ["Gen. Jane Roe", "Amb. (ret.) Jane Roe", "Dr. Jane Roe"])
def test_honorifics_come_off_a_name_in_markup_as_in_text(name):
    assert split_people(name) == ["Jane Roe"]
    assert people.HONORIFIC.sub("", name).replace("(ret.) ", "") == "Jane Roe"


def test_placeholder_authors_are_not_people():
    assert split_people("admin") == []
    assert split_people("https://example.org/jane") == []
    assert split_people("Jane Roe and John Doe") == ["Jane Roe", "John Doe"]


def test_every_chrome_concept_names_its_warning_label():
    assert chrome.Chrome.NEWSLETTER_PROMPT.label == "newsletter prompt"
    page = (
        "<html><body><div class='briefing-signup'><p>Get our briefing every Monday morning "
        "in your inbox, free.</p></div><article><h1>Title Here</h1>"
        f"<p>{BODY}</p></article></body></html>"
    )
    _, _, warnings = html_to_blocks(page)
    assert "chrome_removed: newsletter prompt" in warnings


def test_each_chrome_token_belongs_to_one_concept():
    seen: dict[str, chrome.Chrome] = {}
    for concepts in (chrome.STRONG_CONCEPTS, chrome.WEAK_CONCEPTS):
        for concept, tokens in concepts.items():
            for token in tokens:
                assert token not in seen, f"{token!r} in {seen.get(token)} and {concept}"
                seen[token] = concept


def test_takeaways_labels_are_one_definition():
    assert sections.TAKEAWAYS_HEADING.match("Key Insights:")
    assert sections.TAKEAWAYS_HEADING.match("The bottom line")
    assert not sections.TAKEAWAYS_HEADING.match("Key insights from the Kremlin's archives")
