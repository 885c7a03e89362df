"""How a chain ends: a redirect then a dead link, a page that no longer carries the claim,
a loop over three sites (closing hop named), and the stored rows of each."""

from __future__ import annotations



from trace_webs import trace_web
from tracer import store, trace
from tracer.fixtures import load_web
from tracer.trace import url_key


BLOG = "https://harbourwatch.example/2021/06/19/a-year-of-ferry-troubles/"
OLD = "https://www.harbourtimes.example/2020/04/nordlink-job-cuts.html"
NEW = "https://www.harbourtimes.example/news/2020/04/14/nordlink-cuts-120-jobs"
GAZETTE = "https://www.baysidegazette.example/news/2020/06/12/nordlink-chief-executive/"


def test_redirect_then_404_ends_on_the_named_source_with_the_dead_url(web_warc, tmp_path):
    data = trace_web("redirect-404", web_warc, tmp_path)
    first, dead = data["hops"]
    assert (first["source"], first["cites"]["source"], first["cites"]["cue"], first["cites"]["link"]) == \
        ("Harbour Watch", "Harbour Times", "reported", OLD)
    assert dead["requested_url"] == OLD and dead["url"] == NEW and dead["status"] == 404
    assert dead["redirects"] == [{"url": OLD, "status": 301, "location": NEW}]
    assert dead["source"] == "Harbour Times" and dead["kind"] == "outlet"
    assert dead["flags"] == ["redirect", "broken-link"]
    assert dead["evidence"] is None and dead["cites"] is None  # the 404 page is not read as the story
    assert data["origin"] == {"name": "Harbour Times", "url": NEW, "kind": "outlet", "reason": "broken-link"}
    assert data["flags"] == ["redirect", "broken-link"]
    # no substitute page: nothing else was fetched, nothing was looked up
    db = store.open_db(tmp_path / "redirect-404.db")
    fetches = list(db["fetches"].rows_where(order_by="id"))
    assert [(f["requested_url"], f["final_url"], f["status"]) for f in fetches] == [(BLOG, BLOG, 200), (OLD, NEW, 404)]
    assert "lookup" not in first and "lookup" not in dead
    rows = store.hop_rows(db, data["trace_id"])
    assert [r["stop_reason"] for r in rows] == [None, "broken-link"]


def test_a_page_that_no_longer_carries_the_claim(web_warc, tmp_path):
    data = trace_web("redirect-404", web_warc, tmp_path, claim="Nordlink's chief executive Erik Vang resigned")
    first, second = data["hops"]
    assert (first["cites"]["source"], first["cites"]["cue"], first["cites"]["link"]) == \
        ("Bayside Gazette", "according to", GAZETTE)
    assert second["url"] == GAZETTE and second["status"] == 200 and second["flags"] == []
    assert second["evidence"] is None and second["cites"] is None and second["match_score"] is None
    assert second["title"] == "Nordlink names new head of customer service - Bayside Gazette"
    assert data["origin"] == {"name": "Bayside Gazette", "url": GAZETTE, "kind": "outlet", "reason": "claim-not-found"}


TOWN_TALK = "https://towntalk.example/2021/06/mayor-salary/"
CHRONICLE = "https://eastbychronicle.example/news/2021/06/24/mayors-pay"
TRIBUNE = "https://www.nordviktribune.example/politics/2021/06/20/holm-salary-row"


def test_three_site_loop_names_the_closing_hop(web_warc, tmp_path):
    data = trace_web("three-site-loop", web_warc, tmp_path)
    hops = data["hops"]
    assert [(h["source"], h["url"], h["cites"]["source"], h["cites"]["link"]) for h in hops] == [
        ("Town Talk", TOWN_TALK, "Eastby Chronicle", CHRONICLE),
        ("Eastby Chronicle", CHRONICLE, "Nordvik Tribune", TRIBUNE),
        ("Nordvik Tribune", TRIBUNE, "Town Talk", TOWN_TALK + "?utm_source=tribune&utm_medium=link"),
    ]
    assert [h["flags"] for h in hops] == [[], [], ["loop"]]
    # the link back to the first page carries tracking parameters: still the same page
    assert hops[2]["loop_to"] == {"depth": 0, "url": TOWN_TALK, "source": "Town Talk"}
    assert hops[2]["cites"]["cue"] == "as first reported by"
    assert data["origin"] == {"name": "Town Talk", "url": TOWN_TALK, "kind": "outlet", "reason": "loop"}
    assert data["flags"] == ["loop"]
    db = store.open_db(tmp_path / "three-site-loop.db")
    assert db["fetches"].count == 3  # the first page is not fetched again
    assert [r["stop_reason"] for r in store.hop_rows(db, data["trace_id"])] == [None, None, "loop"]


def test_loop_python_api_round_trip(web_warc, tmp_path):
    web = load_web("three-site-loop")
    result = trace(web.start_url, web.claim, db=str(tmp_path / "l.db"), archives=[web_warc("three-site-loop")],
                   offline=True)
    assert result.origin.reason == "loop" and [h.depth for h in result.hops] == [0, 1, 2]
    assert store.load_trace(store.open_db(tmp_path / "l.db"), result.id).to_json() == result.to_json()


def test_url_key_folds_what_does_not_change_the_page():
    assert url_key("https://www.Example.com/a/b/?utm_source=x&id=3#top") == url_key("http://example.com/a/b?id=3")
    assert url_key("https://example.com/a?id=3") != url_key("https://example.com/a?id=4")
    assert url_key(None) is None


def test_an_unreachable_link_is_a_broken_link_over_real_http(tmp_path):
    from servers import page, reset_connection, serve

    web = load_web("redirect-404")
    blog = web.body(web.pages[0]).decode("utf-8")
    with serve({"/story": None, "/gone": reset_connection}) as server:
        html = blog.replace(OLD, server.url("/gone"))
        server.httpd.routes["/story"] = page(html)
        result = trace(server.url("/story"), web.claim, db=str(tmp_path / "u.db"), allow_private=True,
                       archive_fallback=False, delay=0, retries=0)
    first, dead = [h.to_json() for h in result.hops]
    assert first["cites"]["link"] == server.url("/gone") and first["cites"]["source"] == "Harbour Times"
    # no answer at all: the named source ends the chain with the dead URL, no status, no substitute
    assert (dead["requested_url"], dead["url"], dead["status"], dead["error"]) == \
        (server.url("/gone"), None, None, "connection-error")
    assert dead["source"] == "Harbour Times" and dead["flags"] == ["broken-link"]
    assert result.origin.reason == "broken-link" and result.origin.url == server.url("/gone")
    assert result.origin.name == "Harbour Times"
