"""Live fetching against loopback servers that misbehave on purpose (real sockets, no mocks)."""

from __future__ import annotations

import gzip
import time
import tracemalloc

import pytest

from tracer.web.fetch import Fetcher
from tests.servers import (drip, gzip_bomb, huge_body, never_answers, page, redirect,
                           reset_connection, sequence, serve)

TIMEOUT = 1.0
MARGIN = 2.0  # seconds allowed beyond the timeout (thread scheduling on a busy CI machine)


def fetcher(**options):
    defaults = dict(delay=0, timeout=TIMEOUT, allow_private=True, retries=1, backoff=0.05,
                    max_bytes=2 * 1024 * 1024)
    defaults.update(options)
    return Fetcher(**defaults)


def timed_fetch(routes, path="/", **options):
    with serve(routes) as server, fetcher(**options) as f:
        started = time.monotonic()
        result = f.fetch(server.url(path))
        elapsed = time.monotonic() - started
    return result, elapsed, server


def test_plain_page():
    result, _, _ = timed_fetch({"/": page("<html><body><p>Hello</p></body></html>")})
    assert result.ok and result.origin == "live" and "Hello" in result.text
    assert result.fetched_at.endswith("Z") and len(result.sha256) == 64


def test_response_that_never_comes():
    result, elapsed, _ = timed_fetch({"/": never_answers(10)})
    assert result.error == "timeout" and result.status is None
    assert elapsed < TIMEOUT + MARGIN


def test_drip_in_body_hits_the_total_deadline():
    result, elapsed, _ = timed_fetch({"/": drip(interval=0.1, total=100)})
    assert result.error == "timeout" and result.status == 200
    assert elapsed < TIMEOUT + MARGIN


def test_drip_in_headers_hits_the_total_deadline():
    result, elapsed, _ = timed_fetch({"/": drip(interval=0.1, total=100, in_headers=True)})
    assert result.error == "timeout" and result.status is None
    assert elapsed < TIMEOUT + MARGIN


def test_connection_reset():
    result, elapsed, server = timed_fetch({"/": reset_connection})
    assert result.error == "connection-error" and result.status is None
    assert server.paths.count("/") == 2  # one retry, bounded
    assert elapsed < TIMEOUT + MARGIN


def test_500_is_retried_then_recorded():
    result, elapsed, server = timed_fetch({"/": page("oops", status=500)})
    assert result.status == 500 and not result.ok
    assert server.paths.count("/") == 2
    assert elapsed < TIMEOUT + MARGIN


def test_429_then_200_waits_for_retry_after():
    routes = {"/": sequence(page("slow down", status=429, Retry_After="1"), page("<p>fine</p>"))}
    result, elapsed, server = timed_fetch(routes)
    assert result.ok and "fine" in result.text
    first, second = [t for t, p, _ in server.log if p == "/"]
    assert second - first >= 0.95
    assert elapsed < 1 + MARGIN


def test_retry_after_beyond_cap_is_not_waited_for():
    result, elapsed, _ = timed_fetch({"/": page("busy", status=503, Retry_After="3600")})
    assert result.status == 503 and elapsed < MARGIN


def peak_python_memory_mb(action):
    """Run action under tracemalloc; (its result, peak MB allocated meanwhile)."""
    tracemalloc.start()
    try:
        value = action()
        return value, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_500_mb_body_is_refused_while_streaming():
    (result, elapsed, _), peak_mb = peak_python_memory_mb(lambda: timed_fetch({"/": huge_body(declare_length=False)}))
    assert result.error == "too-large" and result.status == 200 and result.body == b""
    assert elapsed < TIMEOUT + MARGIN
    assert peak_mb < 20  # the cap is 2 MB: raw bytes kept plus the truncated WARC record


def test_declared_500_mb_is_refused_before_reading():
    result, elapsed, _ = timed_fetch({"/": huge_body()})
    assert result.error == "too-large" and elapsed < MARGIN


def test_gzip_bomb_is_refused_not_inflated():
    bomb = gzip_bomb(64 * 1024 * 1024)  # ~64 KB on the wire, 32 times the cap
    (result, elapsed, _), peak_mb = peak_python_memory_mb(lambda: timed_fetch({"/": bomb}))
    assert result.error == "too-large" and elapsed < TIMEOUT + MARGIN
    assert peak_mb < 20


def test_gzip_page_is_inflated():
    body = gzip.compress("<p>Zürich</p>".encode())
    result, _, _ = timed_fetch({"/": page(body, Content_Encoding="gzip")})
    assert result.ok and "Zürich" in result.text


def test_redirect_loop():
    routes = {"/a": redirect("/b"), "/b": redirect("/a")}
    result, _, _ = timed_fetch(routes, "/a")
    assert result.error == "redirect-loop"
    assert [r.status for r in result.redirects] == [302, 302]


def test_redirect_cap():
    routes = {f"/{i}": redirect(f"/{i + 1}", 301) for i in range(10)}
    result, _, _ = timed_fetch(routes, "/0", max_redirects=3)
    assert result.error == "too-many-redirects" and len(result.redirects) == 4


def test_redirects_recorded():
    routes = {"/old": redirect("/new", 301), "/new": page("<p>new</p>")}
    result, _, server = timed_fetch(routes, "/old")
    assert result.ok and result.final_url == server.url("/new")
    assert [(r.status, r.location) for r in result.redirects] == [(301, server.url("/new"))]


def test_latin1_page():
    body = "<html><body><p>Ça coûte 5 €? Non: 5 livres.</p></body></html>".replace("€", "E").encode("latin-1")
    result, _, _ = timed_fetch({"/": page(body, content_type="text/html; charset=ISO-8859-1")})
    assert "Ça coûte" in result.text


def test_undeclared_cp1252_page():
    body = "<html><body><p>“Quoted” – naïve café</p></body></html>".encode("cp1252")
    result, _, _ = timed_fetch({"/": page(body, content_type="text/html")})
    assert "“Quoted” – naïve café" in result.text and result.encoding == "cp1252"


def test_meta_charset():
    body = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'.encode("cp1251")
    result, _, _ = timed_fetch({"/": page(body, content_type="text/html")})
    assert "Привет" in result.text


def test_binary_body_recorded_not_parsed():
    body = bytes(range(256)) * 100
    result, _, _ = timed_fetch({"/": page(body, content_type="application/pdf")})
    assert result.ok and result.text is None and not result.is_html
    assert result.content_type == "application/pdf" and len(result.body) == 25600


def test_404():
    result, _, _ = timed_fetch({}, "/missing")
    assert result.status == 404 and result.error is None and not result.ok


def test_malformed_html_is_still_text():
    result, _, _ = timed_fetch({"/": page("<html><body><p>unclosed <b>bold <div></p></span>")})
    assert result.ok and "unclosed" in result.text


def test_connection_refused():
    with serve({}) as server:
        url = server.url("/")
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error == "connection-error" and result.status is None


def test_utf8_page_with_a_stray_byte_stays_utf8():
    body = ("<p>" + "Zürich, Genève, Besançon. " * 20 + "</p>").encode() + b"\x93oops\x94"
    result, _, _ = timed_fetch({"/": page(body, content_type="text/html")})
    assert "Zürich, Genève" in result.text and result.encoding == "utf-8"


def test_wrong_declared_charset_does_not_garble():
    body = "<p>“Quoted” café</p>".encode("cp1252")
    result, _, _ = timed_fetch({"/": page(body, content_type="text/html; charset=utf-8")})
    assert "“Quoted” café" in result.text


def test_unknown_charset_label_is_ignored():
    result, _, _ = timed_fetch({"/": page("<p>café</p>".encode(), content_type="text/html; charset=x-bogus")})
    assert "café" in result.text


def _raw(data: bytes):
    return lambda request: request.wfile.write(data)


@pytest.mark.parametrize("data,status,error", [
    (b"HELLO THERE\r\n\r\n", None, "bad-response"),
    (b"<html>HTTP/0.9 style</html>", None, "bad-response"),
    (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n", None, "bad-response"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 200, "connection-error"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", 200, "bad-content-encoding"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 5\r\n\r\nhello", 200, "unsupported-content-encoding"),
    (b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n", 302, "invalid-redirect"),
])
def test_broken_http_is_an_outcome(data, status, error):
    result, elapsed, _ = timed_fetch({"/": _raw(data)})
    assert (result.status, result.error) == (status, error)
    assert elapsed < TIMEOUT + MARGIN


def test_hung_dns_resolver_hits_the_timeout(monkeypatch):
    from tracer.web import guard

    def slow_resolver(*args, **kwargs):
        time.sleep(TIMEOUT + MARGIN + 0.5)
        return []

    monkeypatch.setattr(guard.socket, "getaddrinfo", slow_resolver)
    with fetcher(respect_robots=False) as f:
        started = time.monotonic()
        result = f.fetch("http://slow-dns.example/")
        elapsed = time.monotonic() - started
    assert result.error == "timeout" and elapsed < TIMEOUT + MARGIN


def test_a_connection_closed_before_any_response_is_sent_once_more():
    """Servers close idle keep-alive connections (and busy ones drop fresh ones): a GET that got
    not a byte of answer never reached the handler's side effects, so it goes out again once."""
    served = page("<p>ok</p>")
    hung_up = []

    def hangs_up_the_first_time(request):
        if not hung_up:
            hung_up.append(request.path)
            request.close_connection = True  # hang up without a byte of response
            return
        served(request)

    with serve({"/robots.txt": page("", status=404, content_type="text/plain"),
                "/b": hangs_up_the_first_time}) as server, fetcher(retries=0) as f:
        result = f.fetch(server.url("/b"))
    assert result.status == 200 and result.error is None
    assert server.paths.count("/b") == 2  # dropped unanswered, then sent again


def test_a_server_that_always_hangs_up_is_a_connection_error():
    def hangs_up(request):
        request.close_connection = True

    with serve({"/robots.txt": page("", status=404, content_type="text/plain"), "/x": hangs_up}) as server, \
            fetcher(retries=0) as f:
        result = f.fetch(server.url("/x"))
    assert result.error == "connection-error" and result.status is None
    assert server.paths.count("/x") == 2  # one resend, no more
