"""The rules behind the signals: kinds of source by host, metadata and wording; quotes; figures."""

from __future__ import annotations

import pytest

from tracer import store
from tracer.judge.hop import assess_hop, direct_quotes, number_changes
from tracer.judge.kinds import host_kind, source_kind
from tracer.models import Citation, Document, Hop


@pytest.mark.parametrize(
    "host",
    [
        "home.treasury.gov", "www.whitehouse.gov", "www.supremecourt.gov", "www.defense.gov", "www.army.mil",
        "www.gov.uk", "assets.publishing.service.gov.uk", "www.legifrance.gouv.fr", "www.gob.mx",
        "www.mhlw.go.jp", "www.health.govt.nz", "www.gv.at", "www.admin.ch", "www.india.gov.in",
        "www.state.nj.us", "www.who.int", "www.nato.int", "www.icc-cpi.int", "press.un.org", "news.un.org",
        "www.un.org", "ec.europa.eu", "curia.europa.eu", "www.europarl.europa.eu", "www.imf.org",
        "www.worldbank.org", "www.parliament.uk", "committees.parliament.uk", "www.bundestag.de",
        "www.judiciary.uk", "www.courts.ie", "www.parliament.nz", "www.canada.ca", "www.bankofengland.co.uk",
        # reserved test hosts are read without their .example suffix
        "www.fwb.gov.example", "press.ministry.gov.uk.example",
    ],
)
def test_official_hosts(host):
    kind, why = host_kind(f"https://{host}/news/statement")
    assert kind == "official-body", why
    assert host in why


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://www.reuters.com/world/x", "wire-service"),
        ("https://apnews.com/article/x", "wire-service"),
        ("https://www.prnewswire.com/news-releases/x.html", "primary-document"),
        ("https://arxiv.org/abs/2101.00001", "primary-document"),
        ("https://doi.org/10.1093/pnasnexus/pgad286", "primary-document"),
        ("https://example.org/files/annual-report-2023.pdf", "primary-document"),
        ("https://www.theguardian.com/world/x", None),
        ("https://www.governing.com/x", None),  # "gov" inside a name is not a government host
        ("https://www.govtech.com/x", None),
        ("https://courtnews.example/x", None),
        ("https://gov.example/x", None),  # a bare reserved name says nothing
        (None, None),
    ],
)
def test_other_host_rules(url, kind):
    found = host_kind(url)
    assert (found[0] if found else None) == kind


@pytest.mark.parametrize(
    "source, kind, expected",
    [
        ("a UN confidential report", "document", "primary-document"),
        ("the Interior Ministry", "organisation", "official-body"),
        ("the Federal Reserve", "organisation", "official-body"),
        ("Reuters", "outlet", "wire-service"),
        ("the Coastal Press Agency", "organisation", "wire-service"),
        ("people familiar with the matter", "anonymous", "anonymous"),
        ("Jane Smith", "person", "person"),
        ("Group-IB", "organisation", "organisation"),
        ("a court filing", "unknown", "primary-document"),
    ],
)
def test_kinds_by_wording_when_not_online(source, kind, expected):
    hop = Hop(depth=2, url=None, source=source, kind=kind)
    assert source_kind(hop)[0] == expected


def test_paper_metadata_makes_a_primary_document(tmp_path):
    db = store.open_db(tmp_path / "m.db")
    doc = Document(url="https://journal.example/articles/42", text="Body.", meta={"citation_doi": "10.5555/abc.42"})
    doc_id = store.save_document(db, doc, [], sha256="0" * 64, fetch_id=None)
    hop = Hop(depth=1, url=doc.url, status=200, source="the study", kind="outlet", document_id=doc_id)
    assert source_kind(hop, db) == ("primary-document", "the page is a paper (DOI 10.5555/abc.42)")
    assert source_kind(hop)[0] == "primary-document"  # by wording ("study") when the page is not at hand


def test_direct_quotes_skip_scare_quotes():
    text = 'Officials called it a “hoax” and said the plan was “dead on arrival in the Senate,” adding "we will see".'
    assert direct_quotes(text) == ["dead on arrival in the Senate", "we will see"]


@pytest.mark.parametrize(
    "source, citing, changes",
    [
        ("At least 35 schools closed.", "More than 50 schools closed.", [("at least 35", "more than 50", "grew")]),
        ("It cost $2.5 billion.", "It cost $2 billion.", [("$2.5 billion", "$2 billion", "shrank")]),
        ("It cost $2 billion.", "It cost $2bn.", []),  # the same figure written another way
        ("Some 23 per cent agreed.", "23.4% agreed.", []),  # rounding is not drift
        ("No figures here.", "50 schools closed.", []),
    ],
)
def test_number_changes(source, citing, changes):
    found = number_changes(source, citing)
    assert [(c["from"], c["to"], c["direction"]) for c in found] == changes


def test_assess_hop_on_bare_dataclasses():
    source = Hop(depth=1, url="https://www.valleycourier.example/a", requested_url="https://www.valleycourier.example/a",
                 status=200, source="Valley Courier", kind="outlet", match_score=0.8, published="2024-06-11",
                 evidence="The bridge “needs urgent repairs to two of its supports,” the engineer said.")
    citing = Hop(depth=0, url="https://citynewsnow.example/a", requested_url="https://citynewsnow.example/a",
                 status=200, source="City News Now", kind="outlet", match_score=1.0, published="2024-06-10",
                 evidence="The bridge “needs urgent repair to its supports,” the Valley Courier reported.",
                 cites=Citation(source="Valley Courier", kind="outlet", cue="reported", link=source.url,
                                sentence=None, resolved_by="link"))
    out = assess_hop(citing, source)
    v = {s["name"]: s for s in out["signals"]}
    assert v["quote-fidelity"]["value"] == "altered"
    assert v["quote-fidelity"]["quotes"][0]["closest"] == "needs urgent repairs to two of its supports"
    assert v["date-order"]["value"] == "violated"
    assert v["citation"]["value"] == "link" and out["ratings"] == []
    origin = assess_hop(source, None)
    assert {s["name"]: s["value"] for s in origin["signals"]}["citation"] == "none"


def test_quote_unchecked_when_only_the_claim_sentence_is_at_hand():
    source = Hop(depth=1, url="https://a.example/x", status=200, source="A", kind="outlet", match_score=0.9,
                 evidence="The council approved the budget on Monday.")
    citing = Hop(depth=0, url="https://b.example/y", status=200, source="B", kind="outlet", match_score=0.9,
                 evidence="The council approved the budget, calling it “a plan for the next decade”.",
                 cites=Citation(source="A", kind="outlet", cue="reported", link=source.url, sentence=None,
                                resolved_by="link"))
    quote = {s["name"]: s for s in assess_hop(citing, source)["signals"]}["quote-fidelity"]
    assert quote["value"] is None and "full text is not at hand" in quote["explanation"]
    assert quote["quotes"] == [{"quote": "a plan for the next decade", "verbatim": None}]
