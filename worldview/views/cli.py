"""``worldview show | trends | pages``: see what the pipeline found. Cheap to import: the work
(pipeline, model, store, rendering) is imported inside the commands."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

DOCUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*-[0-9a-f]{12}$")


class CommandError(Exception):
    """A message for the user, exit status 2 (or ``status``)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


def _store():
    from worldview.storage import RecordStore

    return RecordStore.from_settings()


def _record_from_file(path: Path, no_themes: bool):
    """A record JSON file as it is; any other file goes through the pipeline first."""
    from worldview.errors import PipelineError
    from worldview.storage import RecordFormatError, parse_record

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    head = data[:4096].lstrip()
    if head.startswith(b"{") and b'"schema_version"' in data[:65536]:
        try:
            return parse_record(data)  # a record of any 1.x schema version
        except RecordFormatError as exc:
            raise CommandError(f"{path}: not a valid record: {str(exc)[:200]}") from None
    from worldview.pipeline import process_document
    from worldview.themes import tagger_if

    try:
        tagger = tagger_if(not no_themes)
        return process_document(data, str(path), tagger=tagger)
    except PipelineError as exc:
        raise CommandError(f"{path}: {exc}", status=1) from None


def _record_from_store(target: str, version: int | None):
    """A record in the store (read only: ``RecordReader``) by document id, source key or
    ``s3://`` URI of a source or of a record version (``records/<id>/v<N>.json``)."""
    from worldview.records.reader import RecordNotFound, RecordReader

    store = _store()
    if target.startswith("s3://"):
        bucket, _, key = target.removeprefix("s3://").partition("/")
        if bucket != store.bucket:
            store = type(store).from_settings(bucket=bucket)
        if key.startswith(store.records_prefix) and key.endswith(".json"):
            target = key.removeprefix(store.records_prefix).split("/")[0]  # the document id
            stem = Path(key).stem
            if version is None and stem.startswith("v") and stem[1:].isdigit():
                version = int(stem[1:])
    try:
        return RecordReader(store).get(target, version)
    except RecordNotFound as exc:
        raise CommandError(f"{target}: {exc}") from None


def resolve_record(target: str, *, version: int | None = None, no_themes: bool = False):
    """A file (record JSON or a source to process), an s3:// key, or a document id in the store."""
    path = Path(target)
    if path.is_file():
        return _record_from_file(path, no_themes)
    if target.startswith("s3://") or DOCUMENT_ID.match(target):
        return _record_from_store(target, version)
    raise CommandError(f"{target}: no such file, and not a document id or s3:// key")


def _html_target(out: str, record) -> Path | None:
    if out == "-":
        return None
    path = Path(out)
    if path.is_dir():
        return path / f"{record.document_id}.html"
    return path


def cmd_show(args: argparse.Namespace) -> int:
    try:
        record = resolve_record(args.target, version=args.version, no_themes=args.no_themes)
    except CommandError as exc:
        _fail(str(exc))
        return exc.status
    if args.html is None:
        from worldview.views.summary import print_summary

        print_summary(record, top=args.top)
        return 0
    from worldview.views.page import render_record

    html = render_record(record)
    target = _html_target(args.html, record)
    if target is None:
        sys.stdout.write(html)
        return 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        _fail(f"--html {target}: {exc.strerror or exc}")
        return 2
    view_count = sum(1 for p in record.content.paragraphs for s in p.sentences if s.themes)
    print(f"wrote {target} ({view_count} themed sentences)", file=sys.stderr)
    return 0


def _rows_from_paths(paths: list[Path]):
    from worldview.storage import RecordFormatError, parse_record
    from worldview.views.trends import DocRow, row_from_record

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such file or directory")
    rows: dict[str, DocRow] = {}
    skipped = 0
    for file in files:
        try:
            record = parse_record(file.read_bytes())
        except (RecordFormatError, OSError):
            skipped += 1
            continue
        row = row_from_record(record, str(file))
        known = rows.get(row.document_id)
        if known is None or known.version < row.version:  # a document's latest version
            rows[row.document_id] = row
    if skipped:
        _fail(f"{skipped} file(s) are not records; skipped")
    return list(rows.values())


def _trends_table(trends, measure, width: int):
    from rich.table import Table
    from rich.text import Text

    from worldview.views.trends import UNDATED, percent

    groups = [g for g in trends.groups if g.documents]
    room = max(0, (width - 42) // 9)
    if trends.by == "month":
        dated = [g for g in groups if g.name != UNDATED]
        groups = dated[-room:] if room else []
    else:
        groups = groups[:room]
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("theme", no_wrap=True, max_width=36)
    table.add_column(f"all\nn={trends.documents}", justify="right")
    for g in groups:
        table.add_column(f"{g.name[:10]}\nn={g.documents}", justify="right", no_wrap=True)
    for t in trends.ranked_themes(measure):
        label = Text("■ ", style=t.colour.hex) + Text(t.label)
        cells = [percent(trends.total.share(t.id, measure))]
        cells += [percent(g.share(t.id, measure)) for g in groups]
        table.add_row(label, *cells)
    shown = len(groups)
    total = len([g for g in trends.groups if g.documents])
    return table, shown, total


def cmd_trends(args: argparse.Namespace) -> int:
    from rich.console import Console

    from worldview.views.trends import compute_trends, measure_phrase, trends_json

    try:
        if args.records:
            rows = _rows_from_paths(args.records)
            source = f"{len(rows)} record file(s)"
        else:
            from worldview.views.store import corpus_rows

            store = _store()
            rows = corpus_rows(store)
            source = f"the latest records in s3://{store.bucket}/"
    except CommandError as exc:
        _fail(str(exc))
        return exc.status
    trends = compute_trends(rows, args.by, top=args.top)
    if args.json:
        print(json.dumps(trends_json(trends, args.measure), indent=2, ensure_ascii=False))
    else:
        console = Console(highlight=False)
        by = f" by {args.by}" if args.by else ""
        console.print(
            f"[bold]Theme trends{by}[/bold]: {measure_phrase(args.measure)}, "
            f"{trends.documents} documents ({source})"
        )
        if trends.documents:
            table, shown, total = _trends_table(trends, args.measure, console.width)
            console.print(table)
            if shown < total:
                which = "latest" if args.by == "month" else "largest"
                console.print(
                    f"[dim]{shown} of {total} groups shown (the {which}); "
                    "--html or --json has them all[/dim]"
                )
    return _write_trend_files(args, trends, rows)


def _write_trend_files(args: argparse.Namespace, trends, rows) -> int:
    from worldview.views.charts import trend_chart

    outputs = []
    if args.html:
        from worldview.views.trends_page import render_trends

        outputs.append((args.html, render_trends(trends, args.measure, rows=rows)))
    if args.svg:
        outputs.append((args.svg, trend_chart(trends, args.measure)))
    for path, text in outputs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"{path}: {exc.strerror or exc}")
            return 2
        print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    import logging
    from urllib.parse import urlparse

    from worldview.settings import get_settings
    from worldview.views.server import make_server

    settings = get_settings()
    url = urlparse(settings.views_url or "http://127.0.0.1:4280")
    port = args.port or url.port or 4280
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(bucket=args.bucket)  # None: WORLDVIEW_BUCKET
    server = make_server(store, args.host, port)
    print(f"pages at http://{args.host}:{port}/ (s3://{store.bucket}/)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


SHOW_EPILOG = """examples:
  worldview show analysis.html                 process the file, summarise its themes
  worldview show analysis.html --html page.html   the highlighted page, to open in a browser
  worldview show records/analysis.json --html -   a record made by `process --out`, to stdout
  worldview show usip-negotiating-9e25270bc801    the latest record of a document in the store
  worldview show s3://worldview/records/<id>/v2.json --html out/
"""

TRENDS_EPILOG = """examples:
  worldview trends                              the store's latest records, whole corpus
  worldview trends --by month --html trends.html   table and chart by month, one page
  worldview trends records/ --by site --svg sites.svg   from `process --out` files
  worldview trends --by author --measure sentences --json
"""


def register(subparsers) -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "show",
        help="a record as a highlighted HTML page, or a summary in the terminal",
        description="Show one record: without --html a short summary (each theme with its "
        "count and surest sentence); with --html one self-contained page with every themed "
        "sentence highlighted in its theme's colour, labels and scores beside it, a legend, "
        "the definitions, warnings and provenance. Works without scripts, on a phone, on paper.",
        epilog=SHOW_EPILOG,
        formatter_class=formatter,
    )
    p.add_argument(
        "target",
        metavar="SOURCE_OR_RECORD",
        help="a source file (processed first), a record JSON file, a document id or an s3:// "
        "key in the store (WORLDVIEW_S3_ENDPOINT, WORLDVIEW_BUCKET)",
    )
    p.add_argument(
        "--html",
        metavar="OUT",
        help="write the page to OUT (a file, a directory for <document_id>.html, or - for stdout)",
    )
    p.add_argument("--version", type=int, metavar="N", help="record version N (store only)")
    p.add_argument("--top", type=int, default=1, metavar="K", help="sentences per theme (1)")
    p.add_argument(
        "--no-themes", action="store_true", help="process a source without the theme model"
    )
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser(
        "trends",
        help="theme prevalence over the corpus: table, chart (SVG) and page",
        description="How often each theme appears across documents (each document's latest "
        "record), for the whole corpus or by month, site or author. 'documents': share of "
        "documents with the theme; 'sentences': share of sentences carrying it.",
        epilog=TRENDS_EPILOG,
        formatter_class=formatter,
    )
    p.add_argument(
        "records",
        nargs="*",
        type=Path,
        metavar="RECORDS",
        help="record JSON files or directories of them (default: the store's latest records)",
    )
    p.add_argument("--by", choices=["month", "site", "author"], help="group the documents")
    p.add_argument(
        "--measure",
        choices=["documents", "sentences"],
        default="documents",
        help="share of documents (default) or of sentences",
    )
    p.add_argument(
        "--top", type=int, default=12, metavar="N", help="sites/authors shown; the rest pooled"
    )
    p.add_argument("--html", type=Path, metavar="OUT", help="write the page (chart and table)")
    p.add_argument("--svg", type=Path, metavar="OUT", help="write the chart alone as SVG")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=cmd_trends)

    p = subparsers.add_parser(
        "pages",
        help="serve the store's record pages and trends on 127.0.0.1 (`up` starts it)",
        description="The page server that run artifacts link to: every document's latest "
        "record, each record version's page, live trends. Read-only. `worldview up` runs it in "
        "the background at WORLDVIEW_VIEWS_URL.",
        formatter_class=formatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: the one in WORLDVIEW_VIEWS_URL)")
    p.add_argument("--bucket", help="the bucket (default: WORLDVIEW_BUCKET)")
    p.set_defaults(func=cmd_pages)
