"""The seed article (issue 3, item 5): every value the issue lists, through the whole core."""

from __future__ import annotations

import json

import pytest

from worldview.pipeline import process_document

TITLE = "After Trading Prisoners with Russia: Can the World Negotiate with Putin?"
KREMLIN_SENTENCE = (
    "The Kremlin declares the current international system, dominated by the United States, "
    "a threat to Russia’s identity and sovereignty"
)


@pytest.fixture(scope="module")
def record(seed_path) -> dict:
    return process_document(seed_path.read_bytes(), str(seed_path)).model_dump(mode="json")


def test_metadata(record) -> None:
    meta = record["metadata"]
    assert meta["title"] == TITLE
    assert meta["subtitle"] is None
    assert [(a["name"], a["affiliation"]) for a in meta["authors"]] == [
        ("Iuliia Osmolovska", "GLOBSEC")
    ]
    assert meta["authors"][0]["bio"].startswith("Iuliia Osmolovska is a Ukrainian foreign affairs")
    assert meta["publication_type"] == "Analysis"
    assert meta["published"] is None
    assert meta["language"] == "en"


def test_structure(record) -> None:
    content = record["content"]
    assert len(content["key_takeaways"]) == 3
    assert content["key_takeaways"][0].startswith("Last week’s prisoner exchange between the West")
    assert content["headings"] == [
        "Russia’s Long-Evolving Worldview",
        "The Ambiguity of “Putinism”",
    ]
    assert len(content["paragraphs"]) == 15
    assert content["paragraphs"][0]["section"] is None
    assert content["paragraphs"][-1]["section"] == "The Ambiguity of “Putinism”"


def test_one_image_with_its_credit(record) -> None:
    images = record["content"]["images"]
    assert len(images) == 1
    assert images[0]["caption"].startswith(
        "Russian President Vladimir Putin, center, leaves a Moscow parade"
    )
    assert images[0]["credit"] == "Nanna Heitmann/The New York Times"


def test_one_pull_quote_and_the_kremlin_sentence_once_in_the_body(record) -> None:
    content = record["content"]
    assert content["pull_quotes"] == [KREMLIN_SENTENCE + "."]
    body = "\n".join(p["text"] for p in content["paragraphs"])
    assert body.count(KREMLIN_SENTENCE) == 1


def test_no_side_material_in_the_body(record) -> None:
    for paragraph in record["content"]["paragraphs"]:
        for needle in (
            "KEY TAKEAWAYS",
            "PHOTO:",
            "PUBLICATION TYPE",
            "The views expressed",
            "Iuliia Osmolovska is",
            "Nanna Heitmann",
        ):
            assert needle not in paragraph["text"]


def test_repeats_are_reported(record) -> None:
    warnings = record["warnings"]
    assert any(w.startswith("repeated_block_dropped") and "KEY TAKEAWAYS" in w for w in warnings)
    assert any(
        w.startswith("repeated_block_dropped") and "Russian President" in w for w in warnings
    )


def test_sentence_offsets(record) -> None:
    for paragraph in record["content"]["paragraphs"]:
        for sentence in paragraph["sentences"]:
            assert paragraph["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    text = json.dumps(record, ensure_ascii=False)
    assert "The United States remains the main enemy, bitterly resented." in text
