"""The audit trail stands on its own: paths stored absolute, and every body replayed from a
user's archive copied into tracer's own WARC, so `tracer audit` verifies from any folder after
the user's archive is moved away."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tracer.cli import cli
from tracer.fixtures import build_warc, load_web

SEED = load_web("seed")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rows(db: Path, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def test_audit_from_elsewhere_after_the_archive_is_moved(tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "warcs").mkdir(parents=True)
    monkeypatch.chdir(work)
    build_warc(SEED, "warcs/seed.warc.gz")
    traced = invoke("trace", SEED.start_url, "--claim", SEED.claim, "--archive", "warcs/seed.warc.gz", "--offline",
                    "--db", "cases.db")
    assert traced.exit_code == 0, traced.output
    db = work / "cases.db"
    # every stored path is absolute: the database means the same from any folder
    fetches = rows(db, "select * from fetches order by id")
    assert len(fetches) == 2 and all(Path(f["warc_path"]).is_absolute() for f in fetches)
    assert all(f["warc_path"].startswith(str(work / "cases-warc")) for f in fetches)  # tracer's own copies
    assert all(f["detail"].startswith(f"replayed from {work / 'warcs' / 'seed.warc.gz'}@") for f in fetches)
    options = json.loads(rows(db, "select options from traces")[0]["options"])
    assert options["archives"] == [str(work / "warcs" / "seed.warc.gz")]

    shutil.move(work / "warcs", tmp_path / "moved-away")  # the user tidies up
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    audit = invoke("audit", "--all", "--db", db)
    assert audit.exit_code == 0, audit.output
    assert "2 of 2 records match" in audit.stderr
    by_trace = invoke("audit", "1", "--db", db, "--format", "json")
    assert by_trace.exit_code == 0 and {f["status"] for f in json.loads(by_trace.stdout)} == {"ok"}


def test_the_copy_keeps_the_capture_date_and_says_where_it_came_from(tmp_path, seed_warc):
    db = tmp_path / "t.db"
    assert invoke("trace", SEED.start_url, "--claim", SEED.claim, "--archive", seed_warc, "--offline",
                  "--db", db).exit_code == 0
    first = rows(db, "select * from fetches order by id")[0]
    with open(first["warc_path"], "rb") as stream:
        stream.seek(first["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        body = record.content_stream().read()
    headers = record.rec_headers
    assert record.rec_type == "response" and headers.get_header("WARC-Target-URI") == SEED.start_url
    assert headers.get_header("WARC-Date").startswith(SEED.captured_at[:10])  # when it was captured, not copied
    assert headers.get_header("WARC-Tracer-Copied-From") == f"{seed_warc}@0"
    assert headers.get_header("WARC-Refers-To").startswith("<urn:uuid:")
    assert body == SEED.body(SEED.pages[0])


def test_replaying_the_same_archive_again_stores_revisits_not_copies(tmp_path, seed_warc):
    db = tmp_path / "t.db"
    for _ in range(3):
        assert invoke("trace", SEED.start_url, "--claim", SEED.claim, "--archive", seed_warc, "--offline",
                      "--db", db).exit_code == 0
    kinds = []
    for path in sorted((tmp_path / "t-warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            kinds += [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds.count("response") == 2 and kinds.count("revisit") == 4
    audit = invoke("audit", "--all", "--db", db)
    assert audit.exit_code == 0 and "6 of 6 records match" in audit.stderr
