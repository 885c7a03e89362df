"""WARC capture: what tracer writes is read back by warcio's own reader, digests verify."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tracer.web.fetch import Fetcher
from tracer.web.warc import check_record, warc_files
from tests.servers import page, serve


def fetch_all(tmp_path, routes, paths, **options):
    warc_dir = tmp_path / "warc"
    with serve(routes) as server, Fetcher(delay=0, timeout=2, allow_private=True,
                                          warc_dir=warc_dir, **options) as fetcher:
        results = [fetcher.fetch(server.url(p)) for p in paths]
    return results, warc_dir


def records(path):
    with open(path, "rb") as stream:
        out = []
        for record in ArchiveIterator(stream, check_digests=True):
            record.content_stream().read()
            out.append((record.rec_type, record.rec_headers, record.digest_checker.passed,
                        list(record.digest_checker.problems)))
        return out


def test_warc_read_back_by_warcio_with_digests(tmp_path):
    html = "<html><body><p>Bonjour ☃</p></body></html>"
    results, warc_dir = fetch_all(tmp_path, {"/": page(html)}, ["/"], respect_robots=False)
    result = results[0]
    files = warc_files([warc_dir])
    assert len(files) == 1 and files[0].endswith(".warc.gz") and result.warc_path == files[0]
    found = records(files[0])
    assert [r[0] for r in found] == ["warcinfo", "response", "request"]
    for rec_type, headers, passed, problems in found:
        assert headers.protocol == "WARC/1.1"
        assert problems == []
        if rec_type in ("response", "request"):
            assert passed is True
            assert headers.get_header("WARC-Block-Digest").startswith("sha1:")
    response_headers = found[1][1]
    assert response_headers.get_header("WARC-Payload-Digest")
    assert response_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    check = check_record(result.warc_path, result.warc_offset, result.sha256)
    assert check.ok, check.problems
    assert check.sha256 == hashlib.sha256(html.encode()).hexdigest()


def test_identical_payload_becomes_revisit(tmp_path):
    routes = {"/a": page("<p>same</p>"), "/b": page("<p>same</p>")}
    results, warc_dir = fetch_all(tmp_path, routes, ["/a", "/b"], respect_robots=False)
    found = records(warc_files([warc_dir])[0])
    types = [r[0] for r in found]
    assert types == ["warcinfo", "response", "request", "revisit", "request"]
    revisit = found[3][1]
    assert revisit.get_header("WARC-Refers-To-Target-URI").endswith("/a")
    assert revisit.get_header("WARC-Refers-To-Date") == found[1][1].get_header("WARC-Date")
    assert revisit.get_header("WARC-Profile").endswith("/1.1/revisit/identical-payload-digest")
    # The revisit still audits: its body comes from the original record.
    check = check_record(results[1].warc_path, results[1].warc_offset, results[1].sha256)
    assert check.ok and check.record_type == "revisit"


def test_flipped_byte_is_detected(tmp_path):
    results, warc_dir = fetch_all(tmp_path, {"/": page("<p>" + "evidence " * 200 + "</p>")}, ["/"],
                                  respect_robots=False)
    result = results[0]
    assert check_record(result.warc_path, result.warc_offset, result.sha256).ok
    data = bytearray(Path(result.warc_path).read_bytes())
    data[result.warc_offset + 200] ^= 0x01
    Path(result.warc_path).write_bytes(bytes(data))
    check = check_record(result.warc_path, result.warc_offset, result.sha256)
    assert not check.ok and check.problems


def test_missing_file_is_reported(tmp_path):
    check = check_record(str(tmp_path / "gone.warc.gz"), 0, "0" * 64)
    assert not check.ok and check.problems == ["missing-file"]


def test_files_roll_over(tmp_path):
    from tracer.web.warc import Exchange, RollingWarcWriter

    writer = RollingWarcWriter(tmp_path, max_file_size=2000)
    paths = {writer.write(Exchange(url=f"http://x.example/{i}", request_headers={}, status=200,
                                   reason="OK", response_headers=[], raw_body=os.urandom(3000))).path
             for i in range(3)}
    assert len(paths) == 3


def test_replay_reads_what_tracer_wrote(tmp_path):
    results, warc_dir = fetch_all(tmp_path, {"/": page("<p>kept</p>")}, ["/"], respect_robots=False)
    with Fetcher(archives=[warc_dir], offline=True) as fetcher:
        replayed = fetcher.fetch(results[0].requested_url)
    assert replayed.origin == "archive" and replayed.sha256 == results[0].sha256


def test_revisit_across_runs(tmp_path):
    # A second Fetcher (a later run) writing into the same folder knows the earlier payloads.
    routes = {"/a": page("<p>same</p>")}
    fetch_all(tmp_path, routes, ["/a"], respect_robots=False)
    results, warc_dir = fetch_all(tmp_path, routes, ["/a"], respect_robots=False)
    check = check_record(results[0].warc_path, results[0].warc_offset, results[0].sha256)
    assert check.ok and check.record_type == "revisit"


def test_gzip_response_stored_as_sent_and_audits(tmp_path):
    import gzip

    body = gzip.compress(b"<p>compressed evidence</p>")
    results, _ = fetch_all(tmp_path, {"/": page(body, Content_Encoding="gzip")}, ["/"], respect_robots=False)
    result = results[0]
    assert result.text == "<p>compressed evidence</p>"
    found = records(result.warc_path)
    assert all(passed is not False for _, _, passed, _ in found)
    assert check_record(result.warc_path, result.warc_offset, result.sha256).ok


def test_refused_body_is_kept_as_truncated_record(tmp_path):
    from tests.servers import huge_body

    results, _ = fetch_all(tmp_path, {"/": huge_body(5 * 1024 * 1024, declare_length=False)}, ["/"],
                           respect_robots=False, max_bytes=100_000)
    result = results[0]
    assert result.error == "too-large" and result.warc_path
    with open(result.warc_path, "rb") as stream:
        stream.seek(result.warc_offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Truncated") == "length"
        assert record.http_headers.get_statuscode() == "200"


def test_digest_index_beside_the_files(tmp_path):
    routes = {"/a": page("<p>one</p>"), "/b": page("<p>two</p>"), "/c": page("<p>one</p>")}
    _, warc_dir = fetch_all(tmp_path, routes, ["/a", "/b", "/c"], respect_robots=False)
    lines = (warc_dir / "payload-digests.tsv").read_text().splitlines()
    assert len(lines) == 2  # /c repeats /a's payload: a revisit, not a new line
    from tracer.web.warc import ArchiveIndex
    assert len(ArchiveIndex.for_folder(warc_dir).by_digest) == 2


def test_warcio_checker_passes_and_catches_a_flip(tmp_path, capsys):
    from types import SimpleNamespace

    from warcio.checker import Checker

    results, warc_dir = fetch_all(tmp_path, {"/": page("<p>" + "checked " * 300 + "</p>")}, ["/"])
    path = results[0].warc_path
    assert Checker(SimpleNamespace(inputs=[path], verbose=False)).process_all() == 0
    data = bytearray(Path(path).read_bytes())
    data[results[0].warc_offset + 250] ^= 0x10
    Path(path).write_bytes(bytes(data))
    assert Checker(SimpleNamespace(inputs=[path], verbose=False)).process_all() != 0


def test_request_record_says_who_asked(tmp_path):
    results, warc_dir = fetch_all(tmp_path, {"/p": page("<p>x</p>")}, ["/p?q=1"], respect_robots=False)
    with open(results[0].warc_path, "rb") as stream:
        requests_seen = [r for r in ArchiveIterator(stream) if r.rec_type == "request"]
    request = requests_seen[-1]
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.statusline.startswith("/p?q=1")
    assert request.http_headers.get_header("User-Agent").startswith("tracer/")
    assert request.http_headers.get_header("Host") == results[0].requested_url.split("/")[2]
    assert request.rec_headers.get_header("WARC-Concurrent-To")
