"""`tracer fetch` and `tracer audit` through the CLI, against loopback servers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tracer.cli import cli
from tracer.web.fetch import Fetcher
from tracer.store import open_db, save_fetch
from tests.servers import page, serve

KEYS = {"url", "final_url", "status", "error", "content_type", "bytes", "sha256", "warc"}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_fetch_jsonl_one_outcome_per_url(tmp_path):
    db = tmp_path / "t.db"
    with serve({"/": page("<p>hello</p>")}) as server:
        result = run("fetch", server.url("/"), server.url("/missing"), "ftp://example.com/x", "--allow-private",
                     "http://127.0.0.1:1/", "--delay", "0", "--timeout", "2",
                     "--db", db, "--format", "jsonl")
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in rows] == [200, 404, None, None]
    # --allow-private lets loopback through; nothing listens on port 1.
    assert [r["error"] for r in rows] == [None, None, "unsupported-scheme", "connection-error"]
    assert all(KEYS <= set(r) for r in rows)
    assert rows[0]["warc"]["path"].startswith(str(tmp_path / "t-warc"))
    assert open_db(db)["fetches"].count == 4


def test_fetch_refuses_loopback_without_flag(tmp_path):
    with serve({"/": page("secret")}) as server:
        result = run("fetch", server.url("/"), "--db", tmp_path / "t.db", "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)[0]["error"] == "private-address"
        assert server.log == []


def test_fetch_bad_arguments_exit_nonzero(tmp_path):
    assert run("fetch", "--db", tmp_path / "t.db").exit_code != 0
    assert run("fetch", "http://x.example/", "--timeout", "-1").exit_code != 0


def test_refetch_within_freshness_reuses_stored_response(tmp_path):
    db = tmp_path / "t.db"
    with serve({"/": page("<p>first</p>")}) as server:
        first = run("fetch", server.url("/"), "--allow-private", "--delay", "0", "--db", db, "--format", "json")
        second = run("fetch", server.url("/"), "--allow-private", "--delay", "0", "--db", db, "--format", "json")
        stale = run("fetch", server.url("/"), "--allow-private", "--delay", "0", "--db", db,
                    "--freshness", "0", "--format", "json")
        requests_made = server.paths.count("/")
    one, two, three = (json.loads(r.stdout)[0] for r in (first, second, stale))
    assert one["origin"] == "live" and two["origin"] == "cache" and three["origin"] == "live"
    assert two["sha256"] == one["sha256"] and two["fetched_at"] == one["fetched_at"]
    assert requests_made == 2


def test_a_copy_stored_with_allow_private_is_not_served_without_it(tmp_path):
    db = tmp_path / "t.db"
    with serve({"/": page("<p>intranet</p>")}) as server:
        first = run("fetch", server.url("/"), "--allow-private", "--delay", "0", "--db", db, "--format", "json")
        again = run("fetch", server.url("/"), "--delay", "0", "--db", db, "--format", "json")
    assert json.loads(first.stdout)[0]["status"] == 200
    assert json.loads(again.stdout)[0]["error"] == "private-address"


def test_audit_detects_flipped_byte_and_missing_file(tmp_path):
    db_path = tmp_path / "t.db"
    with serve({"/a": page("<p>" + "alpha " * 100 + "</p>"), "/b": page("<p>beta</p>")}) as server:
        assert run("fetch", server.url("/a"), server.url("/b"), "--allow-private", "--delay", "0",
                   "--db", db_path).exit_code == 0
    clean = run("audit", "--all", "--db", db_path, "--format", "json")
    assert clean.exit_code == 0 and [f["status"] for f in json.loads(clean.stdout)] == ["ok", "ok"]

    db = open_db(db_path)
    row = db["fetches"].get(1)
    data = bytearray(Path(row["warc_path"]).read_bytes())
    data[row["warc_offset"] + 300] ^= 0x40
    Path(row["warc_path"]).write_bytes(bytes(data))
    tampered = run("audit", "--all", "--db", db_path)
    assert tampered.exit_code == 1
    assert tampered.stdout.splitlines()[0].split()[0] in ("mismatch", "unreadable")
    assert "Traceback" not in tampered.output

    db["fetches"].update(2, {"warc_path": str(tmp_path / "moved.warc.gz")})
    missing = run("audit", "--all", "--db", db_path, "--format", "json")
    assert json.loads(missing.stdout)[1]["status"] == "missing"


def test_audit_needs_trace_or_all(tmp_path):
    assert run("audit", "--db", tmp_path / "t.db").exit_code == 2
    open_db(tmp_path / "t.db").close()
    unknown = run("audit", "7", "--db", tmp_path / "t.db")
    assert unknown.exit_code == 1 and "no trace 7" in unknown.output


def test_audit_of_a_trace(tmp_path):
    db = open_db(tmp_path / "t.db")
    with serve({"/": page("<p>x</p>")}) as server, \
            Fetcher(delay=0, allow_private=True, warc_dir=tmp_path / "w") as fetcher:
        fetch_id = save_fetch(db, fetcher.fetch(server.url("/")))
    trace_id = db["traces"].insert({"claim": "x", "start_url": "http://x"}).last_pk
    db["hops"].insert({"trace_id": trace_id, "depth": 0, "fetch_id": fetch_id})
    result = run("audit", trace_id, "--db", tmp_path / "t.db", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["fetch_id"] == fetch_id


def test_audit_reports_a_row_pointing_at_another_pages_record(tmp_path):
    db_path = tmp_path / "t.db"
    with serve({"/a": page("<p>a</p>"), "/b": page("<p>b</p>")}) as server:
        run("fetch", server.url("/a"), server.url("/b"), "--allow-private", "--delay", "0", "--db", db_path)
    db = open_db(db_path)
    other = db["fetches"].get(2)
    db["fetches"].update(1, {"warc_offset": other["warc_offset"]})
    findings = json.loads(run("audit", "--all", "--db", db_path, "--format", "json").stdout)
    assert findings[0]["status"] == "mismatch"
    assert any(p.startswith("uri-mismatch") for p in findings[0]["problems"])
