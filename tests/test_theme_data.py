"""The theme tagger's evaluation data is well-formed, balanced and held out from training.

dev.jsonl, test_fresh.jsonl and seed_labels.jsonl are the yardstick for the tagger; a malformed
line, an unknown theme id or a held-out passage that also sits in the training file would make
every reported number meaningless, so these checks guard the data itself (they need no model).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from test_themes import THEME_IDS

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "worldview" / "themes" / "data"
DEV = DATA / "dev.jsonl"
FRESH = DATA / "test_fresh.jsonl"  # the final test set, same shape as dev
# Held-out passage sets and their id patterns: each is checked like the dev set.
HELD_OUT = {DEV: r"dev-\d{4}", FRESH: r"tf-\d{4}"}
SEED_LABELS = DATA / "seed_labels.jsonl"
TRAIN_FILES = "train*.jsonl"  # train.jsonl and any further training file
TAXONOMY = REPO / "worldview" / "themes" / "taxonomy.json"
THEMES_MD = REPO.parent / "shared" / "worldview_themes.md"

# The contract's 15 ids, used when ../shared is absent (the table there is the source of truth).
EMBEDDED_THEME_IDS = frozenset(THEME_IDS)
MIN_PER_THEME = 12
MIN_NO_THEME_SHARE = 0.40
MIN_DEV_PASSAGES = 300
MIN_OFFTOPIC = 20
# Token-set Jaccard at or above this counts as a near-copy of a training exemplar.
NEAR_COPY_JACCARD = 0.8


def theme_ids() -> frozenset[str]:
    if not THEMES_MD.is_file():
        return EMBEDDED_THEME_IDS
    ids, in_table_body = set(), False
    for line in THEMES_MD.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("|"):
            in_table_body = False
            continue
        first_cell = line.strip().strip("|").split("|")[0].strip()
        if re.fullmatch(r":?-+:?", first_cell):  # the separator below the header row
            in_table_body = True
        elif in_table_body:
            ids.add(first_cell)
    return frozenset(ids)


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number}: blank line"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number}: not a JSON object"
        rows.append(row)
    return rows


def normalized(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


class HeldOutSet(list):
    """A held-out file's rows, with the id pattern its rows must follow."""

    def __init__(self, path: Path) -> None:
        super().__init__(read_jsonl(path))
        self.id_pattern = HELD_OUT[path]


@pytest.fixture(scope="module", params=list(HELD_OUT), ids=lambda p: p.stem)
def dev(request) -> HeldOutSet:
    return HeldOutSet(request.param)


@pytest.fixture(scope="module")
def seed_labels() -> list[dict]:
    return read_jsonl(SEED_LABELS)


def taxonomy_exemplars() -> list[str]:
    """Exemplar texts in the taxonomy file: the tagger may train on them too."""
    if not TAXONOMY.is_file():
        return []
    themes = json.loads(TAXONOMY.read_text(encoding="utf-8")).get("themes", [])
    exemplars = (e for theme in themes for e in theme.get("exemplars", []))
    return [e if isinstance(e, str) else e["text"] for e in exemplars]


@pytest.fixture(scope="module")
def train_texts() -> list[str]:
    texts = [row["text"] for path in sorted(DATA.glob(TRAIN_FILES)) for row in read_jsonl(path)]
    texts += taxonomy_exemplars()
    if not texts:
        pytest.skip("no training data to compare against")
    return texts


def test_theme_ids_are_the_contracts_fifteen():
    assert theme_ids() == EMBEDDED_THEME_IDS


def check_row_shape(row: dict, id_pattern: str) -> None:
    assert re.fullmatch(id_pattern, row.get("id", "")), row
    assert isinstance(row.get("text"), str) and row["text"].strip(), row
    assert row["text"] == row["text"].strip(), f"{row['id']}: stray whitespace"
    themes = row.get("themes")
    assert isinstance(themes, list) and all(isinstance(t, str) for t in themes), row
    assert len(set(themes)) == len(themes), f"{row['id']}: repeated theme"
    unknown = set(themes) - theme_ids()
    assert not unknown, f"{row['id']}: unknown theme ids {unknown}"


def test_dev_rows_are_well_formed(dev):
    for row in dev:
        check_row_shape(row, dev.id_pattern)
        assert set(row) <= {"id", "text", "themes", "offtopic"}, row
        assert row.get("offtopic", False) in (True, False), row
        if row.get("offtopic"):
            assert row["themes"] == [], f"{row['id']}: an off-topic passage carries a theme"
        assert len(re.findall(r"[.!?][\"”’)]?(?:\s|$)", row["text"])) <= 3, row["id"]


def test_dev_ids_and_texts_are_unique(dev):
    assert len({r["id"] for r in dev}) == len(dev)
    duplicated = [t for t, n in Counter(normalized(r["text"]) for r in dev).items() if n > 1]
    assert not duplicated


def test_dev_size_and_balance(dev):
    assert len(dev) >= MIN_DEV_PASSAGES
    without_theme = sum(1 for r in dev if not r["themes"])
    assert without_theme / len(dev) >= MIN_NO_THEME_SHARE
    assert sum(1 for r in dev if r.get("offtopic")) >= MIN_OFFTOPIC
    assert any(len(r["themes"]) >= 2 for r in dev), "no passage carries two themes"
    per_theme = Counter(t for r in dev for t in r["themes"])
    thin = {t: per_theme[t] for t in theme_ids() if per_theme[t] < MIN_PER_THEME}
    assert not thin, f"themes with fewer than {MIN_PER_THEME} dev passages: {thin}"


def test_seed_labels_are_well_formed_and_in_order(seed_labels):
    assert len({r["id"] for r in seed_labels}) == len(seed_labels)
    positions = []
    for row in seed_labels:
        check_row_shape(row, r"seed-p\d{2}-s\d{2}")
        assert row["id"] == f"seed-p{row['paragraph']:02d}-s{row['sentence']:02d}", row
        positions.append((row["paragraph"], row["sentence"]))
    assert positions == sorted(positions)
    assert any(r["themes"] for r in seed_labels) and any(not r["themes"] for r in seed_labels)


def test_seed_labels_quote_the_article_verbatim_in_order(seed_labels, seed_path):
    article = seed_path.read_text(encoding="utf-8")
    cursor = 0
    for row in seed_labels:
        found = article.find(row["text"], cursor)
        assert found >= 0, f"{row['id']} is not verbatim in the article (in order): {row['text']!r}"
        cursor = found + len(row["text"])


def test_seed_labels_split_the_article_body_into_whole_sentences(seed_labels, seed_path):
    article = seed_path.read_text(encoding="utf-8")
    by_paragraph: dict[int, list[str]] = {}
    for row in seed_labels:
        by_paragraph.setdefault(row["paragraph"], []).append(row["text"])
    for index, sentences in by_paragraph.items():
        paragraph = " ".join(sentences)
        assert paragraph + "\n" in article, f"paragraph {index} is not a whole article line"
        assert all(re.search(r"[.!?][\"”’)]?$", s) for s in sentences), index


def test_no_dev_passage_copies_a_training_exemplar(dev, train_texts):
    train_normalized = {normalized(t) for t in train_texts}
    copied = [r["id"] for r in dev if normalized(r["text"]) in train_normalized]
    assert not copied, f"dev passages found verbatim in the training data: {copied}"


def test_no_dev_passage_nearly_copies_a_training_exemplar(dev, train_texts):
    train_tokens = [tokens(t) for t in train_texts]
    near = []
    for row in dev:
        mine = tokens(row["text"])
        best = max((len(mine & t) / len(mine | t) for t in train_tokens), default=0.0)
        if best >= NEAR_COPY_JACCARD:
            near.append((row["id"], round(best, 2)))
    assert not near, f"dev passages nearly identical to training exemplars: {near}"


def test_seed_sentences_are_not_training_exemplars(seed_labels, train_texts):
    train_normalized = {normalized(t) for t in train_texts}
    copied = [r["id"] for r in seed_labels if normalized(r["text"]) in train_normalized]
    assert not copied, f"seed sentences used as training exemplars: {copied}"


# -- real text (issue 13): the real test split stays out of training ------------------------------
REAL = DATA / "real"
REAL_ITEMS = REAL / "items.jsonl"
REAL_FINAL = REAL / "labels_final.jsonl"
MIN_REAL_TEST_ITEMS = 400


@pytest.fixture(scope="module")
def real_items() -> list[dict]:
    if not REAL_ITEMS.is_file():
        pytest.skip("no real data")
    return read_jsonl(REAL_ITEMS)


@pytest.fixture(scope="module")
def real_final() -> dict[str, dict]:
    if not REAL_FINAL.is_file():
        pytest.skip("no final labels (run worldview/themes/data/real/agreement.py)")
    return {r["id"]: r for r in read_jsonl(REAL_FINAL)}


def _source(item: dict) -> str:
    from worldview.themes.training import real_source

    return real_source(item["source"]["ref"])


def test_real_items_and_final_labels_are_well_formed(real_items, real_final):
    ids = [r["id"] for r in real_items]
    assert len(ids) == len(set(ids))
    by_id = {r["id"]: r for r in real_items}
    for row in real_items:
        assert row["split"] in ("train", "test"), row["id"]
        assert row["id"] == f"{row['doc']}-p{row['para']:02d}-s{row['sent']:02d}", row["id"]
        assert row["text"].strip() and row["source"]["ref"], row["id"]
    for rid, label in real_final.items():
        assert rid in by_id, f"final label for an unknown item {rid}"
        assert label["split"] == by_id[rid]["split"], rid
        assert label["status"] in ("agreed", "resolved", "provisional"), rid
        assert label["status"] != "resolved" or label["split"] == "train", rid
        assert not set(label["themes"]) - theme_ids(), rid
        assert len(set(label["themes"])) == len(label["themes"]), rid


def test_final_labels_are_what_agreement_py_writes(real_items):
    import importlib.util

    spec = importlib.util.spec_from_file_location("agreement", REAL / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    _, kept, problems = agreement.build()
    assert REAL_FINAL.read_text(encoding="utf-8") == agreement.serialise(kept), (
        "labels_final.jsonl is stale: rerun worldview/themes/data/real/agreement.py"
    )
    assert not problems, problems


def test_agreement_statistics_are_the_textbook_ones():
    import importlib.util

    spec = importlib.util.spec_from_file_location("agreement", REAL / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    a = [True] * 20 + [False] * 80
    b = [True] * 15 + [False] * 5 + [True] * 5 + [False] * 75
    # observed 0.90, expected 0.2 * 0.2 + 0.8 * 0.8 = 0.68: kappa = 0.22 / 0.32
    assert agreement.cohen_kappa(a, b) == pytest.approx(0.6875)
    # Krippendorff: 1 - (n - 1) * disagreements / expected pairs = 1 - 199 * 10 / (40 * 160)
    assert agreement.krippendorff_alpha_nominal(a, b) == pytest.approx(1 - 199 * 10 / 6400)
    assert agreement.cohen_kappa([True, True], [True, True]) is None


def test_real_test_split_is_large_enough_and_mostly_without_theme(real_items, real_final):
    test = [
        real_final[r["id"]] for r in real_items if r["split"] == "test" and r["id"] in real_final
    ]
    assert len(test) >= MIN_REAL_TEST_ITEMS
    assert sum(not r["themes"] for r in test) / len(test) >= MIN_NO_THEME_SHARE
    assert any(r["themes"] for r in test)


def test_training_reads_only_the_real_train_split(real_items):
    from worldview.themes.training import real_training_items

    trained = real_training_items("train")
    assert trained, "the real train split is not trained on"
    assert {r["split"] for r in trained} == {"train"}
    test_ids = {r["id"] for r in real_items if r["split"] == "test"}
    assert not test_ids & {r["id"] for r in trained}


def test_no_real_test_document_or_source_is_in_training(real_items):
    from worldview.themes.training import real_training_items

    test = [r for r in real_items if r["split"] == "test"]
    trained = real_training_items("train")
    shared_docs = {r["doc"] for r in test} & {r["doc"] for r in trained}
    assert not shared_docs, f"documents in both splits: {sorted(shared_docs)[:5]}"
    shared_sources = {_source(r) for r in test} & {_source(r) for r in trained}
    assert not shared_sources, f"sources in both splits: {sorted(shared_sources)[:5]}"


def test_no_real_test_item_nearly_copies_a_training_sentence(real_items, train_texts):
    """Token Jaccard >= 0.8 with any training sentence (the project's files, the taxonomy's
    exemplars, the real train split) is a near-copy; an inverted index keeps this quick."""
    training = train_texts + [r["text"] for r in real_items if r["split"] == "train"]
    train_tokens = [tokens(t) for t in training]
    index: dict[str, list[int]] = {}
    for i, toks in enumerate(train_tokens):
        for tok in toks:
            index.setdefault(tok, []).append(i)
    near = []
    for row in real_items:
        if row["split"] != "test":
            continue
        mine = tokens(row["text"])
        if len(mine) < 4:
            continue  # "Thank you." is in every transcript
        shared = Counter(i for tok in mine for i in index.get(tok, ()))
        for i, common in shared.items():
            if common / len(mine | train_tokens[i]) >= NEAR_COPY_JACCARD:
                near.append((row["id"], training[i][:60]))
                break
    assert not near, f"real test items nearly identical to training sentences: {near[:5]}"
