"""All configuration, from environment variables (prefix ``WORLDVIEW_``), in one ``Settings``.

The defaults are the embedded stack that ``worldview up`` starts on 127.0.0.1. Point the same code
at AWS S3, MinIO or a team SeaweedFS with ``WORLDVIEW_S3_ENDPOINT`` (empty for AWS), the bucket,
and the standard AWS credential chain.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WORLDVIEW_", env_file=None, extra="ignore")

    # Object storage
    s3_endpoint: str | None = "http://127.0.0.1:8333"
    s3_region: str = "us-east-1"
    # GET/PUT of objects over plain-HTTP custom endpoints without boto3's request pipeline
    # (storage.LeanS3, ~2 ms less CPU per request); false: boto3 for every request.
    s3_lean_transport: bool = True
    bucket: str = "worldview"
    # Credentials for the embedded store only; elsewhere leave unset and use the AWS chain.
    s3_access_key: str | None = None
    s3_secret_key: str | None = Field(default=None, repr=False)  # never in logs or tracebacks
    incoming_prefix: str = "incoming/"
    records_prefix: str = "records/"
    # Credentials the embedded store is started with (used when s3_access_key is unset and the
    # endpoint is on this machine). The secret is made at the first `worldview up` (random, in
    # <data_dir>/objectstore-credentials.json, 0600) unless set here; ``embedded_secret`` reads it.
    embedded_access_key: str = "worldview"
    embedded_secret_key: str | None = Field(default=None, repr=False)

    # Local state of the embedded stack (object store data, pid files, logs)
    data_dir: Path = REPO_ROOT / ".worldview"

    # Pipeline limits
    max_document_bytes: int = 50 * 1024 * 1024
    # PDF: more pages than this is refused before any page is read (a 1,000-page report takes
    # ~15 s); Word: the XML parts read, unpacked, at most this many bytes (a "zip bomb" is
    # refused from its directory, before anything is inflated)
    max_pages: int = 1000
    max_unpacked_bytes: int = 100 * 1024 * 1024
    # One document's bounds (worldview/extract/limits.py; each checked by the step that makes
    # the thing). Over these a document is refused with a reason naming the setting: more
    # paragraphs (a markup page is refused before it is read when its tags promise twice as
    # many), more sentences, a record JSON larger than this, more seconds in the pipeline
    # (checked between steps and between the tagger's chunks). Over these it is kept, with a
    # warning: a longer paragraph is split at sentence ends, more authors are cut to the first.
    max_paragraphs: int = 10_000
    max_sentences: int = 20_000
    max_record_bytes: int = 32 * 1024 * 1024
    max_document_seconds: float = 600.0
    max_paragraph_chars: int = 20_000
    max_authors: int = 50
    # Theme tagging in the flows (WORLDVIEW_THEMES=off: records say model null)
    themes: bool = True
    # Encoder passes at once in one process (ingest's batch threads, served runs): the encoder
    # uses every core already; more passes only add memory (worldview/extract/tag_themes.py;
    # 2 cores, 160 documents on 8 threads: 1 at once 51 s / 811 MB, 8 at once 64 s / 1,008 MB)
    tag_concurrency: int = 1
    # glibc malloc arenas for a process that runs ingest's batch threads (0: glibc's default,
    # 8 per core; each thread's arena keeps memory it freed)
    malloc_arenas: int = 2
    # The ingest flow refreshes the Parquet export (exports/parquet/) after writing records
    exports: bool = True

    # Theme tagger: trained classifier and sentence encoder (unset: committed model, PyPI encoder)
    theme_model_dir: Path | None = None
    theme_encoder_dir: Path | None = None

    # Prefect
    prefect_api_url: str = "http://127.0.0.1:4200/api"
    ingest_cron: str = "*/15 * * * *"
    # Batches of an ingest run at once (threads; one task run each). While one thread runs the
    # pipeline, the others wait on the store: 8 kept both cores busier than 4 (500 documents
    # without Prefect, themes off: 0.50-0.55x of the in-memory pipeline loop against 0.39-0.47x).
    ingest_concurrency: int = 8
    # At most this many documents per batch task run: an ingest run's documents are split evenly
    # over ``ingest_concurrency`` batches, more only past this size (a retry repeats one batch).
    ingest_batch_size: int = 250
    # Flow runs ``worldview serve`` runs at once, on threads of its one warm process (which holds
    # the pipeline and the theme model loaded once: worldview/stack/warm.py).
    serve_limit: int = 4
    # Torch threads in that process (0: torch's default, one per core). Encoder passes are one at
    # a time (tag_concurrency), so one thread left a core idle in a burst: 100 uploads at once
    # 0.66x the ingest flow's docs/s with 1 thread, 0.84x with 2, single uploads alike
    # (bench/RESULTS.md, issue 16).
    serve_torch_threads: int = 0
    watch_interval_s: float = 1.0
    # The watcher starts again the run of an upload it claimed when no run was started for it
    # this long after the claim (the watcher died in between); it looks every claim_check_s.
    claim_grace_s: float = 30.0
    claim_check_s: float = 30.0
    # S3 -> SQS upload notifications (AWS); unset: the watcher polls ListObjectsV2
    sqs_queue_url: str | None = None
    sqs_endpoint: str | None = None  # an SQS-compatible server; unset: AWS's regional endpoint
    # SeaweedFS: the filer whose metadata subscription announces uploads (host:port of its HTTP
    # API, gRPC on port + 10000, or host:port.grpc_port); unset: the embedded store's own filer
    # when it answers; "off": the watcher polls ListObjectsV2
    seaweedfs_filer: str | None = None

    # Record pages (worldview.views): every new record version also gets views/<id>/v<N>.html;
    # run artifacts link to <views_url>/views/..., where `worldview up` starts the page server
    # (empty: artifacts name the s3:// key only)
    views: bool = True
    views_url: str = "http://127.0.0.1:4280"


EMBEDDED_CREDENTIALS_FILE = "objectstore-credentials.json"


def embedded_secret(settings: Settings) -> str | None:
    """The embedded store's secret: the setting, else the one `worldview up` made (None before)."""
    if settings.embedded_secret_key:
        return settings.embedded_secret_key
    try:
        stored = json.loads((settings.data_dir / EMBEDDED_CREDENTIALS_FILE).read_text())
    except (OSError, ValueError):
        return None
    return stored.get("secret_key") if isinstance(stored, dict) else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
