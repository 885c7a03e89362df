"""Credibility per hop and per chain, on fixture webs traced offline from WARCs.

Each web (fixtures/web/cred-*) is one situation a reader should be told about: a faithful
chain to a press release on a .gov host, anonymous sources, a number that grows, a quote
the source never printed, a circle of citations, a page dated before its source, and
raters who disagree about (or do not know) a domain.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracer import store, trace
from tracer.cli import cli
from tracer.judge.chain import assess_trace
from tracer.judge.hop import signal
from tracer.fixtures import load_web
from tracer.judge.ratings import import_csv

SIGNALS = ["citation", "claim-found", "claim-at-source", "drift", "quote-fidelity", "anonymous-sourcing", "link", "date-order",
           "source-kind"]


def run(web_warc, name, db=None, claim=None, start=None):
    web = load_web(name)
    db = db if db is not None else store.open_db(":memory:")
    result = trace(start or web.start_url, claim or web.claim, db=db, archives=[web_warc(name)], offline=True)
    return result, db


def chain_of(result):
    return result.extra["credibility"]


def hop_cred(result, depth):
    return result.hops[depth].extra["credibility"]


def values(cred):
    return {s["name"]: s["value"] for s in cred["signals"]}


def test_faithful_chain_to_a_gov_press_release(web_warc, tmp_path):
    db = store.open_db(tmp_path / "gov.db")
    result, _ = run(web_warc, "cred-gov", db)
    chain = chain_of(result)
    assert chain["origin_reached"] == "online" and chain["origin_kind"] == "official-body"
    assert chain["length"] == 1 and chain["circular"] is False
    assert chain["verdict"] == ("Traced to a primary source online, Federal Water Board (an official body), "
                                "through one faithful hop.")
    # a number only with its parts next to it
    assert chain["score"]["value"] == 1.0
    assert set(chain["score"]["parts"]) == {"origin", "fidelity", "linkage", "dates"}
    assert all(p["why"] for p in chain["score"]["parts"].values()) and chain["score"]["formula"]
    # nothing weak in the chain: the weakest hop says so
    assert chain["weakest_hop"]["why"].startswith("no problem found")

    citing = hop_cred(result, 0)
    assert [s["name"] for s in citing["signals"]] == SIGNALS
    v = values(citing)
    assert v["citation"] == "link" and v["drift"] == "none" and v["quote-fidelity"] == "verbatim"
    assert v["anonymous-sourcing"] is False and v["link"] == "ok" and v["date-order"] == "ok"
    assert signal(citing, "date-order")["explanation"] == "dated 2024-03-06, its source 2024-03-05"
    assert signal(citing, "claim-at-source")["value"] > 0.6
    release = hop_cred(result, 1)
    assert release["source_kind"] == "official-body"
    assert "government host (.gov)" in signal(release, "source-kind")["explanation"]
    assert values(release)["citation"] == "none"

    # stored for audit: hops.extra and traces.extra carry it, and the trace reads back the same
    again = store.load_trace(db, result.id)
    assert again.to_json() == result.to_json()
    assert again.to_json()["credibility"]["verdict"] == chain["verdict"]
    row = db["hops"].get(store.hop_rows(db, result.id)[0]["id"])
    assert json.loads(row["extra"])["credibility"]["source_kind"] == "outlet"


def test_trace_json_carries_credibility_per_hop_and_chain(web_warc, tmp_path):
    web = load_web("cred-gov")
    out = CliRunner().invoke(cli, ["trace", web.start_url, "--claim", web.claim, "--archive",
                                   str(web_warc("cred-gov")), "--offline", "--format", "json",
                                   "--db", str(tmp_path / "t.db")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["credibility"]["origin_reached"] == "online"
    assert [h["credibility"]["source_kind"] for h in data["hops"]] == ["outlet", "official-body"]
    # the stable fields are all still there
    assert {"trace_id", "claim", "hops", "origin", "flags", "branches"} <= set(data)


def test_anonymous_source_origin(web_warc):
    result, _ = run(web_warc, "cred-anon")
    chain = chain_of(result)
    assert chain["origin_reached"] == "not-reached" and chain["origin_kind"] is None
    assert chain["verdict"].startswith("Rests on anonymous sources (“people familiar with the matter”) reported by ")
    assert "Ledger (via The Daily Scroll)" in chain["verdict"]
    assert chain["weakest_hop"]["depth"] == 1
    assert "unnamed sources" in chain["weakest_hop"]["why"]
    ledger = hop_cred(result, 1)
    assert values(ledger)["anonymous-sourcing"] is True and values(ledger)["citation"] == "anonymous"
    assert ledger["source_kind"] == "outlet"  # the Ledger is a news site, whatever the citing page called it
    assert ledger["summary"] == "A news outlet; rests on anonymous sources"  # one line for reports
    assert chain["score"]["parts"]["origin"]["value"] == 0.2 and chain["score"]["value"] <= 0.2


def test_drifting_number(web_warc):
    result, _ = run(web_warc, "cred-drift")
    chain = chain_of(result)
    assert chain["origin_reached"] == "online" and chain["origin_kind"] == "official-body"
    assert chain["verdict"].startswith("Traced to a primary source online, ")
    assert "through two hops." in chain["verdict"]  # not "faithful"
    assert ("The number grew from “at least 35” (county education office) to “more than 50” (Morning Post) "
            "along the way, in 2 steps.") in chain["verdict"]
    first, second = signal(hop_cred(result, 0), "drift"), signal(hop_cred(result, 1), "drift")
    assert first["value"] == second["value"] == "changed"
    assert (first["changes"][0]["from"], first["changes"][0]["to"]) == ("around 40", "more than 50")
    assert (second["changes"][0]["from"], second["changes"][0]["to"]) == ("at least 35", "around 40")
    assert "40" in first["explanation"] and "50" in first["explanation"]
    assert chain["weakest_hop"]["depth"] in (0, 1) and "40" in chain["weakest_hop"]["why"]
    assert chain["score"]["parts"]["fidelity"]["value"] == 0.0


def test_misquoted_quote(web_warc):
    result, _ = run(web_warc, "cred-misquote")
    quote = signal(hop_cred(result, 0), "quote-fidelity")
    assert quote["value"] == "altered"
    assert quote["quotes"] == [{"quote": "structurally unsafe and must close immediately", "verbatim": False,
                                "closest": quote["quotes"][0]["closest"], "similarity": quote["quotes"][0]["similarity"]}]
    assert "“structurally unsafe and must close immediately” is not in Valley Courier" in quote["explanation"]
    chain = chain_of(result)
    assert "City News Now misquotes its source" in chain["verdict"]
    assert chain["weakest_hop"]["depth"] == 0
    # the courier's own quotation cannot be checked: its source (an inspection) is not online
    assert values(hop_cred(result, 1))["quote-fidelity"] is None
    assert chain["origin_reached"] == "named-not-online"


def test_loop(web_warc):
    result, _ = run(web_warc, "cred-loop")
    chain = chain_of(result)
    assert chain["circular"] is True and chain["origin_reached"] == "not-reached"
    assert chain["verdict"] == ("Not traced: the citations go round in a circle (Island Voice → Bay Herald → "
                                "Coast FM → back to Island Voice); no origin is reached.")
    assert chain["weakest_hop"]["depth"] == 2 and "already in the chain" in chain["weakest_hop"]["why"]
    assert values(hop_cred(result, 2))["citation"] == "circular"
    assert chain["score"]["parts"]["origin"]["value"] == 0.0 and chain["score"]["value"] == 0.0


def test_date_order_violation(web_warc):
    result, _ = run(web_warc, "cred-dates")
    d = signal(hop_cred(result, 0), "date-order")
    assert d["value"] == "violated"
    assert d["explanation"] == "dated 2023-02-01 but cites Transit Weekly, dated 2023-02-03, after itself"
    chain = chain_of(result)
    assert "Metro Gazette is dated 2023-02-01 but cites Transit Weekly, dated 2023-02-03, after itself" in chain["verdict"]
    assert chain["origin_kind"] == "outlet" and "not a primary source" in chain["verdict"]
    assert chain["score"]["parts"]["dates"]["value"] == 0.5
    assert chain["weakest_hop"] == {"depth": 0, "why": d["explanation"]}


def test_domain_unrated_by_one_rater_rated_by_another(web_warc, tmp_path):
    db = store.open_db(tmp_path / "r.db")
    a = tmp_path / "a.csv"
    a.write_text("domain,score\ntruthnuggets.example,12\nmetropost.example,86\n")
    b = tmp_path / "b.csv"
    b.write_text("site,trust\nmetropost.example,0.7\n")
    import_csv(db, a, rater="Rater A", as_of="2024-01-31")
    import_csv(db, b, rater="Rater B", as_of="2023-11-15")
    result, _ = run(web_warc, "cred-laundering", db)
    origin = hop_cred(result, 1)
    assert origin["ratings"] == [
        {"rater": "Rater A", "as_of": "2024-01-31", "score": 12.0, "scale": "0:100", "normalised": 0.12,
         "domain": "truthnuggets.example", "status": "rated"},
        {"rater": "Rater B", "as_of": "2023-11-15", "score": None, "status": "unrated"},
    ]
    assert [r["score"] for r in hop_cred(result, 0)["ratings"]] == [86.0, 0.7]
    assert origin["summary"] == ("A news outlet; Rater A (2024-01-31): 12 on 0:100 for truthnuggets.example; "
                                 "Rater B (2023-11-15): unrated")
    chain = chain_of(result)
    assert ("The origin, Truth Nuggets, is rated low: Rater A (2024-01-31): 12 on 0:100; unrated by Rater B"
            in chain["verdict"])
    rating = chain["score"]["parts"]["origin_rating"]
    assert rating["value"] == 0.12 and "unrated by Rater B" in rating["why"]
    # unrated is not low: with no rater knowing the origin, no rating part at all
    empty = store.open_db(tmp_path / "none.db")
    import_csv(empty, b, rater="Rater B", as_of="2023-11-15")
    unrated, _ = run(web_warc, "cred-laundering", empty)
    assert "origin_rating" not in chain_of(unrated)["score"]["parts"]
    assert "rated low" not in chain_of(unrated)["verdict"]
    assert hop_cred(unrated, 1)["ratings"] == [{"rater": "Rater B", "as_of": "2023-11-15", "score": None,
                                                "status": "unrated"}]


def test_seed_story_credibility(seed_warc):
    web = load_web("seed")
    result = trace(web.start_url, web.claim, archives=[seed_warc], offline=True)
    chain = chain_of(result)
    assert chain["origin_reached"] == "named-not-online" and chain["origin_kind"] == "primary-document"
    assert chain["verdict"].startswith("Traced to a primary document, ")
    assert "named by Reuters but not online" in chain["verdict"]
    assert hop_cred(result, 1)["source_kind"] == "wire-service"
    # CoinWire puts words in quotation marks that Reuters did not print
    quote = signal(hop_cred(result, 0), "quote-fidelity")
    assert quote["value"] == "altered"
    altered = [q for q in quote["quotes"] if not q["verbatim"]]
    assert altered[0]["quote"] == "large-scale and increasingly sophisticated"
    assert altered[0]["closest"] == "large and increasingly complex"


def test_assess_trace_is_pure_and_repeatable(web_warc, tmp_path):
    db = store.open_db(tmp_path / "p.db")
    result, _ = run(web_warc, "cred-drift", db)
    stored = store.load_trace(db, result.id)
    again = assess_trace(stored, db)
    assert again["verdict"] == chain_of(result)["verdict"]
    assert [h["signals"] for h in again["hops"]] == [h.extra["credibility"]["signals"] for h in result.hops]
    # without a database: the same signals (quotes checked against the sentence carried at each hop)
    bare = assess_trace(stored)
    assert bare["verdict"] == again["verdict"]


# --- the trace engine's own fixture webs (issue 5), judged -------------------------------------


def test_redirect_then_dead_link(web_warc):
    result, _ = run(web_warc, "redirect-404")
    chain = chain_of(result)
    assert chain["origin_reached"] == "not-reached"
    assert chain["verdict"].startswith("Not traced: ") and "is dead (404)" in chain["verdict"]
    last = signal(hop_cred(result, len(result.hops) - 1), "link")
    assert last["value"] == "dead" and "after a redirect to" in last["explanation"]
    assert chain["weakest_hop"]["depth"] == len(result.hops) - 2
    assert "its link to the source" in chain["weakest_hop"]["why"]
    assert chain["score"]["parts"]["origin"]["value"] == 0.0


def test_press_release_to_a_journal_paper(web_warc):
    result, _ = run(web_warc, "press-release-journal")
    chain = chain_of(result)
    origin = hop_cred(result, len(result.hops) - 1)
    assert origin["source_kind"] == "primary-document"
    assert signal(origin, "source-kind")["explanation"].startswith("the page is a paper (DOI ")
    assert chain["origin_reached"] == "online" and chain["verdict"].startswith("Traced to a primary document online")
    # "23 per cent" and "almost a quarter" say the same thing: no drift
    assert all(values(hop_cred(result, d))["drift"] != "changed" for d in range(len(result.hops)))


def test_branches_are_judged_too(web_warc):
    result, _ = run(web_warc, "two-source-branch")
    chain = chain_of(result)
    assert result.branches and len(chain["branches"]) == len(result.branches)
    assert chain["origin_reached"] == "online" and chain["origin_kind"] == "official-body"
    branch = chain["branches"][0]
    assert set(branch) >= {"origin_reached", "length", "weakest_hop", "circular", "verdict", "score"}
    assert "hops" not in branch  # the per-hop judgements sit on the branch's hops
    assert all("credibility" in h.extra for b in result.branches for h in b)


def test_source_found_by_lookup(web_warc, tmp_path):
    from test_trace_lookup import CHANNEL7, STORED, remember

    warc = web_warc("unlinked-lookup")
    remember(tmp_path / "lookup.db", warc, STORED)
    db = store.open_db(tmp_path / "lookup.db")
    result = trace(CHANNEL7, load_web("unlinked-lookup").claim, db=db, archives=[warc], offline=True)
    citation = signal(hop_cred(result, 0), "citation")
    assert citation["value"] == "lookup"
    assert citation["explanation"].startswith("names Harbour Times without a link; tracer found ")
    chain = chain_of(result)
    assert "Channel 7 Nordvik named its source without a link; tracer found the page by lookup" in chain["verdict"]
    assert chain["score"]["parts"]["linkage"]["value"] == 0.75


def test_cli_rejudges_a_stored_trace_with_raters_imported_later(web_warc, tmp_path):
    db_path = str(tmp_path / "later.db")
    result, db = run(web_warc, "cred-laundering", store.open_db(db_path))
    assert hop_cred(result, 1)["ratings"] == [] and "rated low" not in chain_of(result)["verdict"]
    ratings = tmp_path / "r.csv"
    ratings.write_text("domain,score\ntruthnuggets.example,0.12\n")
    invoke = CliRunner().invoke
    assert invoke(cli, ["ratings", "import", str(ratings), "--rater", "Rater A", "--as-of", "2024-01-31",
                        "--db", db_path]).exit_code == 0
    out = invoke(cli, ["credibility", "--format", "json", "--db", db_path])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert "The origin, Truth Nuggets, is rated low: Rater A (2024-01-31): 0.12 on 0:1" in data["credibility"]["verdict"]
    assert data["hops"][1]["credibility"]["ratings"][0]["score"] == 0.12
    # stored: the trace reads back with the new judgement
    again = store.load_trace(store.open_db(db_path), result.id)
    assert again.extra["credibility"]["verdict"] == data["credibility"]["verdict"]
    assert again.hops[1].extra["credibility"]["ratings"][0]["score"] == 0.12
    text = invoke(cli, ["credibility", str(result.id), "--db", db_path]).stdout.splitlines()
    assert text[0] == f"Claim: {result.claim}" and text[1].startswith("Verdict: Traced to Truth Nuggets")
    assert any(line.startswith("[1] Truth Nuggets — A news outlet; Rater A (2024-01-31): 0.12 on 0:1") for line in text)


def test_cli_judges_a_claim_over_the_corpus(web_warc, tmp_path):
    from tracer.corpus import index

    db_path = str(tmp_path / "corpus.db")
    index.index_warcs(store.open_db(db_path), [web_warc("cred-copies")], workers=1, progress=False)
    claim = load_web("cred-copies").claim
    out = CliRunner().invoke(cli, ["credibility", "--claim", claim, "--db", db_path])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[1].startswith("Verdict: 13 pages carry the claim, resting on 2 independent origins")
    assert lines[2].startswith("Origin: Coastal Press Agency (a wire service) — 11 page(s), 10 copies")
    data = json.loads(CliRunner().invoke(cli, ["credibility", "--claim", claim, "--format", "json",
                                               "--db", db_path]).stdout)
    assert data["independent_origins"] == 2 and data["copies"] == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (["credibility"], "no trace in the database"),
        (["credibility", "7"], "no trace with id 7"),
        (["credibility", "7", "--claim", "x"], "not both"),
        (["credibility", "--claim", " "], "the claim is empty"),
    ],
)
def test_credibility_cli_errors_are_one_line(tmp_path, args, message):
    store.open_db(tmp_path / "empty.db").close()  # an empty tracer database (a missing one is refused)
    out = CliRunner().invoke(cli, args + ["--db", str(tmp_path / "empty.db")])
    assert out.exit_code != 0 and message in out.stderr
    assert "Traceback" not in out.output + out.stderr
