"""One claim, worded many ways, through `tracer trace` and `tracer sources` (issue 13).

Fixture web lifeboat-grant: a local paper says a council handed "a grant of €250 000" to a
lifeboat crew and links the council's notice, which says "a quarter of a million euros".
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracer.cli import cli

COURIER = "https://www.lakesidecourier.example/news/2024/05/17/vennby-lifeboat-grant"
COUNCIL = "https://www.vennby-council.example/notices/2024/lifeboat-grant"


def run_trace(web_warc, tmp_path, claim, *more):
    warc = web_warc("lifeboat-grant")
    result = CliRunner().invoke(cli, ["trace", COURIER, "--claim", claim, "--archive", str(warc), "--offline",
                                      "--db", str(tmp_path / "t.db"), *more])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def trace_json(web_warc, tmp_path, claim, *more):
    return json.loads(run_trace(web_warc, tmp_path, claim, "--format", "json", *more).stdout)


@pytest.mark.parametrize("claim", [
    "Vennby council gave the lifeboat volunteers a quarter of a million euros",  # other words and figure
    "A €250,000 grant went to the volunteer lifeboat crew from the town council of Vennby",  # reordered
])
def test_a_paraphrase_is_traced_to_the_council(web_warc, tmp_path, claim):
    data = trace_json(web_warc, tmp_path, claim)
    assert [h["url"] for h in data["hops"]][:2] == [COURIER, COUNCIL]
    assert "€250 000" in data["hops"][0]["evidence"] and "quarter of a million" in data["hops"][1]["evidence"]
    assert "claim-mismatch" not in data["flags"] and "claim_mismatch" not in data["hops"][0]


def test_a_wrong_figure_is_flagged_on_hop_0(web_warc, tmp_path):
    data = trace_json(web_warc, tmp_path, "Vennby council gave the lifeboat crew €400 000")
    first = data["hops"][0]
    assert "claim-mismatch" in first["flags"] and "claim-mismatch" in data["flags"]
    assert first["claim_mismatch"] == ["figure: the claim says “€400 000”, the page “€250 000”"]
    text = run_trace(web_warc, tmp_path, "Vennby council gave the lifeboat crew €400 000").stdout
    assert "not the claim: figure: the claim says “€400 000”, the page “€250 000”" in text
    verdict = data["credibility"]["verdict"]  # the judgement says it first, in words
    assert verdict.split(": what follows")[0].endswith(
        "does not say what the claim says (figure: the claim says “€400 000”, the page “€250 000”)"), verdict


def test_a_denied_claim_is_flagged_not_confirmed(web_warc, tmp_path):
    data = trace_json(web_warc, tmp_path, "The lifeboat crew got no grant from Vennby council")
    assert "claim-mismatch" in data["hops"][0]["flags"]
    assert data["hops"][0]["claim_mismatch"] == ["negation: the page says the opposite of the claim"]


def test_an_unrelated_claim_stops_with_the_closest_sentences(web_warc, tmp_path):
    claim = "Vennby is building a new swimming pool for 250,000 euros"
    data = trace_json(web_warc, tmp_path, claim)
    assert data["origin"]["reason"] == "claim-not-found" and len(data["hops"]) == 1
    near = data["candidates"]
    assert len(near) == 3 and near == data["hops"][0]["candidates"]
    assert near[0]["sentence"] == 1 and near[0]["text"].startswith("The town council of Vennby")
    assert all(set(c) == {"sentence", "score", "text"} for c in near)
    result = run_trace(web_warc, tmp_path, claim)
    assert result.exit_code != 0
    assert "Not found: the start page does not carry the claim" in result.stdout
    assert "Origin:" not in result.stdout  # the start page is not an origin
    assert "[1] " in result.stdout and "--sentence N" in result.stdout and "--quote" in result.stdout


def test_the_user_says_which_sentence_carries_the_claim(web_warc, tmp_path):
    claim = "Vennby is funding the lifeboat's new boat"
    by_number = trace_json(web_warc, tmp_path, claim, "--sentence", "1")
    assert by_number["hops"][0]["chosen_by"] == "sentence" and by_number["hops"][0]["evidence"].startswith("The town")
    assert [h["url"] for h in by_number["hops"]][:2] == [COURIER, COUNCIL]
    by_words = trace_json(web_warc, tmp_path, claim, "--quote", "a grant of €250 000 to the volunteer")
    assert by_words["hops"][0]["chosen_by"] == "quote" and by_words["hops"][1]["url"] == COUNCIL
    missing = trace_json(web_warc, tmp_path, claim, "--quote", "words that are not on the page")
    assert missing["origin"]["reason"] == "claim-not-found"
    assert missing["hops"][0]["chosen_not_found"] == "“words that are not on the page”"
    both = run_trace(web_warc, tmp_path, claim, "--sentence", "1", "--quote", "grant")
    assert both.exit_code == 2 and "not both" in both.output


def test_sources_finds_the_claim_however_it_is_worded_and_refuses_the_rest(web_warc, tmp_path):
    db = str(tmp_path / "corpus.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(web_warc("lifeboat-grant")), "--db", db]).exit_code == 0

    def sources(claim):
        result = runner.invoke(cli, ["sources", "--claim", claim, "--db", db, "--format", "json"])
        return result, (json.loads(result.stdout) if result.stdout.startswith("{") else None)

    _, found = sources("Vennby council gave the lifeboat volunteers a quarter of a million euros")
    assert {d["url"] for d in found["documents"]} == {COURIER, COUNCIL}
    for other in ("Vennby council gave the lifeboat crew €400 000",  # another figure
                  "The lifeboat crew got no grant from Vennby council",  # the negation
                  "The council approved 250,000 euros for new street lights"):  # off-topic, same figure
        _, data = sources(other)
        assert data["documents"] == [] and data["origins"] == [], other
    refused, _ = sources("lifeboat")
    assert refused.exit_code != 0 and "too short" in refused.output
