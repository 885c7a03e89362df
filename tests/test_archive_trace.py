"""Link rot inside a trace: dead links continued from web-archive captures (loopback Memento server).

The "live web" is the rot-dead fixture web replayed from its WARC (its dead links are recorded
404/503 answers); the archive is a Memento/CDX server on 127.0.0.1 answering from the
rot-dead-archive WARC. Archive requests go through the trace's own fetcher.
"""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from memento_server import MementoServer
from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web

WEB = load_web("rot-dead")
JOBS = WEB.start_url
JOBS_CLAIM = WEB.claim
TRIBUNE = "https://harbortribune.example/news/2021/03/04/city-lost-jobs/"
STATS = "https://stats.example/releases/2021/employment-annual/"
PORT = "https://dailybrief.example/2021/04/02/port-traffic/"
PORT_CLAIM = "Container traffic at the port fell by 12 percent in March"
BRIDGE = "https://dailybrief.example/2021/05/20/bridge-repairs/"
BRIDGE_CLAIM = "The North Bridge repairs will cost 18 million euros"

FAST = {"delay": 0, "retries": 0, "timeout": 3}


@pytest.fixture
def live(web_warc):
    return str(web_warc("rot-dead"))


@pytest.fixture
def memento(web_warc):
    with MementoServer([web_warc("rot-dead-archive")]) as server:
        yield server


def run(url, claim, live, endpoints, tmp_path, **options):
    return trace(url, claim, db=str(tmp_path / "t.db"), archives=[live], allow_private=True,
                 memento=endpoints, **{**FAST, **options})


def test_dead_link_resumed_from_closest_prior_capture(live, memento, tmp_path):
    result = run(JOBS, JOBS_CLAIM, live, [memento.timegate], tmp_path)
    hops = result.hops
    assert [h.url for h in hops] == [JOBS, TRIBUNE, STATS]
    tribune = hops[1]
    assert tribune.status == 404 and tribune.error is None
    assert "archived-copy" in tribune.flags and "archived-after-citation" not in tribune.flags
    archived = tribune.extra["archived"]
    assert archived["captured_at"] == "2021-03-05T12:00:00Z"  # before the Daily Brief's 2021-03-10, not the 2022 one
    assert archived["url"].startswith(memento.base + "/web/20210305120000id_/")
    assert archived["original_url"] == TRIBUNE and archived["original_status"] == 404
    assert archived["after_citation"] is False
    assert "40,000 jobs" in tribune.evidence and tribune.cites.link == STATS
    # ... and the chain then reaches its origin, the statistics office, live
    assert result.origin.reason == "no-further-attribution" and result.origin.url == STATS
    assert "archived-copy" in result.flags and "broken-link" not in result.flags

    # stored for audit: the hop's JSON, the archive's answers and the capture as fetches
    db = store.open_db(tmp_path / "t.db")
    stored = store.load_trace(db, result.id)
    assert stored.hops[1].extra["archived"] == archived
    fetched = {r["requested_url"]: r for r in db["fetches"].rows}
    assert fetched[TRIBUNE]["status"] == 404
    assert any("/web/timemap/link/" in u for u in fetched)
    capture = fetched[archived["url"]]
    assert capture["status"] == 200 and capture["sha256"] == tribune.sha256 and capture["id"] == tribune.fetch_id


def test_cdx_endpoint_in_a_trace(live, memento, tmp_path):
    result = run(JOBS, JOBS_CLAIM, live, [memento.cdx], tmp_path)
    assert result.hops[1].extra["archived"]["captured_at"] == "2021-03-05T12:00:00Z"
    assert result.origin.url == STATS


def test_url_no_archive_holds_ends_as_broken_link(live, memento, tmp_path):
    result = run(PORT, PORT_CLAIM, live, [memento.timegate], tmp_path)
    last = result.hops[-1]
    assert result.origin.reason == "broken-link" and last.status == 404
    assert "broken-link" in last.flags and "archived-copy" not in last.flags
    lookup = last.extra["archive_lookup"]
    assert lookup["found"] is False and lookup["reason"] == "dead-link"
    assert lookup["lookups"][0]["status"] == 404


def test_capture_only_after_the_citing_date_is_used_and_flagged(live, memento, tmp_path):
    result = run(BRIDGE, BRIDGE_CLAIM, live, [memento.timegate], tmp_path)
    metro = result.hops[1]
    assert metro.status == 503
    assert {"archived-copy", "archived-after-citation"} <= set(metro.flags)
    assert metro.extra["archived"]["after_citation"] is True
    assert metro.extra["archived"]["captured_at"] == "2021-06-15T18:00:00Z"
    assert metro.extra["archived"]["cited_before"] == "2021-05-20T08:00:00Z"
    assert "18 million euros" in metro.evidence


def test_unreachable_archive_is_recorded_not_a_crash(live, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/web/"
    result = run(JOBS, JOBS_CLAIM, live, [dead], tmp_path)
    assert result.origin.reason == "broken-link"
    lookup = result.hops[-1].extra["archive_lookup"]
    assert lookup["lookups"][0]["error"] == "connection-error"


def test_slow_archive_is_recorded_not_a_crash(live, web_warc, tmp_path):
    with MementoServer([web_warc("rot-dead-archive")], delay=2) as slow:
        result = run(JOBS, JOBS_CLAIM, live, [slow.timegate], tmp_path, timeout=0.5)
    assert result.origin.reason == "broken-link"
    assert result.hops[-1].extra["archive_lookup"]["lookups"][0]["error"] == "timeout"


def test_no_archive_fallback_and_offline_never_ask(live, memento, tmp_path):
    result = run(JOBS, JOBS_CLAIM, live, [memento.timegate], tmp_path, archive_fallback=False)
    assert result.origin.reason == "broken-link" and "archive_lookup" not in result.hops[-1].extra
    result = run(JOBS, JOBS_CLAIM, live, [memento.timegate], tmp_path, offline=True)
    assert result.origin.reason == "broken-link"
    assert memento.requests == []


def test_cli_memento_option(live, memento, tmp_path):
    args = ["trace", JOBS, "--claim", JOBS_CLAIM, "--archive", live, "--allow-private",
            "--memento", memento.timegate, "--format", "json", "--db", str(tmp_path / "c.db")]
    # the CLI's fetcher is polite (seconds between requests to one host); the test waits for it
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["hops"][1]["archived"]["captured_at"] == "2021-03-05T12:00:00Z"
    assert "archived-copy" in data["hops"][1]["flags"]
    assert data["origin"]["reason"] == "no-further-attribution"

    out = CliRunner().invoke(cli, args + ["--no-archive-fallback"])
    assert json.loads(out.stdout)["origin"]["reason"] == "broken-link"


def test_a_bug_in_the_fallback_is_an_outcome_not_a_crash(live, memento, tmp_path, monkeypatch):
    from tracer.web import archive

    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr(archive, "fallback", broken)
    result = run(JOBS, JOBS_CLAIM, live, [memento.timegate], tmp_path)
    assert result.origin.reason == "broken-link"
    assert result.hops[-1].extra["archive_lookup"] == {"error": "internal-error: ValueError"}
