"""Chain decisions found missing by webs written apart from tracer (issue 15, red team):
sentences that say where the previous sentence's figures come from."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tracer.attribution.attribute import extract_attributions
from tracer.cli import cli
from tracer.fixtures import load_web


def trace_json(name: str, web_warc, tmp_path, claim: str | None = None, start: str | None = None) -> dict:
    web = load_web(name)
    result = CliRunner().invoke(cli, ["trace", start or web.start_url, "--claim", claim or web.claim,
                                      "--archive", str(web_warc(name)), "--offline", "--format", "json",
                                      "--db", str(tmp_path / f"{name}.db")])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- where the figures come from

BLOG = "https://heronsnotebook.example/2024/04/waders-in-trouble"
TRUST = "https://www.sallowwildlife.example/news/wader-decline-2024"
COUNT = "https://www.sallowwildlife.example/wetland-bird-count/winter-2023-24"


def test_a_sentence_naming_where_the_figures_come_from_is_the_citation(web_warc, tmp_path):
    data = trace_json("provenance-sentence", web_warc, tmp_path)
    assert [h["url"] for h in data["hops"]] == [BLOG, TRUST, COUNT]
    blog, trust, count = data["hops"]
    # "That is the main conclusion of <a>a count by the Sallow Wildlife Trust</a>" after the claim
    assert blog["cites"]["cue"] == "is the main conclusion of" and blog["cites"]["link"] == TRUST
    # "The totals are drawn from X, <a>released last week</a>" opening the next paragraph
    assert trust["cites"]["cue"].endswith("drawn from") and "Wetland Bird Count" in trust["cites"]["source"]
    assert count["cites"] is None and data["origin"]["reason"] == "no-further-attribution"
    assert data["flags"] == []


def test_an_unlinked_provenance_ends_the_chain_as_a_named_source(web_warc, tmp_path):
    data = trace_json("provenance-sentence", web_warc, tmp_path,
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
