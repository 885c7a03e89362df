"""Chain decisions found missing by webs written apart from tracer (issue 15, red team):
sentences that say where the previous sentence's figures come from."""

from __future__ import annotations

import json

from click.testing import CliRunner

from trace_webs import trace_web
from tracer.attribution.attribute import extract_attributions
from tracer.cli import cli
from tracer.fixtures import load_web


# ---------------------------------------------------------------- where the figures come from

BLOG = "https://heronsnotebook.example/2024/04/waders-in-trouble"
TRUST = "https://www.sallowwildlife.example/news/wader-decline-2024"
COUNT = "https://www.sallowwildlife.example/wetland-bird-count/winter-2023-24"


def test_a_sentence_naming_where_the_figures_come_from_is_the_citation(web_warc, tmp_path):
    data = trace_web("provenance-sentence", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [BLOG, TRUST, COUNT]
    blog, trust, count = data["hops"]
    # "That is the main conclusion of <a>a count by the Sallow Wildlife Trust</a>" after the claim
    assert blog["cites"]["cue"] == "is the main conclusion of" and blog["cites"]["link"] == TRUST
    # "The totals are drawn from X, <a>released last week</a>" opening the next paragraph
    assert trust["cites"]["cue"].endswith("drawn from") and "Wetland Bird Count" in trust["cites"]["source"]
    assert count["cites"] is None and data["origin"]["reason"] == "no-further-attribution"
    assert data["flags"] == []


def test_an_unlinked_provenance_ends_the_chain_as_a_named_source(web_warc, tmp_path):
    data = trace_web("provenance-sentence", web_warc, tmp_path,
                      claim="A record sixty-one volunteers counted the Sallow's birds this winter", start=TRUST)
    assert [h["url"] for h in data["hops"]] == [TRUST, None]
    assert data["hops"][-1]["source"] == "the trust's own volunteer register"
    assert "unlinked-source" in data["flags"]


def _provenance(text: str) -> list[tuple[str, str, str]]:
    out = []
    for a in extract_attributions(text):
        cue = " ".join(text[s:e] for s, e in a.cue)
        content = " ".join(text[s:e] for s, e in a.content)
        out.append((a.source_name, cue, content))
    return out


def test_provenance_sentences_point_back_at_what_was_just_said():
    text = ("Rents in the old town rose by 9% last year. The figures come from a survey of 400 landlords "
            "by the Tenants' Forum.\n\nHalf of the town's cafes opened after 2015.\n\n"
            "These numbers were compiled by the chamber of commerce.")
    found = _provenance(text)
    come = [f for f in found if f[1] == "come from"]
    assert come and come[0][2] == "Rents in the old town rose by 9% last year." and "survey" in come[0][0]
    compiled = [f for f in found if f[1] == "were compiled by"]
    assert compiled and compiled[0][2] == "Half of the town's cafes opened after 2015."


def test_sentences_that_only_look_like_provenance_are_not():
    text = ("The ferry will run twice a day from May. The figures come as a surprise to islanders. "
            "That is the view of many residents. The results are expected in June.")
    assert [f for f in _provenance(text) if f[1] in ("come from", "is the view of", "are expected in")] == []


# ---------------------------------------------------------------- an organisation's own statement

COURIER = "https://www.kelbycourier.example/news/pool-to-shut-for-refit-3321"
COUNCIL = "https://www.kelby.gov.example/news/leisure-centre-refit"


def test_an_organisation_naming_itself_on_its_own_page_is_the_origin(web_warc, tmp_path):
    data = trace_web("own-statement", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [COURIER, COUNCIL]
    assert data["hops"][1]["cites"] is None and data["hops"][1]["speaks_as"] == "Kelby District Council"
    assert data["origin"]["url"] == COUNCIL and data["origin"]["reason"] == "no-further-attribution"
    assert data["flags"] == []


def test_the_same_words_on_a_page_that_cites_the_council_are_a_citation():
    from tracer.models import Document
    from tracer.resolve import names_itself
    page = Document(url="https://www.kelbycourier.example/news/x", title="Pool to shut for refit | Kelby Courier", text="")
    assert not names_itself(page, "Kelby District Council", "Kelby Courier", "outlet")
    own = Document(url="https://www.kelby.gov.example/news/x", title="Leisure centre refit - Kelby District Council", text="")
    assert names_itself(own, "Kelby District Council", "council", "organisation")
    assert not names_itself(own, "Ashgate Swimming Club", "council", "organisation")


def test_a_passive_participle_after_the_subject_is_no_attribution():
    found = _provenance("Lifeguards, supported by the centre's duty managers, will help swimmers move. "
                        "The mayor, flanked by officials, said the pool would reopen in 2026.")
    assert [(s, c) for s, c, _ in found] == [("mayor, flanked by officials", "said")] or \
        [c for _, c, _ in found] == ["said"]


# ---------------------------------------------------------------- "per X", "the study" linked again, a study page's finding

PET_BLOG = "https://pawprintsdiary.example/posts/walkies-and-long-lives"
GAZETTE = "https://www.westerbygazette.example/news/2024/06/03/twice-daily-walks-add-years-to-dogs-lives"
HOLM = "https://www.holm.ac.example/news/2024/05/walks-and-canine-lifespan"
PAPER = "https://journals.fernleypress.example/cah/10.5555/cah.2024.0099"


def test_a_study_named_again_and_linked_then_its_paper(web_warc, tmp_path):
    data = trace_web("study-named-again", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [PET_BLOG, GAZETTE, HOLM, PAPER]
    blog, gazette, holm, paper = data["hops"]
    assert (blog["cites"]["source"], blog["cites"]["cue"]) == ("Westerby Gazette", "per")
    # "a new study has found" unlinked; "<a>The study</a>, by vets at ..." in the next sentence
    assert gazette["cites"]["cue"] == "has found" and gazette["cites"]["link"] == HOLM
    # the finding has no cue; the page is about "new research from" its school, linked by DOI
    assert holm["cites"]["link"] == PAPER and holm["cites"]["resolved_by"] == "publication-details"
    assert paper["cites"] is None and data["flags"] == []


def test_per_is_a_credit_only_before_a_name():
    found = _provenance("Fares rose 4 per cent per year, per Transport Focus. Tickets cost £3 per person.")
    assert [(s, c) for s, c, _ in found] == [("Transport Focus", "per")]


# ---------------------------------------------------------------- a post's credit line; "in a statement posted by X"

BOARD = "https://board.dunholtlife.example/threads/4471"
NEWS = "https://www.dunholtnews.example/transport/tram-extension-approved"
AUTHORITY = "https://www.dunholt-transport.example/news/lowfield-extension-decision"


def test_a_post_credits_its_story_on_a_line_of_its_own(web_warc, tmp_path):
    data = trace_web("post-credit", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [BOARD, NEWS, AUTHORITY]
    board, news, authority = data["hops"]
    assert (board["cites"]["source"], board["cites"]["cue"], board["cites"]["resolved_by"]) == \
        ("Dunholt Evening News", "via", "credit-line")
    assert news["cites"]["cue"] == "in a statement posted by" and news["cites"]["source"] == "Dunholt Transport Authority"
    assert authority["cites"] is None and data["flags"] == []


def test_a_post_credit_covers_its_own_post_only():
    from pathlib import Path

    from tracer.models import ClaimMatch, Document
    from tracer.resolve import page_notes, post_credit

    html = (Path(__file__).resolve().parent.parent / "fixtures/web/post-credit/pages/board.html").read_text()
    notes = page_notes(html, BOARD)
    assert [(h, n, c) for h, n, c, _ in notes.post_credits] == [
        (NEWS, "Dunholt Evening News", "via"),
        ("https://www.dunholtnews.example/weather/snow-warning", "Evening News weather desk", "Source:")]
    snow = "Heavy snow is expected on the hills tonight, so leave the car at home."
    doc = Document(url=BOARD, title="", text=snow)
    found = post_credit(doc, ClaimMatch(0, 0, len(snow), snow, 0.9), notes)
    assert found.citation.link.endswith("/weather/snow-warning")
    other = "Parking on Lowfield Road will be free in April."
    doc = Document(url=BOARD, title="", text=other)
    assert post_credit(doc, ClaimMatch(0, 0, len(other), other, 0.9), notes) is None


# ---------------------------------------------------------------- a vague summary beside a named item; figures who are people

LIVE = "https://www.coastsport.example/live/2024/09/16/transfer-day-live"
ECHO = "https://www.bayecho.example/sport/vik-poised-for-harbour-job-7781"


def test_a_source_with_no_name_and_no_link_gives_way_to_the_named_linked_one(web_warc, tmp_path):
    data = trace_web("live-summary", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [LIVE, ECHO]
    assert data["hops"][0]["cites"]["source"] == "Bay Echo"
    assert all(c["source"] != "weekend reports" for c in data["hops"][0].get("also_cites", []))
    # "senior club figures have told the Echo": people the page does not name
    assert data["flags"] == ["anonymous-source"] and data["origin"]["reason"] == "anonymous-source"
    assert data["branches"] == []


def test_senior_figures_are_people_and_official_figures_are_numbers():
    from tracer.attribution.sources import canonical_source
    assert canonical_source("senior club figures")[1] == "anonymous"
    assert canonical_source("a leading party figure")[1] == "anonymous"
    assert canonical_source("official figures")[1] == "document"


def test_a_chain_found_by_lookup_ranks_below_one_the_pages_link():
    from tracer.models import Hop, Origin
    from tracer.trace import _Chain, _Step

    def chain(reason, lookup):
        hop = Hop(depth=1, url="https://a.example/x", source="A", kind="outlet", evidence="e", match_score=0.7)
        return _Chain(branch=1, steps=[_Step(hop, 1)], origin=Origin("A", hop.url, "outlet", reason),
                      lookup={"url": hop.url} if lookup else None)

    linked_anonymous = chain("anonymous-source", lookup=False)
    looked_up_origin = chain("no-further-attribution", lookup=True)
    assert linked_anonymous.support() >= looked_up_origin.support()
    assert chain("no-further-attribution", lookup=False).support() > linked_anonymous.support()


def test_a_measure_is_no_source():
    from tracer.models import ClaimMatch
    from tracer.page import read_page
    from tracer.resolve import attributions_for_claim

    html = ("<html><body><article><p>Drivers with long journeys were twice as likely to report back pain, "
            "a survey found.</p><p>Those who drove for more than 90 minutes a day reported far more aches "
            "than those with short trips.</p></article></body></html>")
    doc, attributions = read_page(html, "https://clinic.example/news/drivers", "text/html")
    said = "Those who drove for more than 90 minutes a day reported far more aches than those with short trips."
    start = doc.text.index(said)
    names = [a.source_name for a in attributions_for_claim(doc, attributions, ClaimMatch(1, start, start + len(said), said, 0.8))]
    assert not any(n and n.startswith("90 minutes") for n in names)


# ---------------------------------------------------------------- a wire's dateline on a copy

COPY = "https://www.tarnwickpost.example/local/ferry-timetable-cut"
VESTPRESS = "https://www.vestpress.example/en/2024/06/02/tarnwick-ferry-to-cut-crossings"
NOTICE = "https://www.islaferries.example/notices/summer-timetable-2024"


def test_a_dateline_credit_on_a_copy_is_where_the_story_came_from(web_warc, tmp_path):
    warc = str(web_warc("dateline-copy"))
    db = str(tmp_path / "dateline.db")
    assert CliRunner().invoke(cli, ["index", warc, "--db", db]).exit_code == 0
    web = load_web("dateline-copy")
    result = CliRunner().invoke(cli, ["trace", web.start_url, "--claim", web.claim, "--archive", warc, "--offline",
                                      "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [h["url"] for h in data["hops"]] == [COPY, VESTPRESS, NOTICE]
    copy, wire, _ = data["hops"]
    # not "the ferry company said" (unlinked on the copy): the agency the dateline names, looked up
    assert (copy["cites"]["source"], copy["cites"]["resolved_by"]) == ("Vestpress", "lookup")
    # on the agency's own page its dateline is its own: the company's linked notice is the source
    assert wire["cites"]["link"] == NOTICE


# ---------------------------------------------------------------- a press release's notes to editors

RELEASE = "https://www.gov.example/news/cycle-lanes-record"
DATA = "https://stats.example/releases/cycle-lane-length-2024"


def test_figures_a_release_attributes_to_no_one_come_from_its_notes_to_editors():
    from tracer.claims.match import find_claim
    from tracer.page import read_page
    from tracer.resolve import citations_for_claim, page_notes

    html = f"""<html><head><title>Cycle lanes record - GOV</title></head><body><main><h1>Cycle lanes record</h1>
    <p>Protected cycle lanes now stretch 1,240 kilometres, up from 980 kilometres a year ago.</p>
    <p>The transport minister said: "We are building the network people asked for."</p>
    <p>The parking grant now claimed by 12,000 riders will be extended.</p>
    <h2>Notes to editors</h2>
    <ol><li>The figures are from <a href="{DATA}">Cycle Lane Length Statistics 2024</a>, published by the Statistics Office.</li></ol>
    </main></body></html>"""
    doc, attributions = read_page(html, RELEASE, "text/html")
    # "now claimed by 12,000 riders": a passive participle, not a cue of "The parking grant"
    assert not any("parking grant" in (a.source_name or "") for a in attributions)
    matches = find_claim(doc, "Protected cycle lanes have grown to 1,240 km from 980 km last year")
    found = citations_for_claim(doc, attributions, matches, notes=page_notes(html, RELEASE))
    assert found and found[0].citation.link == DATA
    assert found[0].citation.source == "Cycle Lane Length Statistics 2024"


# ---------------------------------------------------------------- an aggregator's "Read more at X"

def test_an_aggregator_item_leads_to_the_story_its_read_more_line_names(web_warc, tmp_path):
    data = trace_web("aggregator-read-more", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [
        "https://www.briefly.example/stories/55120-lowfield-trains-cut",
        "https://www.lowfieldgazette.example/news/sunday-coast-trains-halved",
        "https://www.coastlinkrail.example/news/autumn-timetable"]
    item = data["hops"][0]
    assert (item["cites"]["source"], item["cites"]["cue"]) == ("Lowfield Gazette", "Continue reading on")
    assert "unlinked-source" not in data["flags"]


# ---------------------------------------------------------------- a document named before a colon

def test_a_document_named_before_a_colon_is_the_source_of_what_follows(web_warc, tmp_path):
    data = trace_web("document-colon", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [
        "https://www.kerbside.example/posts/our-crumbling-bridges",
        "https://www.hollin-institute.example/research/2024/10/marlow-bridge-condition-audit"]
    assert "Hollin Institute" in data["hops"][0]["cites"]["source"]
    assert data["flags"] == []


def test_a_colon_with_no_document_before_it_is_no_attribution():
    text = ("The fix is simple: the county should spend its road budget on the bridges it already has. "
            "A new report from the Hollin Institute makes grim reading: one bridge in four needs urgent repair work.")
    found = [(a.source_name or "", " ".join(text[x:y] for x, y in a.content)) for a in extract_attributions(text)]
    assert not any("simple" in s or "fix" in s for s, _ in found)
    assert any("Hollin Institute" in s and "one bridge in four" in c for s, c in found)


# ---------------------------------------------------------------- a correction that changes the source

def test_a_correction_naming_the_replaced_source_gives_the_source_in_its_place(web_warc, tmp_path):
    data = trace_web("correction-source", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [
        "https://www.tenbyreach.example/news/salmon-count-falls",
        "https://www.avertanglers.example/club-news/2024/08/summer-fish-count-results"]
    assert "Avert Water" not in data["hops"][0]["cites"]["source"]
    assert "unlinked-source" not in data["flags"]


# ---------------------------------------------------------------- "As reported in X"

def test_as_reported_in_a_publication_is_a_citation_and_closes_a_loop(web_warc, tmp_path):
    data = trace_web("reported-in-loop", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]][:2] == [
        "https://www.moorsideramblers.example/news/footpath-closures",
        "https://www.moorsideecho.example/news/2024/07/footpaths-closed-across-moorside"]
    assert data["hops"][0]["cites"]["cue"] == "As reported in"
    assert "loop" in data["flags"]


def test_as_reported_in_a_month_is_no_source():
    text = "As reported in June, the county has struggled to repair storm damage."
    assert not any((a.source_name or "") == "June" for a in extract_attributions(text))
