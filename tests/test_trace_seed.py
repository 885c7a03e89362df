"""The seed story, end to end: CoinWire -> Reuters -> a confidential UN report (not online)."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web
from webserver import FixtureWebServer

SEED = load_web("seed")
COINWIRE = SEED.start_url
REUTERS = "https://www.reuters.com/article/us-northkorea-cyber-un/north-korea-took-2-billion-in-cyberattacks-to-fund-weapons-program-u-n-report-idUSKCN1UV1ZX"
CLAIM = "North Korea stole $2 billion from banks and crypto exchanges"


def run_json(args, exit_code=0):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == exit_code, result.output + result.stderr
    return json.loads(result.stdout)


def assert_seed_chain(data, coinwire=COINWIRE, reuters=REUTERS):
    hops = data["hops"]
    assert [h["depth"] for h in hops] == [0, 1, 2]
    first, second, third = hops
    assert first["url"] == coinwire and first["status"] == 200
    assert first["source"] == "CoinWire" and first["kind"] == "outlet"
    assert "steal approximately $2 billion" in first["evidence"]
    assert first["cites"]["source"] == "Reuters"
    assert first["cites"]["cue"].lower() == "according to"
    assert first["cites"]["link"] == reuters
    assert "According to the message Reuters" in first["cites"]["sentence"]

    assert second["url"] == reuters and second["status"] == 200
    assert second["source"] == "Reuters" and second["kind"] == "outlet"
    assert "confidential report showed" in second["evidence"]
    assert "$2 billion" in second["evidence"]
    un_report = second["cites"]["source"]
    assert "UN" in un_report and "report" in un_report.lower()
    assert second["cites"]["kind"] == "document"
    assert second["cites"]["link"] is None

    assert third["url"] is None and third["status"] is None
    assert third["source"] == un_report and third["kind"] == "document"
    assert third["evidence"] is None and third["cites"] is None

    assert data["origin"] == {"name": un_report, "url": None, "kind": "document", "reason": "unlinked-source"}
    assert "unlinked-source" in data["flags"]
    assert data["claim"] == CLAIM and data["start_url"] == coinwire


def test_seed_chain_from_warc_cli(seed_warc, tmp_path):
    data = run_json(["trace", COINWIRE, "--claim", CLAIM, "--archive", str(seed_warc), "--offline",
                     "--format", "json", "--db", str(tmp_path / "t.db")])
    assert_seed_chain(data)


def test_seed_chain_python_api(seed_warc, tmp_path):
    result = trace(COINWIRE, CLAIM, db=str(tmp_path / "api.db"), archives=[seed_warc], offline=True)
    assert [h.source for h in result.hops][:2] == ["CoinWire", "Reuters"]
    assert result.origin.reason == "unlinked-source"
    assert_seed_chain(result.to_json())


def test_seed_chain_over_real_http(tmp_path):
    with FixtureWebServer(SEED) as server:
        data = run_json(["trace", server.url(COINWIRE), "--claim", CLAIM, "--allow-private",
                         "--format", "json", "--db", str(tmp_path / "http.db")])
        # robots.txt first (one host for all pages here), then each page once, in chain order
        pages = [p for p in server.requests if not p.endswith("/robots.txt")]
        assert pages == [server.local_path(COINWIRE), server.local_path(REUTERS)]
    assert_seed_chain(data, coinwire=server.url(COINWIRE), reuters=server.url(REUTERS))


def test_loopback_refused_without_allow_private(tmp_path):
    with FixtureWebServer(SEED) as server:
        data = run_json(["trace", server.url(COINWIRE), "--claim", CLAIM, "--format", "json",
                         "--db", str(tmp_path / "x.db")], exit_code=3)  # no chain: the start page was not read
    assert server.requests == []  # refused before any request was made
    assert data["origin"]["reason"] == "fetch-error"
    assert data["hops"][0]["error"] == "private-address"


@pytest.mark.parametrize(
    "claim, origin_name",
    [
        ("Lazarus stole $571 million", "Group-IB"),
        ("North Korean hackers tried to phish Upbit users", "East Security"),
    ],
)
def test_other_seed_claims_end_at_named_sources(seed_warc, tmp_path, claim, origin_name):
    data = run_json(["trace", COINWIRE, "--claim", claim, "--archive", str(seed_warc), "--offline",
                     "--format", "json", "--db", str(tmp_path / "o.db")])
    assert len(data["hops"]) == 2
    assert data["hops"][0]["source"] == "CoinWire"
    assert data["hops"][0]["cites"]["source"] == origin_name
    assert data["hops"][0]["cites"]["link"] is None
    assert data["hops"][1] == {**data["hops"][1], "url": None, "source": origin_name}
    assert data["origin"]["name"] == origin_name
    assert data["origin"]["url"] is None
    assert data["origin"]["reason"] == "unlinked-source"


def test_claim_not_on_page(seed_warc, tmp_path):
    data = run_json(["trace", COINWIRE, "--claim", "Iran mined 40 tonnes of gold in Peru", "--archive",
                     str(seed_warc), "--offline", "--format", "json", "--db", str(tmp_path / "n.db")], exit_code=3)
    assert len(data["hops"]) == 1
    assert data["hops"][0]["evidence"] is None
    assert data["origin"]["reason"] == "claim-not-found"


def test_url_in_no_archive_is_not_archived(seed_warc, tmp_path):
    data = run_json(["trace", "https://nowhere.example/story", "--claim", CLAIM, "--archive", str(seed_warc),
                     "--offline", "--format", "json", "--db", str(tmp_path / "na.db")], exit_code=3)
    assert data["hops"][0]["error"] == "not-archived"
    assert data["origin"]["reason"] == "not-archived"


def test_every_hop_is_stored_for_audit(seed_warc, tmp_path):
    db_path = tmp_path / "audit.db"
    result = trace(COINWIRE, CLAIM, db=str(db_path), archives=[seed_warc], offline=True)
    db = store.open_db(db_path)
    fetches = list(db["fetches"].rows_where(order_by="id"))
    assert [f["requested_url"] for f in fetches] == [COINWIRE, REUTERS]
    for fetch, page in zip(fetches, SEED.pages):
        assert fetch["status"] == 200 and fetch["origin"] == "archive"
        assert fetch["sha256"] == hashlib.sha256(SEED.body(page)).hexdigest()
        # the replayed record is copied into tracer's own WARC beside the database; detail names the source
        assert fetch["warc_path"].startswith(str(tmp_path / "audit-warc") + "/") and fetch["warc_offset"] is not None
        assert fetch["detail"].startswith(f"replayed from {seed_warc}@")
        assert fetch["fetched_at"][:4] in ("2019", "2026", "2027") and "T" in fetch["fetched_at"]
    hops = store.hop_rows(db, result.id)
    assert [h["depth"] for h in hops] == [0, 1, 2]
    assert hops[0]["cite_cue"].lower() == "according to" and hops[0]["cite_link"] == REUTERS
    assert hops[0]["resolved_by"] == "link"
    assert hops[0]["evidence"] and hops[0]["evidence_start"] < hops[0]["evidence_end"]
    assert hops[0]["fetch_id"] == fetches[0]["id"] and hops[1]["fetch_id"] == fetches[1]["id"]
    assert hops[1]["parent_hop_id"] == hops[0]["id"] and hops[2]["parent_hop_id"] == hops[1]["id"]
    assert [h["stop_reason"] for h in hops] == [None, None, "unlinked-source"]
    trace_row = db["traces"].get(result.id)
    assert trace_row["reason"] == "unlinked-source" and trace_row["finished_at"]
    # the document and its attributions are kept too
    doc = db["documents"].get(hops[0]["document_id"])
    assert doc["publisher"] == "CoinWire" and doc["published"].startswith("2019-08-06")
    sources = {r["source_name"] for r in db["attributions"].rows_where("document_id = ?", [doc["id"]])}
    assert {"Reuters", "Group-IB", "East Security"} <= sources
    # and the stored trace reads back as the same JSON
    assert store.load_trace(db, result.id).to_json() == result.to_json()


def test_text_output_reads_as_a_chain(seed_warc, tmp_path):
    result = CliRunner().invoke(cli, ["trace", COINWIRE, "--claim", CLAIM, "--archive", str(seed_warc),
                                      "--offline", "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Claim: {CLAIM}"
    assert lines[1].startswith("[0] CoinWire (200) https://coinwire.example/")
    assert any(line.startswith("[1] Reuters (200) https://www.reuters.com/") for line in lines)
    assert any(line.startswith("[2] ") and "not online" in line for line in lines)
    origin = next(line for line in lines if line.startswith("Origin: "))
    assert "a UN confidential report (document, not online) — unlinked-source" in origin
    assert any(line.startswith("Verdict: Traced to a primary document") for line in lines)


def test_demo_prints_the_seed_chain():
    result = CliRunner().invoke(cli, ["demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert_seed_chain(json.loads(result.stdout))
    text = CliRunner().invoke(cli, ["demo"])
    assert "CoinWire" in text.stdout and "Reuters" in text.stdout and "not online" in text.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["trace", "not a url", "--claim", "x"], "is not an http(s) URL"),
        (["trace", "ftp://example.com/x", "--claim", "x"], "is not an http(s) URL"),
        (["trace", COINWIRE, "--claim", "x", "--archive", "/no/such/file.warc.gz"], "does not exist"),
        (["trace", COINWIRE], "Missing option '--claim'"),
        (["trace", COINWIRE, "--claim", "x", "--db", "/no/such/dir/t.db"], "does not exist"),
    ],
)
def test_bad_arguments_give_one_line_errors(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_corrupt_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(cli, ["trace", COINWIRE, "--claim", "x", "--offline", "--db", str(bad)])
    assert result.exit_code == 1
    assert "cannot open database" in result.stderr
    assert bad.read_bytes() == b"this is not a database" * 100  # nothing overwritten
