"""All configuration, from environment variables (prefix ``WORLDVIEW_``), in one ``Settings``.

The defaults are the embedded stack that ``worldview up`` starts on 127.0.0.1. Point the same code
at AWS S3, MinIO or a team SeaweedFS with ``WORLDVIEW_S3_ENDPOINT`` (empty for AWS), the bucket,
and the standard AWS credential chain.
"""

from __future__ import annotations

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
    # endpoint is on this machine).
    embedded_access_key: str = "worldview"
    embedded_secret_key: str = Field(default="worldview-embedded-secret", repr=False)

    # Local state of the embedded stack (object store data, pid files, logs)
    data_dir: Path = REPO_ROOT / ".worldview"

    # Pipeline limits
    max_document_bytes: int = 50 * 1024 * 1024
    # Theme tagging in the flows (WORLDVIEW_THEMES=off: records say model null)
    themes: bool = True

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
    # Flow runs ``worldview serve`` runs at once: each is a process that loads the pipeline and,
    # with themes on, the encoder, so this stays at what two cores and memory carry.
    serve_limit: int = 4
    watch_interval_s: float = 1.0
    # S3 -> SQS upload notifications (AWS); unset: the watcher polls ListObjectsV2
    sqs_queue_url: str | None = None
    sqs_endpoint: str | None = None  # an SQS-compatible server; unset: AWS's regional endpoint


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
