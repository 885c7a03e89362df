"""`tracer serve`: Datasette on the audit database, on loopback, with the canned audit queries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from report_fixtures import SEED, SEED_CLAIM, seed_trace
from tracer.cli import cli
from tracer.serve import METADATA_PATH, metadata_for

pytest.importorskip("datasette", reason="Datasette is an optional extra: pip install 'citation-tracer[datasette]'")

REUTERS = SEED.pages[1].url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path, seed_warc):
    stored = seed_trace(tmp_path, seed_warc)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracer", "serve", "--db", str(stored.db_path), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/-/versions.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out, err = proc.communicate(timeout=5) if proc.poll() is not None else (b"", b"")
                pytest.fail(f"tracer serve did not start: {err.decode()[-2000:]}")
            time.sleep(0.2)
        yield base, stored
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def query(base, name, **params):
    r = requests.get(f"{base}/seed/{name}.json", params={**params, "_shape": "array"}, timeout=10)
    assert r.status_code == 200, r.text[:500]
    return r.json()


def test_canned_query_returns_the_seed_chain(served):
    base, stored = served
    hops = query(base, "trace_hops", trace_id=stored.trace_id)
    assert [h["depth"] for h in hops] == [0, 1, 2]
    assert [h["source"] for h in hops][:2] == ["CoinWire", "Reuters"]
    assert hops[0]["url"] == SEED.start_url and hops[0]["cite_link"] == REUTERS
    assert hops[0]["cite_cue"].lower() == "according to" and "steal approximately $2 billion" in hops[0]["evidence"]
    assert hops[1]["status"] == 200 and hops[1]["fetched_from"] == "archive" and len(hops[1]["sha256"]) == 64
    assert hops[2]["url"] is None and hops[2]["stop_reason"] == "unlinked-source"

    chains = query(base, "chains_by_claim", claim="north korea stole")
    assert len(chains) == 1 and chains[0]["trace_id"] == stored.trace_id
    assert chains[0]["claim"] == SEED_CLAIM and chains[0]["hops"] == 3
    assert chains[0]["chain"].startswith("CoinWire → Reuters → ") and chains[0]["reason"] == "unlinked-source"

    fetches = query(base, "fetches_by_host", host="reuters.com", status="200")
    assert [f["requested_url"] for f in fetches] == [REUTERS] and fetches[0]["host"] == "www.reuters.com"
    assert query(base, "fetches_by_host", host="", status="404") == []
    assert len(query(base, "fetches_by_host", host="", status="")) == 2
    counts = query(base, "fetch_counts")
    assert {(c["host"], c["status"], c["fetches"]) for c in counts} == {
        ("coinwire.example", 200, 1), ("www.reuters.com", 200, 1)}

    citing = query(base, "documents_citing", source="Reuters")
    assert SEED.start_url in {d["url"] for d in citing}
    assert {"attribution", "link"} <= {d["found_by"] for d in citing}
    assert query(base, "documents_citing", source="") == []


def test_tables_and_columns_are_described(served):
    base, _ = served
    meta = requests.get(f"{base}/-/metadata.json", timeout=10).json()
    tables = meta["databases"]["seed"]["tables"]
    assert {"traces", "hops", "fetches", "documents", "links", "attributions"} <= set(tables)
    assert "evidence" in tables["hops"]["columns"] and tables["fetches"]["description"]
    page = requests.get(f"{base}/seed/hops", timeout=10).text
    assert tables["hops"]["description"].split(":")[0] in page


def test_metadata_covers_every_column_of_the_schema(tmp_path):
    from tracer import store

    db = store.open_db(tmp_path / "audit.db")
    meta = metadata_for(tmp_path / "audit.db")
    assert list(meta["databases"]) == ["audit"]
    tables = meta["databases"]["audit"]["tables"]
    for table, info in tables.items():
        assert set(info["columns"]) == set(db[table].columns_dict), table
    queries = meta["databases"]["audit"]["queries"]
    assert {"chains_by_claim", "trace_hops", "fetches_by_host", "documents_citing"} <= set(queries)
    for name, q in queries.items():  # every canned query runs on an empty database
        params = {p: "" for p in ("claim", "trace_id", "host", "status", "source") if f":{p}" in q["sql"]}
        db.execute(q["sql"], params).fetchall()
    assert json.loads(METADATA_PATH.read_text())["title"]


def test_serve_refuses_what_is_not_a_tracer_database(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no database at" in result.stderr
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite" * 100)
    result = CliRunner().invoke(cli, ["serve", "--db", str(bad)])
    assert result.exit_code == 1 and "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
