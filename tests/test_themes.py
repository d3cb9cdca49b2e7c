"""The theme tagger: taxonomy contract, tagging behaviour, CLI, errors, pipeline integration.

The model is loaded once for the whole session (``tagger`` fixture); the tests that need a fresh
process (CLI round trip, missing model) pay one extra load at most. Accuracy is measured by
``worldview evaluate`` (docs/evaluation.md), not here: these tests check behaviour a reader can
verify by eye, on sentences that plainly carry (or plainly lack) a theme.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from worldview.errors import ModelUnavailableError
from worldview.themes.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy

REPO = Path(__file__).resolve().parents[1]
THEMES_MD = REPO.parent / "shared" / "worldview_themes.md"
WORLDVIEW = [sys.executable, "-m", "worldview.cli"]
# The contract's ids (the table in ../shared/worldview_themes.md is the source of truth).
THEME_IDS = [
    "besieged_fortress",
    "nineties_grievance",
    "lost_empire",
    "great_power_status",
    "strong_state",
    "security_services_core",
    "west_as_enemy",
    "multipolar_order",
    "hierarchical_sovereignty",
    "color_revolutions_plot",
    "russian_world",
    "western_russophobia",
    "zero_sum_negotiation",
    "strategic_ambiguity",
    "threat_invention_militarization",
]


@pytest.fixture(scope="session")
def tagger():
    from worldview.themes import load_tagger

    return load_tagger()


# -- taxonomy ------------------------------------------------------------------------------------
def test_taxonomy_validates_and_has_the_contract_ids():
    taxonomy = load_taxonomy()
    assert taxonomy.ids == THEME_IDS
    assert all(t.label and t.definition and t.exemplars for t in taxonomy.themes)


def test_taxonomy_ids_match_the_shared_label_set():
    if not THEMES_MD.is_file():
        pytest.skip("../shared is absent")
    rows = [line for line in THEMES_MD.read_text(encoding="utf-8").splitlines() if line[:2] == "| "]
    ids = [r.split("|")[1].strip() for r in rows if r.split("|")[1].strip() not in ("id", "---")]
    assert ids == load_taxonomy().ids


def test_taxonomy_breaking_its_schema_is_rejected():
    data = json.loads((REPO / "worldview" / "themes" / "taxonomy.json").read_text())
    del data["themes"][0]["definition"]
    with pytest.raises(TaxonomyError, match="schema"):
        parse_taxonomy(data)
    data = json.loads((REPO / "worldview" / "themes" / "taxonomy.json").read_text())
    data["themes"][1]["id"] = data["themes"][0]["id"]
    with pytest.raises(TaxonomyError, match="duplicate"):
        parse_taxonomy(data)


# -- tagging -------------------------------------------------------------------------------------
def themes_of(tagger, text: str) -> set[str]:
    from worldview.themes.tagger import passage_themes

    return {t for t, _ in passage_themes(tagger.tag_passages([text])[0])}


def test_model_loads_once_per_process(tagger):
    from worldview.themes import load_tagger

    assert load_tagger() is tagger
    assert tagger.taxonomy_version == load_taxonomy().version
    assert "all-MiniLM-L6-v2" in tagger.model_id


ENCODER_TEXTS = [
    "The Kremlin declares the international system a threat to Russia’s sovereignty.",
    "Short.",
    "U.S. officials met in Geneva; talks ended without a deal. " * 12,  # truncated at 256
]


def test_encoder_matches_sentence_transformers():
    """Our torch-only MiniLM forward gives sentence-transformers' embeddings on the same weights."""
    import numpy as np

    from worldview.themes.encoder import Encoder, reference_encoder

    ours = Encoder().encode(ENCODER_TEXTS)
    theirs = reference_encoder().encode(ENCODER_TEXTS, normalize_embeddings=True)
    assert ours.shape == theirs.shape
    assert float(np.abs(ours - theirs).max()) < 1e-4


def test_fine_tuned_layers_are_loaded_and_training_saw_the_same_features(tagger):
    """The tagger's encoder carries the model's tuned layers and nothing else changed; the
    training-time forward of those layers (from frozen states) gives the tagger's views."""
    import numpy as np
    import torch

    from worldview.themes import finetune
    from worldview.themes.encoder import MID_LAYER, Encoder

    tuned = tagger.classifier.encoder_weights
    layers = tagger.classifier.metadata["fine_tune"]["layers"]
    assert tuned and set(tuned) == set(finetune.layer_weight_names(layers))
    packaged = Encoder()
    for name, weight in tagger.encoder.model.weights.items():
        same = torch.equal(weight, packaged.model.weights[name])
        assert same == (name not in tuned), name
    views = tagger.encoder.encode_views(ENCODER_TEXTS)
    assert float(np.abs(views["mean"] - packaged.encode_views(ENCODER_TEXTS)["mean"]).max()) > 1e-3
    states = finetune.frozen_states(tagger.encoder.model, ENCODER_TEXTS, min(layers))
    mid = packaged.encode_views(ENCODER_TEXTS)["mid"]
    assert MID_LAYER <= min(layers)  # hidden_states[MID_LAYER] is the first tuned layer's input
    replayed = finetune.views_with(
        states, mid, tagger.encoder.model.weights, layers, packaged.model.heads, packaged.model.eps
    )
    for view in ("mean", "max", "mid"):
        assert float(np.abs(replayed[view] - views[view]).max()) < 1e-4, view


def test_encoder_layers_that_do_not_fit_are_a_clear_error(tmp_path):
    import shutil

    import numpy as np

    from worldview.themes import load_tagger
    from worldview.themes.classifier import ENCODER_WEIGHTS_FILE
    from worldview.themes.tagger import MODEL_DIR

    shutil.copytree(MODEL_DIR, tmp_path, dirs_exist_ok=True)
    with np.load(MODEL_DIR / ENCODER_WEIGHTS_FILE) as arrays:
        broken = {k: arrays[k][:-1] for k in arrays.files}  # one row short
    np.savez(tmp_path / ENCODER_WEIGHTS_FILE, **broken)
    with pytest.raises(ModelUnavailableError, match="does not fit"):
        load_tagger(model_dir=tmp_path)


def test_a_model_trained_on_another_mid_layer_is_a_clear_error(tmp_path):
    """The classifier's features include the mean of ``hidden_states[MID_LAYER]``; a model whose
    metadata names another layer (or none: models before the field read layer 4) would get
    features it was never trained on, so it is refused, never silently used."""
    import json
    import shutil

    from worldview.themes import load_tagger
    from worldview.themes.classifier import METADATA_FILE
    from worldview.themes.encoder import MID_LAYER
    from worldview.themes.tagger import MODEL_DIR

    shutil.copytree(MODEL_DIR, tmp_path, dirs_exist_ok=True)
    meta = json.loads((tmp_path / METADATA_FILE).read_text())
    assert meta["mid_layer"] == MID_LAYER  # the shipped model matches the encoder
    meta["mid_layer"] = MID_LAYER + 1
    (tmp_path / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelUnavailableError, match="retrain"):
        load_tagger(model_dir=tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "Preheat the oven to 200 degrees and roast the peppers for twenty minutes.",
        "The defender was sent off in the second half, and the visitors held on for a draw.",
        "Arrowheads were found below the walls of the castle, besieged by Swedish troops.",
        "After two days of talks the dairy exporters accepted a compromise on quotas.",
        "The alliance's logistics officers met in Norfolk to plan the rotation of fuel trucks.",
        "Kyiv's lawmakers voted to limit the powers of the SBU over business investigations.",
        "The lecture covered the administration of the Holy Roman Empire around 1350.",
        "Please update the app to the latest version before logging in.",
    ],
)
def test_off_topic_passages_get_no_theme(tagger, text):
    assert themes_of(tagger, text) == set()


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        (
            "Moscow insists that NATO bases now ring the country and enemies wait at its gates.",
            "besieged_fortress",
        ),
        (
            "Putin again called the end of the USSR a catastrophe that amputated historic Russia.",
            "lost_empire",
        ),
        (
            "Kremlin officials maintain that the 2004 protests in Kyiv were a coup paid for by "
            "American foundations.",
            "color_revolutions_plot",
        ),
        (
            "Russian television insists that Europeans loathe every Russian, whatever his origin.",
            "western_russophobia",
        ),
    ],
)
def test_passages_that_plainly_carry_a_theme_get_it(tagger, text, theme):
    assert theme in themes_of(tagger, text)


def test_passage_themes_are_the_union_of_sentence_themes(tagger):
    from worldview.themes.tagger import passage_themes

    text = (
        "The summit took place in a hotel near the airport. "
        "Officials there claimed that Russians, Ukrainians and Belarusians are one people."
    )
    [sentences] = tagger.tag_passages([text])
    assert len(sentences) == 2 and sentences[0].themes == []
    union = dict(passage_themes(sentences))
    assert "russian_world" in union
    for s in sentences:
        for theme, score in s.themes:
            assert 0.0 <= score <= 1.0 and union[theme] >= score


def test_seed_article_sentences_carry_their_themes_and_neutral_ones_none(tagger, seed_path):
    from worldview.pipeline import process_document

    record = process_document(seed_path.read_bytes(), seed_path.name, tagger=tagger)
    sentences = [s for p in record.content.paragraphs for s in p.sentences]

    def themes(fragment: str) -> set[str]:
        [hit] = [s for s in sentences if fragment in s.text]
        return {t.id for t in hit.themes}

    # Known miss, kept visible in docs/evaluation.md: "the Cold War never ended" said of the
    # security officials scores below the west_as_enemy threshold out of its paragraph's context.
    assert "west_as_enemy" in themes("remains the main enemy")
    assert "lost_empire" in themes("greatest geopolitical catastrophe")
    assert "color_revolutions_plot" in themes("not as genuine acts of popular discontent")
    assert "western_russophobia" in themes("Western Russophobia")
    assert "multipolar_order" in themes("fair multipolar system")
    assert "security_services_core" in themes("wield greater power than rivals")
    assert themes("How should Washington react?") == set()
    assert themes("He could then negotiate a peace with Ukraine") == set()
    tagged = sum(bool(s.themes) for s in sentences)
    assert 0 < tagged < len(sentences), "most sentences are tagged or none is"

    # document themes: each names its label and points at the sentences that carry it
    assert record.provenance.model == tagger.model_id
    assert record.provenance.taxonomy_version == tagger.taxonomy_version
    labels = {t.id: t.label for t in load_taxonomy().themes}
    assert record.themes
    for doc_theme in record.themes:
        assert doc_theme.label == labels[doc_theme.id]
        assert doc_theme.sentence_count == len(doc_theme.sentences) > 0
        assert doc_theme.score == max(r.score for r in doc_theme.sentences)
        for ref in doc_theme.sentences:
            sentence = record.content.paragraphs[ref.paragraph].sentences[ref.sentence]
            assert {t.id: t.score for t in sentence.themes}[doc_theme.id] == ref.score
    carried = {t.id for s in sentences for t in s.themes}
    assert carried == {t.id for t in record.themes}


# -- command line and errors ---------------------------------------------------------------------
def run_cli(args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        WORLDVIEW + args,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        timeout=300,
    )


def test_tag_command_round_trip():
    lines = [
        {"id": "a", "text": "The Kremlin says the Cold War never ended and America is the enemy."},
        {"id": 7, "text": "The ferry leaves at noon. Tickets are sold at the harbour."},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n"
    result = run_cli(["tag"], stdin)
    assert result.returncode == 1, result.stderr  # the bad line is reported, the others tagged
    assert "stdin line 3" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    assert "west_as_enemy" in {t["id"] for t in out[0]["themes"]}
    assert out[1]["themes"] == []
    assert [s["text"] for s in out[1]["sentences"]] == [
        "The ferry leaves at noon.",
        "Tickets are sold at the harbour.",
    ]
    assert all(s["themes"] == [] for s in out[1]["sentences"])


def test_missing_encoder_is_a_clear_error(tmp_path):
    from worldview.themes import load_tagger

    with pytest.raises(ModelUnavailableError, match="sentence encoder not found"):
        load_tagger(encoder_dir=tmp_path)


def test_missing_classifier_is_a_clear_error(tmp_path):
    from worldview.themes import load_tagger

    with pytest.raises(ModelUnavailableError, match="worldview train"):
        load_tagger(model_dir=tmp_path)


def test_process_without_model_fails_clearly_and_writes_nothing(tmp_path, seed_path):
    out = tmp_path / "records"
    result = run_cli(
        ["process", str(seed_path), "--out", str(out)],
        WORLDVIEW_THEME_ENCODER_DIR=str(tmp_path / "nowhere"),
    )
    assert result.returncode == 2
    assert "tag_themes: sentence encoder not found" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_help_and_no_themes_never_import_torch():
    code = (
        "import sys; from worldview.cli import build_parser; build_parser(); "
        "import worldview.themes, worldview.extract.tag_themes; "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


# -- real text (issue 13): Russia evidence, calibrated scores, other languages --------------------
OFF_TOPIC_PAGE = [
    "The city council met on Tuesday to debate the budget for the coming year.",
    "Council members said the city was under siege from rising costs and shrinking revenues.",
    "One member warned that the county's enemies in the capital wanted to starve it of funds.",
    "The mayor insisted that a constitution should reflect the will of the people.",
    "He said stability and order on the streets mattered more than another round of protests.",
    "Negotiations with the teachers' union will resume next week, officials said.",
    "The union has refused every compromise and demanded full capitulation from the board.",
    "Police said the unrest downtown had been stirred up by outside agitators.",
    "Residents packed the hall and many left before the final vote.",
    "The budget passed by five votes to four shortly before midnight.",
    "Earlier, the parks department presented plans for two new playgrounds.",
    "A local bakery won the regional prize for its sourdough loaf.",
    "The high school football team lost its opening game by a field goal.",
    "Forecasters expect heavy rain over the weekend and advise drivers to take care.",
    "The library will extend its opening hours during the exam season.",
    "Tickets for the autumn concert go on sale on Friday morning.",
]


def _record(paragraphs: list[str], tagger, name: str = "doc.md"):
    from worldview.pipeline import process_document

    text = "# A title\n\n" + "\n\n".join(paragraphs) + "\n"
    return process_document(text.encode(), name, tagger=tagger)


def test_a_long_page_that_never_names_russia_gets_no_theme(tagger):
    record = _record(OFF_TOPIC_PAGE, tagger)
    assert record.themes == []
    assert all(not s.themes for p in record.content.paragraphs for s in p.sentences)


def test_the_same_words_tied_to_russia_do_get_a_theme(tagger):
    record = _record(
        [
            "The Kremlin says NATO has crept up to Russia's borders and that enemies wait at its "
            "gates, eager to seize its resources.",
            "Moscow calls the 2014 protests in Kyiv a coup paid for by American foundations.",
        ],
        tagger,
    )
    assert {"besieged_fortress", "color_revolutions_plot"} <= {t.id for t in record.themes}


def test_scores_are_calibrated_probabilities_above_one_threshold(tagger):
    classifier = tagger.classifier
    assert classifier.calibrator is not None
    threshold = classifier.probability_threshold
    assert 0.0 < threshold < 1.0
    assert classifier.metadata["cv_ece_real"] < 0.05
    [sentences] = tagger.tag_passages(
        ["Putin again called the end of the USSR a catastrophe that amputated historic Russia."]
    )
    scores = [score for s in sentences for _, score in s.themes]
    assert scores and all(threshold <= score <= 1.0 for score in scores)


def test_a_document_in_russian_gets_no_theme_and_a_warning(tagger):
    record = _record(
        [
            "Кремль утверждает, что НАТО окружает Россию и враги стоят у её ворот.",
            "Русские, украинцы и белорусы — один народ, заявил президент России.",
        ],
        tagger,
    )
    assert record.themes == []
    assert "themes_skipped: language ru" in record.warnings


def test_a_sentence_in_another_language_is_skipped_and_named(tagger):
    record = _record(
        [
            "Moscow insists that NATO bases now ring the country and enemies wait at its gates. "
            "Свекла, капуста и картофель нарезаются соломкой и варятся два часа.",
        ],
        tagger,
    )
    [english, russian] = record.content.paragraphs[0].sentences
    assert english.themes and not russian.themes
    assert any(w.startswith("themes_skipped: language ") for w in record.warnings), record.warnings


def test_evidence_features_read_sentence_paragraph_and_document():
    import numpy as np

    from worldview.themes.evidence import FEATURES, evidence_features, mentions

    texts = ["Putin spoke.", "He said nothing new.", "The weather was fine.", "Rain fell."]
    hits = mentions(texts)
    assert hits.tolist() == [1, 0, 0, 0]
    rows = evidence_features(hits, [[0, 1], [2, 3]], [[0, 1], [2, 3]])
    col = {name: i for i, name in enumerate(FEATURES)}
    assert rows[1, col["sentence"]] == 0 and rows[1, col["paragraph"]] == 1
    assert rows[1, col["document_share"]] == 0.5
    assert rows[2, col["document"]] == 0
    assert rows[2, col["unlinked_length"]] == np.float32(np.log(3))


def test_the_gate_silences_documents_without_evidence():
    import numpy as np

    from worldview.themes.calibration import Calibrator

    calibrator = Calibrator(
        slope=np.ones(2, np.float32),
        intercept=np.zeros(2, np.float32),
        evidence=np.zeros(2, np.float32),
        gate=np.array([4.0, 0.0, 0.0, -2.0], np.float32),
    )
    scores = np.array([[0.99, 0.01], [0.99, 0.01]], np.float32)
    linked = np.array([0, 0, 1, 1, 0.0], np.float32)
    unlinked = np.array([0, 0, 0, 0, np.log(41)], np.float32)
    p = calibrator.probabilities(scores, np.stack([linked, unlinked]))
    assert p[0, 0] > 0.9 and p[1, 0] < 0.05


def test_evaluate_real_scores_whole_documents_and_reports_calibration(tagger):
    """The real-set evaluation tags each document whole, counts only scored items (a disputed
    item, ``themes`` None, is context) and reports the ECE and a reliability table over them."""
    from worldview.themes.evaluation import evaluate_real, format_calibration

    def item(i: int, text: str, themes: list[str] | None) -> dict:
        return {"id": f"d-{i}", "text": text, "themes": themes}

    kremlin = {
        "doc": "speech",
        "kind": "speech",
        "paragraphs": [
            [
                item(0, "Putin said NATO has moved its military infrastructure right up to "
                     "Russia's borders and encircles us.", ["besieged_fortress"]),
                item(1, "The Kremlin spokesman spoke to reporters on Tuesday.", []),
                item(2, "Moscow says the West wants to dismember Russia.", None),
            ]
        ],
    }  # fmt: skip
    news = {
        "doc": "bakery",
        "kind": "news_offtopic",
        "paragraphs": [[item(3, "The bakery on Main Street reopened after the flood.", [])]],
    }
    report, offtopic, calibration = evaluate_real(tagger, [kremlin, news])
    assert report.passages == 3  # the disputed item is read, not scored
    assert offtopic.documents == 1 and offtopic.sentences == 1 and offtopic.tags == 0
    assert sum(row["count"] for row in calibration.table) == 3 * len(tagger.taxonomy.ids)
    assert 0.0 <= calibration.ece <= 1.0
    text = format_calibration(calibration)
    assert "expected calibration error" in text and text.count("\n| 0.") == 10
