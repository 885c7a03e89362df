"""tracer index as a user watches it: a progress line that counts records and moves every few
hundred of them, and a Ctrl-C that says how to resume (then resuming does)."""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tracer.corpus import index
from tracer.corpus.index import index_warcs
from tracer.store import open_db

RECORDS = 2000


def small_pages_warc(path: Path, n: int = RECORDS) -> Path:
    """n short notices, one gzip member each: well under one 8 MiB span (about 0.9 MB)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(n):
            body = (f"<html><head><title>Notice {i}</title></head><body><article><p>Notice {i}: the ferry "
                    f"timetable for route {i % 37} changes on Monday, the harbour office said.</p>"
                    "</article></body></html>").encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://notices.example/{i}", "response",
                                                          payload=io.BytesIO(body), length=len(body),
                                                          http_headers=http))
    return path


@pytest.fixture(scope="module")
def warc(tmp_path_factory):
    return small_pages_warc(tmp_path_factory.mktemp("progress") / "notices.warc.gz")


def shown_counts(stderr: str) -> list[int]:
    return [int(m.group(1).replace(",", "")) for m in re.finditer(r"\] ([\d,]+)(?: of ~[\d,]+)? records", stderr)]


def test_progress_counts_records_every_few_hundred(warc, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(index, "PROGRESS_INTERVAL", 0.0)  # draw every update (a terminal redraws at most 5/s)
    stats = index_warcs(open_db(tmp_path / "c.db"), [warc], workers=1, progress=True)
    assert stats.records == RECORDS and stats.documents == RECORDS
    counts = shown_counts(capsys.readouterr().err)
    assert counts == sorted(counts) and counts[-1] == RECORDS
    assert len(counts) >= 5  # one 8 MiB span would have shown a single line at 100%
    steps = [b - a for a, b in zip([0] + counts, counts)]
    assert max(steps) <= 4 * index.PROGRESS_RECORDS


def test_a_given_span_size_is_kept(warc, tmp_path):
    stats = index_warcs(open_db(tmp_path / "c.db"), [warc], workers=1, span_bytes=64 * 1024 * 1024)
    assert stats.documents == RECORDS


def test_ctrl_c_says_how_to_resume_and_resuming_finishes(warc, tmp_path):
    db_path = tmp_path / "c.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "tracer", "index", str(warc), "--db", str(db_path), "--workers", "1"]
    # a session of its own: Ctrl-C in a terminal signals the whole process group
    # (and SIGINT as a terminal has it: a test run started in the background inherits it ignored)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            with sqlite3.connect(db_path, timeout=1) as conn:
                committed = conn.execute("select coalesce(sum(records), 0) from corpus_files").fetchone()[0]
        except sqlite3.Error:
            continue
        if committed:
            break
    assert proc.poll() is None, f"index ended before it could be interrupted: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "run the same command again to resume" in err
    assert "Traceback" not in err and "Aborted!" not in err
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from corpus_docs").fetchone()[0] == RECORDS
