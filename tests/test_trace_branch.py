"""A claim attributed to two sources gives a tree: the best-supported chain is ``hops``,
the other is in ``branches``, and the store keeps both with their branch numbers."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web

WEB = load_web("two-source-branch")
POST = "https://www.coastalpost.example/news/2021/02/18/nordvik-population-falls"
HERALD = "https://nordvikherald.example/2021/02/16/population-falls-again/"
STATS = "https://stats.meridia.example/en/news/2021/population-of-municipalities-2020"
HERALD_SENTENCE = "Nordvik's population fell by 2,300 people last year, the Nordvik Herald reported."
STATS_SENTENCE = "Statistics Meridia said on Tuesday that Nordvik's population fell by 2,300 people in 2020."


def test_two_source_branch_keeps_the_best_supported_chain_as_main(web_warc, tmp_path):
    db_path = tmp_path / "b.db"
    result = CliRunner().invoke(cli, ["trace", POST, "--claim", WEB.claim, "--archive", str(web_warc("two-source-branch")),
                                      "--offline", "--format", "json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # the Herald is named first in the story, but its link is dead; Statistics Meridia's chain reaches
    # the origin, so it is the main chain
    first, stats = data["hops"]
    assert (first["source"], first["cites"]["source"], first["cites"]["cue"], first["cites"]["link"]) == \
        ("The Coastal Post", "Statistics Meridia", "said", STATS)
    assert first["evidence"] == STATS_SENTENCE and first["cites"]["sentence"] == STATS_SENTENCE
    assert first["also_cites"] == [{
        "source": "Nordvik Herald", "cue": "reported", "link": HERALD, "kind": "outlet", "resolved_by": "link",
        "sentence": HERALD_SENTENCE, "evidence": HERALD_SENTENCE,
    }]
    assert (stats["source"], stats["kind"], stats["url"], stats["status"], stats["cites"]) == \
        ("Statistics Meridia", "organisation", STATS, 200, None)
    assert stats["evidence"] == "The population of Nordvik municipality fell by 2,300 people in 2020, to 181,400."
    assert data["origin"] == {"name": "Statistics Meridia", "url": STATS, "kind": "organisation",
                              "reason": "no-further-attribution"}
    # the other source is a branch from hop 0, with its own end
    (branch,) = data["branches"]
    assert [(h["depth"], h["source"], h["requested_url"], h["status"], h["flags"]) for h in branch] == [
        (1, "Nordvik Herald", HERALD, 404, ["broken-link"])]
    assert data["branch_origins"] == [{
        "branch": 1, "forks_at": 0, "from_branch": 0,
        "origin": {"name": "Nordvik Herald", "url": HERALD, "kind": "outlet", "reason": "broken-link"},
    }]
    assert data["flags"] == ["broken-link"]
    # stored as a tree: branch numbers, parents, stop reasons; read back as the same JSON
    db = store.open_db(db_path)
    rows = store.hop_rows(db, data["trace_id"])
    assert [(r["branch"], r["depth"], r["url"], r["stop_reason"]) for r in rows] == [
        (0, 0, POST, None), (0, 1, STATS, "no-further-attribution"), (1, 1, HERALD, "broken-link")]
    assert rows[1]["parent_hop_id"] == rows[0]["id"] and rows[2]["parent_hop_id"] == rows[0]["id"]
    assert rows[0]["cite_link"] == STATS and rows[0]["evidence"] == STATS_SENTENCE
    loaded = store.load_trace(db, data["trace_id"]).to_json()
    assert loaded["hops"] == data["hops"] and loaded["branches"] == data["branches"]
    assert loaded["branch_origins"] == data["branch_origins"]


def test_single_source_traces_have_no_branches(web_warc, tmp_path):
    # the same page, a claim only the Herald's sentence carries
    result = trace(POST, "Nordvik's schools expect 400 fewer pupils by 2025", db=str(tmp_path / "s.db"),
                   archives=[web_warc("two-source-branch")], offline=True)
    assert result.branches == [] and "branch_origins" not in result.extra
    assert result.origin.reason == "no-further-attribution" and len(result.hops) == 1
