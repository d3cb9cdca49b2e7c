"""The ``worldview`` command line. Each subcommand imports only what it needs.

process   files -> validated records (the pure core; no object store, no Prefect)
tag       JSON Lines passages on stdin -> themes per passage and sentence on stdout
train     rebuild the theme classifier from the labelled data in the repo
evaluate  per-theme precision/recall/F1 on the held-out dev set and the seed article
schema    print (or --write) the record JSON Schema generated from the models
up/down   start/stop the embedded stack (object store + Prefect server + deployments)
serve     serve the Prefect deployments (scheduled ingest, UI runs, upload watcher)
ingest    run the ingest flow once over the incoming prefix
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# File names are at most 255 bytes; the atomic write adds a prefix and a random suffix.
MAX_OUTPUT_STEM_BYTES = 200


def _output_names(files: list[Path]) -> dict[Path, str]:
    """``<stem>.json``, or ``<name>.json`` where two inputs share a stem, and ``<name>-2.json``
    where they share the name too (the same name in two directories): never overwrite."""
    stems = Counter(f.stem for f in files)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for f in files:
        base = f.stem if stems[f.stem] == 1 else f.name
        base = os.fsdecode(os.fsencode(base)[:MAX_OUTPUT_STEM_BYTES])
        name, n = f"{base}.json", 1
        while name in taken:
            n += 1
            name = f"{base}-{n}.json"
        taken.add(name)
        names[f] = name
    return names


def cmd_process(args: argparse.Namespace) -> int:
    from worldview.errors import PipelineError, UnsupportedInputError
    from worldview.pipeline import process_document
    from worldview.settings import get_settings
    from worldview.themes import tagger_if

    limit = get_settings().max_document_bytes
    try:
        tagger = tagger_if(not args.no_themes)
    except PipelineError as exc:
        _fail(str(exc))
        return 2
    files = [Path(f) for f in args.files]
    if args.out:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"--out {args.out}: {exc.strerror or exc}")
            return 2
        names = _output_names(files)
    failures = 0
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:
                raise UnsupportedInputError(f"{size} bytes is over the {limit}-byte limit")
            data = path.read_bytes()
            record = process_document(data, str(path), tagger=tagger)
            text = record.model_dump_json(indent=2 if args.out or len(files) == 1 else None)
        except PipelineError as exc:
            failures += 1
            _fail(f"{path}: {exc}")
            continue
        except OSError as exc:
            failures += 1
            _fail(f"{path}: read: {exc.strerror or exc}")
            continue
        except Exception as exc:  # a bug, but one document must never take the batch down
            failures += 1
            _fail(f"{path}: internal error: {type(exc).__name__}: {exc}")
            continue
        if args.out:
            try:
                _write_atomically(args.out / names[path], text + "\n")
            except OSError as exc:  # disk full, permissions: this file fails, the batch goes on
                failures += 1
                _fail(f"{path}: write {args.out / names[path]}: {exc.strerror or exc}")
        else:
            sys.stdout.write(text + "\n")
    if failures:
        _fail(f"{failures} of {len(files)} file(s) failed")
    return 1 if failures else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from worldview.record import record_json_schema

    text = json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.write:
        target = Path(__file__).resolve().parents[1] / "schemas" / "record.schema.json"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    else:
        sys.stdout.write(text)
    return 0


# Packages that add their own subcommands: each has ``register(subparsers)`` and must stay cheap
# to import (heavy imports go inside the command functions).
COMMAND_MODULES = ("worldview.themes.cli", "worldview.stack.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="worldview", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("process", help="turn analysis files into validated JSON records")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--out", type=Path, help="write DIR/<file stem>.json per input")
    p.add_argument("--no-themes", action="store_true", help="skip theme tagging (no model load)")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("schema", help="print the record JSON Schema generated from the models")
    p.add_argument("--write", action="store_true", help="write schemas/record.schema.json")
    p.set_defaults(func=cmd_schema)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue  # that part is not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
