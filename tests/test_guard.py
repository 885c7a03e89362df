"""The private-address guard: refused URLs never reach a socket."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.web import guard
from tracer.web.fetch import Fetcher
from tests.servers import page, redirect, serve

REFUSED = [
    ("http://127.0.0.1/", "private-address"),
    ("http://localhost/", "private-address"),
    ("http://[::1]/", "private-address"),
    ("http://2130706433/", "private-address"),
    ("http://0x7f000001/", "private-address"),
    ("http://0177.0.0.1/", "private-address"),
    ("http://127.1/", "private-address"),
    ("http://169.254.169.254/latest/meta-data/", "private-address"),
    ("http://10.0.0.1/", "private-address"),
    ("http://192.168.1.1/", "private-address"),
    ("http://[fe80::1]/", "private-address"),
    ("http://[::ffff:127.0.0.1]/", "private-address"),
    ("http://0.0.0.0/", "private-address"),
    ("http://224.0.0.1/", "private-address"),
    ("file:///etc/passwd", "unsupported-scheme"),
    ("ftp://example.com/file", "unsupported-scheme"),
    ("gopher://example.com/", "unsupported-scheme"),
]


@pytest.mark.parametrize("url,reason", REFUSED)
def test_check_url_refuses(url, reason):
    assert guard.check_url(url) == reason


@pytest.mark.parametrize("url,reason", REFUSED)
def test_fetcher_refuses_without_request(url, reason):
    with serve({"*": page("secret")}) as server:
        with Fetcher(delay=0, timeout=2) as fetcher:
            result = fetcher.fetch(url)
        assert result.error == reason and result.status is None
        assert server.log == []


@pytest.mark.parametrize("host", ["１２７.０.０.１", "127.0.0.1.", "LOCALHOST.", "[0:0:0:0:0:ffff:7f00:1]", "0",
                                  "127.000.000.001", "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ"])
def test_odd_spellings_of_loopback_never_connect(host):
    with serve({"*": page("secret")}) as server:
        with Fetcher(delay=0, timeout=2, respect_robots=False) as fetcher:
            result = fetcher.fetch(f"http://{host}:{server.port}/")
        assert result.error in ("private-address", "invalid-url")
        assert server.log == []


def test_public_addresses_pass():
    assert guard.check_url("https://93.184.216.34/") is None
    assert guard.check_url("https://example.com/") is None
    assert guard.is_public_address("2606:4700:4700::1111")


def test_loose_ipv4_forms():
    assert guard.parse_ipv4_loose("2130706433") == "127.0.0.1"
    assert guard.parse_ipv4_loose("0x7f000001") == "127.0.0.1"
    assert guard.parse_ipv4_loose("0x7f.1") == "127.0.0.1"
    assert guard.parse_ipv4_loose("example") is None


def test_connection_time_check_on_resolved_name(monkeypatch):
    # A name that resolves to loopback passes the literal check but is refused at connect time.
    with serve({"*": page("secret")}) as server:
        real = guard.socket.getaddrinfo

        def fake_getaddrinfo(host, *args, **kwargs):
            return real("127.0.0.1" if host == "public.example" else host, *args, **kwargs)

        monkeypatch.setattr(guard.socket, "getaddrinfo", fake_getaddrinfo)
        with Fetcher(delay=0, timeout=2, respect_robots=False) as fetcher:
            result = fetcher.fetch(f"http://public.example:{server.port}/")
        assert result.error == "private-address"
        assert server.log == []


def test_redirect_from_allowed_host_to_private_is_refused(monkeypatch):
    # The loopback test server plays a public host: only its own URL is let through,
    # so the redirect it sends into the private network meets the guard again.
    with serve({"/go": redirect("http://10.1.2.3/internal")}) as server:
        start = server.url("/go")
        original = guard.check_url
        monkeypatch.setattr(guard, "check_url", lambda url, *, allow_private=False:
                            original(url, allow_private=allow_private or url == start))
        with Fetcher(delay=0, timeout=2, respect_robots=False, allow_private=True) as fetcher:
            fetcher.allow_private = False  # only the pre-connection check is monkeypatched
            result = fetcher.fetch(start)
        assert result.error == "private-address"
        assert [r.location for r in result.redirects] == ["http://10.1.2.3/internal"]
        assert server.paths == ["/go"]


def test_allow_private_lifts_the_guard():
    with serve({"/": page("<p>hello</p>")}) as server:
        with Fetcher(delay=0, timeout=2, allow_private=True, respect_robots=False) as fetcher:
            result = fetcher.fetch(server.url("/"))
        assert result.ok and "hello" in result.text


def test_https_connections_are_guarded_too(monkeypatch):
    # The TLS connection class goes through the same guarded connect, before any handshake.
    with serve({"*": page("secret")}) as server:
        real = guard.socket.getaddrinfo
        monkeypatch.setattr(guard.socket, "getaddrinfo", lambda host, *a, **k:
                            real("127.0.0.1" if host == "public.example" else host, *a, **k))
        with Fetcher(delay=0, timeout=2, respect_robots=False) as fetcher:
            result = fetcher.fetch(f"https://public.example:{server.port}/")
        assert result.error == "private-address"
        assert server.log == []


def test_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    import socket

    def two_answers(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(guard.socket, "getaddrinfo", two_answers)
    with Fetcher(delay=0, timeout=2, respect_robots=False) as fetcher:
        assert fetcher.fetch("http://mixed.example/").error == "private-address"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.xXabcdefABCDEF", min_size=1, max_size=20))
def test_loose_ipv4_reading_matches_inet_aton(text):
    # The resolver reads numeric hosts with inet_aton; the guard must read them the same way.
    try:
        expected = socket.inet_ntoa(socket.inet_aton(text))
    except OSError:
        expected = None
    found = guard.parse_ipv4_loose(text)
    if expected is not None:
        assert found == expected
    else:  # the guard reads "127.0.0.1." as loopback too (a resolver may): stricter, never looser
        assert found is None or text.endswith(".")
