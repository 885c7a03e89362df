from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/webserver.py and friends

from hypothesis import settings  # noqa: E402

from tracer.fixtures import build_warc  # noqa: E402

# Property tests draw the same examples on every run and machine: a CI gate never fails on a
# draw it has not seen before (a new draw is found by running with --hypothesis-seed).
settings.register_profile("tracer", derandomize=True, database=None)
settings.load_profile("tracer")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRACER_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # Never touch a real tracer.db: the default DB of every test is inside tmp_path.
    monkeypatch.setenv("TRACER_DB", str(tmp_path / "tracer.db"))
    # Nor a public web archive: a test that wants one passes memento=[...] (issue 9, tracer/web/archive.py).
    monkeypatch.setenv("TRACER_MEMENTO", "")
    # Loopback test servers need no politeness pause; pacing tests set their own delay.
    monkeypatch.setenv("TRACER_DELAY", "0")
    # A bug shows its traceback in tests; users get one line (tracer/cli.py TracerGroup, issue 17).
    monkeypatch.setenv("TRACER_DEBUG", "1")


@pytest.fixture(scope="session")
def web_warc(tmp_path_factory):
    """Build (once per session) the WARC of a named fixture web."""
    cache: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in cache:
            cache[name] = build_warc(name, tmp_path_factory.mktemp("warc") / f"{name}.warc.gz")
        return cache[name]

    return build


@pytest.fixture
def seed_warc(web_warc) -> Path:
    return web_warc("seed")


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): set TRACER_SHARED to run this test")
    return SHARED
