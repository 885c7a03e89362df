"""Judgements a fact-checker can sign (issue 16): the page's own publisher decides outlet or
organisation, the same in trace, sources and reports; loops give no origin; one outlet is one
origin; a source's name ends where the name ends.

publisher-kinds is a small web of our own: the Seaview Tribune cites a water trust's update
(og:type website), a town's budget ("Town of Marlow"), a directorate's notice (JSON-LD
GovernmentOrganization), a campaign's survey (JSON-LD NGO) and Kestrel, a news site with a
plain name (JSON-LD NewsMediaOrganization) that carries one story on two pages.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracer import store, trace
from tracer.cli import cli
from tracer.corpus import search
from tracer.corpus.index import index_warcs
from tracer.fixtures import load_web
from tracer.judge.claim import assess_claim
from tracer.judge.hop import signal
from tracer.report.model import build_report, report_json

WEB = load_web("publisher-kinds")
TRIBUNE = "https://www.seaviewtribune.example/2024/04"

STORIES = [
    # (start page, claim, origin URL, kind the judge gives, the trace's kind, words of the verdict)
    (f"{TRIBUNE}/03/reservoir-levels-fall", "Reservoir levels in the Tarn valley fell to 38 percent in March",
     "https://tarnvalleywater.example/updates/march-2024-levels", "organisation", "organisation",
     "the organisation's own statement, not a news report"),
    (f"{TRIBUNE}/05/island-ferry-subsidy", "Marlow will spend 2.4 million euros a year on the island ferry",
     "https://www.marlow-town.example/budget/2024/transport", "official-body", "organisation", "primary source"),
    (f"{TRIBUNE}/08/pier-closed", "The north pier at Seaview will stay closed for six weeks",
     "https://harbour-safety.example/notices/2024-17", "official-body", "organisation", "primary source"),
    (f"{TRIBUNE}/09/seagrass-loss", "A fifth of the seagrass meadows in Seaview Bay have disappeared since 2015",
     "https://bluecoast-campaign.example/reports/seagrass-2024", "organisation", "organisation",
     "the organisation's own statement"),
    (f"{TRIBUNE}/10/lighthouse-sale", "The Gull Point lighthouse will be sold at auction in June",
     "https://kestrel.example/2024/04/09/lighthouse-for-sale", "outlet", "outlet", "not a primary source"),
]


@pytest.fixture(scope="module")
def corpus(web_warc, tmp_path_factory):
    db = store.open_db(tmp_path_factory.mktemp("judge") / "corpus.db")
    index_warcs(db, [web_warc("publisher-kinds")], workers=1)
    return db


@pytest.mark.parametrize("start, claim, origin_url, judged, kind, words", STORIES, ids=lambda v: str(v)[-24:])
def test_the_publisher_decides_the_same_in_trace_sources_and_report(web_warc, tmp_path, corpus, start, claim,
                                                                     origin_url, judged, kind, words):
    db = store.open_db(tmp_path / "t.db")
    result = trace(start, claim, db=db, archives=[web_warc("publisher-kinds")], offline=True)
    assert result.origin.url == origin_url and result.origin.reason == "no-further-attribution"
    origin_hop = result.hops[-1]
    cred = origin_hop.extra["credibility"]
    assert cred["source_kind"] == judged
    assert result.origin.kind == kind and origin_hop.kind == kind  # the trace's own words agree
    verdict = result.extra["credibility"]["verdict"]
    assert words in verdict and ("a news outlet" in verdict) == (judged == "outlet")
    # the report reads the stored judgement
    report = report_json(build_report(db, result.id))
    assert report["credibility"]["verdict"] == verdict
    assert report["hops"][-1]["credibility"]["source_kind"] == judged and report["origin"]["kind"] == kind
    # the corpus over the same pages names the same kind for the same origin
    per_claim = assess_claim(search.sources(corpus, claim), corpus)
    [origin] = [o for o in per_claim["origins"] if origin_url in (o.get("urls") or [o["url"]])]
    assert origin["source_kind"] == judged


def test_an_organisation_on_its_own_site_is_not_a_news_outlet(tmp_path):
    # distractors: the Eastern Health Board's report page (og:type website) on its own site
    result = CliRunner().invoke(cli, ["demo", "--web", "distractors", "--format", "json"])
    data = json.loads(result.stdout)
    verdict = data["credibility"]["verdict"]
    assert "Eastern Health Board (an organisation)" in verdict and "news outlet" not in verdict
    assert data["origin"]["kind"] == "organisation"


def test_a_town_hall_is_an_official_body_whatever_the_citing_page_calls_it():
    # date-order: "its budget consultation", published by the City of Nordvik
    data = json.loads(CliRunner().invoke(cli, ["demo", "--web", "date-order", "--format", "json"]).stdout)
    assert data["hops"][-1]["credibility"]["source_kind"] == "official-body"
    assert "City of Nordvik" in signal(data["hops"][-1]["credibility"], "source-kind")["explanation"]
    assert "news outlet" not in data["credibility"]["verdict"]


def test_sources_and_trace_agree_on_a_journal_article(web_warc, tmp_path):
    db = store.open_db(tmp_path / "c.db")
    index_warcs(db, [web_warc("press-release-journal")], workers=1)
    web = load_web("press-release-journal")
    judged = assess_claim(search.sources(db, web.claim), db)
    traced = trace(web.start_url, web.claim, db=db, archives=[web_warc("press-release-journal")], offline=True)
    assert traced.hops[-1].extra["credibility"]["source_kind"] == "primary-document"
    [origin] = judged["origins"]
    assert origin["source_kind"] == "primary-document" and "news outlet" not in judged["verdict"]


def test_one_outlet_is_one_origin(corpus):
    claim = "The Gull Point lighthouse will be sold at auction in June"
    result = search.sources(corpus, claim)
    assert result["independent_origins"] == 1
    [kestrel] = result["origins"]
    assert kestrel["name"] == "Kestrel" and len(kestrel["urls"]) == 2  # two of its pages, one outlet
    judged = assess_claim(result, corpus)
    assert judged["independent_origins"] == 1 and judged["origins"][0]["name"] == "Kestrel"


@pytest.mark.parametrize("name", ["three-site-loop", "cred-loop", "report-loop"])
def test_a_loop_contributes_no_origin(web_warc, tmp_path, name):
    db = store.open_db(tmp_path / "c.db")
    index_warcs(db, [web_warc(name)], workers=1)
    result = search.sources(db, load_web(name).claim)
    assert len(result["documents"]) == 3
    assert result["independent_origins"] == 0 and result["origins"] == []
    assert [g["reason"] for g in result["no_origin"]] == ["loop"]
    judged = assess_claim(result, db)
    assert judged["independent_origins"] == 0
    assert judged["verdict"].startswith("3 page(s) carry the claim, but no chain reaches an origin: "
                                        "the citations go round in a circle")
    text = CliRunner().invoke(cli, ["sources", "--claim", load_web(name).claim, "--db", str(tmp_path / "c.db")]).stdout
    assert "0 independent origin(s)" in text and "No origin (the citations go round in a circle)" in text


def test_a_source_name_ends_where_the_name_ends(web_warc, tmp_path):
    start = "https://www.coastdigest.example/2024/04/11/lighthouse"
    result = trace(start, "The Gull Point lighthouse will be sold at auction in June", db=str(tmp_path / "t.db"),
                   archives=[web_warc("publisher-kinds")], offline=True)
    assert result.hops[0].cites.source == "Seaview Tribune"  # not "..., the oldest paper on the coast"
    assert result.hops[1].source == "Seaview Tribune"
    rot = load_web("rot-dead")
    dead = trace(rot.start_url, rot.claim, db=str(tmp_path / "r.db"), archives=[web_warc("rot-dead")], offline=True,
                 archive_fallback=False)
    assert dead.hops[0].cites.source == "Harbor Tribune"
    assert "worst year" not in dead.extra["credibility"]["verdict"]
