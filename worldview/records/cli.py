"""``worldview records list | get | versions | diff | export``: the store's records for consumers.

Cheap to import and light to run: the commands need the base install only (no Prefect, torch or
text libraries). The store is the one ``WORLDVIEW_*`` configures (endpoint, bucket, credentials).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

TITLE_WIDTH = 60


def _fail(message: str) -> None:
    print(f"worldview: {message}", file=sys.stderr)


def _reader(args: argparse.Namespace) -> Any:
    from worldview.records.reader import RecordReader

    return RecordReader.from_settings(bucket=args.bucket)


def _handled(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the errors a consumer can act on into one line on stderr and an exit status."""

    def run(args: argparse.Namespace) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        from worldview.records.reader import RecordNotFound
        from worldview.storage import RecordFormatError

        try:
            return command(args)
        except RecordNotFound as exc:
            _fail(str(exc).strip("'\""))
            return 1
        except RecordFormatError as exc:
            _fail(str(exc))
            return 1
        except (BotoCoreError, ClientError) as exc:
            from worldview.settings import get_settings

            settings = get_settings()
            bucket = args.bucket or settings.bucket
            where = settings.s3_endpoint or "AWS S3"
            _fail(f"s3://{bucket} at {where}: {exc}")
            return 2

    return run


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    rows = _reader(args).list(
        since=args.since,
        until=args.until,
        theme=args.theme,
        site=args.site,
        language=args.language,
        changed_since=args.changed_since,
    )
    if args.json:
        for row in rows:
            sys.stdout.write(row.model_dump_json() + "\n")
        return 0
    header = f"{'DOCUMENT':<40} {'V':>3} {'PUBLISHED':<10} {'SITE':<20} THEMES / TITLE"
    lines = [header]
    for row in rows:
        themes = ",".join(row.themes) or "-"
        lines.append(
            f"{row.document_id:<40} {row.version:>3} {row.published or '-':<10} "
            f"{_clip(row.site_name or '-', 20):<20} {_clip(row.title, TITLE_WIDTH)}"
        )
        if row.themes:
            lines.append(f"{'':<40} {'':>3} {'':<10} {'':<20} [{themes}]")
    print("\n".join(lines))
    print(f"{len(rows)} document(s)", file=sys.stderr)
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    data = _reader(args).get_bytes(args.document, args.version)
    sys.stdout.write(data.decode("utf-8").rstrip("\n") + "\n")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    infos = _reader(args).history(args.document)
    if args.json:
        for info in infos:
            sys.stdout.write(json.dumps(info.as_json()) + "\n")
        return 0
    print(f"{'V':>3} {'STORED':<20} {'SOURCE':<12} {'PIPELINE':<9} {'SCHEMA':<7} MODEL / WHY")
    for info in infos:
        stored = info.stored_at.strftime("%Y-%m-%d %H:%M:%S") if info.stored_at else "-"
        print(
            f"{info.version:>3} {stored:<20} {info.source_sha256[:12]:<12} "
            f"{info.pipeline_version:<9} {info.schema_version:<7} {info.model or '-'}"
        )
        print(f"{'':>3} {'':<20} why: {', '.join(info.reasons)}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from worldview.records.diff import diff_records, render_diff
    from worldview.records.reader import RecordNotFound

    reader = _reader(args)
    versions = reader.versions(args.document)
    if args.a is None:
        if len(versions) < 2:
            raise RecordNotFound(f"{reader.resolve(args.document)} has one version: no diff")
        a, b = versions[-2], versions[-1]
    else:
        a, b = args.a, args.b if args.b is not None else versions[-1]
    diff = diff_records(reader.get(args.document, a), reader.get(args.document, b))
    if args.json:
        sys.stdout.write(json.dumps(diff.as_json(), ensure_ascii=False) + "\n")
    else:
        print(render_diff(diff))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from worldview.records.export import DirectoryTarget, refresh_export

    result = refresh_export(_reader(args), DirectoryTarget(args.parquet), rebuild=args.rebuild)
    print(
        f"{result.status}: {result.documents} document(s), {result.fetched} record(s) read",
        file=sys.stderr,
    )
    for name, path in result.files.items():
        print(f"{path}  {result.rows[name]} rows")
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _version(text: str) -> int:
    if not text.lstrip("v").isdigit() or int(text.lstrip("v")) < 1:
        raise argparse.ArgumentTypeError(f"not a version number: {text!r}")
    return int(text.lstrip("v"))


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "records",
        help="list, read, diff and export the records in the store (no pipeline needed)",
        description="The records in the store (WORLDVIEW_S3_ENDPOINT, WORLDVIEW_BUCKET; "
        "credentials from WORLDVIEW_S3_ACCESS_KEY/SECRET_KEY or the AWS chain).",
    )
    p.add_argument("--bucket", default=None, help="default: WORLDVIEW_BUCKET")
    sub = p.add_subparsers(dest="records_command", required=True, metavar="COMMAND")
    document_help = "a document id, a source key (incoming/a.html) or its s3:// URI"

    q = sub.add_parser("list", help="the latest version of every document, from the index")
    q.add_argument("--since", type=_date, help="published on or after DATE (YYYY-MM-DD)")
    q.add_argument("--until", type=_date, help="published on or before DATE")
    q.add_argument("--theme", help="carrying this theme id (see the taxonomy)")
    q.add_argument("--site", help="site name contains this (case-insensitive)")
    q.add_argument("--language", help="language, e.g. en")
    q.add_argument(
        "--changed-since", type=_moment, metavar="TIME", help="latest version written at/after"
    )
    q.add_argument("--json", action="store_true", help="JSON Lines: one index row per document")
    q.set_defaults(func=_handled(cmd_list))

    q = sub.add_parser("get", help="a record as stored (JSON on stdout)")
    q.add_argument("document", help=document_help)
    q.add_argument("--version", type=_version, help="version N (default: the latest)")
    q.set_defaults(func=_handled(cmd_get))

    q = sub.add_parser("versions", help="every version of a document and why each was made")
    q.add_argument("document", help=document_help)
    q.add_argument("--json", action="store_true", help="JSON Lines, one version per line")
    q.set_defaults(func=_handled(cmd_versions))

    q = sub.add_parser(
        "diff", help="what changed between two versions (default: the last two), and why"
    )
    q.add_argument("document", help=document_help)
    q.add_argument("a", type=_version, nargs="?", help="older version (default: the one before B)")
    q.add_argument("b", type=_version, nargs="?", help="newer version (default: the latest)")
    q.add_argument("--json", action="store_true", help="the diff as one JSON object")
    q.set_defaults(func=_handled(cmd_diff))

    q = sub.add_parser("export", help="Parquet tables of the latest records, for analytics")
    q.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="write tables here")
    q.add_argument("--rebuild", action="store_true", help="read every record, not only changes")
    q.set_defaults(func=_handled(cmd_export))
