"""Silent edits: a claim sentence added to a page after another page cited it.

rot-edited is the web today: the Weekly Ledger (2022-02-14) cites a GreenWatch post whose
300-tonnes sentence came with a September update. The archive (rot-edited-archive, served by a
loopback Memento server) holds the post as it was in February and March, without it.
"""

from __future__ import annotations

import pytest

from memento_server import MementoServer
from tracer import store, trace
from tracer.web import archive
from tracer.page import read_page
from tracer.fixtures import load_web

WEB = load_web("rot-edited")
LEDGER = WEB.start_url
CLAIM = WEB.claim
GREENWATCH = "https://greenwatch.example/blog/river-cleanup-update/"
FAST = {"delay": 0, "retries": 0, "timeout": 3}


@pytest.fixture
def live(web_warc):
    return str(web_warc("rot-edited"))


def test_added_after_citation_found_in_an_archive_and_not_taken_as_origin(live, web_warc, tmp_path):
    with MementoServer([web_warc("rot-edited-archive")]) as memento:
        result = trace(LEDGER, CLAIM, db=str(tmp_path / "t.db"), archives=[live], allow_private=True,
                       memento=[memento.timegate], **FAST)
    assert [h.url for h in result.hops] == [LEDGER, GREENWATCH]
    green = result.hops[1]
    assert "added-after-citation" in green.flags and "added-after-citation" in result.flags
    changed = green.extra["changed_after_citation"]
    assert changed["before"] is None  # the sentence was not there when the Ledger cited the post
    assert "300 tonnes" in changed["after"] and changed["after"] == green.evidence
    assert changed["version_captured_at"] == "2022-02-10T09:00:00Z"  # closest before 2022-02-14
    assert changed["version_source"] == "archive" and changed["cited_on"] == "2022-02-14T07:00:00Z"
    assert changed["page_modified"] == "2022-09-30T16:00:00Z"
    # without the edit this post would be the origin (it cites nobody); with it, it is not
    assert result.origin.reason == "claim-not-found"
    stored = store.load_trace(store.open_db(tmp_path / "t.db"), result.id)
    assert stored.hops[1].extra["changed_after_citation"] == changed
    assert stored.origin.reason == "claim-not-found"


def test_added_after_citation_found_in_tracers_own_earlier_copy(live, web_warc, tmp_path):
    db = str(tmp_path / "t.db")
    # In March 2022 tracer read the post (here replayed from a WARC of that day) ...
    earlier = trace(GREENWATCH, CLAIM, db=db, archives=[web_warc("rot-edited-archive")], offline=True)
    assert earlier.origin.reason == "claim-not-found"
    # ... today the post carries the sentence; no archive is asked (offline), tracer's own copy says enough
    result = trace(LEDGER, CLAIM, db=db, archives=[live], offline=True)
    green = result.hops[1]
    changed = green.extra["changed_after_citation"]
    assert changed["version_source"] == "tracer-warc"
    assert changed["version_captured_at"] == "2022-03-01T09:00:00Z" and changed["before"] is None
    assert result.origin.reason == "claim-not-found"


def test_no_earlier_copy_leaves_the_page_as_origin(live, tmp_path):
    result = trace(LEDGER, CLAIM, db=str(tmp_path / "t.db"), archives=[live], offline=True)
    assert "added-after-citation" not in result.hops[1].flags
    assert result.origin.reason == "no-further-attribution" and result.origin.url == GREENWATCH


def test_changed_sentence_shows_both_versions():
    before_html = "<html><body><article><p>The river cleanup removed 200 tonnes of plastic waste from the banks in total." \
                  "</p><p>More weekends are planned.</p></article></body></html>"
    doc, _ = read_page(before_html, GREENWATCH)
    after = "The river cleanup removed 300 tonnes of plastic waste from the banks in total."
    assert archive.matching_sentence(doc, after) == \
        "The river cleanup removed 200 tonnes of plastic waste from the banks in total."
    assert archive.matching_sentence(doc, "Our volunteers met the mayor on Tuesday.") is None
    same, _ = read_page(before_html.replace("200", "300"), GREENWATCH)
    assert archive.matching_sentence(same, after) == after
