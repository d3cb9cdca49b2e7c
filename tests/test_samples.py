"""Golden samples: each article in ``samples/articles/`` (and the seed) against its golden.

The goldens in ``samples/expected/<article file name>.json`` were written by hand, by reading each
article as a careful human editor would, independently of the extractor. Keys ending in
``_startswith`` are prefix checks; every other key is compared exactly (editor's notes without
their "Editor's note:" label). ``samples/README.md`` says what each sample covers. Besides the
goldens, every record must hold together: sentence offsets index their paragraph, sentences cover
the paragraph, and no piece of the article appears twice."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from worldview.extract.validate import validate_record
from worldview.pipeline import process_document
from worldview.record import Record

REPO = Path(__file__).resolve().parents[1]
EXPECTED_DIR = REPO / "samples" / "expected"
ARTICLES_DIR = REPO / "samples" / "articles"
SAMPLES_SRC = REPO / "samples" / "src"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
GOLDENS = sorted(EXPECTED_DIR.glob("*.json"))
IDS = [path.name.removesuffix(".json") for path in GOLDENS]

REQUIRED_KEYS = {
    "title",
    "subtitle",
    "authors",
    "published",
    "updated",
    "publication_type",
    "language",
    "key_takeaways",
    "headings",
    "paragraph_count",
    "first_paragraph_startswith",
    "last_paragraph_startswith",
    "images",
    "pull_quotes",
    "notes",
    "source",
    "must_contain_once",
    "sentences",
    "must_not_contain",
}
# covers: free text, for humans; footnotes: [{label, text_startswith}] (PDF and Word samples)
OPTIONAL_KEYS = {"site_name", "canonical_url", "covers", "footnotes"}
ENCODING_FAMILIES = {
    "utf-8": ("utf-8", "utf8", "utf-8-sig", "utf8-sig"),
    "utf-16": ("utf-16", "utf16", "utf-16-le", "utf-16-be", "utf16-le", "utf16-be"),
    "cp1252": ("cp1252", "windows-1252", "win-1252"),
    "binary": ("binary",),  # PDF and Word: read as bytes by their readers
}
BINARY_SUFFIXES = (".pdf", ".docx")


def load_golden(name: str) -> dict:
    return json.loads((EXPECTED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def article_path(name: str) -> Path:
    """Samples live in samples/articles; the seed stays in ../shared/corpus (skipped if absent)."""
    local = ARTICLES_DIR / name
    if local.is_file():
        return local
    shared = SHARED_CORPUS / name
    if shared.is_file():
        return shared
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    pytest.fail(f"no article file for golden {name}.json")


@cache
def _process(path: str) -> Record:
    return process_document(Path(path).read_bytes(), path, tagger=None)


def record_for(name: str) -> Record:
    return _process(str(article_path(name)))


def encoding_family(codec: str) -> str:
    normalised = codec.lower().replace("_", "-")
    for family, names in ENCODING_FAMILIES.items():
        if normalised in names:
            return family
    return normalised


def _compare(errors: list[str], field: str, got, want) -> None:
    if got != want:
        errors.append(f"{field}: got {got!r}, want {want!r}")


def _compare_prefix(errors: list[str], field: str, got: str | None, prefix: str) -> None:
    if got is None or not got.startswith(prefix):
        errors.append(f"{field}: got {got!r}, want a text starting {prefix!r}")


def _report(name: str, errors: list[str]) -> None:
    assert not errors, f"{name}: {len(errors)} mismatch(es)\n  " + "\n  ".join(errors)


# --- the goldens themselves -------------------------------------------------------------------


def test_there_are_enough_goldens():
    samples = [name for name in IDS if (ARTICLES_DIR / name).is_file()]
    assert len(samples) >= 10, samples
    articles = sorted(path.name for path in ARTICLES_DIR.iterdir() if path.is_file())
    assert articles == sorted(samples), "every sample article needs a golden, and vice versa"
    stems = [Path(name).stem for name in articles]
    assert len(set(stems)) == len(stems), "`worldview process --out` names records by file stem"


@pytest.mark.parametrize("name", IDS)
def test_golden_is_complete(name):
    golden = load_golden(name)
    missing = REQUIRED_KEYS - golden.keys()
    unknown = golden.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    assert not missing and not unknown, f"missing {missing}, unknown {unknown}"
    assert golden["source"].keys() == {"format", "encoding"}
    assert golden["source"]["encoding"] in ENCODING_FAMILIES
    for author in golden["authors"]:
        assert author.keys() <= {"name", "affiliation", "bio_startswith"}
        assert author.get("bio_startswith", author["name"]).startswith(author["name"])
    for image in golden["images"]:
        assert image.keys() <= {"caption_startswith", "credit", "src"}
    for note in golden.get("footnotes", []):
        assert note.keys() == {"label", "text_startswith"}


def _pdf_text_layer(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _source_text(name: str) -> str:
    """The article's text as written (UTF-8 source kept under samples/src/ where there is one, and
    the committed bytes decoded by their declared family), raw and with its markup stripped: what
    the goldens quote from."""
    path = article_path(name)
    if name.endswith(BINARY_SUFFIXES):
        # A PDF or Word sample quotes the HTML its producer was given (make_documents.py), and
        # a Word file its own XML parts (comments, tracked deletions, properties).
        page = (SAMPLES_SRC / f"{name}.html").read_text(encoding="utf-8").replace("\u00ad", "")
        texts = [page]
        if name.endswith(".pdf"):
            texts.append(_pdf_text_layer(path))
        if name.endswith(".docx"):
            with zipfile.ZipFile(path) as package:
                texts += [
                    package.read(n).decode("utf-8")
                    for n in package.namelist()
                    if n.endswith(".xml")
                ]
        return "\n".join(texts + [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts])
    family = load_golden(name)["source"]["encoding"]
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252"}[family]
    texts = [path.read_bytes().decode(codec, errors="replace")]
    original = SAMPLES_SRC / name
    if original.is_file():
        texts.append(original.read_text(encoding="utf-8"))
    recipe = _load_make_encoded().RECIPES.get(name)
    if recipe is not None and recipe.tail:
        texts.append(recipe.tail)  # 8-bit text appended to the encoded file
    if name.endswith(".md"):
        texts += [MarkdownIt().render(text) for text in texts]
    if name.endswith((".md", ".html", ".htm")):
        texts += [re.sub(r"<[^>]+>", "", text) for text in texts]
        texts = [html.unescape(text) for text in texts]
    return "\n".join(texts)


@pytest.mark.parametrize("name", IDS)
def test_golden_quotes_the_article(name):
    """Guards the goldens themselves: every expected string is taken from the article, and every
    string a record must not contain is really in the source (else the check would be vacuous)."""
    golden, text = load_golden(name), _source_text(name)
    quoted = [golden["title"], golden["first_paragraph_startswith"]]
    quoted += [golden["last_paragraph_startswith"], *golden["must_contain_once"]]
    quoted += [*golden["key_takeaways"], *golden["headings"], *golden["pull_quotes"]]
    quoted += [*golden["notes"], *golden["sentences"], *golden["must_not_contain"]]
    quoted += [golden["subtitle"]] if golden["subtitle"] else []
    quoted += [a["name"] for a in golden["authors"]]
    quoted += [
        a[key] for a in golden["authors"] for key in ("affiliation", "bio_startswith") if a.get(key)
    ]
    quoted += [image["caption_startswith"] for image in golden["images"]]
    quoted += [image["credit"] for image in golden["images"] if image["credit"]]
    quoted += [note["text_startswith"] for note in golden.get("footnotes", [])]
    missing = [piece for piece in quoted if piece not in text]
    assert not missing, f"golden strings not found in the article: {missing}"


# --- the record against its golden ------------------------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_metadata_matches_golden(name):
    golden, record = load_golden(name), record_for(name)
    meta, errors = record.metadata, []
    fields = ("title", "subtitle", "published", "updated", "publication_type", "language", "notes")
    for field in fields:
        _compare(errors, field, getattr(meta, field), golden[field])
    for field in ("site_name", "canonical_url"):
        if field in golden:
            _compare(errors, field, getattr(meta, field), golden[field])
    got_authors = [{"name": a.name, "affiliation": a.affiliation} for a in meta.authors]
    want_authors = [{"name": a["name"], "affiliation": a["affiliation"]} for a in golden["authors"]]
    _compare(errors, "authors", got_authors, want_authors)
    for author, want in zip(meta.authors, golden["authors"], strict=False):
        if "bio_startswith" in want:
            _compare_prefix(errors, f"bio of {author.name}", author.bio, want["bio_startswith"])
        elif author.bio is not None and not author.bio.startswith(author.name):
            errors.append(f"bio of {author.name} does not start with the name: {author.bio!r}")
    _report(name, errors)


@pytest.mark.parametrize("name", IDS)
def test_source_matches_golden(name):
    golden, record = load_golden(name), record_for(name)
    errors: list[str] = []
    _compare(errors, "source.format", record.source.format, golden["source"]["format"])
    _compare(
        errors,
        "source.encoding (family)",
        encoding_family(record.source.encoding),
        golden["source"]["encoding"],
    )
    _report(name, errors)


@pytest.mark.parametrize("name", IDS)
def test_content_matches_golden(name):
    golden, record = load_golden(name), record_for(name)
    content, errors = record.content, []
    _compare(errors, "key_takeaways", content.key_takeaways, golden["key_takeaways"])
    _compare(errors, "headings", content.headings, golden["headings"])
    _compare(errors, "pull_quotes", content.pull_quotes, golden["pull_quotes"])
    paragraphs = [p.text for p in content.paragraphs]
    _compare(errors, "paragraph_count", len(paragraphs), golden["paragraph_count"])
    first = paragraphs[0] if paragraphs else None
    last = paragraphs[-1] if paragraphs else None
    _compare_prefix(errors, "first paragraph", first, golden["first_paragraph_startswith"])
    _compare_prefix(errors, "last paragraph", last, golden["last_paragraph_startswith"])
    _compare(errors, "image count", len(content.images), len(golden["images"]))
    for i, (image, want) in enumerate(zip(content.images, golden["images"], strict=False)):
        _compare_prefix(errors, f"images[{i}].caption", image.caption, want["caption_startswith"])
        _compare(errors, f"images[{i}].credit", image.credit, want["credit"])
        if want["credit"] and want["credit"] in (image.caption or ""):
            errors.append(f"images[{i}].caption still holds the credit: {image.caption!r}")
        if "src" in want:
            _compare(errors, f"images[{i}].src", image.src, want["src"])
    if "footnotes" in golden:
        notes = content.footnotes
        _compare(errors, "footnote count", len(notes), len(golden["footnotes"]))
        for i, (note, want) in enumerate(zip(notes, golden["footnotes"], strict=False)):
            _compare(errors, f"footnotes[{i}].label", note.label, want["label"])
            _compare_prefix(errors, f"footnotes[{i}].text", note.text, want["text_startswith"])
    _report(name, errors)


@pytest.mark.parametrize("name", IDS)
def test_body_text_matches_golden(name):
    golden, record = load_golden(name), record_for(name)
    paragraphs = [p.text for p in record.content.paragraphs]
    errors: list[str] = []
    for sentence in golden["must_contain_once"]:
        count = sum(text.count(sentence) for text in paragraphs)
        if count != 1:
            errors.append(f"found {count} times in the paragraphs, want once: {sentence!r}")
    sentences = [s.text for p in record.content.paragraphs for s in p.sentences]
    for sentence in golden["sentences"]:
        count = sentences.count(sentence)
        if count != 1:
            errors.append(f"found {count} times as a whole sentence, want once: {sentence!r}")
    for unwanted in golden["must_not_contain"]:
        hits = [p.index for p in record.content.paragraphs if unwanted in p.text]
        if hits:
            errors.append(f"{unwanted!r} appears in paragraph(s) {hits}")
    _report(name, errors)


# --- the record holds together ------------------------------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_record_validates_and_indexes_are_dense(name):
    record = record_for(name)
    validate_record(record.model_dump(mode="json"))
    paragraphs = record.content.paragraphs
    assert [p.index for p in paragraphs] == list(range(len(paragraphs)))
    for p in paragraphs:
        assert [s.index for s in p.sentences] == list(range(len(p.sentences))), p.index


@pytest.mark.parametrize("name", IDS)
def test_sentence_offsets_index_and_cover_their_paragraph(name):
    errors: list[str] = []
    for p in record_for(name).content.paragraphs:
        covered = [False] * len(p.text)
        previous_end = 0
        for s in p.sentences:
            if p.text[s.start : s.end] != s.text:
                errors.append(f"paragraph {p.index} sentence {s.index}: offsets do not match text")
            if s.start < previous_end or s.end <= s.start:
                errors.append(f"paragraph {p.index} sentence {s.index}: overlaps or is empty")
            previous_end = max(previous_end, s.end)
            covered[s.start : s.end] = [True] * (min(s.end, len(p.text)) - s.start)
        uncovered = [i for i, ch in enumerate(p.text) if not ch.isspace() and not covered[i]]
        if uncovered:
            errors.append(f"paragraph {p.index}: text outside any sentence at {uncovered[:5]}")
    _report(name, errors)


@pytest.mark.parametrize("name", IDS)
def test_each_piece_of_the_article_appears_once(name):
    record = record_for(name)
    content, meta = record.content, record.metadata
    texts = [p.text for p in content.paragraphs]
    errors: list[str] = []
    repeated = {text for text in texts if texts.count(text) > 1}
    if repeated:
        errors.append(f"paragraphs repeated: {sorted(repeated)}")
    elsewhere = {
        "title": [meta.title],
        "subtitle": [meta.subtitle] if meta.subtitle else [],
        "heading": content.headings,
        "key takeaway": content.key_takeaways,
        "pull quote": content.pull_quotes,
        "caption": [image.caption for image in content.images if image.caption],
        "note": meta.notes,
        "bio": [author.bio for author in meta.authors if author.bio],
        "footnote": [note.text for note in content.footnotes],
    }
    for what, pieces in elsewhere.items():
        for piece in pieces:
            if piece.strip() in texts:
                errors.append(f"a {what} is also a paragraph: {piece!r}")
    for p in content.paragraphs:
        if re.search("[\r\ufeff\ufffd]", p.text):
            errors.append(f"paragraph {p.index} holds a CR, BOM or replacement character")
        if p.text != p.text.strip():
            errors.append(f"paragraph {p.index} has surrounding whitespace")
    _report(name, errors)


@pytest.mark.parametrize("name", IDS)
def test_paragraph_sections_follow_the_headings(name):
    content = record_for(name).content
    position = {heading: i for i, heading in enumerate(content.headings)}
    last = -1
    for p in content.paragraphs:
        if p.section is None:
            assert last == -1, f"paragraph {p.index} has no section after a heading"
            continue
        assert p.section in position, f"paragraph {p.index}: section {p.section!r} not a heading"
        assert position[p.section] >= last, f"paragraph {p.index}: sections out of order"
        last = position[p.section]


# --- the committed bytes are what the samples claim ------------------------------------------


def _load_make_encoded():
    spec = importlib.util.spec_from_file_location(
        "make_encoded", SAMPLES_SRC.parent / "make_encoded.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


def test_encoded_samples_are_regenerated_from_their_sources():
    make_encoded = _load_make_encoded()
    for name, recipe in make_encoded.RECIPES.items():
        source = (SAMPLES_SRC / name).read_text(encoding="utf-8")
        assert (ARTICLES_DIR / name).read_bytes() == make_encoded.render(source, recipe), name


def test_encoded_samples_have_the_promised_bytes():
    recipes = _load_make_encoded().RECIPES
    data = {name: (ARTICLES_DIR / name).read_bytes() for name in recipes}
    for name, recipe in recipes.items():
        raw = data[name]
        if recipe.encoding == "utf-16":
            assert raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"), name
        if recipe.encoding == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf"), name
        if recipe.encoding == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert b"\x92" in raw or b"\x93" in raw, f"{name}: no cp1252 typographic quotes"
        if recipe.crlf:
            assert raw.count(b"\r\n") == raw.count(b"\n") > 0, name
        if recipe.mojibake:
            assert "â€™".encode() in raw and "’".encode() not in raw, name
        if recipe.tail:
            assert raw.endswith(recipe.tail.encode("ascii")) and len(raw) % 2 == 1, name
    assert sum(recipe.crlf for recipe in recipes.values()) >= 2
