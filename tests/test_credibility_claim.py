"""Credibility per claim: independent origins, copies collapsed, laundering, single-source amplification.

The pages of a fixture web are traced one by one (as a reader would, from each page), and the
traces are put in the shape of ``tracer sources`` output; ``assess_claim`` also takes that output
directly, with the corpus's own ``copy_of``.
"""

from __future__ import annotations


from tracer import store, trace
from tracer.judge.claim import assess_claim, sources_from_traces
from tracer.fixtures import load_web
from tracer.judge.ratings import import_csv


def trace_every_page(web_warc, name, db):
    web = load_web(name)
    warc = web_warc(name)
    return [trace(p.url, web.claim, db=db, archives=[warc], offline=True) for p in web.pages if p.status == 200]


def test_one_origin_behind_ten_copies(web_warc, tmp_path):
    db = store.open_db(tmp_path / "c.db")
    traces = trace_every_page(web_warc, "cred-copies", db)
    result = assess_claim(sources_from_traces(traces, db), db)
    assert result["documents"] == 13 and result["copies"] == 10
    assert result["independent_origins"] == 2
    wire, port = result["origins"]
    # five copies credit the agency with a link, five only at the foot: all ten collapse onto the wire story
    assert wire["name"] == "Coastal Press Agency" and wire["source_kind"] == "wire-service"
    assert wire["url"] == "https://www.coastalpress.example/wire/2024/09/02/cargo-ship-aground-port-alder"
    assert (wire["documents"], wire["copies"]) == (11, 10)
    assert port["source_kind"] == "official-body" and port["name"] == "Port Alder Harbour Authority"
    assert port["documents"] == 2 and port["copies"] == 0
    assert result["single_source_amplification"]["value"] is False
    assert result["verdict"].startswith("13 pages carry the claim, resting on 2 independent origins: "
                                        "Coastal Press Agency (11 page(s)); Port Alder Harbour Authority (2 page(s)).")
    assert "10 page(s) are copies of another page's text and count once." in result["verdict"]


def test_copies_alone_are_single_source_amplification(web_warc, tmp_path):
    db = store.open_db(tmp_path / "c.db")
    traces = [t for t in trace_every_page(web_warc, "cred-copies", db) if "portalder" not in t.start_url
              and "islandherald" not in t.start_url]
    result = assess_claim(sources_from_traces(traces, db), db)
    assert result["independent_origins"] == 1
    amp = result["single_source_amplification"]
    assert amp["value"] is True
    assert amp["explanation"] == ("11 pages carry the claim, and all rest on one origin: Coastal Press Agency "
                                  "(10 of them copies of one text)")
    assert "Single-source amplification" in result["verdict"]


def test_low_rated_origin_amplified_by_high_rated_outlets(web_warc, tmp_path):
    db = store.open_db(tmp_path / "l.db")
    ratings = tmp_path / "r.csv"
    ratings.write_text("domain,score\ntruthnuggets.example,0.12\nmetropost.example,0.86\nwww.dailyrecord.example,0.91\n")
    import_csv(db, ratings, rater="Rater A", as_of="2024-01-31")
    traces = trace_every_page(web_warc, "cred-laundering", db)
    result = assess_claim(sources_from_traces(traces, db), db)
    assert result["independent_origins"] == 1
    [item] = result["laundering"]
    assert item["rater"] == "Rater A" and item["origin_score"] == 0.12
    assert sorted(a["domain"] for a in item["amplifiers"]) == ["metropost.example", "www.dailyrecord.example"]
    assert item["explanation"] == (
        "Truth Nuggets (truthnuggets.example) is rated 0.12 on 0:1 by Rater A (2024-01-31), yet metropost.example "
        "(0.86) and www.dailyrecord.example (0.91), rated high by the same rater, repeat it: the claim borrows "
        "their standing, not its origin's")
    assert "Citation laundering: " in result["verdict"]
    assert result["single_source_amplification"]["value"] is True


def test_no_laundering_when_the_rater_does_not_know_the_origin(web_warc, tmp_path):
    db = store.open_db(tmp_path / "l.db")
    ratings = tmp_path / "r.csv"
    ratings.write_text("domain,score\nmetropost.example,0.86\nwww.dailyrecord.example,0.91\n")
    import_csv(db, ratings, rater="Rater A", as_of="2024-01-31")
    result = assess_claim(sources_from_traces(trace_every_page(web_warc, "cred-laundering", db), db), db)
    assert result["laundering"] == []  # unrated is not low
    assert result["origins"][0]["ratings"] == [{"rater": "Rater A", "as_of": "2024-01-31", "score": None,
                                                "status": "unrated"}]


def test_sources_output_with_the_corpus_copy_marks():
    """The corpus's ``tracer sources`` JSON, as issue 6 specifies it, is taken as it is."""
    sources = {
        "claim": "The Orca Festival drew 80,000 visitors",
        "documents": [
            {"url": "https://a.example/1", "publisher": "A", "published": "2024-07-19", "evidence": "x",
             "cites": [], "origin": {"name": "Festival office", "url": "https://fest.example/press"}, "copy_of": None},
            {"url": "https://b.example/1", "publisher": "B", "published": "2024-07-20", "evidence": "y",
             "cites": [{"source": "A", "url": "https://a.example/1"}],
             "origin": {"name": "B", "url": "https://b.example/1"}, "copy_of": "https://a.example/1"},
            {"url": "https://c.example/1", "publisher": "C", "published": "2024-07-20", "evidence": "z",
             "cites": [], "origin": {"name": "Harbour police", "url": None}, "copy_of": None},
            {"url": "https://d.example/1", "publisher": "D", "published": "2024-07-21", "evidence": "w",
             "cites": [], "origin": None, "copy_of": None},
        ],
        "origins": [],
        "independent_origins": 3,
    }
    result = assess_claim(sources)
    assert result["copies"] == 1 and result["independent_origins"] == 2
    names = {o["name"]: o for o in result["origins"]}
    assert names["Festival office"]["documents"] == 2 and names["Festival office"]["copies"] == 1
    assert names["Harbour police"]["source_kind"] == "official-body" and names["Harbour police"]["url"] is None
    assert result["unresolved"] == ["https://d.example/1"]
    assert "1 page(s) reach no origin" in result["verdict"]


def test_nothing_carries_the_claim():
    result = assess_claim({"claim": "x", "documents": []})
    assert result["independent_origins"] == 0 and result["verdict"] == "No page carries the claim."


def test_with_the_corpus_sources(web_warc, tmp_path):
    """``tracer sources`` over an indexed WARC, judged per claim: the corpus's copy marks are kept."""
    from tracer.corpus import search as corpus
    from tracer.corpus import index

    db = store.open_db(tmp_path / "corpus.db")
    ratings = tmp_path / "r.csv"
    ratings.write_text("domain,score\ntruthnuggets.example,0.12\nmetropost.example,0.86\nwww.dailyrecord.example,0.91\n")
    import_csv(db, ratings, rater="Rater A", as_of="2024-01-31")
    index.index_warcs(db, [web_warc("cred-copies"), web_warc("cred-laundering")], workers=1, progress=False)

    copies = assess_claim(corpus.sources(db, load_web("cred-copies").claim), db)
    assert (copies["independent_origins"], copies["copies"]) == (2, 10)
    assert copies["origins"][0]["name"] == "Coastal Press Agency" and copies["origins"][0]["documents"] == 11

    laundered = assess_claim(corpus.sources(db, load_web("cred-laundering").claim), db)
    assert laundered["copies"] == 0 and laundered["independent_origins"] == 1
    assert laundered["laundering"][0]["origin_score"] == 0.12
    assert laundered["single_source_amplification"]["value"] is True


def test_sources_command_carries_the_claim_judgement(web_warc, tmp_path):
    import json

    from click.testing import CliRunner

    from tracer.cli import cli

    db_path = str(tmp_path / "corpus.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(web_warc("cred-copies")), "--workers", "1", "--db", db_path]).exit_code == 0
    claim = load_web("cred-copies").claim
    data = json.loads(runner.invoke(cli, ["sources", "--claim", claim, "--format", "json", "--db", db_path]).stdout)
    judged = data["credibility"]
    assert judged["independent_origins"] == data["independent_origins"] == 2
    assert judged["copies"] == 10
    assert judged["origins"][0]["name"] == "Coastal Press Agency"
    text = runner.invoke(cli, ["sources", "--claim", claim, "--db", db_path]).stdout
    assert "Verdict: " in text and "copies of another page's text and count once" in text.replace("\n    ", " ")
