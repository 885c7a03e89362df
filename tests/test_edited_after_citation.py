"""An edit after the citation is told as an edit (issue 16): the source's figure changed (40% when
the Harbour Ledger cited it, 55% now), both versions are stored, and the change is the source's,
not drift at the Ledger. edited-after-citation is the web today; edited-after-citation-archive
holds the board's page as the Ledger saw it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from memento_server import MementoServer
from tracer import store, trace
from tracer.cli import cli
from tracer.fixtures import load_web
from tracer.report.model import build_report, report_json

WEB = load_web("edited-after-citation")
LEDGER, CLAIM = WEB.start_url, WEB.claim
BOARD = "https://islandtransport.example/fares/2023-review"


def assert_told_as_an_edit(result, version_source):
    ledger, board = result.hops
    assert "edited-after-citation" in board.flags and "added-after-citation" not in board.flags
    changed = board.extra["changed_after_citation"]
    assert changed["change"] == "edited" and changed["citing_page_saw"] == "before"
    assert "40%" in changed["before"] and "55%" in changed["after"] and changed["after"] == board.evidence
    assert changed["version_source"] == version_source and changed["claim_before"] is True
    # the Ledger reported what it saw faithfully: no drift is put on it
    assert "claim-drift" not in ledger.flags and "drift" not in ledger.extra
    assert result.origin.url == BOARD and result.origin.reason == "no-further-attribution"
    verdict = result.extra["credibility"]["verdict"]
    assert "Island Transport Board edited the page after Harbour Ledger cited it" in verdict
    assert "Harbour Ledger reports the earlier version" in verdict and "55%" in verdict and "40%" in verdict
    assert "shrank" not in verdict and "through one faithful hop" in verdict


def test_the_earlier_version_from_tracers_own_copy(web_warc, tmp_path):
    db = str(tmp_path / "t.db")
    # in June tracer read the board's page (here replayed from the archive of that day) ...
    trace(BOARD, CLAIM, db=db, archives=[web_warc("edited-after-citation-archive")], offline=True)
    # ... today the page says 55%
    result = trace(LEDGER, CLAIM, db=db, archives=[web_warc("edited-after-citation")], offline=True)
    assert_told_as_an_edit(result, "tracer-warc")
    report = report_json(build_report(store.open_db(db), result.id))
    assert report["flags_explained"]["edited-after-citation"].startswith("the claim sentence of the cited page was edited")
    assert "no explanation recorded" not in json.dumps(report["flags_explained"])


def test_the_earlier_version_from_a_web_archive(web_warc, tmp_path):
    with MementoServer([web_warc("edited-after-citation-archive")]) as memento:
        result = trace(LEDGER, CLAIM, db=str(tmp_path / "t.db"), archives=[web_warc("edited-after-citation")],
                       allow_private=True, memento=[memento.timegate], delay=0, retries=0, timeout=3)
    assert_told_as_an_edit(result, "archive")


def test_the_text_output_explains_every_flag(web_warc, tmp_path):
    db = str(tmp_path / "t.db")
    trace(BOARD, CLAIM, db=db, archives=[web_warc("edited-after-citation-archive")], offline=True)
    out = CliRunner().invoke(cli, ["trace", LEDGER, "--claim", CLAIM, "--archive", str(web_warc("edited-after-citation")),
                                   "--offline", "--db", db])
    assert out.exit_code == 0, out.output
    md = CliRunner().invoke(cli, ["report", "--last", "--db", db]).stdout
    assert "edited-after-citation" in md and "no explanation recorded" not in md


def test_a_verdict_says_when_a_hop_was_read_from_a_web_archive(web_warc, tmp_path):
    rot = load_web("rot-dead")
    with MementoServer([web_warc("rot-dead-archive")]) as memento:
        result = trace(rot.start_url, rot.claim, db=str(tmp_path / "t.db"), archives=[web_warc("rot-dead")],
                       allow_private=True, memento=[memento.timegate], delay=0, retries=0, timeout=3)
    assert "archived-copy" in result.hops[1].flags
    verdict = result.extra["credibility"]["verdict"]
    assert "Harbor Tribune was read from a web archive's copy of" in verdict
    assert "the live link is dead (404)" in verdict and "made before Daily Brief cited it" in verdict
