"""Shared fixtures. Servers (object store, Prefect) are started once per session where needed."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpus" / "seed_usip_negotiating_with_putin.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip("../shared/corpus is absent")
    return SEED


# Session servers (weed mini, Prefect harness): started only by the tests that use them.
from fixtures_servers import object_store, prefect_harness, store  # noqa: E402, F401
