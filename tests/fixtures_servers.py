"""Real servers for the tests, started once per session: SeaweedFS ``weed mini`` on free ports and
the Prefect test harness. Every test gets its own bucket.

Imported by conftest.py, so tests that never ask for these fixtures start nothing.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from worldview.settings import get_settings

TEST_KEY, TEST_SECRET = "test-access", "test-secret-key"


class WeedHandle:
    """The session's object store; tests that simulate an outage stop and restart it."""

    def __init__(self, data_dir: Path, many_buckets: bool = False) -> None:
        from worldview.stack import objectstore

        self.data_dir = data_dir
        # the session's store holds a bucket per test: more, smaller volumes than the default
        self.volumes = objectstore.VolumeLimits(count=2000, size_mb=64) if many_buckets else None
        self.ports = objectstore.WeedPorts.free()
        self.endpoint = f"http://127.0.0.1:{self.ports.s3}"

    def start(self) -> None:
        from worldview.stack import objectstore

        objectstore.start(self.data_dir, self.ports, TEST_KEY, TEST_SECRET, volumes=self.volumes)

    def stop(self) -> None:
        from worldview.stack import objectstore

        objectstore.stop(self.data_dir)

    def running(self) -> bool:
        from worldview.stack import objectstore, processes

        pid = processes.running_pid(self.data_dir, objectstore.NAME, objectstore.MARKER)
        return pid is not None


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[WeedHandle]:
    """``weed mini`` on free ports; WORLDVIEW_* settings point at it (themes off)."""
    handle = WeedHandle(tmp_path_factory.mktemp("objectstore"), many_buckets=True)
    handle.start()
    env = {
        "WORLDVIEW_S3_ENDPOINT": handle.endpoint,
        "WORLDVIEW_S3_ACCESS_KEY": TEST_KEY,
        "WORLDVIEW_S3_SECRET_KEY": TEST_SECRET,
        "WORLDVIEW_THEMES": "off",
        "WORLDVIEW_DATA_DIR": str(handle.data_dir),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        yield handle
    finally:
        handle.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


_bucket_numbers = itertools.count()


@pytest.fixture
def store(object_store: WeedHandle):
    """A fresh bucket (versioning on) in the session's store."""
    from worldview.storage import RecordStore

    if not object_store.running():
        object_store.start()  # a previous test stopped it and failed before restarting
    name = f"t{next(_bucket_numbers)}-{uuid.uuid4().hex[:10]}"
    record_store = RecordStore.from_settings(get_settings(), bucket=name)
    record_store.ensure_bucket()
    return record_store


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server (SQLite in a temp dir) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
