"""``worldview tag | train | evaluate``. Cheap to import: the model loads inside the commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TAG_BATCH = 64  # passages per encoder call: batches amortise the encoder, lines still stream


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


def _tagger():
    from worldview.themes import load_tagger

    return load_tagger()


def _theme_list(found) -> list[dict]:
    return [{"id": t, "score": s} for t, s in found]


def cmd_tag(args: argparse.Namespace) -> int:
    from worldview.errors import PipelineError
    from worldview.themes.tagger import passage_themes

    try:
        tagger = _tagger()
    except PipelineError as exc:
        _fail(str(exc))
        return 2
    bad = 0

    def flush(batch: list[tuple[object, str]]) -> None:
        results = tagger.tag_passages([text for _, text in batch])
        for (pid, _), sentences in zip(batch, results, strict=True):
            out = {
                "id": pid,
                "themes": _theme_list(passage_themes(sentences)),
                "sentences": [{"text": s.text, "themes": _theme_list(s.themes)} for s in sentences],
            }
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    batch: list[tuple[object, str]] = []
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object {"id": ..., "text": "..."}')
        except ValueError as exc:
            bad += 1
            _fail(f"stdin line {number}: {exc}")
            continue
        batch.append((item.get("id"), item["text"]))
        if len(batch) >= TAG_BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return 1 if bad else 0


def cmd_train(args: argparse.Namespace) -> int:
    from worldview.themes.encoder import Encoder
    from worldview.themes.tagger import MODEL_DIR
    from worldview.themes.taxonomy import load_taxonomy
    from worldview.themes.training import train

    train(load_taxonomy(), Encoder(), args.out or MODEL_DIR, log=lambda m: print(m, flush=True))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from worldview.errors import PipelineError
    from worldview.themes.evaluation import (
        DEV_PATH,
        FRESH_PATH,
        SEED_PATH,
        evaluate,
        format_table,
        read_labelled,
    )

    sets = [
        ("dev", args.dev or DEV_PATH),
        ("seed", args.seed or SEED_PATH),
        ("fresh", args.fresh or FRESH_PATH),
    ]
    present = [(name, path) for name, path in sets if path.is_file()]
    for name, path in sets:
        if not path.is_file():
            _fail(f"{name} set {path} not found; skipped")
    if not present:
        return 2
    try:
        tagger = _tagger()
    except PipelineError as exc:
        _fail(str(exc))
        return 2
    reports = [evaluate(tagger, read_labelled(path), name) for name, path in present]
    print(f"model {tagger.model_id}, taxonomy {tagger.taxonomy_version}\n")
    print(format_table(reports))
    if args.errors:
        for r in reports:
            for e in r.errors:
                print(json.dumps({"set": r.name, **e}))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("tag", help="tag JSON Lines passages on stdin with worldview themes")
    p.set_defaults(func=cmd_tag)

    p = subparsers.add_parser("train", help="rebuild the theme classifier from the labelled data")
    p.add_argument("--out", type=Path, help="write the model here (default: the package model)")
    p.set_defaults(func=cmd_train)

    p = subparsers.add_parser(
        "evaluate", help="per-theme P/R/F1 on the dev set, the seed and the fresh test set"
    )
    p.add_argument("--dev", type=Path, help="labelled passages (default: data/dev.jsonl)")
    p.add_argument("--seed", type=Path, help="labelled seed sentences (data/seed_labels.jsonl)")
    p.add_argument("--fresh", type=Path, help="final test passages (data/test_fresh.jsonl)")
    p.add_argument("--errors", action="store_true", help="also list passages tagged wrongly")
    p.set_defaults(func=cmd_evaluate)
