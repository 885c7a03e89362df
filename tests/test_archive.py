"""The archive client: TimeMaps and CDX against a loopback Memento server answering from fixture WARCs."""

from __future__ import annotations

import socket
import time

import pytest

from memento_server import MementoServer
from tracer.web import archive
from tracer.web.fetch import Fetcher

TRIBUNE = "https://harbortribune.example/news/2021/03/04/city-lost-jobs/"
METRODESK = "https://metrodesk.example/2021/05/18/bridge-repair-cost/"
PORTNEWS = "https://portnews.example/2021/03/30/port-traffic-falls/"


@pytest.fixture
def memento(web_warc):
    with MementoServer([web_warc("rot-dead-archive")]) as server:
        yield server


def fetcher(**options):
    return Fetcher(allow_private=True, delay=0, retries=0, timeout=options.pop("timeout", 5), **options)


def test_timemap_closest_capture_before_the_citing_date(memento):
    with fetcher() as f:
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10T08:00:00Z", endpoints=[memento.timegate])
    assert rescue.result is not None and rescue.result.ok
    assert archive.iso(rescue.capture.captured_at) == "2021-03-05T12:00:00Z"
    assert not rescue.after_citation
    # the capture's own bytes (id_), so its links point at the original web, not the archive
    assert "id_/" in rescue.result.final_url
    assert b"https://stats.example/releases/2021/employment-annual/" in rescue.result.body
    assert rescue.lookups[0].captures == 2 and rescue.lookups[0].status == 200


def test_cdx_endpoint_gives_the_same_capture(memento):
    with fetcher() as f:
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10", endpoints=[memento.cdx])
    assert archive.iso(rescue.capture.captured_at) == "2021-03-05T12:00:00Z"
    assert rescue.result.final_url.startswith(memento.base + "/web/20210305120000id_/")
    assert any(r.startswith("/cdx/search/cdx?url=") for r in memento.requests)


def test_latest_capture_when_the_citing_date_is_unknown(memento):
    with fetcher() as f:
        rescue = archive.fallback(f, TRIBUNE, before=None, endpoints=[memento.timegate])
    assert archive.iso(rescue.capture.captured_at) == "2022-01-20T06:30:00Z"


def test_only_a_later_capture_is_used_and_said_so(memento):
    with fetcher() as f:
        rescue = archive.fallback(f, METRODESK, before="2021-05-20T08:00:00Z", endpoints=[memento.timegate])
    assert rescue.result is not None
    assert rescue.after_citation
    assert archive.iso(rescue.capture.captured_at) == "2021-06-15T18:00:00Z"


def test_url_no_archive_holds(memento):
    with fetcher() as f:
        rescue = archive.fallback(f, PORTNEWS, before="2021-04-02", endpoints=[memento.timegate, memento.cdx])
    assert rescue.result is None
    outcome = rescue.outcome()
    assert outcome["found"] is False
    assert [l["status"] for l in outcome["lookups"]] == [404, 200]
    assert all(l["captures"] == 0 for l in outcome["lookups"])


def test_unreachable_archive_is_an_outcome():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with fetcher() as f:
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10", endpoints=[f"http://127.0.0.1:{port}/web/"])
    assert rescue.result is None
    assert rescue.lookups[0].error == "connection-error" and rescue.lookups[0].status is None


def test_slow_archive_is_a_timeout_outcome(web_warc):
    with MementoServer([web_warc("rot-dead-archive")], delay=3) as slow, fetcher(timeout=0.5) as f:
        started = time.monotonic()
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10", endpoints=[slow.timegate])
        assert time.monotonic() - started < 2.5
    assert rescue.result is None and rescue.lookups[0].error == "timeout"


def test_offline_never_asks(memento):
    with Fetcher(offline=True) as f:
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10", endpoints=[memento.timegate])
    assert rescue.result is None and rescue.lookups == [] and memento.requests == []


def test_timegate_without_timemaps(web_warc):
    with MementoServer([web_warc("rot-dead-archive")], timemaps=False) as server, fetcher() as f:
        # the TimeMap path gives 404 here, so the server is taken as not holding the URL
        rescue = archive.fallback(f, TRIBUNE, before="2021-03-10", endpoints=[server.timegate])
    assert rescue.result is None


def test_parse_timemap_link_format():
    text = ('<http://a.example/org>; rel="original",\n'
            '<http://arxiv.example/timemap/http://a.example/org>; rel="self"; type="application/link-format",\n'
            '<http://arxiv.example/web/20000620180259/http://a.example/org>; rel="first memento";'
            ' datetime="Tue, 20 Jun 2000 18:02:59 GMT",\n'
            '<http://arxiv.example/web/20091027204954/http://a.example/org> ; rel="last memento" ;'
            ' datetime="Tue, 27 Oct 2009 20:49:54 GMT"')
    captures = archive.parse_timemap(text)
    assert [archive.iso(c.captured_at) for c in captures] == ["2000-06-20T18:02:59Z", "2009-10-27T20:49:54Z"]
    assert {c.original for c in captures} == {"http://a.example/org"}


def test_order_prefers_closest_before_then_earliest_after():
    when = archive.parse_when
    caps = [archive.Capture(str(i), "u", when(t)) for i, t in
            enumerate(["2020-01-01", "2021-03-01", "2021-03-11", "2021-05-01", "2019-01-01"])]
    ordered = archive.order_captures(caps, when("2021-03-10", end_of_day=True))
    assert [c.url for c in ordered] == ["1", "0", "4", "2", "3"]


def test_raw_memento_url_and_endpoint_forms():
    assert archive.raw_memento_url("https://web.archive.org/web/20210305120000/https://x.example/a?b=1") == \
        "https://web.archive.org/web/20210305120000id_/https://x.example/a?b=1"
    ia = archive.Endpoint.parse("https://web.archive.org/web/")
    assert ia.timemap_url("https://x.example/") == "https://web.archive.org/web/timemap/link/https://x.example/"
    agg = archive.Endpoint.parse("http://timetravel.example/timegate/")
    assert agg.timemap_url("https://x.example/") == "http://timetravel.example/timemap/link/https://x.example/"
    cdx = archive.Endpoint.parse("https://web.archive.org/cdx/search/cdx")
    assert cdx.kind == "cdx" and cdx.replay == "https://web.archive.org/web/"


def test_default_endpoint_and_environment(monkeypatch):
    monkeypatch.delenv("TRACER_MEMENTO")
    assert [e.url for e in archive.endpoints_from(None)] == ["https://web.archive.org/web/"]
    monkeypatch.setenv("TRACER_MEMENTO", "http://a.example/web/ http://b.example/cdx")
    assert [e.kind for e in archive.endpoints_from(None)] == ["memento", "cdx"]
    monkeypatch.setenv("TRACER_MEMENTO", "")  # what the tests run with: no public archive is asked
    assert archive.endpoints_from(None) == []
    assert archive.endpoints_from(["http://c.example/web/"])[0].url == "http://c.example/web/"
