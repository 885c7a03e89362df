"""Several processes writing one database (issue 17, case 5).

While ``tracer index`` ran, 6 of 26 traces and fetches died with a ``database is locked``
traceback and left their trace unfinished. Writers now take the write lock when their
transaction starts and wait for it (``store.write_transaction``, ``$TRACER_BUSY_TIMEOUT``).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from hostile_webs import article, hostile_warc
from tracer import store
from tracer.trace import trace

STORY = "https://ledger.example/2024/05/ferry"
CLAIM = "the ferry service will stop in June"


def _corpus_warc(path, records: int):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(records):
            body = (f"<html><body><article><p>Harbour note {i}: the pier in village {i} reopens after repairs, "
                    f"the harbour office said, according to the Coast Post {i % 17}.</p></article></body></html>").encode()
            writer.write_record(writer.create_warc_record(
                f"https://coast{i % 40}.example/notes/{i}", "response", payload=io.BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")))
    return path


def _tracer(*args, env):
    return subprocess.Popen([sys.executable, "-m", "tracer", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
def test_traces_write_while_an_index_runs(tmp_path):
    corpus = _corpus_warc(tmp_path / "corpus.warc.gz", 2000)
    web = hostile_warc(tmp_path, "ferry", {STORY: article(
        "The ferry service will stop in June, the harbour master told the town council on Tuesday.")}, claim=CLAIM)
    db = tmp_path / "shared.db"  # not created yet: the first processes also race to create it
    env = {key: value for key, value in os.environ.items() if key != "TRACER_DEBUG"}
    index = _tracer("index", corpus, "--db", db, "--workers", "2", "--span-bytes", "32768", "--format", "json",
                    env=env)
    traces = [_tracer("trace", STORY, "--claim", CLAIM, "--archive", web, "--offline", "--format", "json",
                      "--db", db, env=env) for _ in range(20)]
    for proc in traces:
        out, err = proc.communicate(timeout=900)
        assert "Traceback" not in err and "locked" not in err, err
        assert proc.returncode == 0, err
        assert json.loads(out)["hops"][0]["evidence"]
    out, err = index.communicate(timeout=900)
    assert index.returncode == 0 and "Traceback" not in err, err
    assert json.loads(out)["documents"] == 2000
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("select finished_at, extra from traces").fetchall()
    assert len(rows) == 20
    assert all(finished for finished, _ in rows)
    assert not any("failed" in json.loads(extra or "{}") for _, extra in rows)


def test_a_writer_waits_for_the_lock_instead_of_failing(tmp_path, monkeypatch):
    """A trace that starts while another process holds the write lock for two seconds waits for it."""
    db_path = tmp_path / "t.db"
    store.open_db(db_path).close()
    web = hostile_warc(tmp_path, "ferry", {STORY: article("The ferry service will stop in June, the harbour "
                                                          "master said.")}, claim=CLAIM)
    holder = sqlite3.connect(db_path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(2.0, holder.commit)
    release.start()
    env = {key: value for key, value in os.environ.items() if key != "TRACER_DEBUG"}
    env["TRACER_BUSY_TIMEOUT"] = "60"
    proc = _tracer("trace", STORY, "--claim", CLAIM, "--archive", web, "--offline", "--db", db_path, env=env)
    out, err = proc.communicate(timeout=300)
    release.join()
    holder.close()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_a_lock_held_past_the_timeout_is_one_line(tmp_path):
    db_path = tmp_path / "t.db"
    store.open_db(db_path).close()
    web = hostile_warc(tmp_path, "ferry", {STORY: article("The ferry service will stop in June, the harbour "
                                                          "master said.")}, claim=CLAIM)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        env = {key: value for key, value in os.environ.items() if key != "TRACER_DEBUG"}
        env["TRACER_BUSY_TIMEOUT"] = "1"
        proc = _tracer("trace", STORY, "--claim", CLAIM, "--archive", web, "--offline", "--db", db_path, env=env)
        out, err = proc.communicate(timeout=300)
    finally:
        holder.rollback()
        holder.close()
    assert proc.returncode == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "locked" in lines[0] and "TRACER_BUSY_TIMEOUT" in lines[0], err


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_trace_that_stops_on_an_error_is_finished_and_marked(tmp_path, error):
    web = hostile_warc(tmp_path, "ferry", {STORY: article("The ferry service will stop in June, the harbour "
                                                          "master said.")}, claim=CLAIM)
    db = store.open_db(tmp_path / "t.db")

    def progress(hop):
        raise error("stopped by the caller")

    with pytest.raises(error):
        trace(STORY, CLAIM, db=db, archives=[str(web)], offline=True, progress=progress)
    row = db.execute("select finished_at, extra from traces").fetchone()
    assert row[0]
    failed = json.loads(row[1])["failed"]
    assert failed == ("interrupted" if error is KeyboardInterrupt else "RuntimeError: stopped by the caller")
