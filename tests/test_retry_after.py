"""Retry-After as a server means it (loopback servers, real sockets): up to the cap it is
waited for before the next request to that host, retried or not; past the cap the host is not
asked again for the rest of the run, and the audit trail says why."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from servers import page, serve
from tracer.cli import cli
from tracer.web.fetch import DEFAULT_MAX_RETRY_AFTER, Fetcher


def fetcher(**options):
    return Fetcher(**{"delay": 0, "timeout": 5, "allow_private": True, "retries": 1, "backoff": 0.05, **options})


def request_times(server, path):
    return [t for t, p, _ in server.log if p == path]


def test_retry_after_past_the_cap_pauses_the_host_for_the_run():
    routes = {"/busy": page("come back tomorrow", status=503, Retry_After="3600"), "*": page("<p>fine</p>")}
    with serve(routes) as server, serve({"*": page("<p>elsewhere</p>")}) as other, fetcher() as f:
        busy = f.fetch(server.url("/busy"))
        later = f.fetch(server.url("/story"))
        elsewhere = f.fetch(other.url("/story").replace("127.0.0.1", "localhost"))
    assert busy.status == 503 and busy.error is None
    assert server.paths.count("/busy") == 1  # not retried: an hour is past the cap
    # the next page on that host is not requested at all, and says why
    assert later.error == "host-paused" and later.status is None
    assert "/story" not in server.paths
    assert "Retry-After 3600 s" in later.detail and f"{DEFAULT_MAX_RETRY_AFTER:.0f} s" in later.detail
    assert busy.detail == later.detail
    pause = f.paused["127.0.0.1"]
    assert (pause.status, pause.retry_after, pause.url) == (503, 3600.0, server.url("/busy"))
    assert elsewhere.ok  # another host is not paused


def test_retry_after_within_the_cap_holds_the_next_request_even_without_a_retry_left():
    routes = {"/busy": page("slow down", status=429, Retry_After="2"), "*": page("<p>fine</p>")}
    with serve(routes) as server, fetcher(retries=0) as f:
        busy = f.fetch(server.url("/busy"))
        after = f.fetch(server.url("/next"))
    assert busy.status == 429 and after.ok and after.detail is None
    (asked,), (next_asked,) = request_times(server, "/busy"), request_times(server, "/next")
    assert next_asked - asked >= 1.95


def test_a_paused_host_is_recorded_in_the_audit_store(tmp_path):
    db = tmp_path / "f.db"
    routes = {"/a": page("maintenance", status=503, Retry_After="86400"), "*": page("<p>b</p>")}
    with serve(routes) as server:
        result = CliRunner().invoke(cli, ["fetch", server.url("/a"), server.url("/b"), "--allow-private",
                                          "--delay", "0", "--format", "jsonl", "--db", str(db)])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["status"] == 503 and second["error"] == "host-paused"
    assert "Retry-After 86400 s" in second["detail"] and server.paths.count("/b") == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select error, detail from fetches order by id").fetchall()
    assert rows[1][0] == "host-paused" and "not asked again in this run" in rows[1][1]
    assert rows[0][1] == rows[1][1]  # the 503 that caused it carries the same explanation


def test_a_cited_page_that_asks_to_be_asked_later_is_unavailable_not_dead(tmp_path):
    routes = {"/robots.txt": page("", status=404, content_type="text/plain"),
              "*": page("down for maintenance", status=503, Retry_After="7200")}
    with serve(routes) as source:
        cited = source.url("/figures").replace("127.0.0.1", "localhost")
        story = (f"<html><head><title>Ferry fares</title></head><body><article><p>Ferry fares will rise by 12 "
                 f"percent in May, <a href='{cited}'>the harbour board said</a>.</p></article></body></html>")
        with serve({"*": page(story)}) as outlet:
            result = CliRunner().invoke(cli, ["trace", outlet.url("/story"), "--claim", "Ferry fares will rise 12 percent",
                                              "--allow-private", "--delay", "0", "--no-archive-fallback",
                                              "--format", "json", "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["hops"][1]["status"] == 503
    verdict = data["credibility"]["verdict"]
    assert "unavailable (503" in verdict and "is dead" not in verdict


def test_a_robots_txt_that_asks_for_hours_pauses_the_host():
    routes = {"/robots.txt": page("", status=503, Retry_After="7200", content_type="text/plain"),
              "*": page("<p>fine</p>")}
    with serve(routes) as server, fetcher() as f:
        first, second = f.fetch(server.url("/a")), f.fetch(server.url("/b"))
    assert first.error == second.error == "host-paused" and "Retry-After 7200 s" in first.detail
    assert server.paths == ["/robots.txt"]
