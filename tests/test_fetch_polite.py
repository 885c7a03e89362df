"""Politeness: robots.txt obeyed and cached, per-host pacing, Crawl-delay, User-Agent."""

from __future__ import annotations

import time

from tracer.web.fetch import DEFAULT_USER_AGENT, Fetcher
from tests.servers import page, redirect, serve

ROBOTS = "User-agent: *\nDisallow: /private\nDisallow: /*.pdf$\n"


def fetcher(**options):
    defaults = dict(delay=0, timeout=2, allow_private=True, retries=0)
    defaults.update(options)
    return Fetcher(**defaults)


def test_disallowed_path_is_never_requested():
    routes = {"/robots.txt": page(ROBOTS, content_type="text/plain"), "*": page("<p>ok</p>")}
    with serve(routes) as server, fetcher() as f:
        blocked = f.fetch(server.url("/private/secret.html"))
        wildcard = f.fetch(server.url("/files/report.pdf"))
        allowed = f.fetch(server.url("/public"))
    assert blocked.error == "robots-disallowed" and blocked.status is None
    assert wildcard.error == "robots-disallowed"
    assert allowed.ok
    assert server.paths == ["/robots.txt", "/public"]  # robots.txt read once, cached


def test_redirect_into_disallowed_path_is_not_followed():
    routes = {"/robots.txt": page(ROBOTS, content_type="text/plain"), "/go": redirect("/private/x")}
    with serve(routes) as server, fetcher() as f:
        result = f.fetch(server.url("/go"))
    assert result.error == "robots-disallowed"
    assert "/private/x" not in server.paths


def test_agent_specific_group():
    robots = "User-agent: tracer\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    routes = {"/robots.txt": page(robots, content_type="text/plain"), "*": page("ok")}
    with serve(routes) as server, fetcher() as f:
        assert f.fetch(server.url("/a")).error == "robots-disallowed"


def test_robots_5xx_means_disallow_all():
    routes = {"/robots.txt": page("down", status=500), "*": page("ok")}
    with serve(routes) as server, fetcher() as f:
        assert f.fetch(server.url("/a")).error == "robots-disallowed"
        assert server.paths == ["/robots.txt"]


def test_missing_robots_allows_everything():
    with serve({"/a": page("ok")}) as server, fetcher() as f:
        assert f.fetch(server.url("/a")).ok


def test_respect_robots_off():
    routes = {"/robots.txt": page("User-agent: *\nDisallow: /\n", content_type="text/plain"), "*": page("ok")}
    with serve(routes) as server, fetcher(respect_robots=False) as f:
        assert f.fetch(server.url("/a")).ok
        assert server.paths == ["/a"]


def test_user_agent_is_versioned_with_contact():
    with serve({"/a": page("ok")}) as server, fetcher() as f:
        f.fetch(server.url("/a"))
        agent = server.log[-1][2]["User-Agent"]
    assert agent == DEFAULT_USER_AGENT and agent.startswith("tracer/") and "+http" in agent


def request_gaps(server, path_prefix="/p"):
    times = [t for t, p, _ in server.log]
    return [b - a for a, b in zip(times, times[1:])]


def test_pacing_per_host():
    with serve({"*": page("ok")}) as server, fetcher(delay=0.3) as f:
        for i in range(3):
            f.fetch(server.url(f"/p{i}"))
        gaps = request_gaps(server)
    assert len(gaps) == 3  # robots.txt + 3 pages
    assert min(gaps) >= 0.29


def test_pacing_does_not_slow_other_hosts():
    with serve({"*": page("ok")}) as one, serve({"*": page("ok")}, host="127.0.0.2") as two:
        with fetcher(delay=0.5, respect_robots=False) as f:
            started = time.monotonic()
            f.fetch(one.url("/a"))
            f.fetch(two.url("/a"))
            elapsed = time.monotonic() - started
    assert elapsed < 0.4


def test_crawl_delay_honoured_when_longer():
    routes = {"/robots.txt": page("User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain"),
              "*": page("ok")}
    with serve(routes) as server, fetcher(delay=0.05) as f:
        f.fetch(server.url("/a"))
        f.fetch(server.url("/b"))
        gaps = request_gaps(server)
    assert gaps[-1] >= 0.39


def test_pacing_is_per_server_not_per_port():
    # Two ports of one machine are one server to be polite to.
    with serve({"*": page("ok")}) as one, serve({"*": page("ok")}) as two:
        with fetcher(delay=0.3, respect_robots=False) as f:
            f.fetch(one.url("/a"))
            f.fetch(two.url("/a"))
        assert two.log[0][0] - one.log[0][0] >= 0.29


def test_robots_txt_reread_after_a_day(monkeypatch):
    import tracer.web.fetch as fetch_module

    routes = {"/robots.txt": page("User-agent: *\nAllow: /\n", content_type="text/plain"), "*": page("ok")}
    with serve(routes) as server, fetcher() as f:
        f.fetch(server.url("/a"))
        f.fetch(server.url("/b"))
        monkeypatch.setattr(fetch_module, "ROBOTS_TTL", 0.0)
        f.fetch(server.url("/c"))
    assert server.paths == ["/robots.txt", "/a", "/b", "/robots.txt", "/c"]


def test_delay_from_environment(monkeypatch):
    monkeypatch.setenv("TRACER_DELAY", "0.25")
    assert Fetcher().pacer.delay == 0.25
    assert Fetcher(delay=1).pacer.delay == 1
    monkeypatch.setenv("TRACER_DELAY", "soon")
    assert Fetcher().pacer.delay == 3.0
