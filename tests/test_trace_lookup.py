"""Unlinked named sources looked up among the stored pages (host, date, time window, claim),
and dates: a page citing a source dated after itself, from metadata or from visible dates."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from tracer import store
from tracer.cli import cli
from tracer.read.dates import time_window, visible_date
from tracer.page import read_page
from tracer.web.fetch import Fetcher
from tracer.fixtures import load_web
from tracer.resolve import lookup_candidates, lookup_source

WEB = load_web("unlinked-lookup")
CHANNEL7 = "https://ch7nordvik.example/news/harbour-master-gifts-seabed-surveys"
HT_FRIDAY = "https://www.harbourtimes.example/news/2021/10/15/harbour-master-accepted-gifts-from-survey-firm"
HT_EARLIER = "https://www.harbourtimes.example/news/2021/10/01/seabed-surveys-bids-for-port-contract"
HT_MONDAY = "https://www.harbourtimes.example/news/2021/10/18/harbour-master-suspended"
HERALD = "https://nordvikherald.example/2021/10/15/harbour-master-gifts/"
STORED = [HT_EARLIER, HT_MONDAY, HERALD, HT_FRIDAY]


def remember(db_path, warc, urls) -> None:
    """Store pages as tracer stores what it reads (fetch record, document, attributions)."""
    db = store.open_db(db_path)
    with Fetcher(archives=[str(warc)], offline=True) as fetcher:
        for url in urls:
            result = fetcher.fetch(url)
            fetch_id = store.save_fetch(db, result)
            doc, attributions = read_page(result.text, result.final_url)
            store.save_document(db, doc, attributions, sha256=result.sha256, fetch_id=fetch_id)
    db.close()


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_unlinked_outlet_found_by_lookup_in_stored_pages(web_warc, tmp_path):
    warc = web_warc("unlinked-lookup")
    db_path = tmp_path / "lookup.db"
    remember(db_path, warc, STORED)
    data = run_json("trace", CHANNEL7, "--claim", WEB.claim, "--archive", str(warc), "--offline",
                    "--format", "json", "--db", str(db_path))
    first, second = data["hops"]
    # "the Harbour Times first reported on Friday" (the page is of Saturday 16 October): the Harbour
    # Times page of Friday 15 October, not the older story, not Monday's follow-up, not the Herald's copy
    assert first["source"] == "Channel 7 Nordvik"
    assert first["cites"] == {
        "source": "Harbour Times", "cue": "first reported", "link": HT_FRIDAY, "kind": "outlet",
        "sentence": "The harbour master accepted gifts worth €30,000 from Seabed Surveys, the Harbour Times "
                    "first reported on Friday.",
        "resolved_by": "lookup",
    }
    assert first["flags"] == ["unlinked-source"]
    assert first["lookup"]["url"] == HT_FRIDAY and first["lookup"]["window"] == ["2021-10-15", "2021-10-15"]
    assert first["lookup"]["published"].startswith("2021-10-15") and first["lookup"]["score"] >= 0.6
    assert (second["source"], second["kind"], second["requested_url"], second["url"], second["status"]) == \
        ("Harbour Times", "outlet", HT_FRIDAY, HT_FRIDAY, 200)
    assert second["evidence"].startswith("The harbour master, Olav Strand, accepted gifts worth €30,000")
    assert second["cites"] is None  # "documents seen by the Harbour Times": its own reporting
    assert data["origin"] == {"name": "Harbour Times", "url": HT_FRIDAY, "kind": "outlet",
                              "reason": "no-further-attribution"}
    assert data["flags"] == ["unlinked-source"]
    db = store.open_db(db_path)
    rows = store.hop_rows(db, data["trace_id"])
    assert [r["resolved_by"] for r in rows] == ["lookup", None]


def test_lookup_in_a_large_corpus_uses_the_full_text_index(web_warc, tmp_path, monkeypatch):
    """Past LOOKUP_SCAN_LIMIT stored pages, candidates come from the corpus index: same answer."""
    from tracer import resolve
    from tracer.corpus.index import index_warcs

    monkeypatch.setattr(resolve, "LOOKUP_SCAN_LIMIT", 0)
    warc = web_warc("unlinked-lookup")
    db_path = tmp_path / "big.db"
    db = store.open_db(db_path)
    index_warcs(db, [warc, web_warc("seed"), web_warc("wire-copies")], workers=1, progress=False)
    db.close()
    data = run_json("trace", CHANNEL7, "--claim", WEB.claim, "--archive", str(warc), "--offline",
                    "--format", "json", "--db", str(db_path))
    assert data["hops"][0]["cites"]["resolved_by"] == "lookup"
    assert data["hops"][0]["cites"]["link"] == HT_FRIDAY
    assert data["origin"]["url"] == HT_FRIDAY
    hit = resolve.lookup_source(store.open_db(db_path), "Harbour Times", WEB.claim, before="2021-10-16")
    assert hit is not None and hit.url == HT_FRIDAY
    assert resolve.lookup_source(store.open_db(db_path), "Harbour Times", "Penguins elected a mayor") is None


def test_unlinked_outlet_not_stored_ends_the_chain_not_online(web_warc, tmp_path):
    data = run_json("trace", CHANNEL7, "--claim", WEB.claim, "--archive", str(web_warc("unlinked-lookup")),
                    "--offline", "--format", "json", "--db", str(tmp_path / "empty.db"))
    first, named = data["hops"]
    assert first["cites"]["source"] == "Harbour Times" and first["cites"]["link"] is None
    assert first["cites"]["resolved_by"] is None and "lookup" not in first
    assert (named["url"], named["source"], named["kind"], named["flags"]) == (None, "Harbour Times", "outlet",
                                                                             ["unlinked-source"])
    assert data["origin"] == {"name": "Harbour Times", "url": None, "kind": "outlet", "reason": "unlinked-source"}


def test_lookup_source_filters_by_host_date_and_window(web_warc, tmp_path):
    db_path = tmp_path / "l.db"
    remember(db_path, web_warc("unlinked-lookup"), STORED)
    db = store.open_db(db_path)
    claim = WEB.claim
    friday = date(2021, 10, 15)
    hit = lookup_source(db, "Harbour Times", claim, before="2021-10-16T18:30:00+02:00", window=(friday, friday))
    assert hit.url == HT_FRIDAY and hit.evidence.startswith("The harbour master, Olav Strand")
    # without a window, pages after the citing page are still left out
    assert lookup_source(db, "the Harbour Times", claim, before="2021-10-16").url == HT_FRIDAY
    # with a later date both Harbour Times pages carrying the claim are candidates; the older story is not
    assert {h.url for h in lookup_candidates(db, "Harbour Times", claim, before="2021-10-20")} == {HT_FRIDAY, HT_MONDAY}
    monday = date(2021, 10, 18)
    assert lookup_source(db, "Harbour Times", claim, before="2021-10-20", window=(monday, monday)).url == HT_MONDAY
    # another outlet's host, and a source nobody stored
    assert lookup_source(db, "Nordvik Herald", claim, before="2021-10-16").url == HERALD
    assert lookup_source(db, "Coastal Post", claim, before="2021-10-16") is None
    assert lookup_source(db, "the paper", claim) is None  # a generic name is looked up nowhere
    # the window of a time phrase, from the citing page's date
    assert lookup_source(db, "Harbour Times", claim, before="2021-10-16",
                         window=time_window("reported last week", date(2021, 10, 16))) is None
    # an exclusion (a page already in the chain) is respected
    assert lookup_source(db, "Harbour Times", claim, before="2021-10-16", exclude={HT_FRIDAY}) is None


GAZETTE = "https://www.baysidegazette.example/news/2021/03/10/four-libraries-to-close/"
COUNCIL = "https://www.nordvik.example/news/library-network-proposals"
CONSULTATION = "https://www.nordvik.example/consultations/budget-2022"


def test_date_order_violation_from_a_visible_date(web_warc, tmp_path):
    web = load_web("date-order")
    data = run_json("trace", web.start_url, "--claim", web.claim, "--archive", str(web_warc("date-order")),
                    "--offline", "--format", "json", "--db", str(tmp_path / "d.db"))
    hops = data["hops"]
    assert [(h["source"], h["url"], h["cites"] and h["cites"]["link"]) for h in hops] == [
        ("Bayside Gazette", GAZETTE, COUNCIL),
        ("city council", COUNCIL, CONSULTATION),
        ("its budget consultation", CONSULTATION, None),
    ]
    # the council page has no date in its metadata: "Published 12 March 2021" is what a reader sees
    assert [h["published"] for h in hops] == ["2021-03-10T09:00:00+01:00", "2021-03-12", "2021-03-11T08:00:00+01:00"]
    assert hops[1]["date_source"] == "visible" and "date_source" not in hops[0]
    assert hops[1]["date_order"] == "published 2021-03-12, after the page citing it (hop 0, 2021-03-10)"
    assert [h["flags"] for h in hops] == [["claim-drift"], ["date-order"], []]
    # "will close" in the newspaper, "proposes to close" at the council
    assert hops[0]["drift"] == ["hedge dropped: “proposes” in the source (hop 1), not here"]
    # the page's publisher (og:site_name "City of Nordvik") says what it is: an organisation (issue 16)
    assert data["origin"] == {"name": "its budget consultation", "url": CONSULTATION, "kind": "organisation",
                              "reason": "no-further-attribution"}
    assert data["flags"] == ["claim-drift", "date-order"]


def test_time_windows_and_visible_dates():
    saturday = date(2021, 10, 16)
    assert time_window("first reported on Friday", saturday) == (date(2021, 10, 15), date(2021, 10, 15))
    assert time_window("said last week", saturday) == (date(2021, 10, 4), date(2021, 10, 10))
    assert time_window("earlier this week", saturday) == (date(2021, 10, 11), saturday)
    assert time_window("on 3 October", saturday) == (date(2021, 10, 3), date(2021, 10, 3))
    assert time_window("yesterday", saturday) == (date(2021, 10, 15), date(2021, 10, 15))
    assert time_window("the report said", saturday) is None
    assert time_window("on Friday", None) is None
    assert visible_date("<html><body><p class=byline>By A. Writer | 9 March 2021</p><p>x</p></body></html>") == \
        date(2021, 3, 9)
    assert visible_date("<html><body><p>Story.</p><p>Posted on March 9, 2021 by admin</p></body></html>") == \
        date(2021, 3, 9)
    assert visible_date("<html><body><p>No date here.</p></body></html>") is None
