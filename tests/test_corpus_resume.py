"""kill -9 in the middle of `tracer index`: the database stays sound and a rerun finishes the job."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tracer.corpus.index import index_warcs
from tracer.fixtures import load_web
from tracer.store import open_db

PAGES = 700


def _big_warc(path):
    """PAGES distinct pages (the seed articles, each with a paragraph of its own), gzip per record."""
    web = load_web("seed")
    bodies = [web.body(p) for p in web.pages]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(PAGES):
            body = bodies[i % len(bodies)].replace(
                b"</article>", f"<p>Local desk note {i}: the story was updated at {i % 24}:00.</p></article>".encode(), 1)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://outlet{i % 40}.example/story/{i}", "response",
                                                          payload=io.BytesIO(body), length=len(body),
                                                          http_headers=headers))
    return path


def _count(db_path, sql):
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_kill_9_mid_index_then_rerun(tmp_path):
    warc = _big_warc(tmp_path / "big.warc.gz")
    db_path = tmp_path / "corpus.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracer", "index", str(warc), "--db", str(db_path), "--workers", "2",
         "--span-bytes", "16384"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    try:
        while _count(db_path, "select count(*) from corpus_docs") < 40:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "index made no progress"
            time.sleep(0.02)
        workers = _children(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the parsing processes notice that their parent is gone and exit
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not [w for w in workers if _running(w)]
    done_before = _count(db_path, "select count(*) from corpus_docs")
    assert 40 <= done_before < PAGES, "the index finished before it could be killed"

    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    conn.execute("insert into sentences_fts(sentences_fts) values('integrity-check')")  # raises if the index is corrupt
    conn.close()

    stats = index_warcs(open_db(db_path), [warc], workers=1, span_bytes=16384)
    assert stats.records < PAGES  # it went on from the last committed span, not from the start
    assert stats.documents == PAGES - done_before and not stats.errors

    conn = sqlite3.connect(db_path)
    one = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
    assert one("select count(*), count(distinct url) from documents") == (PAGES, PAGES)
    assert one("select count(*), count(distinct document_id) from corpus_docs") == (PAGES, PAGES)
    assert one("select count(*), count(distinct warc_offset) from fetches") == (PAGES, PAGES)
    assert one("select count(*) from sentences")[0] == one("select count(*) from sentences_fts")[0]
    assert one("select sum(n_sentences) from corpus_docs")[0] == one("select count(*) from sentences")[0]
    assert one("select finished_at is not null, records from corpus_files") == (1, PAGES)
    assert one("pragma integrity_check") == ("ok",)
    conn.close()
    # and once more: nothing to do
    again = index_warcs(open_db(db_path), [warc], workers=1)
    assert again.files_unchanged == 1 and again.documents == 0
