"""tracer index and tracer sources over WARCs of the fixture webs, and over odd WARCs."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import zlib

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tracer.cli import cli
from tracer.corpus.search import sources
from tracer.corpus.index import index_warcs
from tracer.store import open_db

SEED_CLAIM = "North Korea stole $2 billion from banks and crypto exchanges"
WIRE_CLAIM = "Shipping through the Strait of Velmar fell 40 percent after the drought"
COINWIRE = "https://coinwire.example/news/2019/08/06/un-report-north-korea-stole-2-billion-crypto/"
REUTERS = ("https://www.reuters.com/article/us-northkorea-cyber-un/north-korea-took-2-billion-in-cyberattacks-"
           "to-fund-weapons-program-u-n-report-idUSKCN1UV1ZX")
WIRE = "https://www.globalwire.example/world/2023/09/04/drought-cuts-velmar-shipping"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def corpus_rows(db_path) -> dict[str, list]:
    """What the index wrote, without ids that depend on the order of writing."""
    conn = sqlite3.connect(db_path)
    q = lambda sql: sorted(tuple(r) for r in conn.execute(sql))  # noqa: E731
    rows = {
        "documents": q("select id, url, title, publisher, published, text, sha256, meta from documents"),
        "links": q("select document_id, idx, href, text, start, [end] from links"),
        "attributions": q("select document_id, idx, source_name, kind, source_spans, cue_spans, content_spans, "
                          "link, parent from attributions"),
        "sentences": q("select c.document_id, s.idx, s.start, s.[end], s.paragraph from sentences s "
                       "join corpus_docs c on c.id = s.doc"),
        "fetches": q("select requested_url, status, sha256, warc_offset, origin from fetches"),
        "fts": q("select count(*) from sentences_fts"),
    }
    conn.close()
    return rows


def test_seed_sources_lists_coinwire_and_reuters_with_one_origin(seed_warc, tmp_path):
    db = str(tmp_path / "corpus.db")
    out = run("index", str(seed_warc), "--db", db, "--workers", "1")
    assert "2 documents added" in out
    result = json.loads(run("sources", "--claim", SEED_CLAIM, "--db", db, "--format", "json"))
    assert set(result) >= {"claim", "documents", "origins", "independent_origins"}
    assert result["search"]["candidates"] >= 2 and result["search"]["limited"] is False
    urls = [d["url"] for d in result["documents"]]
    assert sorted(urls) == sorted([COINWIRE, REUTERS])
    assert result["independent_origins"] == 1
    [origin] = result["origins"]
    assert "UN" in origin["name"] and "report" in origin["name"] and origin["url"] is None
    assert sorted(origin["documents"]) == sorted(urls)
    coinwire = next(d for d in result["documents"] if d["url"] == COINWIRE)
    assert coinwire["publisher"] == "CoinWire" and coinwire["published"].startswith("2019-08-06")
    assert "$2 billion" in coinwire["evidence"]
    assert coinwire["cites"][0] == {"source": "Reuters", "url": REUTERS, "kind": "outlet", "cue": "According to"}
    assert coinwire["origin"]["name"] == origin["name"] and coinwire["copy_of"] is None
    assert coinwire["chain"] == [COINWIRE, REUTERS]
    reuters = next(d for d in result["documents"] if d["url"] == REUTERS)
    assert reuters["cites"][0]["url"] is None and "UN" in reuters["cites"][0]["source"]


def test_ten_wire_copies_and_two_independent_reports_are_three_origins(web_warc, tmp_path):
    db = open_db(tmp_path / "corpus.db")
    stats = index_warcs(db, [web_warc("wire-copies"), web_warc("seed")], workers=1)
    assert stats.documents == 18 and not stats.errors
    result = sources(db, WIRE_CLAIM)
    assert result["independent_origins"] == 3
    by_url = {d["url"]: d for d in result["documents"]}
    copies = [d for d in result["documents"] if d["copy_of"]]
    assert len(copies) == 10 and all(d["copy_of"] == WIRE for d in copies)
    assert by_url[WIRE]["copy_of"] is None and by_url[WIRE]["cites"] == []
    wire_origin, mrc_origin, valley_origin = result["origins"]
    assert wire_origin["url"] == WIRE and wire_origin["name"] == "Global Wire" and len(wire_origin["documents"]) == 11
    assert mrc_origin["name"] == "Marine Research Council" and len(mrc_origin["documents"]) == 2
    assert valley_origin["name"] == "Valley Times" and len(valley_origin["documents"]) == 1
    ledger = next(d for d in result["documents"] if "harborledger" in d["url"])
    assert ledger["cites"][0]["url"] == mrc_origin["url"] and ledger["origin"]["url"] == mrc_origin["url"]
    # pages that mention neither the claim nor the strait are not listed
    assert not any("copper" in u or "harvest-fair" in u for u in by_url)
    # the seed story is in the same corpus and still answers on its own
    assert sources(db, SEED_CLAIM)["independent_origins"] == 1


def test_text_and_csv_formats(web_warc, tmp_path):
    db = str(tmp_path / "corpus.db")
    run("index", str(web_warc("wire-copies")), "--db", db, "--workers", "1")
    text = run("sources", "--claim", WIRE_CLAIM, "--db", db)
    assert "3 independent origin(s)" in text and "10 near-duplicate copies collapsed" in text
    assert f"copy of {WIRE}" in text
    rows = list(csv.DictReader(io.StringIO(run("sources", "--claim", WIRE_CLAIM, "--db", db, "--format", "csv"))))
    assert len(rows) == 14 and sum(1 for r in rows if r["copy_of"] == WIRE) == 10
    assert {"url", "publisher", "published", "evidence", "cites", "origin_name", "origin_url", "copy_of"} <= set(rows[0])
    nothing = CliRunner().invoke(cli, ["sources", "--claim", "Penguins elected a mayor in Antarctica", "--db", db])
    assert nothing.exit_code == 3 and "No stored document carries this claim" in nothing.stdout
    bad = CliRunner().invoke(cli, ["sources", "--claim", "  ", "--db", db])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_index_is_idempotent_and_process_pool_writes_the_same_rows(web_warc, tmp_path):
    warc = web_warc("wire-copies")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    first = index_warcs(open_db(one), [warc], workers=1)
    assert first.documents == 16
    again = index_warcs(open_db(one), [warc], workers=1)
    assert again.files_unchanged == 1 and again.documents == 0
    # the same records under another file name: all already indexed
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(warc.read_bytes())
    dup = index_warcs(open_db(one), [copy], workers=1)
    assert dup.documents == 0 and dup.duplicates == 16
    pooled = index_warcs(open_db(two), [warc], workers=2, span_bytes=4096)
    assert pooled.documents == 16
    a, b = corpus_rows(one), corpus_rows(two)
    a["fetches"] = [r for r in a["fetches"] if r[3] is not None]
    assert a == b
    conn = sqlite3.connect(one)
    assert conn.execute("select count(*), count(distinct url) from documents").fetchone() == (16, 16)
    assert conn.execute("select count(*) from sentences").fetchone() == conn.execute(
        "select count(*) from sentences_fts").fetchone()


# ---------------------------------------------------------------- odd WARCs


def _html(title: str, body: str, charset: str | None = "utf-8") -> bytes:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<html><head>{meta}<title>{title}</title><meta property='og:site_name' content='{title}'></head>"
            f"<body><article><p>{body}</p><p>{body}</p></article></body></html>").encode(charset or "cp1252")


def _response(writer, url, body, *, status="200 OK", content_type="text/html; charset=utf-8", extra=(),
              raw_body=None):
    headers = [("Content-Type", content_type)] if content_type else []
    headers += list(extra)
    payload = raw_body if raw_body is not None else body
    headers.append(("Content-Length", str(len(payload))))
    return writer.create_warc_record(url, "response", payload=io.BytesIO(payload), length=len(payload),
                                     http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))


STORY = ("The harbour council of Lindqvist voted to close the old ferry pier for repairs lasting nine months, "
         "its chair told residents at a meeting.")


def _odd_records(writer) -> list:
    """Every kind of record a crawler leaves, and a few broken ones."""
    good = _html("Lindqvist Post", STORY)
    records = [writer.create_warcinfo_record("odd.warc.gz", {"software": "test"})]
    records.append(_response(writer, "https://lindqvist.example/pier", good))
    records.append(writer.create_warc_record(
        "https://lindqvist.example/pier", "request",
        http_headers=StatusAndHeaders("GET /pier HTTP/1.1", [("Host", "lindqvist.example")], is_http_request=True)))
    records.append(writer.create_warc_record("https://lindqvist.example/pier", "metadata",
                                             payload=io.BytesIO(b"outlinks: none"), length=14,
                                             warc_content_type="application/warc-fields"))
    # a revisit of the same payload under another URL: the same document there
    records.append(writer.create_revisit_record("https://lindqvist.example/pier?amp=1",
                                                records[1].rec_headers.get_header("WARC-Payload-Digest"),
                                                "https://lindqvist.example/pier", "2024-01-01T00:00:00Z",
                                                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                                                              protocol="HTTP/1.1")))
    records.append(_response(writer, "https://lindqvist.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200),
                             content_type="image/png"))
    records.append(_response(writer, "https://lindqvist.example/gone", b"not here", status="404 Not Found"))
    records.append(_response(writer, "https://lindqvist.example/old-pier", b"", status="301 Moved Permanently",
                             extra=[("Location", "/pier")]))
    # cp1252 bytes with no declared charset, and no Content-Type at all
    records.append(_response(writer, "https://lindqvist.example/caf\u00e9", _html("Caf\u00e9 Lindqvist",
                             "The caf\u00e9 on the quay \u2014 Lindqvist\u2019s oldest \u2014 reopens in May.", None),
                             content_type=None))
    # a gzip body cut short and followed by garbage
    broken = gzip.compress(_html("Lindqvist Post", STORY * 3))[:30] + b"garbage" * 20
    records.append(_response(writer, "https://lindqvist.example/broken-gzip", b"", extra=[("Content-Encoding", "gzip")],
                             raw_body=broken))
    gz = gzip.compress(_html("Lindqvist Post", "The ferry timetable changes on Sunday, the operator said."))
    records.append(_response(writer, "https://lindqvist.example/timetable", b"", extra=[("Content-Encoding", "gzip")],
                             raw_body=gz))
    return records


def _member_warc(path, truncate_member: int | None = None):
    """One gzip member per record; optionally cut one member in half (a crawler killed mid-write)."""
    members = []
    for record in _odd_records(WARCWriter(io.BytesIO(), gzip=True)):
        out = io.BytesIO()
        WARCWriter(out, gzip=True).write_record(record)
        members.append(out.getvalue())
    if truncate_member is not None:
        members[truncate_member] = members[truncate_member][: len(members[truncate_member]) // 2]
    path.write_bytes(b"".join(members))
    return path


def _plain_warc(path, compress_whole: bool = False):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for record in _odd_records(writer):
        writer.write_record(record)
    data = out.getvalue()
    path.write_bytes(gzip.compress(data) if compress_whole else data)
    return path


def _urls(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    urls = sorted(r[0] for r in conn.execute("select d.url from documents d join corpus_docs c on c.document_id = d.id"))
    conn.close()
    return urls


EXPECTED = ["https://lindqvist.example/caf\u00e9", "https://lindqvist.example/pier",
            "https://lindqvist.example/pier?amp=1", "https://lindqvist.example/timetable"]


@pytest.mark.parametrize("kind", ["member", "plain", "whole-gzip"])
def test_odd_records_are_skipped_and_counted(tmp_path, kind):
    warc = tmp_path / ("odd.warc" if kind == "plain" else "odd.warc.gz")
    if kind == "member":
        _member_warc(warc)
    else:
        _plain_warc(warc, compress_whole=kind == "whole-gzip")
    db_path = tmp_path / "odd.db"
    stats = index_warcs(open_db(db_path), [warc], workers=1)
    assert _urls(db_path) == EXPECTED
    assert stats.records == 11 and stats.documents == 4 and stats.redirects == 1
    assert stats.skipped == {"bad-content-encoding": 1, "not-html": 1, "record-metadata": 1, "record-request": 1,
                             "record-warcinfo": 1, "status": 1}
    conn = sqlite3.connect(db_path)
    text = conn.execute("select text from documents where url like '%caf%'").fetchone()[0]
    assert "caf\u00e9 on the quay \u2014 Lindqvist\u2019s oldest" in text
    assert conn.execute("select location from corpus_redirects").fetchall() == [("https://lindqvist.example/pier",)]


def test_truncated_gzip_member_is_skipped_and_the_rest_indexed(tmp_path):
    warc = _member_warc(tmp_path / "cut.warc.gz", truncate_member=1)  # the first page's member is cut
    db_path = tmp_path / "cut.db"
    stats = index_warcs(open_db(db_path), [warc], workers=1)
    assert len(stats.errors) == 1 and "cut.warc.gz@" in stats.errors[0]
    # the pier page is lost, so its revisit has nothing to point at; everything after the cut is read
    assert _urls(db_path) == ["https://lindqvist.example/caf\u00e9", "https://lindqvist.example/timetable"]
    assert stats.skipped.get("revisit-original-missing") == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)


def test_index_errors_are_one_line(tmp_path):
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("hello")
    result = CliRunner().invoke(cli, ["index", str(not_warc), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    # a file without a WARC record is an error (issue 17), in one line, and nothing is added
    assert result.exit_code == 1 and "0 documents added" in result.stdout and "no WARC record" in result.output
    missing = CliRunner().invoke(cli, ["index", str(tmp_path / "missing.warc.gz")])
    assert missing.exit_code != 0 and "Traceback" not in missing.output
    gz = tmp_path / "garbage.warc.gz"
    gz.write_bytes(zlib.compress(b"garbage") * 3)
    result = CliRunner().invoke(cli, ["index", str(gz), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_sources_sees_pages_stored_by_a_trace(seed_warc, tmp_path):
    from tracer import trace

    db = open_db(tmp_path / "traced.db")
    trace(COINWIRE, SEED_CLAIM, db=db, archives=[seed_warc], offline=True)
    result = sources(db, SEED_CLAIM)
    assert sorted(d["url"] for d in result["documents"]) == sorted([COINWIRE, REUTERS])
    assert result["independent_origins"] == 1


def test_claim_candidates_for_lookups(web_warc, tmp_path):
    from tracer.corpus.search import claim_candidates
    from tracer.store import document_id

    db = open_db(tmp_path / "corpus.db")
    index_warcs(db, [web_warc("wire-copies"), web_warc("seed")], workers=1)
    ids = claim_candidates(db, WIRE_CLAIM)
    urls = {r[0] for r in db.execute(f"select url from documents where id in ({','.join('?' * len(ids))})", ids)}
    assert WIRE in urls and COINWIRE not in urls and len(urls) >= 14
    assert claim_candidates(db, SEED_CLAIM)[:2] and claim_candidates(db, "Penguins elected a mayor") == []
    assert document_id(COINWIRE, db.execute("select sha256 from documents where url = ?", [COINWIRE]).fetchone()[0]) \
        in claim_candidates(db, SEED_CLAIM)


def test_one_corpus_of_every_fixture_web(web_warc, tmp_path):
    """All the fixture webs in one corpus: each web's claim is answered, the seed and wire answers still hold."""
    from tracer.fixtures import list_webs, load_web

    db = open_db(tmp_path / "all.db")
    webs = list_webs()
    stats = index_warcs(db, [web_warc(name) for name in webs], workers=1)
    assert stats.documents > 50 and not stats.errors
    for name in webs:
        web = load_web(name)
        if web.claim:
            result = sources(db, web.claim)
            assert result["independent_origins"] == len(result["origins"])
            # every page ends at an origin or, for a loop, at none (never counted as one)
            ended = sum(len(g["documents"]) for g in result["origins"] + result["no_origin"])
            assert ended == len(result["documents"])
    seed = sources(db, SEED_CLAIM)
    assert sorted(d["url"] for d in seed["documents"]) == sorted([COINWIRE, REUTERS])
    assert seed["independent_origins"] == 1
    wire = sources(db, WIRE_CLAIM)
    assert wire["independent_origins"] == 3 and wire["copies"] == 10


def test_progress_bar_only_on_a_terminal(seed_warc, tmp_path, capsys):
    result = CliRunner().invoke(cli, ["index", str(seed_warc), "--db", str(tmp_path / "a.db"), "--workers", "1"])
    assert result.exit_code == 0 and "index [" not in result.stderr and "index [" not in result.stdout
    index_warcs(open_db(tmp_path / "b.db"), [seed_warc], workers=1, progress=True)  # as on a terminal
    captured = capsys.readouterr()
    assert "index [" in captured.err and "2 records (100%)" in captured.err and captured.out == ""


def test_two_writers_on_one_database(web_warc, tmp_path):
    """Two index runs at once on one database (say, a crawl while an index runs): both finish, ids never clash."""
    import threading

    db_path = tmp_path / "shared.db"
    open_db(db_path).close()
    results, errors = {}, []

    def run(name):
        try:
            results[name] = index_warcs(open_db(db_path), [web_warc(name)], workers=1, span_bytes=4096)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("wire-copies", "five-hop-chain", "seed")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    conn = sqlite3.connect(db_path)
    total = sum(r.documents for r in results.values())
    assert conn.execute("select count(*) from corpus_docs").fetchone()[0] == total >= 18
    assert conn.execute("select count(*) from sentences").fetchone() == conn.execute(
        "select sum(n_sentences) from corpus_docs").fetchone() == conn.execute("select count(*) from sentences_fts").fetchone()
    db = open_db(db_path)
    assert sources(db, WIRE_CLAIM)["independent_origins"] == 3 and sources(db, SEED_CLAIM)["independent_origins"] == 1


def test_a_record_cut_at_the_end_is_read_when_the_file_is_complete(tmp_path):
    """A crawler still writing its WARC: the half-written last record is read on the next run."""
    full = _member_warc(tmp_path / "full.warc.gz").read_bytes()
    growing = tmp_path / "growing.warc.gz"
    growing.write_bytes(full[:-40])  # the last record (the timetable page) is cut short
    db_path = tmp_path / "grow.db"
    first = index_warcs(open_db(db_path), [growing], workers=1)
    assert len(first.errors) == 1 and "https://lindqvist.example/timetable" not in _urls(db_path)
    growing.write_bytes(full)  # the crawler finished the record
    second = index_warcs(open_db(db_path), [growing], workers=1)
    assert second.documents == 1 and not second.errors
    assert _urls(db_path) == EXPECTED
