"""Chain decisions on webs that cite in the ways real pages do (issue 15): syndicated copies,
self-citations, footnotes, publication details, figures named in the next paragraph, anonymous
sources beside a credited report, a source linked twice, tag and topic pages, updated pages."""

from __future__ import annotations


import pytest

from trace_webs import trace_web
from tracer.web.urls import is_name_anchor, navigation_reason


def urls(data: dict) -> list:
    return [h["url"] for h in data["hops"]]


# ---------------------------------------------------------------- what a page is: a syndicated copy

COPY = "https://www.vellmouthpost.example/2022/03/14/bluefin-ferries-to-withdraw-six-routes"
COPY2 = "https://www.greyhavenecho.example/business/bluefin-ferries-to-withdraw-six-routes-5521"
WIRE = "https://www.lanternwire.example/business/transport/bluefin-ferries-to-withdraw-six-routes-2022-03-14"
RELEASE = "https://www.bluefinferries.example/media/2022/route-review-outcome"


def test_a_syndicated_copy_leads_to_the_original_by_its_credit_line(web_warc, tmp_path):
    data = trace_web("syndicated-copy", web_warc, tmp_path)
    assert urls(data) == [COPY, WIRE, RELEASE]
    cites = data["hops"][0]["cites"]
    assert (cites["source"], cites["cue"], cites["resolved_by"]) == ("Lantern Wire", "originally appeared on", "credit-line")
    # the copy's own unlinked "said in a statement" is not taken for an unlinked source
    assert "unlinked-source" not in data["flags"]
    assert data["hops"][1]["cites"]["cue"] == "said in a statement"
    # the statement's "We expect ..." next to the claim is the company's own voice, not a further source
    assert data["origin"]["reason"] == "no-further-attribution" and data["origin"]["url"] == RELEASE


def test_a_copy_with_only_a_canonical_link_to_another_site_leads_there(web_warc, tmp_path):
    data = trace_web("syndicated-copy", web_warc, tmp_path, start=COPY2)
    assert urls(data) == [COPY2, WIRE, RELEASE]
    assert data["hops"][0]["cites"]["resolved_by"] == "canonical"
    assert "loop" not in data["flags"]


# ---------------------------------------------------------------- a self-citation is a hop; a named document ends

FOLLOW = "https://www.tarnbyherald.example/news/2022/05/20/councillors-call-vote-over-tram-spending"
EARLIER = "https://www.tarnbyherald.example/news/2022/05/12/tram-consultants-paid-after-scheme-dropped"


def test_the_outlets_own_earlier_story_is_a_hop_and_the_foi_documents_end_the_chain(web_warc, tmp_path):
    data = trace_web("self-citation", web_warc, tmp_path)
    assert urls(data) == [FOLLOW, EARLIER, None]
    assert data["hops"][0]["cites"]["link"] == EARLIER  # not the tag page on the council's name
    last = data["hops"][-1]
    assert last["source"] == "invoices released under freedom of information rules" and last["kind"] == "document"
    assert data["origin"]["reason"] == "unlinked-source"
    assert "anonymous-source" not in data["flags"]


# ---------------------------------------------------------------- figures named in the next paragraph; dates

NEWS = "https://www.saltmarshnews.example/housing/2023/04/03/housing-list-record"
STATS = "https://www.hsu.gov.example/releases/housing-list-march-2023"


def test_where_the_figures_came_from_in_the_next_paragraph_is_the_citation(web_warc, tmp_path):
    data = trace_web("figures-next-paragraph", web_warc, tmp_path)
    assert urls(data) == [NEWS, STATS]  # not the previous release the origin links
    assert data["hops"][0]["cites"]["source"] == "New figures from the Housing Statistics Unit"


def test_date_order_stays_and_says_the_citation_came_with_an_update(web_warc, tmp_path):
    data = trace_web("figures-next-paragraph", web_warc, tmp_path)
    assert "date-order" in data["flags"]
    note = data["hops"][1]["date_order"]
    assert "updated 2023-04-04" in note and "came with the update" in note
    assert data["hops"][1]["date_order_explained"] == "updated"


def test_a_next_paragraph_statement_about_something_else_is_not_the_citation(web_warc, tmp_path):
    # "Statistics Meridia said ..." in the next paragraph names an office speaking of another figure
    data = trace_web("two-source-branch", web_warc, tmp_path, claim="Nordvik's schools expect 400 fewer pupils by 2025")
    assert len(data["hops"]) == 1 and data["origin"]["reason"] == "no-further-attribution"


# ---------------------------------------------------------------- footnotes, publication details, the paper

BLOG = "https://www.quietbytes.example/2024/06/why-my-laptop-sleeps-cooler"
LEDGER = "https://www.northgatetimes.example/tech/2024/05/21/laptop-heat-battery-study"
PRESS = "https://news.tarnby-uni.example/2024/05/laptop-batteries-heat"
PAPER = "https://journals.voltpress.example/bsr/article/10.5555/bsr.2024.0042"


def test_a_footnote_marker_leads_to_its_sources_list_item_and_on_to_the_paper(web_warc, tmp_path):
    data = trace_web("footnote-sources", web_warc, tmp_path)
    assert urls(data) == [BLOG, LEDGER, PRESS, PAPER]
    note = data["hops"][0]["cites"]
    assert (note["cue"], note["source"], note["resolved_by"]) == ("[2]", "Northgate Times", "footnote")
    # the release credits its own engineers without a link: the paper from its publication details
    assert data["hops"][2]["cites"]["resolved_by"] == "publication-details"
    # the paper links its own DOI: no further source
    assert data["origin"]["url"] == PAPER and data["origin"]["reason"] == "no-further-attribution"
    assert data["hops"][3]["doi"] == "10.5555/bsr.2024.0042"


# ---------------------------------------------------------------- anonymous sources beside a credited report

SPORT = "https://www.touchpoint.example/football/ashby-town-takeover-talks-8812"
LETTER = "https://halftime.letters.example/p/ashby-town-sale-talks"


def test_a_report_credited_beside_anonymous_sources_is_followed_and_ends_at_their_outlet(web_warc, tmp_path):
    data = trace_web("first-reported", web_warc, tmp_path)
    assert urls(data) == [SPORT, LETTER]
    cites = data["hops"][0]["cites"]
    assert (cites["source"], cites["cue"], cites["link"]) == ("Halftime", "first reported by", LETTER)
    assert data["origin"]["reason"] == "anonymous-source" and data["origin"]["name"] == "Halftime"
    assert "anonymous-source" in data["flags"]  # the club statement the newsletter links is not followed


# ---------------------------------------------------------------- a source linked twice

START = "https://www.tarnbydaily.example/2022/02/08/water-bills-to-rise"
NOTICE_OLD = "https://www.tarnbywater.example/news/2021-charges"
NOTICE = "https://www.tarnbywater.example/news/2022-charges"


def test_of_two_links_to_one_source_the_one_that_carries_the_claim_wins(web_warc, tmp_path):
    data = trace_web("linked-twice", web_warc, tmp_path)
    assert urls(data) == [START, NOTICE]
    assert data["hops"][0]["cites"]["link"] == NOTICE  # the cited hop records the link that carried it
    assert data["hops"][1]["tried_links"] == [NOTICE_OLD]
    assert data["origin"]["reason"] == "no-further-attribution"


# ---------------------------------------------------------------- link targets that are never the cited item

@pytest.mark.parametrize("href,anchor,reason", [
    ("https://news.example/tag/turkey", "Turkey", "listing page"),
    ("https://news.example/topic/Covid-19", "Covid-19", "listing page"),
    ("https://paper.example/sport/teampages/ashby-town.html", "Ashby Town", "listing page"),
    ("https://scraper.example/category/health-fitness/medicine/", "medicine", "listing page"),
    ("https://wire.example/companies/ABCD_p.DE", "ABCD_p.DE", "listing page"),
    ("https://news.example/authors/ola-berg", "Ola Berg", "listing page"),
    ("https://scraper.example/?s=Trump", "Trump", "search page"),
    ("https://www.agency.example/", "Agency Now", "homepage"),
    ("https://www.agency.example/index.html", "Agency Now", "homepage"),
    ("https://news.example/en/latest-news/russia.html", "Russian", "keyword page"),
    ("https://news.example/en/latest-news/prime-minister.html", "Prime Minister", "keyword page"),
    ("https://think.example/markets/=", "here", "malformed"),
])
def test_listing_home_search_and_keyword_pages_are_never_the_cited_item(href, anchor, reason):
    assert navigation_reason(href, anchor) == reason


@pytest.mark.parametrize("href,anchor", [
    ("https://news.example/2020/01/02/world/erdogan-libya.html", "The New York Times says"),
    ("https://apnews.example/d22aed5d39273150d640e02ef89823cd", "reports"),
    ("https://stats.example/cities_by_population", "census records"),
    ("https://www.business.example/currency_bill", "earlier memo"),
    ("https://video.example/wmp1fCkdpqg", "the clip"),
    ("https://news.example/tag/2021/05/11/a-story-filed-under-a-tag-path-with-a-long-slug", "story"),
])
def test_story_pages_may_be_cited(href, anchor):
    assert navigation_reason(href, anchor) is None


def test_name_anchors_and_time_phrases():
    assert is_name_anchor("Sheffield United") and is_name_anchor("Christmas at the Playhouse")
    assert not is_name_anchor("in September") and not is_name_anchor("said at the time")
    assert not is_name_anchor("harness love")


# ---------------------------------------------------------------- the same speaker linked nearby

def test_a_speaker_named_without_a_link_takes_the_link_given_her_words_nearby():
    from tracer.models import ClaimMatch
    from tracer.page import read_page
    from tracer.resolve import citations_for_claim

    url = "https://www.baltictimes.example/politics/2023/minister-pledges-ferries"
    html = (
        "<html><body><article>"
        "<p>TARNBY, May 2 (Baltic Times) - The government will buy four electric ferries by 2028, Transport Minister Ida Vang"
        " said on Tuesday.</p>"
        "<p>“Four new ferries will be in service by 2028,” Vang told parliament, according to"
        ' <a href="https://www.transport.gov.example/speeches/ferries-statement">a transcript released by her ministry</a>.</p>'
        "<p>Opposition leader Per Holm said the plan came too late.</p>"
        "</article></body></html>"
    )
    doc, atts = read_page(html, url)
    first = doc.sentences[0]
    found = citations_for_claim(doc, atts, [ClaimMatch(0, first.start, first.end, doc.text[first.start:first.end], 0.8)])
    assert found[0].citation.source == "Transport Minister Ida Vang"
    assert found[0].citation.link == "https://www.transport.gov.example/speeches/ferries-statement"


# ---------------------------------------------------------------- a page of many items

LIVE = "https://www.tarnbydaily.example/live/2023/03/02/storm-eirik-live"
COAST = "https://www.coastguard.gov.example/news/2023/03/02/ferry-rescue-update"


def test_in_a_live_page_the_items_own_attribution_counts(web_warc, tmp_path):
    data = trace_web("live-blog", web_warc, tmp_path)
    assert urls(data) == [LIVE, COAST]  # not the grid operator of the item above
    assert data["hops"][0]["cites"]["cue"] == "said"
    # the live page opened before the coastguard's update; the item came with a later update
    assert data["hops"][1]["date_order_explained"] == "updated"


# ---------------------------------------------------------------- bare note markers, a source line

def _citations(html: str, url: str, sentence: int):
    from tracer.models import ClaimMatch
    from tracer.page import read_page
    from tracer.resolve import citations_for_claim, page_notes

    doc, atts = read_page(html, url)
    s = doc.sentences[sentence]
    return citations_for_claim(doc, atts, [ClaimMatch(sentence, s.start, s.end, doc.text[s.start:s.end], 0.8)],
                               notes=page_notes(html, url))


def test_a_bare_superscript_marker_points_at_its_note():
    html = (
        '<html><body><article><p>Ferries on the northern routes ran late on 31 days in May.<sup><a href="#n1">1</a></sup>'
        ' That is the worst month on record.</p>'
        '<ol class="notes"><li id="n1">Harbour Watch, <a href="https://www.harbourwatch.example/2023/06/ferry-delays-may">'
        'Ferry delays in May</a>, June 2023.</li></ol></article></body></html>'
    )
    found = _citations(html, "https://blog.example/2023/06/ferries", 0)
    assert found[0].citation.link == "https://www.harbourwatch.example/2023/06/ferry-delays-may"
    assert found[0].citation.resolved_by == "footnote" and found[0].citation.source == "Harbour Watch"


def test_a_source_line_names_where_the_figures_come_from():
    html = (
        "<html><body><article><p>Some 3,400 people moved to the islands last year.</p>"
        "<p>Most of them were young.</p>"
        '<p>Source: <a href="https://stats.islands.example/migration-2022">Islands Statistics Office, migration tables 2022</a></p>'
        "</article></body></html>"
    )
    found = _citations(html, "https://news.example/2023/islands", 0)
    c = found[0].citation
    assert (c.link, c.resolved_by) == ("https://stats.islands.example/migration-2022", "source-line")
    assert c.kind in ("organisation", "document")
    assert c.source.startswith("Islands Statistics Office")
    # a sentence without a figure is not what a source line vouches for
    assert _citations(html, "https://news.example/2023/islands", 1) == []


def test_the_outlets_earlier_story_linked_on_the_time_phrase_is_a_hop():
    html = (
        "<html><body><article><p>The pier will close for two years, as the Tarnby Herald reported"
        ' <a href="https://www.tarnbyherald.example/news/2023/02/01/pier-to-close-for-repairs">last month</a>.</p>'
        "<p>Work starts in June.</p></article></body></html>"
    )
    found = _citations(html, "https://www.tarnbyherald.example/news/2023/03/05/pier-update", 0)
    assert found[0].citation.link == "https://www.tarnbyherald.example/news/2023/02/01/pier-to-close-for-repairs"
