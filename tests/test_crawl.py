"""tracer crawl over a fixture web served on 127.0.0.1: feeds, sitemaps, cited links first, resume."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner
from webserver import FixtureWebServer

from tracer.cli import cli
from tracer.corpus.search import sources
from tracer.corpus.index import index_warcs
from tracer.web.crawl import crawl, feed_entries
from tracer.store import open_db

CLAIM = "Shipping through the Strait of Velmar fell 40 percent after the drought"
RIVERSIDE = "https://www.riversidegazette.example/2023/09/04/strait-of-velmar-shipping-drought"
WIRE = "https://www.globalwire.example/world/2023/09/04/drought-cuts-velmar-shipping"
MRC = "https://www.marineresearch.example/reports/2023/velmar-vessel-traffic"


@pytest.fixture
def server():
    with FixtureWebServer("wire-copies") as s:
        yield s


def _pages(server, requests):
    return [p for p in requests if not p.endswith("/robots.txt")]


def test_crawl_from_feeds_and_a_page_then_sources(server, tmp_path):
    db_path = str(tmp_path / "crawl.db")
    seeds = [server.url("https://www.harborledger.example/feed.rss"), server.url("https://valleytimes.example/atom.xml"),
             server.url(RIVERSIDE)]
    result = CliRunner().invoke(cli, ["crawl", *seeds, "--depth", "1", "--delay", "0.01", "--allow-private",
                                      "--db", db_path, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["feeds"] == 2 and stats["remaining"] == 0
    fetched = _pages(server, server.requests)
    assert len(fetched) == len(set(fetched))  # nothing fetched twice
    # breadth first, and at each depth the cited links of attributions first: the wire story (cited by the
    # Riverside copy) and the study (cited by the Ledger) come before every navigation link
    nav = [i for i, p in enumerate(fetched) if p.endswith(("/sport", "/weather"))]
    assert nav and max(fetched.index(server.local_path(WIRE)), fetched.index(server.local_path(MRC))) < min(nav)
    # feed entries are fetched (at the feed's depth), and the Ledger's cited study one link further
    for url in ("https://www.harborledger.example/shipping/2023/09/05/velmar-traffic-study",
                "https://valleytimes.example/local/2023/09/06/empty-locks-at-osk",
                "https://valleytimes.example/local/2023/09/01/harvest-fair", MRC):
        assert server.local_path(url) in fetched
    found = sources(open_db(db_path), CLAIM)
    names = sorted(o["name"] for o in found["origins"])
    assert names == ["Global Wire", "Marine Research Council", "Valley Times"]
    assert found["independent_origins"] == 3
    riverside = next(d for d in found["documents"] if "riversidegazette" in d["url"])
    assert riverside["copy_of"] == server.url(WIRE)


def test_depth_same_host_and_resume(server, tmp_path):
    db = open_db(tmp_path / "crawl.db")
    sitemap = server.url("https://www.globalwire.example/sitemap.xml")
    first = crawl(db, [sitemap, server.url(RIVERSIDE)], depth=1, max_pages=3, allow_private=True, delay=0.01)
    assert first.fetched == 3 and first.remaining > 0
    done = [r[0] for r in db.execute("select requested_url from crawl_queue where status != 'queued'")]
    assert len(done) == 3
    # a second run with no seeds goes on from the queue and fetches nothing twice
    second = crawl(db, [], depth=1, allow_private=True, delay=0.01)
    assert second.remaining == 0 and first.fetched + second.fetched == len(
        [r for r in db.execute("select 1 from crawl_queue where status != 'queued'")])
    fetched = _pages(server, server.requests)
    assert len(fetched) == len(set(fetched))
    # depth 1: the wire story (cited by Riverside, depth 1) is read, but not what the wire links to further
    rows = dict(db.execute("select requested_url, depth from crawl_queue").fetchall())
    assert rows[server.url(WIRE)] <= 1 and max(rows.values()) == 1
    # --same-host keeps to the seed's host: on 127.0.0.1 every fixture host is one host, so test the filter itself
    other = open_db(tmp_path / "other.db")
    crawl(other, [server.url(RIVERSIDE)], depth=1, same_host=True, allow_private=True, delay=0.01,
          fetcher=None)
    hosts = {r[0].split("/")[2] for r in other.execute("select requested_url from crawl_queue")}
    assert hosts == {server.base.split("/")[2]}


def test_nothing_to_crawl_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code != 0 and "nothing to crawl" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["crawl", "ftp://example.com/x", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code != 0 and "not an http(s) URL" in result.output


def test_feed_formats():
    base = "https://news.example/"
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"""
    assert feed_entries(index, base) == ("sitemapindex", ["https://news.example/sitemap-1.xml.gz"])
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> /a </loc></url>
      <url><loc>https://news.example/b#top</loc></url></urlset>"""
    assert feed_entries(gzip.compress(urlset), base) == ("sitemap", ["https://news.example/a", "https://news.example/b"])
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <item rdf:about="https://news.example/c"><title>c</title><link>https://news.example/c</link></item></rdf:RDF>"""
    assert feed_entries(rdf, base) == ("feed", ["https://news.example/c"])
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/self"/>
      <link rel="alternate" href="/d"/></entry></feed>"""
    assert feed_entries(atom, base) == ("feed", ["https://news.example/d"])
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>"""
    assert feed_entries(evil, base) == ("sitemap", [])
    assert feed_entries(b"<html><body>no</body></html>", base) == ("", [])
    assert feed_entries(b"\x1f\x8bnot gzip", base) == ("", [])


def test_redirects_are_recorded_and_their_targets_visited(tmp_path):
    with FixtureWebServer("redirect-404") as server:
        db = open_db(tmp_path / "crawl.db")
        start = server.url("https://harbourwatch.example/2021/06/19/a-year-of-ferry-troubles/")
        stats = crawl(db, [start], depth=1, allow_private=True, delay=0.01)
        old = server.url("https://www.harbourtimes.example/2020/04/nordlink-job-cuts.html")
        new = server.url("https://www.harbourtimes.example/news/2020/04/14/nordlink-cuts-120-jobs")
        assert stats.errors.get("http-404", 0) >= 1 and stats.documents >= 2
        rows = dict(db.execute("select requested_url, status from crawl_queue").fetchall())
        assert rows[old] == "error" and rows[new] == "done"
        assert db.execute("select location from corpus_redirects").fetchall() == [(new,)]
        fetched = _pages(server, server.requests)
        assert len(fetched) == len(set(fetched))


def test_the_crawls_own_warcs_index_to_the_same_corpus(server, tmp_path):
    db = open_db(tmp_path / "crawl.db")
    crawl(db, [server.url("https://www.harborledger.example/feed.rss"), server.url(RIVERSIDE)], depth=1,
          allow_private=True, delay=0.01)
    crawled = {r[0] for r in db.execute("select d.url from documents d join corpus_docs c on c.document_id = d.id")}
    warcs = tmp_path / "crawl-warc"
    assert any(warcs.iterdir())
    again = open_db(tmp_path / "again.db")
    stats = index_warcs(again, [warcs], workers=1)
    indexed = {r[0] for r in again.execute("select d.url from documents d join corpus_docs c on c.document_id = d.id")}
    assert indexed == crawled and stats.skipped.get("record-request", 0) >= len(crawled)
    assert sources(again, CLAIM)["independent_origins"] == sources(db, CLAIM)["independent_origins"]
