"""``worldview tag | train | evaluate``. Cheap to import: the model loads inside the commands."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

TAG_BATCH = 64  # passages per encoder call: batches amortise the encoder, lines still stream


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


def _tagger():
    from worldview.themes import load_tagger

    return load_tagger()


def _labels() -> dict[str, str]:
    from worldview.themes.taxonomy import load_taxonomy

    return {t.id: t.label for t in load_taxonomy().themes}


def _theme_list(found, labels: dict[str, str]) -> list[dict]:
    return [{"id": t, "label": labels.get(t, t), "score": s} for t, s in found]


def _stdin_passages():
    """(id, text, error, is_json) per non-empty stdin line. The first line decides: a JSON
    object ``{"id", "text"}`` makes it JSON Lines (a line that is not one is reported); any other
    text makes every line one plain-text passage, its id the line number."""
    json_lines = None
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        if json_lines is None:
            json_lines = line.lstrip().startswith("{")
        if not json_lines:
            yield number, line.strip(), None, False
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object {"id": ..., "text": "..."}')
        except ValueError as exc:
            yield None, None, f"stdin line {number}: {exc}", True
            continue
        yield item.get("id"), item["text"], None, True


def _passages(args: argparse.Namespace):
    """The passages (arguments, else stdin) and whether they came as JSON Lines."""
    if args.text:
        return iter([(i, text, None, False) for i, text in enumerate(args.text, 1)]), False
    items = _stdin_passages()
    first = next(items, None)
    if first is None:
        return iter(()), True
    return itertools.chain([first], items), first[3]


def _print_readable(pid, text: str, themes, sentences, labels: dict[str, str]) -> None:
    def named(found) -> str:
        return ", ".join(f"{labels.get(t, t)} ({t}) {s:.2f}" for t, s in found) or "no theme"

    print(f"[{pid}] {named(themes)}")
    if len(sentences) == 1:
        print(f"    {sentences[0].text}")
        return
    for s in sentences:
        mark = named(s.themes) if s.themes else "-"
        print(f"    {s.text}\n      -> {mark}")


def cmd_tag(args: argparse.Namespace) -> int:
    from worldview.errors import PipelineError
    from worldview.themes.tagger import passage_themes

    try:
        tagger = _tagger()
    except PipelineError as exc:
        _fail(str(exc))
        return 2
    labels = _labels()
    passages, json_input = _passages(args)
    as_json = args.json or (json_input and not args.readable)
    bad = 0

    def flush(batch: list[tuple[object, str]]) -> None:
        results = tagger.tag_passages([text for _, text in batch])
        for (pid, text), sentences in zip(batch, results, strict=True):
            themes = passage_themes(sentences)
            if not as_json:
                _print_readable(pid, text, themes, sentences, labels)
                continue
            out = {
                "id": pid,
                "themes": _theme_list(themes, labels),
                "sentences": [
                    {"text": s.text, "themes": _theme_list(s.themes, labels)} for s in sentences
                ],
            }
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    batch: list[tuple[object, str]] = []
    for pid, text, error, _ in passages:
        if error is not None:
            bad += 1
            _fail(error)
            continue
        batch.append((pid, text))
        if len(batch) >= TAG_BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return 1 if bad else 0


class BarProgress:
    """``TrainingProgress`` as rich progress bars on stderr: one line per phase, with the steps
    done, the elapsed time and, where the phase counts steps, an ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bars = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(bar_width=28),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.current = None

    def __enter__(self):
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finish()
        self.bars.stop()

    def _finish(self) -> None:
        if self.current is not None:
            task = self.bars.tasks[-1]
            self.bars.update(self.current, total=task.total or 1, completed=task.total or 1)

    def phase(self, name: str, total: int | None = None) -> None:
        self._finish()
        self.current = self.bars.add_task(name, total=total)

    def step(self) -> None:
        if self.current is not None:
            self.bars.advance(self.current)

    def log(self, message: str) -> None:
        self.bars.console.print(message)


def _model_target(args: argparse.Namespace) -> Path:
    """Where ``train`` writes: never the shipped model unless --replace-shipped says so."""
    from datetime import UTC, datetime

    from worldview.settings import get_settings
    from worldview.themes.tagger import MODEL_DIR

    if args.replace_shipped:
        return MODEL_DIR
    if args.out is not None:
        if args.out.resolve() == MODEL_DIR.resolve():
            raise ValueError(
                f"{args.out} is the shipped model; pass --replace-shipped to overwrite it"
            )
        return args.out
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return get_settings().data_dir / "models" / f"theme-{stamp}"


def cmd_train(args: argparse.Namespace) -> int:
    try:
        target = _model_target(args)
    except ValueError as exc:
        _fail(str(exc))
        return 2
    from worldview.themes.encoder import Encoder
    from worldview.themes.tagger import MODEL_DIR
    from worldview.themes.taxonomy import load_taxonomy
    from worldview.themes.training import train

    print(f"training the theme classifier into {target} (about 8 minutes on 2 cores)", flush=True)
    if sys.stderr.isatty():
        with BarProgress() as bars:
            train(load_taxonomy(), Encoder(), target, log=bars.log, progress=bars)
    else:
        train(load_taxonomy(), Encoder(), target, log=lambda m: print(m, flush=True))
    if target.resolve() != MODEL_DIR.resolve():
        print(
            f"to use it: WORLDVIEW_THEME_MODEL_DIR={target} worldview evaluate (or process, "
            "serve); to ship it: worldview train --replace-shipped"
        )
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from worldview.errors import PipelineError
    from worldview.themes.evaluation import (
        DEV_PATH,
        FRESH_PATH,
        PAGES_PATH,
        REAL_ITEMS_PATH,
        REAL_LABELS_PATH,
        SEED_PATH,
        evaluate,
        evaluate_pages,
        evaluate_real,
        format_calibration,
        format_offtopic,
        format_table,
        offtopic_pages,
        read_labelled,
        read_real_documents,
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
    real = REAL_ITEMS_PATH.is_file() and REAL_LABELS_PATH.is_file()
    if not real:
        _fail(f"real test set {REAL_ITEMS_PATH.parent} not found; skipped")
    pages = args.pages or PAGES_PATH
    if not args.no_pages and not pages.is_file():
        _fail(f"off-topic news pages {pages} not found; skipped")
    if not present and not real:
        return 2
    try:
        tagger = _tagger()
    except PipelineError as exc:
        _fail(str(exc))
        return 2
    reports, offtopic, calibration = [], [], None
    if real:
        report, news, calibration = evaluate_real(tagger, read_real_documents("test"), "real")
        reports.append(report)
        offtopic.append(news)
    reports += [evaluate(tagger, read_labelled(path), name) for name, path in present]
    if not args.no_pages and pages.is_file():
        offtopic.append(evaluate_pages(tagger, offtopic_pages(pages)))
    print(f"model {tagger.model_id}, taxonomy {tagger.taxonomy_version}\n")
    print(format_table(reports))
    for result in offtopic:
        print(format_offtopic(result))
    if calibration is not None:
        print("\n" + format_calibration(calibration))
    if args.errors:
        for r in reports:
            for e in r.errors:
                print(json.dumps({"set": r.name, **e}))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "tag",
        help="tag passages (arguments, plain-text lines or JSON Lines) with worldview themes",
        description="Which of the 15 worldview themes each passage and each of its sentences "
        "carries, with labels and scores. Passages come as arguments, or on stdin: one "
        'plain-text passage per line, or JSON Lines {"id", "text"} (the first line decides). '
        "Plain text in, readable lines out; JSON Lines in, JSON Lines out "
        '({"id", "themes": [{"id", "label", "score"}], "sentences": [...]}).',
        epilog="examples:\n"
        '  worldview tag "Putin says NATO has crept up to Russia\'s borders."\n'
        "  worldview tag < passages.txt                  one passage a line\n"
        '  echo \'{"id": 7, "text": "Moscow wants a multipolar world."}\' | worldview tag\n'
        "  worldview tag --json < passages.txt > themes.jsonl",
    )
    p.add_argument("text", nargs="*", metavar="TEXT", help="passages to tag (default: stdin)")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON Lines out, whatever came in")
    output.add_argument(
        "--readable", action="store_true", help="readable lines out, whatever came in"
    )
    p.set_defaults(func=cmd_tag)

    p = subparsers.add_parser(
        "train",
        help="rebuild the theme classifier from the labelled data (~8 min)",
        description="Fine-tune the encoder's top layers and the classifier on "
        "worldview/themes/data/train*.jsonl, choosing thresholds by cross-validation; shows "
        "each phase with an ETA on a terminal. Writes a new model directory and never "
        "touches the shipped model (worldview/themes/model/) unless --replace-shipped.",
        epilog="examples:\n"
        "  worldview train                     -> .worldview/models/theme-<time>/\n"
        "  WORLDVIEW_THEME_MODEL_DIR=.worldview/models/theme-<time> worldview evaluate\n"
        "  worldview train --replace-shipped   rebuild the model the package ships (make train)",
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--out", type=Path, metavar="DIR", help="write the model here (default: a new directory)"
    )
    target.add_argument(
        "--replace-shipped",
        action="store_true",
        help="overwrite the shipped model in worldview/themes/model/",
    )
    p.set_defaults(func=cmd_train)

    p = subparsers.add_parser(
        "evaluate",
        help="per-theme P/R/F1 on the real test set, the dev set, the seed and the fresh test "
        "set; false tags on off-topic news",
        description="Precision, recall and F1 per theme of the installed model (or "
        "WORLDVIEW_THEME_MODEL_DIR) on the labelled sets it was never trained on (the real "
        "test split, dev, seed, fresh), and false tags per 1,000 sentences on real news that "
        "never names Russia (the real test split's, and real web pages read by the pipeline).",
        epilog="examples:\n  worldview evaluate\n  worldview evaluate --errors | less",
    )
    p.add_argument("--dev", type=Path, help="labelled passages (default: data/dev.jsonl)")
    p.add_argument("--seed", type=Path, help="labelled seed sentences (data/seed_labels.jsonl)")
    p.add_argument("--fresh", type=Path, help="final test passages (data/test_fresh.jsonl)")
    p.add_argument(
        "--pages",
        type=Path,
        help="real web pages, of which those never naming Russia are the off-topic yardstick "
        "(default: ../shared/realpages/pages.jsonl.gz)",
    )
    p.add_argument("--no-pages", action="store_true", help="skip the off-topic pages (~5 min)")
    p.add_argument("--errors", action="store_true", help="also list passages tagged wrongly")
    p.set_defaults(func=cmd_evaluate)
