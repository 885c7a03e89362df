"""Real citation chains, traced offline from WARCs of fixture webs: where the link sits,
which attribution is behind the claim, which link belongs to it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from trace_webs import trace_web
from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def chain(data: dict) -> list[tuple]:
    """(source, kind, status, cited source, cue, link) per hop: the chain at a glance."""
    return [
        (h["source"], h["kind"], h["status"],
         h["cites"] and h["cites"]["source"], h["cites"] and h["cites"]["cue"], h["cites"] and h["cites"]["link"])
        for h in data["hops"]
    ]


# ---------------------------------------------------------------- wire chain, four hops, dateline

PULSE = "https://pulsedigest.example/2021/03/04/varn-fever-meridia-35-cases/"
GAZETTE = "https://www.baysidegazette.example/news/2021/03/03/varn-fever-reaches-35-cases-in-north/"
NORDWIRE = "https://nordwire.example/world/europe/meridia-health-varn-fever-idNW20210303A1"
MINISTRY = "https://health.meridia.example/press/2021/03/03/varn-fever-situation-update"


def test_wire_chain_of_four_hops_through_a_dateline(web_warc, tmp_path):
    data = trace_web("wire-chain", web_warc, tmp_path)
    assert chain(data) == [
        ("Pulse Digest", "outlet", 200, "Bayside Gazette", "according to", GAZETTE),
        ("Bayside Gazette", "outlet", 200, "Nordwire", "(Nordwire) -", NORDWIRE),
        ("Nordwire", "outlet", 200, "Meridia's health ministry", "said", MINISTRY),
        ("Meridia's health ministry", "organisation", 200, None, None, None),
    ]
    hops = data["hops"]
    assert [h["url"] for h in hops] == [PULSE, GAZETTE, NORDWIRE, MINISTRY]
    assert [h["requested_url"] for h in hops] == [PULSE, GAZETTE, NORDWIRE, MINISTRY]
    # the dateline carries the claim at the regional paper, and the wire's own dateline is not a citation
    assert hops[1]["evidence"].startswith("OSLOVIK, March 3 (Nordwire) - Meridia's health ministry said")
    assert hops[2]["cites"]["sentence"].startswith("OSLOVIK, March 3 (Nordwire) - Meridia's health ministry said")
    assert hops[3]["evidence"].startswith("A total of 35 cases of Varn fever have been recorded")
    assert all(h["cites"]["resolved_by"] == "link" for h in hops[:3])
    assert [h["published"][:10] for h in hops] == ["2021-03-04", "2021-03-03", "2021-03-03", "2021-03-03"]
    assert all(h["confidence"] in ("high", "medium") for h in hops)
    assert data["origin"] == {"name": "Meridia's health ministry", "url": MINISTRY, "kind": "organisation",
                              "reason": "no-further-attribution"}
    assert data["flags"] == [] and data["branches"] == []
    assert all("drift" not in h for h in hops)  # 35 all the way down


def test_wire_chain_stops_at_the_hop_limit(web_warc, tmp_path):
    data = trace_web("wire-chain", web_warc, tmp_path, "--max-hops", "2")
    assert [h["source"] for h in data["hops"]] == ["Pulse Digest", "Bayside Gazette"]
    assert data["origin"] == {"name": "Bayside Gazette", "url": GAZETTE, "kind": "outlet", "reason": "max-hops"}
    # the citation not followed is still recorded on the last hop
    assert data["hops"][1]["cites"]["link"] == NORDWIRE
    db = store.open_db(tmp_path / "wire-chain.db")
    assert [r["stop_reason"] for r in store.hop_rows(db, data["trace_id"])] == [None, "max-hops"]


def test_wire_chain_python_api_reads_back_from_the_store(web_warc, tmp_path):
    web = load_web("wire-chain")
    db_path = tmp_path / "api.db"
    result = trace(web.start_url, web.claim, db=str(db_path), archives=[web_warc("wire-chain")], offline=True)
    assert [h.depth for h in result.hops] == [0, 1, 2, 3]
    assert result.origin.reason == "no-further-attribution"
    db = store.open_db(db_path)
    assert store.load_trace(db, result.id).to_json() == result.to_json()
    rows = store.hop_rows(db, result.id)
    assert [r["parent_hop_id"] for r in rows] == [None] + [r["id"] for r in rows[:-1]]
    assert [r["stop_reason"] for r in rows] == [None, None, None, "no-further-attribution"]


# ---------------------------------------------------------------- the link on a verb

NORDVIK_NOW = "https://nordviknow.example/local/port-authority-survey-payment-questions"
HARBOUR_TIMES = "https://www.harbourtimes.example/news/2021/05/11/port-authority-paid-4-2m-for-unfinished-survey"


def test_link_on_the_verb_reported(web_warc, tmp_path):
    data = trace_web("link-on-verb", web_warc, tmp_path)
    assert chain(data) == [
        ("Nordvik Now", "outlet", 200, "Harbour Times", "reported", HARBOUR_TIMES),
        ("Harbour Times", "outlet", 200, None, None, None),
    ]
    first, second = data["hops"]
    assert first["cites"]["sentence"].startswith("The Harbour Times reported on Tuesday that the port authority paid")
    assert first["evidence"] == first["cites"]["sentence"]
    # "the Harbour Times has learned" on the Harbour Times' own site is its own reporting
    assert second["evidence"].endswith("the Harbour Times has learned.")
    assert data["origin"] == {"name": "Harbour Times", "url": HARBOUR_TIMES, "kind": "outlet",
                              "reason": "no-further-attribution"}
    assert data["flags"] == []


def test_anonymous_sources_end_the_chain_at_the_outlet_they_told(web_warc, tmp_path):
    data = trace_web("link-on-verb", web_warc, tmp_path, claim="The survey was halted after Seabed Surveys' sonar equipment failed")
    assert chain(data) == [
        ("Nordvik Now", "outlet", 200, "Harbour Times", "told", HARBOUR_TIMES),
        ("Harbour Times", "outlet", 200, "people familiar with the matter", "told", None),
    ]
    first, second = data["hops"]
    assert first["anonymous"] == second["anonymous"] == "people familiar with the matter"
    assert first["flags"] == second["flags"] == ["anonymous-source"]
    assert second["cites"]["kind"] == "anonymous"
    assert data["origin"] == {"name": "Harbour Times", "url": HARBOUR_TIMES, "kind": "outlet",
                              "reason": "anonymous-source"}
    assert data["flags"] == ["anonymous-source"]


# ---------------------------------------------------------------- the link on "earlier this week"

RADIO = "https://radionordvik.example/news/2021-09-23/school-meals-contract-overpaid"
HERALD = "https://nordvikherald.example/2021/09/20/council-overpaid-school-meals-caterer/"


def test_link_on_earlier_this_week_with_the_outlet_named_a_sentence_before(web_warc, tmp_path):
    data = trace_web("link-earlier-this-week", web_warc, tmp_path)
    # "the newspaper reported earlier this week": the newspaper is the Nordvik Herald of the sentence
    # before, and of the link's domain; the tender-notice link in that sentence is not followed
    assert chain(data) == [
        ("Radio Nordvik", "outlet", 200, "Nordvik Herald", "reported", HERALD),
        ("Nordvik Herald", "outlet", 200, None, None, None),
    ]
    first = data["hops"][0]
    assert first["evidence"] == ("The council paid Fresco Catering €1.8 million more than the agreed tender price, "
                                 "the newspaper reported earlier this week.")
    assert first["cites"]["sentence"] == first["evidence"]
    assert data["origin"] == {"name": "Nordvik Herald", "url": HERALD, "kind": "outlet", "reason": "no-further-attribution"}
    db = store.open_db(tmp_path / "link-earlier-this-week.db")
    assert [r["requested_url"] for r in db["fetches"].rows_where(order_by="id")] == [RADIO, HERALD]


# ---------------------------------------------------------------- distractor attributions and links

COASTAL_POST = "https://www.coastalpost.example/health/2021/09/09/emergency-waiting-times-nine-hours"
BOARD_REPORT = "https://easternhealthboard.example/reports/2021-08-emergency-waiting-times"


def test_distractor_attributions_and_links_are_ignored(web_warc, tmp_path):
    data = trace_web("distractors", web_warc, tmp_path)
    # the link on the board's name goes to an encyclopedia; the one on "monthly report" is on the
    # board's own domain and wins; the mayor, the medical director, the Harbour Times, the other
    # report, the navigation and the related stories are not behind the claim
    assert chain(data) == [
        ("The Coastal Post", "outlet", 200, "Eastern Health Board", "said", BOARD_REPORT),
        ("Eastern Health Board", "organisation", 200, None, None, None),
    ]
    first, second = data["hops"]
    assert first["evidence"].startswith("Average waiting times at the emergency department of Nordvik General Hospital")
    assert second["evidence"].startswith("In August 2021 the average waiting time")
    assert second["published"] == "2021-09-07"
    assert data["origin"] == {"name": "Eastern Health Board", "url": BOARD_REPORT, "kind": "organisation",
                              "reason": "no-further-attribution"}
    assert data["flags"] == [] and data["branches"] == []
    assert "drift" not in first  # "nine hours" and "9 hours" are one figure
    db = store.open_db(tmp_path / "distractors.db")
    assert [r["requested_url"] for r in db["fetches"].rows_where(order_by="id")] == [COASTAL_POST, BOARD_REPORT]


def test_attribution_in_the_next_sentence_of_the_paragraph(web_warc, tmp_path):
    # "One in five patients left ... without being seen. That is the highest share since records
    # began, the board's report says." The claim sentence names nobody; the next one does.
    data = trace_web("distractors", web_warc, tmp_path,
                     claim="One in five patients left the emergency department without being seen by a doctor")
    first, report = data["hops"]
    assert first["evidence"] == "One in five patients left the emergency department without being seen by a doctor."
    assert (first["cites"]["source"], first["cites"]["kind"], first["cites"]["cue"], first["cites"]["link"]) == \
        ("board's report", "document", "says", BOARD_REPORT)
    assert first["cites"]["sentence"].startswith("That is the highest share since records began")
    # "one in five" and "20 per cent" are one figure
    assert report["evidence"].startswith("In August, 20 per cent of patients") and "drift" not in first
    assert data["origin"] == {"name": "board's report", "url": BOARD_REPORT, "kind": "document",
                              "reason": "no-further-attribution"}
