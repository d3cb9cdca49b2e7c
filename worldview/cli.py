"""The ``worldview`` command line (``DESCRIPTION`` and ``EXAMPLES`` are its ``--help``).

Subcommands import what they need inside their functions, so ``--help`` and light commands stay
fast; packages add their own through ``COMMAND_MODULES``.
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

DESCRIPTION = (
    "Turn think-tank analyses of Russian foreign policy (HTML, Markdown, plain text) into "
    "validated JSON records that say which elements of the Kremlin worldview each sentence "
    "carries, and see what they found: a highlighted page per record, theme trends over the "
    "corpus. Records live in S3-compatible storage; Prefect flows keep them up to date."
)

EXAMPLES = """examples:
  worldview process analysis.html                  one file -> its record (JSON on stdout)
  worldview process samples/articles/* --out recs/ a batch, one JSON per file, with progress
  worldview show analysis.html --html page.html    the article with its themed sentences marked
  worldview trends recs/ --by month --html t.html  theme prevalence by month: chart and table
  echo "Moscow wants a multipolar world." | worldview tag   plain text -> themes, labels
  worldview up && worldview demo                   the embedded stack, the samples processed
  worldview <command> --help                       what a command does, its options, examples
"""


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


class HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions to the terminal; keeps example blocks (indented lines) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            lines = block.splitlines()
            if any(line.startswith("  ") for line in lines[1:]):
                blocks.append("\n".join(indent + line for line in lines))
            else:
                blocks.append(super()._fill_text(block, width, indent))
        return "\n\n".join(blocks)


class VersionAction(argparse.Action):
    """``--version``: the package, the record schema and the taxonomy (read only when asked)."""

    def __init__(self, option_strings, dest, **kwargs):
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        kwargs.setdefault("help", "print the versions (package, record schema, taxonomy), exit")
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from worldview import __version__
        from worldview.record import SCHEMA_VERSION

        taxonomy = json.loads(
            (Path(__file__).parent / "themes" / "taxonomy.json").read_text(encoding="utf-8")
        )["version"]
        print(f"worldview {__version__} (record schema {SCHEMA_VERSION}, taxonomy {taxonomy})")
        parser.exit()


class BatchProgress:
    """A progress bar on stderr for a batch on a terminal (files done, failures, ETA, the file
    at hand); nothing at all otherwise, so logs and pipes stay clean."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if total < 2 or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("[bold]process"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed · eta"),
            TimeRemainingColumn(compact=True, elapsed_when_finished=True),
            TextColumn("[dim]{task.fields[name]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("process", total=total, failed=0, name="")
        self.bar.start()

    def update(self, done: int, failed: int, name: str = "") -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, failed=failed, name=name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


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
    bar = BatchProgress(len(files))
    for done, path in enumerate(files):
        bar.update(done, failures, path.name)
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
    bar.update(len(files), failures)
    bar.close()
    written = len(files) - failures
    where = f" to {args.out}" if args.out else ""
    if failures:
        _fail(f"{written} written{where}; {failures} of {len(files)} file(s) failed")
    elif args.out or len(files) > 1:
        _fail(f"{written} of {len(files)} file(s) written{where}")
    return 1 if failures else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from worldview.record import record_json_schema
    from worldview.records import compat

    repo = Path(__file__).resolve().parents[1]
    if args.write:
        written, problems = compat.write_generated(repo)
        for path in written:
            print(f"wrote {path}")
        for problem in problems:
            _fail(f"schema: {problem}")
        return 1 if problems else 0
    if args.check:
        problems = compat.gate(repo)
        for problem in problems:
            _fail(f"schema: {problem}")
        if not problems:
            print("schema: compatible with every released version of its major; files up to date")
        return 1 if problems else 0
    sys.stdout.write(json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


# Packages that add their own subcommands: each has ``register(subparsers)`` and must stay cheap
# to import (heavy imports go inside the command functions).
COMMAND_MODULES = (
    "worldview.themes.cli",
    "worldview.stack.cli",
    "worldview.records.cli",
    "worldview.views.cli",
)

# The extra (pip install 'worldview[EXTRA]') each command needs beyond the base install; the
# base install runs `schema` and `records`. A command that meets a missing package says which.
COMMAND_EXTRAS = {
    "process": "pipeline",
    "tag": "themes",
    "train": "themes",
    "evaluate": "themes",
    "up": "stack",
    "down": "stack",
    "serve": "stack",
    "watch": "stack",
    "ingest": "stack",
    "demo": "stack",
}
# Our own top-level packages: a missing module of these is a bug, never a missing extra.
OWN_PACKAGES = frozenset({"worldview", "tasks", "flows", "schemas"})


def missing_for_extra(extra: str) -> list[str]:
    """The distributions of ``worldview[extra]`` that are not installed (from the installed
    package's own metadata; [] when worldview runs from a source tree without an install)."""
    import re
    from importlib import metadata

    try:
        requirements = metadata.requires("worldview") or []
    except metadata.PackageNotFoundError:
        return []
    wanted, extras, seen = [], [extra], set()
    while extras:
        current = extras.pop()
        seen.add(current)
        for line in requirements:
            marker = re.search(r"extra\s*==\s*[\"']([^\"']+)[\"']", line)
            if marker is None or marker.group(1) != current:
                continue
            name = re.match(r"[A-Za-z0-9._-]+", line).group(0)  # type: ignore[union-attr]
            nested = re.match(r"worldview\[([^\]]+)\]", line)
            if nested:
                extras += [e.strip() for e in nested.group(1).split(",") if e.strip() not in seen]
            elif name not in wanted:
                wanted.append(name)
    missing = []
    for name in wanted:
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="worldview", description=DESCRIPTION, epilog=EXAMPLES, formatter_class=HelpFormatter
    )
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "process",
        help="turn analysis files into validated JSON records",
        description="The pure core (no object store, no Prefect): each file is decoded, "
        "cleaned, segmented, tagged with themes and validated against the record schema. One "
        "file: its record on stdout. --out DIR: one DIR/<stem>.json per file, a progress bar on "
        "a terminal and a one-line summary. A file that fails gets one line on stderr "
        "(worldview: FILE: step: reason); the others go on; the exit status is then 1.",
        epilog="examples:\n  worldview process analysis.html > record.json\n"
        "  worldview process samples/articles/* --out records/\n"
        "  worldview process notes.md --no-themes        without the model (fast)",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML, Markdown or plain-text files")
    p.add_argument("--out", type=Path, metavar="DIR", help="write DIR/<file stem>.json per input")
    p.add_argument("--no-themes", action="store_true", help="skip theme tagging (no model load)")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("schema", help="print the record JSON Schema generated from the models")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--write",
        action="store_true",
        help="write schemas/record.schema.json, its schemas/released/ copy and docs/record.md",
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="the compatibility gate: fail on a change that breaks consumers of a released "
        "version of the same major, or a generated file out of date",
    )
    p.set_defaults(func=cmd_schema)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue  # that part is not built yet
        module.register(sub)
    _finish_help(sub)
    return parser


def _finish_help(sub: argparse._SubParsersAction) -> None:
    """Every (nested) subcommand's --help: wrapped, examples kept, a description at least."""
    helps = {action.dest: action.help for action in sub._choices_actions}
    for name, command in sub.choices.items():
        command.formatter_class = HelpFormatter
        command.description = command.description or helps.get(name)
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _finish_help(action)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    extra = COMMAND_EXTRAS.get(args.command)
    missing = missing_for_extra(extra) if extra else []
    if missing:
        _fail(
            f"`worldview {args.command}` needs the [{extra}] extra ({', '.join(missing)} not "
            f"installed): pip install 'worldview[{extra}]'"
        )
        return 2
    try:
        return args.func(args)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if not top or top in OWN_PACKAGES:
            raise
        extra = COMMAND_EXTRAS.get(args.command, "all")
        _fail(
            f"`worldview {args.command}` needs the [{extra}] extra (no module named {top!r}): "
            f"pip install 'worldview[{extra}]'"
        )
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
