"""Archive replay: answers come from WARC records, never from the network."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tracer.web.fetch import Fetcher


def _write_response(writer, url, status, headers, body=b""):
    http_headers = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       length=len(body), http_headers=http_headers)
    writer.write_record(record)


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "web.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        _write_response(writer, "https://news.example/story", "200 OK",
                        [("Content-Type", "text/html; charset=utf-8")],
                        "<html><body><p>Café story</p></body></html>".encode())
        _write_response(writer, "https://news.example/old", "301 Moved Permanently",
                        [("Location", "/story")])
        _write_response(writer, "https://news.example/gone", "404 Not Found",
                        [("Content-Type", "text/html")], b"<html>gone</html>")
        _write_response(writer, "https://loop.example/a", "302 Found", [("Location", "https://loop.example/b")])
        _write_response(writer, "https://loop.example/b", "302 Found", [("Location", "https://loop.example/a")])
        _write_response(writer, "https://news.example/out", "302 Found", [("Location", "https://elsewhere.example/x")])
    return str(path)


def test_replays_recorded_response(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        result = fetcher.fetch("https://news.example/story")
    assert result.ok and result.origin == "archive"
    assert result.status == 200
    assert "Café story" in result.text
    assert result.warc_path == archive and result.warc_offset is not None
    assert result.content_type.startswith("text/html")
    assert len(result.sha256) == 64


def test_follows_recorded_redirect(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        result = fetcher.fetch("https://news.example/old")
    assert result.status == 200
    assert result.final_url == "https://news.example/story"
    assert [(r.url, r.status, r.location) for r in result.redirects] == [
        ("https://news.example/old", 301, "https://news.example/story")]


def test_recorded_404_is_a_404(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        result = fetcher.fetch("https://news.example/gone")
    assert result.status == 404 and result.error is None and not result.ok


def test_redirect_loop_in_archive(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        result = fetcher.fetch("https://loop.example/a")
    assert result.error == "redirect-loop"
    assert len(result.redirects) == 2


def test_offline_url_in_no_archive_is_not_archived(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        assert fetcher.fetch("https://unknown.example/").error == "not-archived"
        redirected = fetcher.fetch("https://news.example/out")
    assert redirected.error == "not-archived" and redirected.status is None
    assert redirected.redirects[0].location == "https://elsewhere.example/x"


def test_offline_without_archives_never_goes_live():
    with Fetcher(offline=True) as fetcher:
        result = fetcher.fetch("http://127.0.0.1:9/")
    assert result.error == "not-archived" and result.status is None


def test_url_matching_ignores_fragment_and_default_port(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        assert fetcher.fetch("https://NEWS.example:443/story#top").status == 200


def test_bad_urls_are_outcomes(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        assert fetcher.fetch("not a url").error == "invalid-url"
        assert fetcher.fetch("ftp://news.example/story").error == "unsupported-scheme"
        assert fetcher.fetch("").error == "invalid-url"


@pytest.mark.parametrize("url", ["http://", "http://[::1", "http:///path", "https://example.com:99999/",
                                 "javascript:alert(1)", "mailto:someone@example.com", "data:text/html,hi",
                                 "   ", "//example.com/x", None])
def test_malformed_urls_never_raise(url):
    with Fetcher(offline=True) as fetcher:
        result = fetcher.fetch(url)
    assert result.error in ("invalid-url", "unsupported-scheme") and result.status is None


def test_corrupt_archive_still_answers_what_it_can(tmp_path, archive):
    broken = tmp_path / "broken.warc.gz"
    data = Path(archive).read_bytes()
    broken.write_bytes(data + b"\x1f\x8bgarbage that is not gzip")
    with Fetcher(archives=[str(broken)], offline=True) as fetcher:
        assert fetcher.fetch("https://news.example/story").status == 200
        assert fetcher.archive.errors


def test_replay_from_wacz(tmp_path, archive):
    import json
    import zipfile

    wacz = tmp_path / "web.wacz"
    with zipfile.ZipFile(wacz, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))
        out.write(archive, "archive/data.warc.gz", compress_type=zipfile.ZIP_STORED)
        out.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
    with Fetcher(archives=[str(wacz)], offline=True) as fetcher:
        story = fetcher.fetch("https://news.example/old")
        gone = fetcher.fetch("https://news.example/gone")
    assert story.status == 200 and "Café story" in story.text and story.warc_path == str(wacz)
    assert len(story.redirects) == 1 and gone.status == 404

    from tracer.web.warc import check_record
    assert check_record(story.warc_path, story.warc_offset, story.sha256).ok


def test_http_link_replays_https_capture(archive):
    with Fetcher(archives=[archive], offline=True) as fetcher:
        result = fetcher.fetch("http://news.example/story")
    assert result.status == 200 and result.final_url == "https://news.example/story"
