"""Claim drift hop by hop: figures with their qualifiers, hedges, quotes, named entities;
and a press release -> journal chain where three ways of writing one figure are no drift."""

from __future__ import annotations

import json


from trace_webs import trace_web
from tracer import store
from tracer.claims.drift import compare


VIRAL = "https://viralnow.example/stories/poisoned-tap-water-nordvik-50-in-hospital"
HERALD = "https://nordvikherald.example/2021/03/15/tap-water-illness-40-in-hospital/"
BULLETIN = "https://www.nordvik-region.example/health/bulletins/2021-03-15-water-related-illness"


def test_three_step_number_drift_is_reported_hop_by_hop(web_warc, tmp_path):
    data = trace_web("number-drift", web_warc, tmp_path)
    hops = data["hops"]
    assert [(h["source"], h["url"], h["cites"] and h["cites"]["link"]) for h in hops] == [
        ("ViralNow", VIRAL, HERALD),
        ("Nordvik Herald", HERALD, BULLETIN),
        ("regional health authority", BULLETIN, None),
    ]
    assert hops[0]["cites"]["cue"] == "reported" and hops[1]["cites"]["cue"] == "said"
    # each citing hop says how it changed what its source says
    assert hops[0]["drift"] == [
        "figure: “more than 50” here, “around 40” in the source (hop 1)",
        "entity: “Nordaqua” here, “Eastby Waterworks” in the source (hop 1)",
    ]
    assert hops[1]["drift"] == [
        "figure: “around 40” here, “35” in the source (hop 2)",
        "hedge dropped: “may” in the source (hop 2), not here",
        "quote not verbatim in the source (hop 2): “contaminated tap water”",
    ]
    assert "drift" not in hops[2]
    assert [h["flags"] for h in hops] == [["claim-drift"], ["claim-drift"], []]
    # a drifted figure still carries the claim: the chain reaches the origin
    assert all(h["evidence"] for h in hops)
    assert "35 residents" in hops[2]["evidence"] and "may be linked" in hops[2]["evidence"]
    assert data["origin"] == {"name": "regional health authority", "url": BULLETIN, "kind": "organisation",
                              "reason": "no-further-attribution"}
    assert data["flags"] == ["claim-drift"]
    # the drift found at hop 1 was written back onto hop 0's stored row
    db = store.open_db(tmp_path / "number-drift.db")
    rows = store.hop_rows(db, data["trace_id"])
    assert json.loads(rows[0]["flags"]) == ["claim-drift"]
    assert json.loads(rows[0]["extra"])["drift"] == hops[0]["drift"]
    assert store.load_trace(db, data["trace_id"]).to_json()["hops"] == hops


def test_drift_in_plain_strings():
    claim = "North Korea stole $2 billion"
    assert compare(claim, "North Korea stole approximately $2 billion.", "North Korea took about 2bn dollars.") == []
    # an acronym and the name it abbreviates are one entity, either way round
    assert compare("The UN fined the firm $3m", "The UN fined the firm $3m.", "The United Nations fined it $3m.") == []
    assert compare("The UN fined the firm $3m", "The United Nations fined the firm $3m.", "The UN fined it $3m.") == []
    assert compare(claim, "North Korea stole $2 billion.", "North Korea may have stolen $2 billion.") == [
        "hedge dropped: “may” in the source, not here"]
    assert compare(claim, "North Korea stole more than $3 billion.", "North Korea stole $2 billion.") == [
        "figure: “more than $3 billion” here, “$2 billion” in the source"]
    assert compare("23 per cent of adults", "23 per cent of adults", "Almost a quarter of adults") == []
    assert compare("35 cases", "at least 35 cases", "around 40 cases") == [
        "figure: “at least 35” here, “around 40” in the source"]



def test_a_finding_split_differently_across_sentences_is_not_drift():
    claim = "Bridges inspected every year need repairs half as often as bridges inspected every five years"
    here = "Yearly-inspected bridges needed 12 repairs per 100 spans, half the 24 of those checked every five years."
    here_page = f"Our council wants change. {here} That settles it for me."
    upstream = "Bridges inspected every year needed 12 repairs per 100 spans over the decade."
    upstream_page = f"The survey covered 400 bridges. {upstream} Bridges inspected every five years needed 24."
    assert compare(claim, here, upstream, here_text=here_page, upstream_text=upstream_page) == []
    # the same sentences, with the source's second figure really changed, still drift
    changed = upstream_page.replace("needed 24", "needed 30")
    assert compare(claim, here, upstream, here_text=here_page, upstream_text=changed) != []


def test_a_modal_that_hedges_something_else_is_not_a_dropped_hedge():
    claim = "Ferries running on hydrogen lose a fifth of their range in winter"
    here = "Hydrogen ferries lose a fifth of their range in winter."
    about_the_tank = "Hydrogen ferries lost a fifth of the distance their tanks could carry them in winter."
    assert compare(claim, here, about_the_tank) == []
    about_the_claim = "Hydrogen ferries could lose a fifth of their range in winter."
    assert compare(claim, here, about_the_claim) == ["hedge dropped: “could” in the source, not here"]


def test_sentence_initial_words_and_possessives_are_not_new_entities():
    claim = "A fund led by Mira Osei is bidding for the Larkfield ferry company"
    here = "A fund led by Mira Osei is bidding for the Larkfield ferry company, the Harbour Gazette understands."
    upstream = "The Larkfield ferry company is being courted by a fund. Insiders say Osei’s team has made a bid."
    assert compare(claim, here, upstream) == []
    swapped = "The Larkfield ferry company is being courted by a fund led by Tomas Brandt."
    assert compare(claim, here, swapped, exclude_names=["Harbour Gazette"]) == [
        "entity: “Mira Osei” here, “Tomas Brandt” in the source"]



def test_a_share_changed_by_more_than_a_factor_of_three_is_still_drift():
    claim = "Night-shift nurses are 70 percent more likely to have back pain"
    here = "Nurses on night shifts are 70 per cent more likely to suffer back pain, a survey found."
    upstream = "Night-shift nurses had 18% higher odds of reporting back pain than day-shift colleagues."
    assert compare(claim, here, upstream) == ["figure: “70 per cent” here, “18%” in the source"]


COASTAL_POST = "https://www.coastalpost.example/health/2021/11/03/vitamin-d-deficiency-coastal-towns"
PRESS_RELEASE = "https://www.uni-nordvik.example/news/2021/11/01/vitamin-d-coastal-towns"
JOURNAL = "https://journals.coastalhealth.example/jch/article/view/2021-0412"


def test_press_release_to_journal_page_with_doi(web_warc, tmp_path):
    data = trace_web("press-release-journal", web_warc, tmp_path)
    hops = data["hops"]
    assert [(h["source"], h["kind"], h["url"], h["cites"] and (h["cites"]["source"], h["cites"]["link"])) for h in hops] == [
        ("The Coastal Post", "outlet", COASTAL_POST, ("a study by researchers at the University of Nordvik", PRESS_RELEASE)),
        ("a study by researchers at the University of Nordvik", "document", PRESS_RELEASE, ("a study published in the Journal of Coastal Health", JOURNAL)),
        ("a study published in the Journal of Coastal Health", "document", JOURNAL, None),
    ]
    journal = hops[2]
    assert journal["doi"] == "10.5555/jch.2021.0412" and journal["journal"] == "Journal of Coastal Health"
    assert journal["published"] == "2021-10-28"  # citation_publication_date 2021/10/28, as ISO 8601
    assert journal["title"].startswith("Vitamin D deficiency among adults in coastal towns of Meridia")
    # "Results:" opens the abstract's paragraph: a label, not a source
    assert journal["evidence"].startswith("Results: Of 2,140 adults") and "(23.4%)" in journal["evidence"]
    assert hops[1]["evidence"].startswith("Almost a quarter of adults")
    # "23 per cent", "almost a quarter" and "23.4%" are one figure: no drift anywhere
    assert all("drift" not in h for h in hops) and data["flags"] == []
    assert "doi" not in hops[0] and "doi" not in hops[1]
    assert data["origin"] == {"name": "a study published in the Journal of Coastal Health", "url": JOURNAL, "kind": "document", "reason": "no-further-attribution"}
